"""The inbox, preferences, push registration, and the live subscriptions."""

from collections import deque
from collections.abc import AsyncGenerator
from typing import Any

import strawberry

from gql.connections import notification_connection
from gql.info import Info
from gql.loaders import Loaders, shared_events
from gql.resolvers.payloads import payload
from gql.schema.common import decode_id
from gql.schema.followups import FollowUpEvent, FollowUpFilter, criteria_from
from gql.schema.notifications import (
    ChannelChoice,
    Notification,
    NotificationConnection,
    NotificationKind,
    NotificationPreferences,
    NotificationPreferencesInput,
    PreferencesPayload,
    PushSubscriptionPayload,
    PushSubscriptionResult,
    channel_values,
    channels_of,
)
from models.staff import Staff
from runtime.bus import get_bus, org_channel
from runtime.settings import get_settings
from services import notifications, preferences, staff
from services.visibility import Caller

REMEMBERED_IDS = 2000


def _preferences(prefs: preferences.Preferences) -> NotificationPreferences:
    return NotificationPreferences(
        reminder_offsets=prefs.reminder_offsets,
        reminder_channels=channels_of(prefs.reminder_channels),
        channels=[
            ChannelChoice(
                kind=NotificationKind(kind), channels=channels_of(prefs.channels_for(kind))
            )
            for kind in preferences.KINDS
        ],
        quiet_start=prefs.quiet_start,
        quiet_end=prefs.quiet_end,
        digest_enabled=prefs.digest_enabled,
        digest_hour=prefs.digest_hour,
        digest_days=prefs.digest_days,
    )


def _changes(input: NotificationPreferencesInput) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    if input.reminder_offsets is not None:
        changes["reminder_offsets"] = input.reminder_offsets
    if input.reminder_channels is not None:
        changes["reminder_channels"] = channel_values(input.reminder_channels)
    if input.channels is not None:
        changes["channels"] = {c.kind.value: channel_values(c.channels) for c in input.channels}
    if input.quiet_start is not strawberry.UNSET:
        changes["quiet_start"] = input.quiet_start
    if input.quiet_end is not strawberry.UNSET:
        changes["quiet_end"] = input.quiet_end
    for name in ("digest_enabled", "digest_hour", "digest_days"):
        if getattr(input, name) is not None:
            changes[name] = getattr(input, name)
    return changes


@strawberry.type
class NotificationsQuery:
    @strawberry.field(description="Your inbox, newest first.")
    async def notifications(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        unread_only: bool = False,
        kinds: list[NotificationKind] | None = None,
    ) -> NotificationConnection:
        return await notification_connection(info, first, after, unread_only, kinds)

    @strawberry.field
    async def notification_preferences(self, info: Info) -> NotificationPreferences:
        caller = info.context.require_caller()
        member = await Staff.get(id=caller.staff_id)
        return _preferences(preferences.load(member.preferences))

    @strawberry.field(description="The VAPID public key browsers subscribe to push with.")
    def vapid_public_key(self, info: Info) -> str | None:
        info.context.require_caller()
        return get_settings().vapid_public_key or None


@strawberry.type
class NotificationsMutation:
    @strawberry.mutation(description="Marks your notifications read; returns how many changed.")
    async def mark_notifications_read(self, info: Info, ids: list[strawberry.ID]) -> int:
        caller = info.context.require_caller()
        keys = [decode_id(value, "Notification", "ids") for value in ids]
        return await notifications.mark_read(caller, keys)

    @strawberry.mutation
    async def update_notification_preferences(
        self, info: Info, input: NotificationPreferencesInput
    ) -> PreferencesPayload:
        caller = info.context.require_caller()
        return await payload(
            lambda: staff.update_preferences(caller, _changes(input)), _preferences
        )

    @strawberry.mutation(description="Web push for this browser or phone (VAPID).")
    async def register_push_subscription(
        self, info: Info, endpoint: str, p256dh: str, auth: str
    ) -> PushSubscriptionPayload:
        caller = info.context.require_caller()
        return await payload(
            lambda: notifications.register_push(caller, endpoint, p256dh, auth),
            lambda row: PushSubscriptionResult(
                id=strawberry.ID(str(row.id)), endpoint=row.endpoint, created_at=row.created_at
            ),
        )

    @strawberry.mutation
    async def unregister_push_subscription(self, info: Info, endpoint: str) -> bool:
        caller = info.context.require_caller()
        return await notifications.unregister_push(caller, endpoint) > 0


class _Seen:
    """Ids already sent on this subscription, so a replay and the live stream never repeat."""

    def __init__(self) -> None:
        self.order: deque[int] = deque()
        self.ids: set[int] = set()

    def add(self, value: int) -> bool:
        if value in self.ids:
            return False
        self.ids.add(value)
        self.order.append(value)
        if len(self.order) > REMEMBERED_IDS:
            self.ids.discard(self.order.popleft())
        return True


async def _notification(caller: Caller, notification_id: int) -> Notification | None:
    return await Loaders(caller).notification.load(notification_id)


@strawberry.type
class NotificationsSubscription:
    @strawberry.subscription(
        description="Your notifications as they arrive; with `after`, first those you missed."
    )
    async def notifications(
        self, info: Info, after: strawberry.ID | None = None
    ) -> AsyncGenerator[Notification, None]:
        caller = info.context.require_caller()
        seen_up_to = decode_id(after, "Notification", "after") if after is not None else None
        seen = _Seen()

        # Listen first, then read the gap: whatever commits in between arrives either way.
        def mine(event: dict[str, Any]) -> bool:
            return event.get("type") == "notification" and event.get("recipient") == caller.staff_id

        async with get_bus().subscribe(org_channel(caller.org_id), accepts=mine) as live:
            if seen_up_to is not None:
                for notification_id in await notifications.newer_than(caller, seen_up_to):
                    found = await _notification(caller, notification_id)
                    if found is not None and seen.add(notification_id):
                        yield found
            while True:
                event = await live.get()
                if seen_up_to is not None and event["id"] <= seen_up_to:
                    continue
                found = await _notification(caller, event["id"])
                if found is not None and seen.add(event["id"]):
                    yield found

    @strawberry.subscription(
        description="CREATED, UPDATED and STATUS_CHANGED for follow-ups you may see."
    )
    async def follow_up_events(
        self, info: Info, filter: FollowUpFilter | None = None
    ) -> AsyncGenerator[FollowUpEvent, None]:
        caller = info.context.require_caller()
        criteria = criteria_from(filter)

        def about_follow_ups(event: dict[str, Any]) -> bool:
            return event.get("type") == "follow_up"

        async with get_bus().subscribe(org_channel(caller.org_id), about_follow_ups) as live:
            while True:
                event = await live.get()
                shown = await shared_events.follow_up_event(
                    caller, event
                )  # as the caller may see it
                if shown is None:
                    continue
                if filter is not None and not await shared_events.matches(caller, event, criteria):
                    continue
                yield shown
