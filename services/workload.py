"""Workload: open follow-ups per active member and week ahead, for balancing the team.

Weeks are ISO weeks (Monday 00:00) in the caller's zone, starting with this one. The
buckets partition every open follow-up (PENDING, IN_PROGRESS, MISSED) of a member:
`overdue` (due before now), one count per week (this week's runs from now to Sunday
night, so it never repeats the overdue ones), and `later` (after the last week). One
aggregate statement over staff LEFT JOIN follow_up, whatever the numbers.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from models.followups import OPEN_STATUSES, Priority
from runtime import clock
from services import validation
from services.deadlines import overdue_sql, status_in
from services.errors import ValidationCode, ValidationFailed
from services.sql import Sql, fetch_rows
from services.visibility import Caller
from services.zones import midnight, week_start

MAX_WEEKS = 26


@dataclass(frozen=True)
class WeekLoad:
    week_start: date
    starts: datetime  # UTC; now for this week
    ends: datetime  # UTC, exclusive
    count: int
    high_priority: int


@dataclass(frozen=True)
class MemberLoad:
    staff_id: int
    overdue: int
    weeks: list[WeekLoad]
    later: int

    @property
    def open_total(self) -> int:
        return self.overdue + sum(w.count for w in self.weeks) + self.later


@dataclass(frozen=True)
class Workload:
    timezone: str
    now: datetime
    members: list[MemberLoad]


async def workload(caller: Caller, weeks: int = 4) -> Workload:
    """Every active member's load (managers and admins); a STAFF caller gets their own."""
    if not 1 <= weeks <= MAX_WEEKS:
        raise ValidationFailed(
            "weeks", f"Between 1 and {MAX_WEEKS} weeks.", code=ValidationCode.OUT_OF_RANGE
        )
    zone = validation.zone(caller.timezone)
    now = clock.now()
    monday = week_start(now.astimezone(zone).date())
    # (week, starts, ends): this week from now, the following ones whole, in the caller's zone.
    bounds = []
    starts = now
    for n in range(weeks):
        week = monday + timedelta(weeks=n)
        ends = midnight(week + timedelta(weeks=1), zone)
        bounds.append((week, starts, ends))
        starts = ends
    sql = Sql()
    high = sql.bind(Priority.HIGH)
    figures = [f"sum(CASE WHEN {overdue_sql(sql, now)} THEN 1 ELSE 0 END) AS overdue"]
    for n, (_, starts, ends) in enumerate(bounds):
        span = f"f.due_at >= {sql.bind(starts)} AND f.due_at < {sql.bind(ends)}"
        figures.append(f"sum(CASE WHEN {span} THEN 1 ELSE 0 END) AS w{n}")
        figures.append(f"sum(CASE WHEN {span} AND f.priority = {high} THEN 1 ELSE 0 END) AS h{n}")
    later = sql.bind(bounds[-1][2])
    figures.append(f"sum(CASE WHEN f.due_at >= {later} THEN 1 ELSE 0 END) AS later")
    mine = "" if caller.is_manager else f" AND s.id = {sql.bind(caller.staff_id)}"
    org = sql.bind(caller.org_id)
    rows = await fetch_rows(
        f"SELECT s.id AS staff_id, s.name AS name, {', '.join(figures)} FROM staff s "
        f"LEFT JOIN follow_up f ON f.assignee_id = s.id AND f.org_id = {org} "
        f"AND {status_in(OPEN_STATUSES)} "
        f"WHERE s.org_id = {org} AND s.is_active = {sql.bind(True)}{mine} "
        "GROUP BY s.id, s.name ORDER BY s.name, s.id",
        sql.values,
    )
    members = [
        MemberLoad(
            int(row["staff_id"]),
            int(row["overdue"] or 0),
            [
                WeekLoad(week, starts, ends, int(row[f"w{n}"] or 0), int(row[f"h{n}"] or 0))
                for n, (week, starts, ends) in enumerate(bounds)
            ],
            int(row["later"] or 0),
        )
        for row in rows
    ]
    return Workload(caller.timezone, now, members)
