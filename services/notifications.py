"""The in-app inbox. Every notice to a person goes through notify(), once per dedupe key."""

from dataclasses import dataclass

from tortoise.exceptions import IntegrityError

from models.notifications import Delivery, Notification, NotificationKind, PushSubscription
from models.staff import Staff
from runtime import clock
from services import events, preferences
from services.visibility import Caller


@dataclass(frozen=True)
class Notice:
    org_id: int
    recipient_id: int
    kind: NotificationKind
    title: str
    body: str | None = None
    follow_up_id: int | None = None
    client_id: int | None = None
    dedupe_key: str | None = None


async def notify(notice: Notice, channels: list[str] | None = None) -> Notification | None:
    """Creates the notification once per dedupe key, queues its outbound deliveries and tells
    live clients (after commit). `channels` overrides the recipient's choice for the kind."""
    if notice.dedupe_key and await Notification.filter(dedupe_key=notice.dedupe_key).exists():
        return None
    try:
        notification = await Notification.create(
            org_id=notice.org_id,
            recipient_id=notice.recipient_id,
            kind=notice.kind,
            title=notice.title[:200],
            body=notice.body,
            follow_up_id=notice.follow_up_id,
            client_id=notice.client_id,
            dedupe_key=notice.dedupe_key,
        )
    except IntegrityError:
        if notice.dedupe_key:
            return None  # a concurrent run made it first: the effect happens once
        raise
    recipient = await Staff.get(id=notice.recipient_id)
    prefs = preferences.load(recipient.preferences)
    wanted = channels if channels is not None else prefs.channels_for(notice.kind.value)
    await _queue_deliveries(notification, recipient, prefs, wanted)
    await events.emit_after_commit(
        notice.org_id, events.notification_event(notification.id, notice.recipient_id)
    )
    return notification


async def _queue_deliveries(
    notification: Notification,
    recipient: Staff,
    prefs: preferences.Preferences,
    channels: list[str],
) -> None:
    """One delivery row per outbound channel; quiet hours hold them (in-app shows at once)."""
    now = clock.now()
    send_after = prefs.quiet_until(now, recipient.timezone) or now
    for channel in channels:
        if channel == "in_app":
            continue
        if channel == "push":
            subscriptions = await PushSubscription.filter(staff_id=recipient.id).values_list(
                "id", flat=True
            )
            targets = [f"push:{sub_id}" for sub_id in subscriptions]
        else:
            targets = [channel]
        for target in targets:
            await Delivery.create(
                org_id=notification.org_id,
                notification_id=notification.id,
                channel=target,
                send_after=send_after,
            )


async def unread_count(caller: Caller) -> int:
    return await Notification.filter(recipient_id=caller.staff_id, read_at__isnull=True).count()


async def mark_read(caller: Caller, ids: list[int]) -> int:
    """Marks the caller's own notifications read; returns how many changed."""
    return await Notification.filter(
        recipient_id=caller.staff_id, id__in=ids, read_at__isnull=True
    ).update(read_at=clock.now())
