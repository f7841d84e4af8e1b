"""The in-app inbox. Every notice to a person goes through notify(), once per dedupe key."""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from tortoise import timezone
from tortoise.expressions import F, Q
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from models.followups import FollowUp
from models.notifications import (
    Delivery,
    DeliveryStatus,
    Notification,
    NotificationKind,
    PushSubscription,
)
from models.staff import Staff
from runtime import clock
from services import events, outbound, preferences, timers
from services.errors import ValidationCode, ValidationFailed
from services.pagination import Keyset, Page, PageRequest, after_q, integer_key, keyset_page
from services.sql import Sql, fetch_rows, typed_rows
from services.visibility import Caller

log = logging.getLogger("followups.notifications")


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


async def notify(notice: Notice, channels: list[str] | None = None) -> int | None:
    """Creates the notification once per dedupe key, queues its outbound deliveries and tells
    live clients (after commit); returns its id, or None when the key was already used.
    `channels` overrides the recipient's choice for the kind.

    Hand-written statements: every reminder, alert and digest passes here, and at thousands
    a minute Tortoise's statement building cost the worker more than the statements."""
    notification_id = await _insert_once(notice)
    if notification_id is None:
        return None  # this effect already happened (an earlier run, or a concurrent one)
    recipient = await _recipient(notice.recipient_id)
    prefs = preferences.load(recipient["preferences"])
    wanted = channels if channels is not None else prefs.channels_for(notice.kind.value)
    now = clock.now()
    send_after = prefs.quiet_until(now, recipient["timezone"]) or now
    await _queue_deliveries(notice, notification_id, send_after, wanted)
    await events.emit_after_commit(
        notice.org_id, events.notification_event(notification_id, notice.recipient_id)
    )
    return notification_id


async def _insert_once(notice: Notice) -> int | None:
    """The new notification's id, or None when its dedupe key is taken."""
    sql = Sql()
    values = ", ".join(
        sql.bind(value)
        for value in (
            notice.org_id, notice.recipient_id, notice.kind, notice.title[:200], notice.body,
            notice.follow_up_id, notice.client_id, notice.dedupe_key, timezone.now(),
        )
    )  # fmt: skip
    rows = await fetch_rows(
        "INSERT INTO notification (org_id, recipient_id, kind, title, body, follow_up_id, "
        f"client_id, dedupe_key, created_at) VALUES ({values}) "
        "ON CONFLICT (dedupe_key) DO NOTHING RETURNING id",
        sql.values,
    )
    return int(rows[0]["id"]) if rows else None


async def _recipient(staff_id: int) -> dict[str, Any]:
    """The recipient's preferences and zone."""
    sql = Sql()
    columns = ["preferences", "timezone"]
    rows = await fetch_rows(
        f"SELECT {', '.join(columns)} FROM staff WHERE id = {sql.bind(staff_id)}", sql.values
    )
    return typed_rows(Staff, columns, rows)[0]


async def _queue_deliveries(
    notice: Notice, notification_id: int, send_after: datetime, channels: list[str]
) -> None:
    """One delivery row per outbound channel; quiet hours hold them (in-app shows at once)."""
    targets: list[str] = []
    for channel in channels:
        if channel == "in_app":
            continue
        if channel == "push":
            subscriptions = await PushSubscription.filter(staff_id=notice.recipient_id).values_list(
                "id", flat=True
            )
            targets += [f"push:{sub_id}" for sub_id in subscriptions]
        else:
            targets.append(channel)
    if targets:
        await Delivery.bulk_create(
            [
                Delivery(
                    org_id=notice.org_id,
                    notification_id=notification_id,
                    channel=target,
                    send_after=send_after,
                )
                for target in targets
            ]
        )


async def unread_count(caller: Caller) -> int:
    return await Notification.filter(recipient_id=caller.staff_id, read_at__isnull=True).count()


async def mark_read(caller: Caller, ids: list[int]) -> int:
    """Marks the caller's own notifications read; returns how many changed."""
    return await Notification.filter(
        recipient_id=caller.staff_id, id__in=ids, read_at__isnull=True
    ).update(read_at=clock.now())


# ---------------------------------------------------------------- outbound deliveries

MAX_DELIVERY_ATTEMPTS = 5


@dataclass(frozen=True)
class DeliveryClaim:
    delivery_id: int
    send_after: datetime


async def claim_deliveries(horizon: datetime, limit: int = 500) -> list[DeliveryClaim]:
    """Claims queued deliveries due before `horizon` and those whose sender vanished."""
    now = clock.now()
    due = Q(status=DeliveryStatus.QUEUED, send_after__lte=horizon) | Q(
        status=DeliveryStatus.SENDING, lease_until__lt=now
    )
    async with in_transaction():
        rows = (
            await Delivery.filter(due)
            .select_for_update(skip_locked=True)
            .order_by("send_after")
            .limit(limit)
            .values("id", "send_after")
        )
        claims = [DeliveryClaim(row["id"], row["send_after"]) for row in rows]
        for claim in claims:
            await Delivery.filter(id=claim.delivery_id).update(
                status=DeliveryStatus.SENDING,
                lease_until=max(claim.send_after, now) + timers.lease(),
                attempts=F("attempts") + 1,
            )
    return claims


async def delivery_to_send(delivery_id: int) -> Delivery | None:
    delivery = (
        await Delivery.filter(id=delivery_id, status=DeliveryStatus.SENDING)
        .select_related("notification", "notification__recipient")
        .first()
    )
    return delivery


async def delivery_sent(delivery: Delivery, provider_id: str) -> None:
    await Delivery.filter(id=delivery.id, status=DeliveryStatus.SENDING).update(
        status=DeliveryStatus.SENT,
        sent_at=clock.now(),
        provider_id=provider_id[:120] or None,
        lease_until=None,
        last_error=None,
    )


async def delivery_failed(delivery: Delivery, reason: str, retryable: bool) -> bool:
    """Backs off and retries, or gives up visibly. True when it is final."""
    final = not retryable or delivery.attempts >= MAX_DELIVERY_ATTEMPTS
    if final:
        log.error(
            "delivery %s (%s) failed for good after %s attempt(s): %s",
            delivery.id, delivery.channel, delivery.attempts, reason,
        )  # fmt: skip
        if delivery.channel.startswith("push:") and "gone" in reason:
            await PushSubscription.filter(id=int(delivery.channel[5:])).delete()
    backoff = timedelta(seconds=min(5 * 2 ** (delivery.attempts - 1), 600))
    await Delivery.filter(id=delivery.id, status=DeliveryStatus.SENDING).update(
        status=DeliveryStatus.FAILED if final else DeliveryStatus.QUEUED,
        send_after=clock.now() + (timedelta(0) if final else backoff),
        lease_until=None,
        last_error=reason[:2000],
    )
    return final


async def deliveries_of(notification_ids: list[int]) -> dict[int, list[Delivery]]:
    grouped: dict[int, list[Delivery]] = {i: [] for i in notification_ids}
    for row in await Delivery.filter(notification_id__in=notification_ids).order_by("id"):
        grouped[row.notification_id].append(row)
    return grouped


async def message_context(delivery: Delivery) -> dict[str, object]:
    """What a template needs to say about a notification, read once per delivery."""
    notification = delivery.notification
    recipient = notification.recipient
    context: dict[str, object] = {
        "kind": notification.kind.value,
        "title": notification.title,
        "body": notification.body or "",
        "staff_name": recipient.name,
        "timezone": recipient.timezone,
        "created_at": notification.created_at,
    }
    if notification.follow_up_id:
        follow_up = (
            await FollowUp.filter(id=notification.follow_up_id).select_related("client").first()
        )
        if follow_up is not None:
            context.update(
                follow_up_id=follow_up.id,
                subject=follow_up.subject,
                due_at=follow_up.due_at,
                priority=follow_up.priority.name,
                client_name=follow_up.client.name if follow_up.client else None,
            )
    return context


async def address_for(delivery: Delivery) -> tuple[str, dict[str, str]] | None:
    """The recipient's address on the delivery's channel (and push keys), if they have one."""
    recipient = delivery.notification.recipient
    if delivery.channel == "email":
        return recipient.email, {}
    if delivery.channel in ("sms", "whatsapp"):
        return (recipient.phone, {}) if recipient.phone else None
    if delivery.channel.startswith("push:"):
        subscription = await PushSubscription.get_or_none(id=int(delivery.channel[5:]))
        if subscription is None:
            return None
        return subscription.endpoint, {"p256dh": subscription.p256dh, "auth": subscription.auth}
    return None


# ---------------------------------------------------------------- the inbox


def recipient_scope(caller: Caller) -> dict[str, int]:
    """A person sees their own notifications only, as column filters (beside the org's)."""
    return {"recipient_id": caller.staff_id}


def inbox(
    caller: Caller, unread_only: bool = False, kinds: list[NotificationKind] | None = None
) -> QuerySet[Notification]:
    query = Notification.filter(org_id=caller.org_id, **recipient_scope(caller))
    if kinds is not None:
        query = query.filter(kind__in=kinds)
    return query.filter(read_at__isnull=True) if unread_only else query


INBOX_KEYSET = Keyset("notifications", (integer_key,))


async def inbox_page(
    caller: Caller,
    request: PageRequest,
    unread_only: bool,
    kinds: list[NotificationKind] | None = None,
) -> Page[int]:
    """Notification ids newest first; keyset on id so new arrivals never shift a page."""

    async def fetch(position: tuple[Any, ...] | None, descending: bool, limit: int) -> list[int]:
        query = inbox(caller, unread_only, kinds)
        if position is not None:
            query = query.filter(after_q(["id"], position, descending))
        ordered = query.order_by("-id" if descending else "id")
        found = await ordered.limit(limit).values_list("id", flat=True)
        return cast(list[int], found)  # tortoise types flat values as tuples

    return await keyset_page(request, INBOX_KEYSET, fetch, lambda pk: [pk], descending=True)


async def newer_than(caller: Caller, after_id: int, limit: int = 500) -> list[int]:
    """What a reconnecting client missed, oldest first."""
    return cast(  # tortoise types flat values as tuples
        list[int],
        await inbox(caller)
        .filter(id__gt=after_id)
        .order_by("id")
        .limit(limit)
        .values_list("id", flat=True),
    )


async def register_push(caller: Caller, endpoint: str, p256dh: str, auth: str) -> PushSubscription:
    """Keyed by owner and endpoint: registering an endpoint someone else registered adds a
    subscription of the caller's and leaves theirs alone."""
    if not endpoint.startswith(("https://", "http://")) or len(endpoint) > 500:
        raise ValidationFailed(
            "endpoint", "endpoint must be the push service URL.", code=ValidationCode.INVALID_FORMAT
        )
    try:
        await outbound.check(endpoint)
    except outbound.OutboundRefused as refused:
        raise ValidationFailed(
            "endpoint",
            "endpoint must be an https URL of a public push service.",
            code=ValidationCode.UNSAFE_URL,
        ) from refused
    if not p256dh or len(p256dh) > 200 or not auth or len(auth) > 100:
        raise ValidationFailed(
            "keys",
            "p256dh and auth are the subscription's keys.",
            code=ValidationCode.INVALID_FORMAT,
        )
    subscription, _ = await PushSubscription.update_or_create(
        staff_id=caller.staff_id,
        endpoint=endpoint,
        defaults={"org_id": caller.org_id, "p256dh": p256dh, "auth": auth},
    )
    return subscription


async def unregister_push(caller: Caller, endpoint: str) -> int:
    return await PushSubscription.filter(staff_id=caller.staff_id, endpoint=endpoint).delete()
