"""Follow-up queries and mutations: decode ids, call services, shape the payload."""

from typing import Annotated, TypeVar

import strawberry
from strawberry import relay

from gql.connections import effective_filter, follow_up_connection
from gql.info import Info
from gql.resolvers.payloads import payload
from gql.schema.common import (
    DateTime,
    NotFoundError,
    PermissionError,
    ValidationError,
    datetime_input,
    decode_id,
    optional_id,
)
from gql.schema.enums import ContactOutcome
from gql.schema.followups import (
    CompleteFollowUpInput,
    CreateFollowUpInput,
    FollowUp,
    FollowUpConnection,
    FollowUpFilter,
    FollowUpOrder,
    FollowUpPayload,
    FollowUpType,
    UpdateFollowUpInput,
    link_ids,
    reminder_specs,
)
from gql.schema.notifications import ReminderInput
from gql.schema.rows import build
from services import followup_types, followups
from services.followups import FollowUpDraft, FollowUpUpdate
from services.unset import UNSET, Unset

FollowUpTypePayload = Annotated[
    FollowUpType | ValidationError | NotFoundError | PermissionError,
    strawberry.union("FollowUpTypePayload"),
]

T = TypeVar("T")


def _shape(row: object) -> FollowUp:
    return build(FollowUp, row)


def _id(value: strawberry.ID) -> int:
    return decode_id(value, "FollowUp", "id")


def _given(value: T) -> T | Unset:
    return UNSET if value is strawberry.UNSET else value


@strawberry.type
class FollowUpsQuery:
    node: relay.Node | None = relay.node()

    @strawberry.field
    async def follow_up(self, info: Info, id: strawberry.ID) -> FollowUp | None:
        info.context.require_caller()
        return await info.context.loaders.follow_up.load(_id(id))

    @strawberry.field(description="Follow-ups you may see, filtered, ordered (due time first).")
    async def follow_ups(
        self,
        info: Info,
        filter: FollowUpFilter | None = None,
        order_by: FollowUpOrder | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
        saved_filter_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(
                description="Applies a saved filter; fields given in `filter` replace its own."
            ),
        ] = None,
    ) -> FollowUpConnection:
        filter = await effective_filter(info, filter, saved_filter_id)
        return await follow_up_connection(info, filter, order_by, first, after, last, before)

    @strawberry.field
    async def follow_up_types(
        self, info: Info, include_archived: bool = False
    ) -> list[FollowUpType]:
        caller = info.context.require_caller()
        rows = await followup_types.list_types(caller, include_archived)
        return [build(FollowUpType, row) for row in rows]


@strawberry.type
class FollowUpsMutation:
    @strawberry.mutation
    async def create_follow_up(self, info: Info, input: CreateFollowUpInput) -> FollowUpPayload:
        caller = info.context.require_caller()

        def draft() -> FollowUpDraft:
            return FollowUpDraft(
                subject=input.subject,
                type_key=input.type_key,
                due_at=datetime_input(input.due_at, "dueAt"),
                description=input.description,
                priority=input.priority,
                assignee_id=optional_id(input.assignee_id, "Staff", "assigneeId"),
                links=link_ids(input),
                is_primary=input.is_primary,
                notes=input.notes,
                idempotency_key=input.idempotency_key,
                reminders=reminder_specs(input.reminders),
            )

        return await payload(lambda: followups.create_follow_up(caller, draft()), _shape)

    @strawberry.mutation(description="Changes fields; a stale expectedVersion gets ConflictError.")
    async def update_follow_up(
        self,
        info: Info,
        id: strawberry.ID,
        input: UpdateFollowUpInput,
        expected_version: int | None = None,
    ) -> FollowUpPayload:
        caller = info.context.require_caller()

        def change() -> FollowUpUpdate:
            return FollowUpUpdate(
                subject=_given(input.subject),
                description=_given(input.description),
                type_key=_given(input.type_key),
                priority=_given(input.priority),
                notes=_given(input.notes),
                referral_opportunity=_given(input.referral_opportunity),
                has_issue=_given(input.has_issue),
                issue_summary=_given(input.issue_summary),
                links=link_ids(input),
            )

        return await payload(
            lambda: followups.update(caller, _id(id), change(), expected_version), _shape
        )

    @strawberry.mutation(description="PENDING or MISSED to IN_PROGRESS.")
    async def start_follow_up(self, info: Info, id: strawberry.ID) -> FollowUpPayload:
        caller = info.context.require_caller()
        return await payload(lambda: followups.start(caller, _id(id)), _shape)

    @strawberry.mutation
    async def log_contact_attempt(
        self, info: Info, id: strawberry.ID, outcome: ContactOutcome, notes: str | None = None
    ) -> FollowUpPayload:
        caller = info.context.require_caller()
        return await payload(
            lambda: followups.log_contact_attempt(caller, _id(id), outcome, notes), _shape
        )

    @strawberry.mutation(description="COMPLETED, or CLOSED_WITH_ISSUE while an issue is open.")
    async def complete_follow_up(
        self, info: Info, id: strawberry.ID, input: CompleteFollowUpInput
    ) -> FollowUpPayload:
        caller = info.context.require_caller()
        completion = input.completion()
        return await payload(lambda: followups.complete(caller, _id(id), completion), _shape)

    @strawberry.mutation(
        description="Marks the open issue of a CLOSED_WITH_ISSUE follow-up resolved."
    )
    async def resolve_follow_up_issue(
        self, info: Info, id: strawberry.ID, notes: str | None = None
    ) -> FollowUpPayload:
        caller = info.context.require_caller()
        return await payload(lambda: followups.resolve_issue(caller, _id(id), notes), _shape)

    @strawberry.mutation
    async def cancel_follow_up(
        self, info: Info, id: strawberry.ID, reason: str | None = None
    ) -> FollowUpPayload:
        caller = info.context.require_caller()
        return await payload(lambda: followups.cancel(caller, _id(id), reason), _shape)

    @strawberry.mutation
    async def reschedule_follow_up(
        self, info: Info, id: strawberry.ID, due_at: DateTime
    ) -> FollowUpPayload:
        caller = info.context.require_caller()
        return await payload(
            lambda: followups.reschedule(caller, _id(id), datetime_input(due_at, "dueAt")), _shape
        )

    @strawberry.mutation
    async def delegate_follow_up(
        self, info: Info, id: strawberry.ID, assignee_id: strawberry.ID
    ) -> FollowUpPayload:
        caller = info.context.require_caller()
        return await payload(
            lambda: followups.delegate(
                caller, _id(id), decode_id(assignee_id, "Staff", "assigneeId")
            ),
            _shape,
        )

    @strawberry.mutation(
        description="Replaces the reminders of an open follow-up (null: defaults)."
    )
    async def set_follow_up_reminders(
        self, info: Info, id: strawberry.ID, reminders: list[ReminderInput] | None
    ) -> FollowUpPayload:
        caller = info.context.require_caller()
        return await payload(
            lambda: followups.set_reminders(caller, _id(id), reminder_specs(reminders)), _shape
        )

    @strawberry.mutation
    async def add_follow_up_note(self, info: Info, id: strawberry.ID, body: str) -> FollowUpPayload:
        caller = info.context.require_caller()
        return await payload(lambda: followups.add_note(caller, _id(id), body), _shape)

    @strawberry.mutation(description="Admins: a custom follow-up type.")
    async def create_follow_up_type(
        self, info: Info, key: str, name: str, requires_contact: bool = False
    ) -> FollowUpTypePayload:
        caller = info.context.require_caller()
        return await payload(
            lambda: followup_types.create_type(caller, key, name, requires_contact),
            lambda row: build(FollowUpType, row),
        )

    @strawberry.mutation(
        description="Admins: rename a type or change a custom type's contact rule."
    )
    async def update_follow_up_type(
        self,
        info: Info,
        id: strawberry.ID,
        name: str | None = None,
        requires_contact: bool | None = None,
    ) -> FollowUpTypePayload:
        caller = info.context.require_caller()
        return await payload(
            lambda: followup_types.update_type(
                caller, decode_id(id, "FollowUpType", "id"), name, requires_contact
            ),
            lambda row: build(FollowUpType, row),
        )

    @strawberry.mutation(description="Admins: archived types stay on old follow-ups, not on new.")
    async def archive_follow_up_type(
        self, info: Info, id: strawberry.ID, archived: bool = True
    ) -> FollowUpTypePayload:
        caller = info.context.require_caller()
        return await payload(
            lambda: followup_types.set_archived(
                caller, decode_id(id, "FollowUpType", "id"), archived
            ),
            lambda row: build(FollowUpType, row),
        )
