"""A party's timeline as the API shows it: one connection over everything that happened."""

import strawberry
from strawberry import relay

from gql.info import Info
from gql.schema.common import DateTime
from gql.schema.enums import CompletionOutcome, ContactOutcome, FollowUpStatus
from gql.schema.followups import FollowUp
from gql.schema.notifications import NotificationKind
from gql.schema.staff import Staff
from models.followups import ContactOutcome as ContactOutcomeModel
from models.notifications import NotificationKind as NotificationKindModel
from services import timelines
from services.timelines import Entry, EntryKind

TimelineEntryKind = EntryKind
strawberry.enum(TimelineEntryKind, name="TimelineEntryKind")

SUMMARIES = {
    EntryKind.FOLLOW_UP_CREATED: "Follow-up created",
    EntryKind.CONTACT_ATTEMPT: "Contact attempt",
    EntryKind.NOTE: "Note added",
    EntryKind.STATUS_CHANGED: "Status changed",
    EntryKind.COMPLETED: "Follow-up completed",
    EntryKind.RESCHEDULED: "Follow-up rescheduled",
    EntryKind.REASSIGNED: "Follow-up reassigned",
    EntryKind.NOTIFICATION: "Notification sent",
}


@strawberry.type(description="One thing that happened to a client or lead.")
class TimelineEntry:
    entry: strawberry.Private[Entry]

    @strawberry.field(description="Stable within the timeline: kind and row.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(f"{self.entry.kind.value}:{self.entry.row_id}")

    @strawberry.field
    def kind(self) -> TimelineEntryKind:
        return self.entry.kind

    @strawberry.field
    def at(self) -> DateTime:
        return self.entry.at

    @strawberry.field(description="A line a person can read, e.g. 'Contact attempt: …'.")
    def summary(self) -> str:
        subject = self.entry.follow_up_subject
        return f"{SUMMARIES[self.entry.kind]}: {subject}" if subject else SUMMARIES[self.entry.kind]

    @strawberry.field(description="The follow-up it concerns, if you may see it.")
    def follow_up(self, info: Info) -> FollowUp | None:
        return info.context.loaders.now_or_later("follow_up", self.entry.follow_up_id)

    @strawberry.field(description="That follow-up is open and past its due time now.")
    def follow_up_overdue(self) -> bool:
        return self.entry.follow_up_overdue

    @strawberry.field(description="Who did it (for notifications: who received it).")
    def actor(self, info: Info) -> Staff | None:
        return info.context.loaders.now_or_later("staff", self.entry.actor_id)

    @strawberry.field(description="A note's text or a contact attempt's notes.")
    def text(self) -> str | None:
        if self.entry.kind == EntryKind.NOTE:
            return self.entry.detail
        if self.entry.kind == EntryKind.CONTACT_ATTEMPT:
            return self.entry.extra
        return None

    @strawberry.field
    def contact_outcome(self) -> ContactOutcome | None:
        if self.entry.kind != EntryKind.CONTACT_ATTEMPT or self.entry.detail is None:
            return None
        return ContactOutcomeModel(self.entry.detail)

    @strawberry.field(description="For completions: the outcome recorded.")
    def completion_outcome(self) -> CompletionOutcome | None:
        return timelines.completion_outcome(self.entry)

    @strawberry.field
    def from_status(self) -> FollowUpStatus | None:
        return timelines.status_change(self.entry)[0]

    @strawberry.field
    def to_status(self) -> FollowUpStatus | None:
        return timelines.status_change(self.entry)[1]

    @strawberry.field(description="For reschedules: the due time before and after.")
    def previous_due_at(self) -> DateTime | None:
        return timelines.due_change(self.entry)[0]

    @strawberry.field
    def new_due_at(self) -> DateTime | None:
        return timelines.due_change(self.entry)[1]

    @strawberry.field
    def notification_kind(self) -> NotificationKind | None:
        if self.entry.kind != EntryKind.NOTIFICATION or self.entry.detail is None:
            return None
        return NotificationKindModel(self.entry.detail)

    @strawberry.field(description="A notification's title.")
    def title(self) -> str | None:
        return self.entry.extra if self.entry.kind == EntryKind.NOTIFICATION else None


@strawberry.type
class TimelineConnection(relay.Connection[TimelineEntry]):  # type: ignore[type-var]  # any type may be an edge's node (Relay spec); strawberry binds it to Node
    pass
