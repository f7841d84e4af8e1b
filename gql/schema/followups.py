"""Follow-ups as the API shows them: the types, their inputs, filters and the connection type."""

from collections.abc import Awaitable, Callable
from enum import Enum
from typing import Annotated, Any, ClassVar, TypeVar

import strawberry
from strawberry import relay
from strawberry.types import get_object_definition

from gql.execution import LINK, link
from gql.info import Info, selected_names
from gql.schema.common import (
    ConflictError,
    DateTime,
    LoadedNode,
    NotFoundError,
    PermissionError,
    TransitionError,
    ValidationError,
    decode_id,
    id_list,
    optional_datetime,
)
from gql.schema.enums import (
    CompletionOutcome,
    ContactOutcome,
    FollowUpSortField,
    FollowUpStatus,
    Priority,
    SatisfactionOutcome,
)
from gql.schema.notifications import (
    Reminder,
    ReminderInput,
    channel_values,
    reminder_from_model,
)
from gql.schema.parties import Appointment, Client, Installer, Invoice, Lead, Matter
from gql.schema.staff import Staff
from gql.shared_execution import SharedExecution
from services import deadlines
from services.followup_queries import Criteria, Ordering
from services.followups import Completion
from services.links import BY_ID_FIELD, LINKS
from services.reminders import ReminderSpec

T = TypeVar("T")


def link_field(id_field: str) -> Any:
    """A follow-up's linked row (services.links), loaded by the request's loader; marked as
    a link, so lists load it ahead for the whole page and the executor answers it at once."""
    entry = BY_ID_FIELD[id_field]

    def resolve(root: Any, info: Info) -> Any:
        return info.context.loaders.now_or_later(entry.loader, getattr(root, entry.id_field))

    return strawberry.field(resolver=resolve, metadata=link(entry.loader, entry.id_field))


def with_link_ids(default: Any) -> Callable[[type[T]], type[T]]:
    """Gives an input class an optional ID field per follow-up link (services.links), e.g.
    clientId, before strawberry.input reads the class: the inputs name every link."""

    def add(cls: type[T]) -> type[T]:
        for entry in LINKS:
            cls.__annotations__[entry.id_field] = strawberry.ID | None
            setattr(cls, entry.id_field, strawberry.field(default=default, name=entry.api_name))
        return cls

    return add


@strawberry.type
class FollowUpType(LoadedNode):
    loader_name: ClassVar[str] = "follow_up_type"
    id: relay.NodeID[int]
    key: str
    name: str
    requires_contact: bool = strawberry.field(
        description="Completing needs a logged contact attempt (calls, emails, meetings, checks)."
    )
    built_in: bool
    archived_at: DateTime | None

    @strawberry.field
    def archived(self) -> bool:
        return self.archived_at is not None


@strawberry.type
class FollowUpNote:
    id: strawberry.ID
    body: str
    created_at: DateTime
    author_id: strawberry.Private[int | None]

    @strawberry.field
    def author(self, info: Info) -> Staff | None:
        return info.context.loaders.now_or_later("staff", self.author_id)


@strawberry.type(description="One contact attempt: the history behind the follow-up's summary.")
class ContactAttempt:
    id: strawberry.ID
    outcome: ContactOutcome
    notes: str | None
    staff_email: str | None
    created_at: DateTime
    staff_id: strawberry.Private[int | None]

    @strawberry.field
    def staff(self, info: Info) -> Staff | None:
        return info.context.loaders.now_or_later("staff", self.staff_id)


@strawberry.type
class FieldChange:
    field: str
    before: strawberry.scalars.JSON | None
    after: strawberry.scalars.JSON | None


@strawberry.type(description="One change to a follow-up: who, what, when, values before and after.")
class FollowUpActivity:
    id: strawberry.ID
    action: str
    created_at: DateTime
    changes: strawberry.Private[dict[str, list[Any]]]
    actor_id: strawberry.Private[int | None]

    @strawberry.field(name="changes")
    def field_changes(self) -> list[FieldChange]:
        return [
            FieldChange(field=name, before=values[0], after=values[1])
            for name, values in sorted(self.changes.items())
        ]

    @strawberry.field
    def actor(self, info: Info) -> Staff | None:
        return info.context.loaders.now_or_later("staff", self.actor_id)


@strawberry.type
class FollowUp(LoadedNode):
    loader_name: ClassVar[str] = "follow_up"
    id: relay.NodeID[int]
    subject: str
    description: str | None
    status: FollowUpStatus
    priority: Priority
    due_at: DateTime
    started_at: DateTime | None
    completed_at: DateTime | None
    cancelled_at: DateTime | None
    cancel_reason: str | None
    is_primary: bool
    contact_attempt_count: int
    last_contacted_at: DateTime | None
    last_contacted_by_email: str | None
    last_contact_outcome: ContactOutcome | None
    outcome: CompletionOutcome | None
    satisfaction_outcome: SatisfactionOutcome | None
    has_issue: bool
    issue_summary: str | None
    issue_resolved: bool | None
    referral_opportunity: bool | None
    notes: str | None = strawberry.field(description="The record's free-text notes.")
    version: int = strawberry.field(description="Pass as expectedVersion to update safely.")
    created_at: DateTime
    updated_at: DateTime
    type_id: strawberry.Private[int]
    assignee_id: strawberry.Private[int | None]
    created_by_id: strawberry.Private[int | None]
    # A link (services.links) is declared twice here, its id and its field below: each
    # field has its own API type, which Strawberry reads from the class.
    client_id: strawberry.Private[int | None]
    lead_id: strawberry.Private[int | None]
    appointment_id: strawberry.Private[int | None]
    invoice_id: strawberry.Private[int | None]
    matter_id: strawberry.Private[int | None]
    installer_id: strawberry.Private[int | None]

    @strawberry.field(description="Due in the past and still open. Derived, never a status.")
    def is_overdue(self) -> bool:
        return deadlines.is_overdue(self.status, self.due_at)

    @strawberry.field(metadata=link("follow_up_type", "type_id"))
    def type(self, info: Info) -> FollowUpType:
        return info.context.loaders.now_or_later("follow_up_type", self.type_id)

    @strawberry.field(metadata=link("staff", "assignee_id"))
    def assignee(self, info: Info) -> Staff | None:
        return info.context.loaders.now_or_later("staff", self.assignee_id)

    @strawberry.field(metadata=link("staff", "created_by_id"))
    def created_by(self, info: Info) -> Staff | None:
        return info.context.loaders.now_or_later("staff", self.created_by_id)

    client: Client | None = link_field("client_id")
    lead: Lead | None = link_field("lead_id")
    appointment: Appointment | None = link_field("appointment_id")
    invoice: Invoice | None = link_field("invoice_id")
    matter: Matter | None = link_field("matter_id")
    installer: Installer | None = link_field("installer_id")

    @strawberry.field(description="Quick notes added over time, newest first.")
    async def note_entries(self, info: Info) -> list[FollowUpNote]:
        return await info.context.loaders.note_entries.load(self.id)

    @strawberry.field(description="Contact attempts, newest first.")
    async def contact_attempts(self, info: Info) -> list[ContactAttempt]:
        return await info.context.loaders.contact_attempts.load(self.id)

    @strawberry.field(description="Every change, newest first.")
    async def history(self, info: Info) -> list[FollowUpActivity]:
        return await info.context.loaders.history.load(self.id)

    @strawberry.field(description="Reminders in firing order, with their status.")
    async def reminders(self, info: Info) -> list[Reminder]:
        return [
            reminder_from_model(row) for row in await info.context.loaders.reminders.load(self.id)
        ]


@strawberry.type
class FollowUpConnection(relay.Connection[FollowUp]):
    count_rows: strawberry.Private[Callable[[], Awaitable[int]]]

    @strawberry.field(description="Rows matching the filter, on all pages.")
    async def total_count(self) -> int:
        return await self.count_rows()


FollowUpPayload = Annotated[
    FollowUp | ValidationError | NotFoundError | TransitionError | ConflictError | PermissionError,
    strawberry.union("FollowUpPayload"),
]


@strawberry.input
@with_link_ids(default=None)
class CreateFollowUpInput:
    subject: str
    type_key: str
    due_at: DateTime
    description: str | None = None
    priority: Priority = Priority.MEDIUM
    assignee_id: strawberry.ID | None = strawberry.field(
        default=None, description="Defaults to you."
    )
    is_primary: bool = strawberry.field(
        default=False, description="The one post-delivery follow-up of a delivered lead."
    )
    notes: str | None = None
    reminders: list[ReminderInput] | None = strawberry.field(
        default=None, description="Omitted: the assignee's default reminders."
    )
    idempotency_key: str | None = strawberry.field(
        default=None, description="A retried create with the same key returns the first result."
    )


@strawberry.input(description="Fields left out stay as they are; null clears an optional one.")
@with_link_ids(default=strawberry.UNSET)
class UpdateFollowUpInput:
    subject: str | None = strawberry.UNSET
    description: str | None = strawberry.UNSET
    type_key: str | None = strawberry.UNSET
    priority: Priority | None = strawberry.UNSET
    notes: str | None = strawberry.UNSET
    referral_opportunity: bool | None = strawberry.UNSET
    has_issue: bool | None = strawberry.UNSET
    issue_summary: str | None = strawberry.UNSET


@strawberry.input
class CompleteFollowUpInput:
    outcome: CompletionOutcome
    notes: str | None = None
    contact_outcome: ContactOutcome | None = strawberry.field(
        default=None, description="Logs a contact attempt with the completion."
    )
    satisfaction_outcome: SatisfactionOutcome | None = None
    has_issue: bool | None = None
    issue_summary: str | None = None
    referral_opportunity: bool | None = None

    def completion(self) -> Completion:
        return Completion(
            outcome=self.outcome,
            notes=self.notes,
            contact_outcome=self.contact_outcome,
            satisfaction_outcome=self.satisfaction_outcome,
            has_issue=self.has_issue,
            issue_summary=self.issue_summary,
            referral_opportunity=self.referral_opportunity,
        )


@strawberry.input
@with_link_ids(default=None)
class FollowUpFilter:
    status: list[FollowUpStatus] | None = None
    type_keys: list[str] | None = None
    priority: list[Priority] | None = None
    due_after: DateTime | None = None
    due_before: DateTime | None = None
    overdue: bool | None = None
    assignee_ids: list[strawberry.ID] | None = None
    has_issue: bool | None = None
    issue_resolved: bool | None = None
    satisfaction: list[SatisfactionOutcome] | None = None
    search: str | None = strawberry.field(
        default=None, description="Words in subject or description."
    )


@strawberry.enum
class FollowUpEventKind(Enum):
    CREATED = "CREATED"
    UPDATED = "UPDATED"
    STATUS_CHANGED = "STATUS_CHANGED"


@strawberry.enum
class SortDirection(Enum):
    ASC = "asc"
    DESC = "desc"


@strawberry.input
class FollowUpOrder:
    field: FollowUpSortField = FollowUpSortField.DUE_AT
    direction: SortDirection = SortDirection.ASC


def link_ids(source: Any) -> dict[str, int | None]:
    """Decoded link ids given on an input (UNSET ones left out)."""
    links: dict[str, int | None] = {}
    for entry in LINKS:
        value = getattr(source, entry.id_field)
        if value is strawberry.UNSET:
            continue
        links[entry.id_field] = (
            None if value is None else decode_id(value, entry.type_name, entry.api_name)
        )
    return links


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def criteria_from(filter: FollowUpFilter | None, forced: dict[str, int] | None = None) -> Criteria:
    criteria = Criteria(links=dict(forced or {}))
    if filter is None:
        return criteria
    criteria.statuses = filter.status
    criteria.type_keys = filter.type_keys
    criteria.priorities = filter.priority
    criteria.due_after = optional_datetime(filter.due_after, "dueAfter")
    criteria.due_before = optional_datetime(filter.due_before, "dueBefore")
    criteria.overdue = filter.overdue
    criteria.assignee_ids = id_list(filter.assignee_ids, "Staff", "assigneeIds")
    for name, value in link_ids(filter).items():
        if value is not None:
            criteria.links.setdefault(name, value)
    criteria.has_issue = filter.has_issue
    criteria.issue_resolved = filter.issue_resolved
    criteria.satisfaction = filter.satisfaction
    criteria.search = filter.search
    return criteria


def ordering_from(order_by: FollowUpOrder | None) -> Ordering:
    if order_by is None:
        return Ordering()
    return Ordering(order_by.field, order_by.direction == SortDirection.DESC)


def selected_links(info: Info, *path: str) -> dict[str, tuple[str, str]]:
    """The follow-up link fields the query selects at path below this field."""
    names = selected_names(info, path)
    return {
        name: field.metadata[LINK]
        for field in get_object_definition(FollowUp, strict=True).fields
        if LINK in field.metadata and (name := _camel(field.python_name)) in names
    }


def reminder_specs(values: list[ReminderInput] | None) -> list[ReminderSpec] | None:
    if values is None:
        return None
    return [ReminderSpec(value.offset_minutes, channel_values(value.channels)) for value in values]


@strawberry.type(description="A change to a follow-up you may see, as it happens.")
class FollowUpEvent:
    kind: FollowUpEventKind
    follow_up: FollowUp
    # Set when every subscriber with the same sharing key receives this very object.
    shared_execution: strawberry.Private[SharedExecution | None] = None
