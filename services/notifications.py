"""The in-app inbox. Every notice to a person goes through notify(), once per dedupe key."""

from dataclasses import dataclass

from tortoise.exceptions import IntegrityError

from models.notifications import Notification, NotificationKind
from runtime import clock
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


async def notify(notice: Notice) -> Notification | None:
    """Creates the notification; None when one with the same dedupe key exists already."""
    if notice.dedupe_key and await Notification.filter(dedupe_key=notice.dedupe_key).exists():
        return None
    try:
        return await Notification.create(
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


async def unread_count(caller: Caller) -> int:
    return await Notification.filter(recipient_id=caller.staff_id, read_at__isnull=True).count()


async def mark_read(caller: Caller, ids: list[int]) -> int:
    """Marks the caller's own notifications read; returns how many changed."""
    return await Notification.filter(
        recipient_id=caller.staff_id, id__in=ids, read_at__isnull=True
    ).update(read_at=clock.now())
