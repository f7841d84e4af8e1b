"""One execution of a subscription event's selection for every subscriber who receives
the event alike (gql.execution.ExecutionContext.execute_operation asks it)."""

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from graphql import OperationDefinitionNode


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
