"""The GraphQL execution context, with a shorter path for plain scalar fields.

A list page is mostly scalar fields read straight off an object (subject, status, dueAt),
and graphql-core spends more on each of them (a resolve info, the awaitable checks, the
generic completion) than on anything the field does. Those fields are answered here
directly; anything else, and any value that is not a plain non-null scalar, takes the
normal path, so errors are reported exactly as before.
"""

from typing import Any

from graphql import GraphQLObjectType, is_leaf_type, is_non_null_type
from graphql.execution.collect_fields import FieldDetailsList
from graphql.pyutils import Path
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

# Strawberry's resolver for a field with no resolver of its own: it only reads the attribute.
BASIC_RESOLVER = "_get_basic_result"


class ExecutionContext(StrawberryGraphQLCoreExecutionContext):
    def execute_field(
        self,
        parent_type: GraphQLObjectType,
        source: Any,
        field_details_list: FieldDetailsList,
        path: Path,
        position_context: Any,
    ) -> Any:
        field = self.schema.get_field(parent_type, field_details_list[0].node.name.value)
        resolve = field.resolve if field is not None else None
        if resolve is not None and getattr(resolve, "__name__", "") == BASIC_RESOLVER:
            leaf = field.type.of_type if is_non_null_type(field.type) else field.type
            if is_leaf_type(leaf) and self.middleware_manager is None:
                value = resolve(source, None)
                if value is not None and not isinstance(value, Exception):
                    try:
                        coerced = leaf.coerce_output_value(value)
                    except Exception:  # the normal path below reports it at its path
                        coerced = None
                    if coerced is not None:
                        return coerced
        return super().execute_field(
            parent_type, source, field_details_list, path, position_context
        )
