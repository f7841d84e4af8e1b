"""The daily digest: at the hour each person chose, in their own zone, on their days."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from models.followups import OPEN_STATUSES, FollowUp, FollowUpActivity
from models.notifications import Notification, NotificationKind
from models.staff import Staff
from models.timers import Timer, TimerKind
from runtime import clock
from services import deadlines, notifications, preferences, timers
from services.notifications import Notice

MAX_LISTED = 20
STALE_AFTER = timedelta(hours=6)


def next_digest_at(staff: Staff, after: datetime) -> datetime | None:
    """The first digest time strictly after `after`, as UTC; None when digests are off."""
    prefs = preferences.load(staff.preferences)
    if not prefs.digest_enabled or not prefs.digest_days:
        return None
    zone = ZoneInfo(staff.timezone)
    local_day = after.astimezone(zone).date()
    for offset in range(8):
        day = local_day + timedelta(days=offset)
        if day.weekday() not in prefs.digest_days:
            continue
        # zoneinfo resolves the wall time in that day's offset, so DST changes keep 08:00 local.
        moment = datetime.combine(day, time(prefs.digest_hour), zone).astimezone(after.tzinfo)
        if moment > after:
            return moment
    return None


def _dedupe_key(staff: Staff, at: datetime) -> str:
    return f"digest:{staff.id}:{at.astimezone(ZoneInfo(staff.timezone)).date().isoformat()}"


async def plan(staff: Staff) -> Timer | None:
    """(Re)plans the staff member's next digest; safe to call after any preference change."""
    await timers.cancel(TimerKind.DIGEST, staff.id)
    if not staff.is_active:
        return None
    at = next_digest_at(staff, clock.now())
    if at is None:
        return None
    return await timers.schedule(
        TimerKind.DIGEST, staff.id, at, _dedupe_key(staff, at), staff.org_id
    )


async def fire(timer: timers.DueTimer) -> None:
    staff = await Staff.get_or_none(id=timer.target_id)
    if staff is None or not staff.is_active:
        return
    if clock.now() - timer.fire_at <= STALE_AFTER:  # after an outage, no yesterday's digest
        await send(staff, timer.fire_at)
    at = next_digest_at(staff, max(timer.fire_at, clock.now()))
    if at is not None:
        await timers.schedule(TimerKind.DIGEST, staff.id, at, _dedupe_key(staff, at), staff.org_id)


async def send(staff: Staff, at: datetime) -> int | None:
    """Today's follow-ups, the overdue ones and what others changed since the last digest."""
    zone = ZoneInfo(staff.timezone)
    today: date = at.astimezone(zone).date()
    day_start = datetime.combine(today, time(0), zone)
    day_end = datetime.combine(today + timedelta(days=1), time(0), zone)
    mine = FollowUp.filter(assignee_id=staff.id, status__in=OPEN_STATUSES)
    due_today = await mine.filter(due_at__gte=day_start, due_at__lt=day_end).order_by("due_at")
    overdue = await mine.filter(deadlines.overdue_filter(at)).order_by("due_at")
    previous = (
        await Notification.filter(recipient_id=staff.id, kind=NotificationKind.DIGEST)
        .order_by("-id")
        .first()
    )
    since = previous.created_at if previous else at - timedelta(days=1)
    changed = (
        await FollowUpActivity.filter(
            follow_up__assignee_id=staff.id, created_at__gte=since, created_at__lt=at
        )
        .exclude(actor_id=staff.id)
        .count()
    )
    lines = [f"Due today ({len(due_today)}):"]
    lines += [
        f"- {row.due_at.astimezone(zone):%H:%M} {row.subject}" for row in due_today[:MAX_LISTED]
    ]
    lines += [f"Overdue ({len(overdue)}):"]
    lines += [
        f"- {row.subject} (due {row.due_at.astimezone(zone):%d %b})" for row in overdue[:MAX_LISTED]
    ]
    lines += [f"Changed by others since your last digest: {changed}"]
    return await notifications.notify(
        Notice(
            org_id=staff.org_id,
            recipient_id=staff.id,
            kind=NotificationKind.DIGEST,
            title=f"Your follow-ups for {today:%A %d %B}: {len(due_today)} today, {len(overdue)} overdue",
            body="\n".join(lines),
            dedupe_key=_dedupe_key(staff, at),
        )
    )


async def send_all_now() -> str:
    """`followups run digest`: today's digest for everyone who takes one (once per day)."""
    now = clock.now()
    sent = 0
    for staff in await Staff.filter(is_active=True):
        if preferences.load(staff.preferences).digest_enabled and await send(staff, now):
            sent += 1
    return f"digest: {sent} sent"


async def ensure_planned() -> int:
    """Plans a digest for every active member who has none live (new staff, upgrades)."""
    planned_ids = await Timer.filter(kind=TimerKind.DIGEST, status__in=timers.LIVE).values_list(
        "target_id", flat=True
    )
    missing = await Staff.filter(is_active=True).exclude(id__in=list(planned_ids))
    count = 0
    for staff in missing:
        if await plan(staff) is not None:
            count += 1
    return count
