"""The GraphQL execution context, with shorter paths for the fields a list page is made of.

A page of 50 follow-ups is some 650 field executions, and graphql-core with Strawberry's
resolver chain spends more on each of them (a resolve info, argument conversion, the
awaitable checks, generic completion) than on what the field does. Two kinds of field are
answered more directly here:

- plain scalar fields read straight off the object (subject, status, dueAt);
- link fields (a follow-up's client, assignee, type), marked with `link()`, whose object
  the list has already loaded (Loaders.prefetch);
- the global `id` of a relay Node that keeps Strawberry's own way of making it.

Anything else, and any value these paths are unsure of, takes graphql-core's own path, so
results and errors are exactly as before.

A subscription event executes with fresh loaders (Context.for_event), and an event that
many subscribers receive alike carries a SharedExecution: the same operation with the
same variables is executed once for all of them.
"""

import json
from collections.abc import Awaitable
from typing import Any, cast

from graphql import (
    GraphQLField,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    is_leaf_type,
    is_non_null_type,
)
from graphql.execution import Executor
from graphql.execution.collect_fields import FieldDetailsList
from graphql.execution.executor import to_nodes
from graphql.pyutils import Path
from strawberry import relay
from strawberry.relay import GlobalID
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.schema.schema_converter import GraphQLCoreConverter

from gql.shared_execution import SharedExecution

# Private or undocumented names this module relies on; pyproject.toml pins both libraries
# to the minor versions tested, and tests/api/test_execution_differential.py compares
# every path with Strawberry's own execution. Check them when raising a bound.
# graphql-core:
#   Executor's hooks execute_field, execute_operation, build_per_event_executor,
#   build_resolve_info, complete_value, handle_field_error and its attributes
#   middleware_manager, variable_values.coerced, context_value, root_value, operation;
#   graphql.execution.collect_fields.FieldDetailsList; graphql.execution.executor.to_nodes.
# Strawberry:
#   strawberry.schema.schema.StrawberryGraphQLCoreExecutionContext;
#   GraphQLCoreConverter.DEFINITION_BACKREF (a field's StrawberryField, its metadata and
#   base_resolver.wrapped_func); the basic resolver's name "_get_basic_result";
#   relay.Node._id, resolve_id, resolve_typename, resolve_id_attr.

# Strawberry's resolver for a field with no resolver of its own: it only reads the attribute.
BASIC_RESOLVER = "_get_basic_result"
LINK = "followups.link"
NODE_ID = relay.Node._id.__func__
NODE_RESOLVE_ID = relay.Node.resolve_id.__func__  # type: ignore[attr-defined]
NODE_RESOLVE_TYPENAME = relay.Node.resolve_typename.__func__  # type: ignore[attr-defined]


def link(loader: str, attribute: str) -> dict[str, tuple[str, str]]:
    """Field metadata: the field is the object `loader` loads by the id in `attribute`."""
    return {LINK: (loader, attribute)}


def link_of(field: GraphQLField) -> tuple[str, str] | None:
    definition = field.extensions.get(GraphQLCoreConverter.DEFINITION_BACKREF)
    return definition.metadata.get(LINK) if definition is not None else None


def is_plain_node_id(field: GraphQLField, source: Any) -> bool:
    """Whether the field is a Node's `id`, made the way Strawberry's Node makes it."""
    definition = field.extensions.get(GraphQLCoreConverter.DEFINITION_BACKREF)
    resolver = definition.base_resolver if definition is not None else None
    return (
        resolver is not None
        and getattr(resolver.wrapped_func, "__func__", None) is NODE_ID
        and isinstance(source, relay.Node)
        and type(source).resolve_id.__func__ is NODE_RESOLVE_ID  # type: ignore[attr-defined]
        and type(source).resolve_typename.__func__ is NODE_RESOLVE_TYPENAME  # type: ignore[attr-defined]
        and is_non_null_type(field.type)
    )


def _variables_key(executor: Executor) -> str:
    return json.dumps(executor.variable_values.coerced, sort_keys=True, default=repr)


class ExecutionContext(StrawberryGraphQLCoreExecutionContext):
    def build_per_event_executor(self, payload: Any) -> Executor:
        executor = super().build_per_event_executor(payload)
        for_event = getattr(self.context_value, "for_event", None)
        if for_event is not None:
            executor.context_value = for_event()
        return executor

    def execute_operation(self, serially: bool | None = None) -> Any:
        shared = getattr(self.root_value, "shared_execution", None)
        if not isinstance(shared, SharedExecution):
            return super().execute_operation(serially)
        execute = super().execute_operation
        return shared.result(self.operation, _variables_key(self), lambda: execute(serially))

    def execute_field(
        self,
        parent_type: GraphQLObjectType,
        source: Any,
        field_details_list: FieldDetailsList,
        path: Path,
        position_context: Any,
    ) -> Any:
        field = self.schema.get_field(parent_type, field_details_list[0].node.name.value)
        if field is not None and field.resolve is not None and not self._has_middleware():
            if getattr(field.resolve, "__name__", "") == BASIC_RESOLVER:
                value = self._scalar(field, source)
                if value is not None:
                    return value
            elif is_plain_node_id(field, source):
                id_type = cast("GraphQLNonNull[GraphQLScalarType]", field.type)  # checked there
                return id_type.of_type.coerce_output_value(
                    GlobalID(parent_type.name, str(getattr(source, source.resolve_id_attr())))
                )
            elif (found := link_of(field)) is not None:
                loaded = self.context_value.loaders.now_or_later(
                    found[0], getattr(source, found[1])
                )
                if not self.is_awaitable(loaded):
                    return self._complete(
                        field, parent_type, loaded, field_details_list, path, position_context
                    )
        return super().execute_field(
            parent_type, source, field_details_list, path, position_context
        )

    def _has_middleware(self) -> bool:
        """Strawberry always passes a manager; it has middleware only for resolve hooks."""
        return bool(self.middleware_manager and self.middleware_manager.middlewares)

    @staticmethod
    def _scalar(field: GraphQLField, source: Any) -> Any:
        """The serialized value of a plain scalar field, or None to leave it to graphql-core."""
        leaf = field.type.of_type if is_non_null_type(field.type) else field.type
        if not is_leaf_type(leaf):
            return None
        value = field.resolve(source, None)  # type: ignore[misc]
        if value is None or isinstance(value, Exception):
            return None
        try:
            return leaf.coerce_output_value(value)
        except Exception:  # graphql-core's path reports it at its path
            return None

    def _complete(
        self,
        field: GraphQLField,
        parent_type: GraphQLObjectType,
        value: Any,
        field_details_list: FieldDetailsList,
        path: Path,
        position_context: Any,
    ) -> Any:
        """graphql-core's completion of a resolved value, with its error handling."""
        info = self.build_resolve_info(field, to_nodes(field_details_list), parent_type, path)
        try:
            completed = self.complete_value(
                field.type, field_details_list, info, path, value, position_context
            )
        except Exception as raw_error:
            self.handle_field_error(raw_error, field.type, field_details_list, path)
            return None
        if self.is_awaitable(completed):
            return self._await_completed(completed, field, field_details_list, path)
        return completed

    async def _await_completed(
        self,
        completed: Awaitable[Any],
        field: GraphQLField,
        field_details_list: FieldDetailsList,
        path: Path,
    ) -> Any:
        try:
            return await completed
        except Exception as raw_error:
            self.handle_field_error(raw_error, field.type, field_details_list, path)
            return None
