"""Schema extensions of our own: anonymous callers may only log in, and once per request."""

from collections.abc import Iterator

from graphql import (
    FieldNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    NoSchemaIntrospectionCustomRule,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationRule,
)
from strawberry.extensions import SchemaExtension

from gql.errors import QUERY_TOO_COMPLEX, UNAUTHENTICATED
from runtime.settings import get_settings

ANONYMOUS_FIELDS = frozenset({"login", "refreshToken", "__typename"})
ONCE_PER_REQUEST = frozenset({"login", "refreshToken"})


def _root_fields(rule: ValidationRule, selection_set: SelectionSetNode) -> Iterator[FieldNode]:
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            yield selection
        elif isinstance(selection, InlineFragmentNode):
            yield from _root_fields(rule, selection.selection_set)
        elif isinstance(selection, FragmentSpreadNode):
            fragment = rule.context.get_fragment(selection.name.value)
            if fragment is not None:
                yield from _root_fields(rule, fragment.selection_set)


def anonymous_rule(reason: str) -> type[ValidationRule]:
    """A validation rule refusing every root field but login, with the reason there is no caller."""

    class AnonymousFieldsOnly(ValidationRule):
        def enter_operation_definition(self, node: OperationDefinitionNode, *_: object) -> None:
            for field in _root_fields(self, node.selection_set):
                if field.name.value not in ANONYMOUS_FIELDS:
                    self.report_error(
                        GraphQLError(reason, field, extensions={"code": UNAUTHENTICATED})
                    )

    return AnonymousFieldsOnly


class AnonymousGate(SchemaExtension):
    """Also refuses introspection to everyone where it is off (production, by default)."""

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context.context
        if not get_settings().introspection_enabled:
            self.execution_context.validation_rules = (
                *self.execution_context.validation_rules,
                NoSchemaIntrospectionCustomRule,
            )
        if getattr(context, "caller", None) is None:
            reason = getattr(context, "auth_failure", None) or (
                "Log in first: send 'Authorization: Bearer <accessToken>' from the login mutation."
            )
            self.execution_context.validation_rules = (
                *self.execution_context.validation_rules,
                anonymous_rule(reason),
            )
        yield


class OneLoginPerOperation(ValidationRule):
    """At most one login and one refreshToken per request: aliases would otherwise run many
    password checks (and password guesses across accounts) for the price of one request."""

    def enter_operation_definition(self, node: OperationDefinitionNode, *_: object) -> None:
        seen: set[str] = set()
        for field in _root_fields(self, node.selection_set):
            name = field.name.value
            if name not in ONCE_PER_REQUEST:
                continue
            if name in seen:
                self.report_error(
                    GraphQLError(
                        f"Only one '{name}' per request.",
                        field,
                        extensions={"code": QUERY_TOO_COMPLEX},
                    )
                )
                return
            seen.add(name)
