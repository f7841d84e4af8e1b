"""The bulk follow-up mutation: parse the one action, call services.bulk, shape each result."""

from typing import Any

import strawberry

from gql.info import Info
from gql.resolvers.payloads import payload
from gql.schema.bulk import BulkFollowUpInput, BulkItemResult, BulkUpdatePayload, BulkUpdateResult
from gql.schema.common import datetime_input, decode_id, error_member
from gql.schema.followups import FollowUp
from gql.schema.rows import build
from services import bulk
from services.errors import ValidationFailed

ACTION_FIELDS = ("start", "complete", "cancel", "assigneeId", "reschedule", "priority")


def _action(input: BulkFollowUpInput) -> bulk.Action:
    given = [
        value
        for value in (
            input.start,
            input.complete,
            input.cancel,
            input.assignee_id,
            input.reschedule,
            input.priority,
        )
        if value is not None
    ]
    if len(given) != 1:
        raise ValidationFailed(
            "input", f"Give exactly one action of {', '.join(ACTION_FIELDS)}; {len(given)} given."
        )
    if input.start is not None:
        if not input.start:
            raise ValidationFailed("start", "Give start: true to start each follow-up.")
        return bulk.Start()
    if input.complete is not None:
        return bulk.Complete(input.complete.completion())
    if input.cancel is not None:
        return bulk.Cancel(input.cancel.reason)
    if input.assignee_id is not None:
        return bulk.Delegate(decode_id(input.assignee_id, "Staff", "assigneeId"))
    if input.reschedule is not None:
        move = input.reschedule
        due_at = None if move.due_at is None else datetime_input(move.due_at, "dueAt")
        return bulk.Reschedule(due_at, move.shift_days, move.shift_minutes)
    assert input.priority is not None  # the one action given
    return bulk.SetPriority(input.priority)


async def _run(ids: list[strawberry.ID], input: BulkFollowUpInput, caller: Any) -> BulkUpdateResult:
    bulk.check_batch(len(ids))
    action = _action(input)
    given: dict[str, int | ValidationFailed] = {}
    for raw in dict.fromkeys(str(value) for value in ids):
        try:
            given[raw] = decode_id(raw, "FollowUp", "ids")
        except ValidationFailed as error:
            given[raw] = error
    outcomes = {
        outcome.follow_up_id: outcome
        for outcome in await bulk.bulk_update(
            caller, [pk for pk in given.values() if isinstance(pk, int)], action
        )
    }
    results = []
    seen: set[int] = set()
    for raw, pk in given.items():
        if isinstance(pk, ValidationFailed):
            member: Any = error_member(pk)
        elif pk in seen:
            continue  # the same follow-up under another spelling of its id
        else:
            seen.add(pk)
            outcome = outcomes[pk]
            member = (
                build(FollowUp, outcome.follow_up)
                if outcome.error is None
                else error_member(outcome.error)
            )
        results.append(BulkItemResult(id=strawberry.ID(raw), result=member))
    succeeded = sum(isinstance(item.result, FollowUp) for item in results)
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
