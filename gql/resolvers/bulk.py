"""The bulk follow-up mutation: parse the one action, call services.bulk, shape each result."""

from collections.abc import Callable
from typing import Any, TypeVar

import strawberry

from gql.info import Info
from gql.resolvers.payloads import payload
from gql.schema.bulk import (
    BulkFollowUpInput,
    BulkItemResult,
    BulkRescheduleInput,
    BulkUpdatePayload,
    BulkUpdateResult,
)
from gql.schema.common import datetime_input, decode_id, error_member
from gql.schema.followups import FollowUp
from gql.schema.rows import build
from services import bulk

V = TypeVar("V")


def _action(input: BulkFollowUpInput) -> bulk.Action:
    return bulk.one_action(
        {
            "start": _given(input.start, bulk.Start),
            "complete": _given(input.complete, lambda value: bulk.Complete(value.completion())),
            "cancel": _given(input.cancel, lambda value: bulk.Cancel(value.reason)),
            "assigneeId": _given(input.assignee_id, _delegate),
            "reschedule": _given(input.reschedule, _reschedule),
            "priority": _given(input.priority, bulk.SetPriority),
        }
    )


def _given(value: V | None, make: Callable[[V], bulk.Action]) -> Callable[[], bulk.Action] | None:
    """An action the input gives, read (ids, times decoded) only once it is the one."""
    return None if value is None else lambda: make(value)


def _delegate(assignee_id: strawberry.ID) -> bulk.Delegate:
    return bulk.Delegate(decode_id(assignee_id, "Staff", "assigneeId"))


def _reschedule(move: BulkRescheduleInput) -> bulk.Reschedule:
    due_at = None if move.due_at is None else datetime_input(move.due_at, "dueAt")
    return bulk.Reschedule(due_at, move.shift_days, move.shift_minutes)


def _follow_up_id(value: str) -> int:
    return decode_id(value, "FollowUp", "ids")


async def _run(ids: list[strawberry.ID], input: BulkFollowUpInput, caller: Any) -> BulkUpdateResult:
    given = [str(value) for value in ids]
    outcomes = await bulk.bulk_update(caller, given, _action(input), _follow_up_id)
    results = [
        BulkItemResult(
            id=strawberry.ID(outcome.given_id),
            result=build(FollowUp, outcome.follow_up)
            if outcome.error is None
            else error_member(outcome.error),
        )
        for outcome in outcomes
    ]
    succeeded = sum(outcome.error is None for outcome in outcomes)
    return BulkUpdateResult(results=results, succeeded=succeeded, failed=len(results) - succeeded)


@strawberry.type
class BulkMutation:
    @strawberry.mutation(
        description=f"One action on up to {bulk.MAX_IDS} follow-ups, each its own atomic change "
        "under the same rules as the single mutation; a result per id."
    )
    async def bulk_update_follow_ups(
        self, info: Info, ids: list[strawberry.ID], input: BulkFollowUpInput
    ) -> BulkUpdatePayload:
        caller = info.context.require_caller()
        return await payload(lambda: _run(ids, input, caller), lambda result: result)
