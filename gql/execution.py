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

import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import Any, cast

from graphql import (
    GraphQLField,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    OperationDefinitionNode,
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


class SharedExecution:
    """Results of one subscription event for everyone who receives it alike (the same
    event and visibility.sharing_key): per operation and variables, the first subscriber
    executes and the others take its result. 2,000 sockets watching one board cost one
    execution per distinct query instead of 2,000 (bench.fanout)."""

    def __init__(self) -> None:
        # Keyed by the operation's id(); the entry holds the operation, so while the entry
        # lives no other operation can take that id.
        self.results: dict[tuple[int, str], tuple[OperationDefinitionNode, Any]] = {}

    def result(
        self, operation: OperationDefinitionNode, variables: str, execute: Callable[[], Any]
    ) -> Any:
        key = (id(operation), variables)
        if key not in self.results:
            result = execute()
            if isinstance(result, Awaitable):
                # Its own task: a subscriber that goes away must not cancel the others' result.
                result = asyncio.ensure_future(result)
            self.results[key] = (operation, result)
        result = self.results[key][1]
        return asyncio.shield(result) if isinstance(result, asyncio.Future) else result


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
