"""Planning and firing everything a follow-up's due time sets off: reminders, the overdue
alert and (where the organization wants it) marking it missed.

Planning runs inside the transaction of the follow-up change that caused it, so a
rescheduled or cancelled follow-up never keeps a stale timer.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from models.followups import OPEN_STATUSES, FollowUp
from models.notifications import NotificationKind
from models.organizations import Organization
from models.reminders import Reminder, ReminderStatus
from models.staff import Staff
from models.timers import Timer, TimerKind, TimerStatus
from runtime import clock
from services import deadlines, notifications, preferences, timers, wording
from services.errors import ValidationCode, ValidationFailed
from services.notifications import Notice
from services.sql import Sql, fetch_rows, moment, typed_rows
from services.timers import DueTimer


@dataclass(frozen=True)
class ReminderSpec:
    offset_minutes: int
    channels: list[str] | None = None


def check_specs(specs: list[ReminderSpec]) -> list[ReminderSpec]:
    if len(specs) > preferences.MAX_REMINDERS:
        raise ValidationFailed(
            "reminders",
            f"At most {preferences.MAX_REMINDERS} reminders.",
            code=ValidationCode.TOO_MANY,
        )
    for spec in specs:
        if not 0 <= spec.offset_minutes <= preferences.MAX_OFFSET_MINUTES:
            raise ValidationFailed(
                "reminders",
                "offsetMinutes is 0 to 86400 (60 days).",
                code=ValidationCode.OUT_OF_RANGE,
            )
        if spec.channels is not None:
            preferences.check_channels(spec.channels, "reminders")
    preferences.check_unique_offsets([spec.offset_minutes for spec in specs], "reminders")
    return specs


def _key(value: datetime) -> str:
    return value.isoformat()


async def _assignee_preferences(follow_up: FollowUp) -> preferences.Preferences:
    if follow_up.assignee_id is None:
        return preferences.Preferences()
    staff = await Staff.get(id=follow_up.assignee_id)
    return preferences.load(staff.preferences)


async def plan_new(follow_up: FollowUp, specs: list[ReminderSpec] | None) -> None:
    """Reminders of a new follow-up (the assignee's defaults when none are given) and its alerts."""
    prefs = await _assignee_preferences(follow_up)
    await _create_reminders(follow_up, specs, prefs)
    await _arm_due_timers(follow_up)


async def _create_reminders(
    follow_up: FollowUp, specs: list[ReminderSpec] | None, prefs: preferences.Preferences
) -> None:
    from_defaults = specs is None
    if specs is None:
        specs = [ReminderSpec(offset) for offset in prefs.reminder_offsets]
    for spec in sorted(specs, key=lambda s: -s.offset_minutes):
        await Reminder.create(
            org_id=follow_up.org_id,
            follow_up_id=follow_up.id,
            offset_minutes=spec.offset_minutes,
            channels=spec.channels if spec.channels is not None else prefs.reminder_channels,
            from_defaults=from_defaults,
            fire_at=follow_up.due_at - timedelta(minutes=spec.offset_minutes),
        )
    await _arm_reminders(follow_up)


async def _arm_reminders(follow_up: FollowUp) -> None:
    """Schedules each reminder; of those already past, only the latest fires, and only
    while the follow-up is still ahead. Late reminders for a due follow-up are pointless."""
    now = clock.now()
    reminders = await Reminder.filter(follow_up_id=follow_up.id).order_by("fire_at")
    past = [r for r in reminders if r.fire_at <= now]
    catch_up = past[-1] if past and follow_up.due_at > now else None
    for reminder in reminders:
        await timers.cancel(TimerKind.REMINDER, reminder.id)
        if reminder.fire_at <= now and reminder is not catch_up:
            reminder.status = ReminderStatus.CANCELLED
        else:
            reminder.status = ReminderStatus.SCHEDULED
            fire_at = max(reminder.fire_at, now)
            await timers.schedule(
                TimerKind.REMINDER,
                reminder.id,
                fire_at,
                f"reminder:{reminder.id}:{_key(reminder.fire_at)}",
                follow_up.org_id,
            )
        await reminder.save(update_fields=["status", "fire_at"])


async def _arm_due_timers(follow_up: FollowUp) -> None:
    org = await Organization.get(id=follow_up.org_id)
    await timers.cancel(TimerKind.OVERDUE, follow_up.id)
    await timers.cancel(TimerKind.MARK_MISSED, follow_up.id)
    due = _key(follow_up.due_at)
    await timers.schedule(
        TimerKind.OVERDUE,
        follow_up.id,
        deadlines.overdue_alert_at(follow_up.due_at, org.overdue_grace_minutes),
        f"overdue:{follow_up.id}:{due}",
        follow_up.org_id,
    )
    if org.mark_missed_after_hours and deadlines.may_become_missed(
        follow_up.status, org.mark_missed_after_hours
    ):
        await timers.schedule(
            TimerKind.MARK_MISSED,
            follow_up.id,
            deadlines.missed_at(follow_up.due_at, org.mark_missed_after_hours),
            f"missed:{follow_up.id}:{due}",
            follow_up.org_id,
        )


async def replan(follow_up: FollowUp, before: dict[str, Any]) -> None:
    """After a change: cancel on closing, move on rescheduling, re-target on delegation."""
    if follow_up.status not in OPEN_STATUSES:
        await cancel_all(follow_up)
        return
    due_changed = before.get("due_at") != follow_up.due_at
    assignee_changed = before.get("assignee_id") != follow_up.assignee_id
    if (
        assignee_changed
        and await Reminder.filter(follow_up_id=follow_up.id, from_defaults=True).exists()
    ):
        for reminder in await Reminder.filter(follow_up_id=follow_up.id, from_defaults=True):
            await timers.cancel(TimerKind.REMINDER, reminder.id)
            await reminder.delete()
        await _create_reminders(follow_up, None, await _assignee_preferences(follow_up))
    elif due_changed:
        for reminder in await Reminder.filter(follow_up_id=follow_up.id):
            reminder.fire_at = follow_up.due_at - timedelta(minutes=reminder.offset_minutes)
            await reminder.save(update_fields=["fire_at"])
        await _arm_reminders(follow_up)
    if due_changed or before.get("status") != follow_up.status:
        await _arm_due_timers(follow_up)


async def replace_reminders(follow_up: FollowUp, specs: list[ReminderSpec] | None) -> None:
    """New reminder list for an open follow-up (None: back to the assignee's defaults)."""
    for reminder in await Reminder.filter(follow_up_id=follow_up.id):
        await timers.cancel(TimerKind.REMINDER, reminder.id)
        await reminder.delete()
    await _create_reminders(follow_up, specs, await _assignee_preferences(follow_up))


async def cancel_all(follow_up: FollowUp) -> None:
    for reminder in await Reminder.filter(
        follow_up_id=follow_up.id, status=ReminderStatus.SCHEDULED
    ):
        await timers.cancel(TimerKind.REMINDER, reminder.id)
        reminder.status = ReminderStatus.CANCELLED
        await reminder.save(update_fields=["status"])
    await timers.cancel(TimerKind.OVERDUE, follow_up.id)
    await timers.cancel(TimerKind.MARK_MISSED, follow_up.id)


async def reminders_of(follow_up_ids: list[int]) -> dict[int, list[Reminder]]:
    grouped: dict[int, list[Reminder]] = {i: [] for i in follow_up_ids}
    for row in await Reminder.filter(follow_up_id__in=follow_up_ids).order_by("fire_at", "id"):
        grouped[row.follow_up_id].append(row)
    return grouped


# ---------------------------------------------------------------- firing


async def fire_reminder(timer: DueTimer) -> None:
    row = await _reminder_with_follow_up(timer.target_id)
    if row is None or row["status"] != ReminderStatus.SCHEDULED.value:
        return
    if row["follow_up_status"] not in OPEN_STATUSES or row["assignee_id"] is None:
        await _set_status(timer.target_id, ReminderStatus.CANCELLED)
        return
    minutes = row["offset_minutes"]
    when = "now" if minutes == 0 else f"in {_duration(minutes)}"
    await notifications.notify(
        Notice(
            org_id=row["org_id"],
            recipient_id=row["assignee_id"],
            kind=NotificationKind.REMINDER,
            title=f"Due {when}: {row['subject']}",
            body=row["description"],
            follow_up_id=row["follow_up_id"],
            client_id=row["client_id"],
            dedupe_key=f"timer:{timer.id}:staff:{row['assignee_id']}",
        ),
        channels=list(typed_rows(Reminder, ["channels"], [row])[0]["channels"]),
    )
    await _set_status(timer.target_id, ReminderStatus.SENT, sent_at=clock.now())


async def _reminder_with_follow_up(reminder_id: int) -> dict[str, Any] | None:
    """The reminder and what its notice needs of the follow-up, in one statement: this runs
    for every reminder that fires."""
    sql = Sql()
    rows = await fetch_rows(
        "SELECT r.status, r.offset_minutes, r.channels, r.follow_up_id, f.status AS "
        "follow_up_status, f.assignee_id, f.org_id, f.subject, f.description, f.client_id "
        f"FROM reminder r JOIN follow_up f ON f.id = r.follow_up_id WHERE r.id = {sql.bind(reminder_id)}",
        sql.values,
    )
    return rows[0] if rows else None


async def _set_status(
    reminder_id: int, status: ReminderStatus, sent_at: datetime | None = None
) -> None:
    sql = Sql()
    sent = f", sent_at = {sql.bind(sent_at)}" if sent_at is not None else ""
    await fetch_rows(
        f"UPDATE reminder SET status = {sql.bind(status)}{sent} WHERE id = {sql.bind(reminder_id)}",
        sql.values,
    )


async def fire_overdue(timer: DueTimer) -> None:
    follow_up = await FollowUp.get_or_none(id=timer.target_id)
    if follow_up is None or follow_up.status not in OPEN_STATUSES or follow_up.assignee_id is None:
        return
    if not timer.dedupe_key.endswith(_key(follow_up.due_at)):
        return  # planned for a due time the follow-up no longer has
    await notifications.notify(_overdue_notice(follow_up))


def _overdue_notice(follow_up: FollowUp) -> Notice:
    """One per follow-up and due time, whether the timer or a sweep sends it."""
    assert follow_up.assignee_id is not None
    return Notice(
        org_id=follow_up.org_id,
        recipient_id=follow_up.assignee_id,
        kind=NotificationKind.OVERDUE,
        title=f"Overdue: {follow_up.subject}",
        body=follow_up.description,
        follow_up_id=follow_up.id,
        client_id=follow_up.client_id,
        dedupe_key=f"overdue:{follow_up.id}:{_key(follow_up.due_at)}",
    )


def _duration(minutes: int) -> str:
    if minutes % (24 * 60) == 0:
        return wording.count(minutes // (24 * 60), "day")
    if minutes % 60 == 0:
        return wording.count(minutes // 60, "hour")
    return wording.count(minutes, "minute")


async def overdue_sweep() -> str:
    """`followups run overdue-sweep`: alerts for every open follow-up whose alert is due (its
    organization's grace included, as for the timer) and has had none for its due time (same
    key as the timer's, so never a second one)."""
    now = clock.now()
    grace = dict(await Organization.all().values_list("id", "overdue_grace_minutes"))
    sent = 0
    overdue = FollowUp.filter(deadlines.overdue_filter(now), assignee_id__isnull=False)
    for follow_up in await overdue:
        if deadlines.overdue_alert_due(
            follow_up.status, follow_up.due_at, grace[follow_up.org_id], now
        ):
            created = await notifications.notify(_overdue_notice(follow_up))
            sent += created is not None
    return f"overdue-sweep: {sent} alert(s) sent"


# ---------------------------------------------------------------- organization settings

REPLAN_BATCH = 500


async def replan_for_settings(org: Organization, grace_changed: bool, missed_changed: bool) -> None:
    """In the transaction that changes the organization's time settings: its live overdue and
    mark-missed timers move to the moments the new settings give, and turning marking
    missed off cancels its timers, so the setting in force when a timer fires decides.
    Turning it on marks only follow-ups planned from then on (it never flips old ones)."""
    if grace_changed:
        grace = org.overdue_grace_minutes
        await _move_due_timers(
            org.id,
            TimerKind.OVERDUE,
            deadlines.status_in(deadlines.OVERDUE_STATUSES),
            lambda due: deadlines.overdue_alert_at(due, grace),
        )
    if not missed_changed:
        return
    hours = org.mark_missed_after_hours
    if hours is None:
        await Timer.filter(
            org_id=org.id, kind=TimerKind.MARK_MISSED, status__in=timers.LIVE
        ).update(status=TimerStatus.CANCELLED, lease_until=None)
    else:
        await _move_due_timers(
            org.id,
            TimerKind.MARK_MISSED,
            deadlines.missable_sql(),
            lambda due: deadlines.missed_at(due, hours),
        )


async def _move_due_timers(
    org_id: int, kind: TimerKind, still_due: str, moment_for: Callable[[datetime], datetime]
) -> None:
    """Live timers of a kind whose follow-up is `still_due` (a condition on `f`), set to the
    moment for their follow-up's due time: one read and one UPDATE per batch, not a
    statement per timer. A claimed one goes back to scheduled (the actor holding its
    message then finds it not claimed and does nothing)."""
    sql = Sql()
    rows = await fetch_rows(
        "SELECT t.id AS id, f.due_at AS due_at FROM timer t JOIN follow_up f ON f.id = t.target_id "
        f"WHERE t.org_id = {sql.bind(org_id)} AND t.kind = {sql.bind(kind)} "
        f"AND t.status IN ({sql.bind_all(list(timers.LIVE))}) AND {still_due}",
        sql.values,
    )
    for start in range(0, len(rows), REPLAN_BATCH):
        batch = rows[start : start + REPLAN_BATCH]
        sql = Sql()
        cases = " ".join(
            f"WHEN {sql.bind(row['id'])} THEN "
            f"{sql.bind_typed(moment_for(cast(datetime, moment(row['due_at']))), 'timestamptz')}"
            for row in batch
        )
        await fetch_rows(
            f"UPDATE timer SET fire_at = CASE id {cases} END, "
            f"status = {sql.bind(TimerStatus.SCHEDULED)}, lease_until = NULL, "
            f"updated_at = {sql.bind(clock.now())} "
            f"WHERE id IN ({sql.bind_all([row['id'] for row in batch])})",
            sql.values,
        )
