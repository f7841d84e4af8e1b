"""Bulk follow-up changes as the API shows them: one action, a result per id."""

from typing import Annotated

import strawberry

from gql.schema.common import DateTime, PermissionError, ValidationError
from gql.schema.enums import Priority
from gql.schema.followups import CompleteFollowUpInput, FollowUpPayload


@strawberry.input
class BulkCancelInput:
    reason: str | None = None


@strawberry.input(
    description="Either dueAt for all, or a shift of each one's own due time "
    "(shiftDays counts calendar days in your time zone, keeping the wall-clock time)."
)
class BulkRescheduleInput:
    due_at: DateTime | None = None
    shift_days: int = 0
    shift_minutes: int = 0


@strawberry.input(description="Exactly one action, applied to each follow-up as its own change.")
class BulkFollowUpInput:
    start: bool | None = strawberry.field(default=None, description="true: start each one.")
    complete: CompleteFollowUpInput | None = None
    cancel: BulkCancelInput | None = None
    assignee_id: strawberry.ID | None = strawberry.field(
        default=None, description="Delegates each one to this staff member."
    )
    reschedule: BulkRescheduleInput | None = None
    priority: Priority | None = None


@strawberry.type(description="What happened to one of the ids: the follow-up or the error.")
class BulkItemResult:
    id: strawberry.ID
    result: FollowUpPayload


@strawberry.type
class BulkUpdateResult:
    results: list[BulkItemResult] = strawberry.field(description="One per distinct id, in order.")
    succeeded: int
    failed: int


BulkUpdatePayload = Annotated[
    BulkUpdateResult | ValidationError | PermissionError,
    strawberry.union("BulkUpdatePayload"),
]
