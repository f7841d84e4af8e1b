"""Notifications, reminders, deliveries and preferences as the API shows them."""

from datetime import datetime
from enum import Enum
from typing import TYPE_CHECKING, Annotated, Any, ClassVar

import strawberry
from strawberry import relay

from gql.info import Info
from gql.schema.common import DateTime, LoadedNode, PermissionError, ValidationError
from models.notifications import NotificationKind as NotificationKindModel

if TYPE_CHECKING:
    from gql.schema.followups import FollowUp

FollowUpRef = Annotated["FollowUp", strawberry.lazy("gql.schema.followups")]

NotificationKind = NotificationKindModel
strawberry.enum(NotificationKind, name="NotificationKind")


@strawberry.enum
class Channel(Enum):
    IN_APP = "in_app"
    EMAIL = "email"
    SMS = "sms"
    WHATSAPP = "whatsapp"
    PUSH = "push"


def channel_values(channels: list[Channel] | None) -> list[str] | None:
    return None if channels is None else [channel.value for channel in channels]


def channels_of(values: list[str]) -> list[Channel]:
    return [Channel(value) for value in values if value in Channel._value2member_map_]


@strawberry.type(description="A reminder N minutes before the follow-up is due.")
class Reminder:
    id: strawberry.ID
    fire_at: DateTime
    offset_minutes: int
    status: str = strawberry.field(description="scheduled, sent, cancelled or failed.")
    sent_at: DateTime | None
    channel_values: strawberry.Private[list[str]]

    @strawberry.field
    def channels(self) -> list[Channel]:
        return channels_of(self.channel_values)


def reminder_from_model(row: Any) -> Reminder:
    return Reminder(
        id=strawberry.ID(str(row.id)),
        fire_at=row.fire_at,
        offset_minutes=row.offset_minutes,
        status=row.status.value,
        sent_at=row.sent_at,
        channel_values=list(row.channels),
    )


@strawberry.input
class ReminderInput:
    offset_minutes: int = strawberry.field(description="Minutes before the due time (0 = at it).")
    channels: list[Channel] | None = strawberry.field(
        default=None, description="Omitted: the assignee's default reminder channels."
    )


@strawberry.type(description="One outbound message of a notification, with its retries.")
class Delivery:
    id: strawberry.ID
    channel: str
    status: str = strawberry.field(description="queued, sending, sent or failed.")
    attempts: int
    last_error: str | None
    send_after: DateTime = strawberry.field(description="Held until then: quiet hours, backoff.")
    sent_at: DateTime | None


@strawberry.type
class Notification(LoadedNode):
    loader_name: ClassVar[str] = "notification"
    id: relay.NodeID[int]
    kind: NotificationKind
    title: str
    body: str | None
    created_at: DateTime
    read_at: DateTime | None
    follow_up_id: strawberry.Private[int | None]

    @strawberry.field
    def follow_up(self, info: Info) -> FollowUpRef | None:
        return info.context.loaders.now_or_later("follow_up", self.follow_up_id)

    @strawberry.field(description="Email, SMS, WhatsApp and push deliveries and their state.")
    async def deliveries(self, info: Info) -> list[Delivery]:
        rows = await info.context.loaders.deliveries.load(self.id)
        return [
            Delivery(
                id=strawberry.ID(str(row.id)),
                channel=row.channel.split(":", 1)[0],
                status=row.status.value,
                attempts=row.attempts,
                last_error=row.last_error,
                send_after=row.send_after,
                sent_at=row.sent_at,
            )
            for row in rows
        ]


@strawberry.type
class NotificationConnection(relay.Connection[Notification]):
    total_count: int
    unread_count: int


@strawberry.type
class ChannelChoice:
    kind: NotificationKind
    channels: list[Channel]


@strawberry.type
class NotificationPreferences:
    reminder_offsets: list[int] = strawberry.field(
        description="Default reminders, minutes before the due time (1440 = a day)."
    )
    reminder_channels: list[Channel]
    channels: list[ChannelChoice] = strawberry.field(description="Channels per notification kind.")
    quiet_start: str | None = strawberry.field(description="Local time, e.g. 22:00.")
    quiet_end: str | None
    digest_enabled: bool
    digest_hour: int
    digest_days: list[int] = strawberry.field(description="0 = Monday … 6 = Sunday.")


@strawberry.input
class ChannelChoiceInput:
    kind: NotificationKind
    channels: list[Channel]


@strawberry.input
class NotificationPreferencesInput:
    reminder_offsets: list[int] | None = None
    reminder_channels: list[Channel] | None = None
    channels: list[ChannelChoiceInput] | None = None
    quiet_start: str | None = strawberry.UNSET
    quiet_end: str | None = strawberry.UNSET
    digest_enabled: bool | None = None
    digest_hour: int | None = None
    digest_days: list[int] | None = None


PreferencesPayload = Annotated[
    NotificationPreferences | ValidationError, strawberry.union("NotificationPreferencesPayload")
]


@strawberry.type
class PushSubscriptionResult:
    id: strawberry.ID
    endpoint: str
    created_at: datetime


PushSubscriptionPayload = Annotated[
    PushSubscriptionResult | ValidationError | PermissionError,
    strawberry.union("PushSubscriptionPayload"),
]
