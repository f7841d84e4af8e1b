"""The dashboard, calendar and board: figures computed by the database, in the caller's zone.

Each view is a fixed number of aggregate queries whatever the number of follow-ups; the
lists inside a view go through `followup_queries.find`, so they page like every list.
"""

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from models.followups import DONE_STATUSES, OPEN_STATUSES, Status
from runtime import clock
from services import deadlines, validation
from services import followup_queries as queries
from services import staff as staff_service
from services.deadlines import overdue_sql
from services.errors import ValidationCode, ValidationFailed
from services.followup_queries import Criteria, Ordering, ratio
from services.pagination import Page, PageRequest
from services.sql import Sql
from services.visibility import Caller, require_manager
from services.zones import LocalDay, local_day, local_days, midnight, week_start

MAX_CALENDAR_DAYS = 62  # six weeks of a month view, with room to spare
MAX_PER_DAY = 100
MAX_WINDOW_DAYS = 366


# ---------------------------------------------------------------- dashboard


@dataclass(frozen=True)
class DashboardScope:
    """Whose follow-ups a dashboard shows, and the moments its figures are cut at."""

    assignee_ids: list[int] | None  # None: the whole team the caller may see
    zone: ZoneInfo
    now: datetime
    today: LocalDay
    week_starts: datetime
    week_ends: datetime
    window_starts: datetime
    window_days: int

    def criteria(self, **fields: Any) -> Criteria:
        return replace(Criteria(assignee_ids=self.assignee_ids), **fields)


@dataclass(frozen=True)
class DashboardCounts:
    pending: int
    in_progress: int
    missed: int
    overdue: int
    due_today: int
    completed_today: int
    completed_this_week: int
    due_in_window: int  # due in the window and not cancelled
    done_in_window: int
    done_on_time_in_window: int

    @property
    def completion_rate(self) -> float:
        """Of what fell due in the window (cancelled aside), the share completed or closed."""
        return ratio(self.done_in_window, self.due_in_window)

    @property
    def on_time_rate(self) -> float:
        """Of those completed, the share completed by their due time."""
        return ratio(self.done_on_time_in_window, self.done_in_window)


async def dashboard_scope(
    caller: Caller, assignee_id: int | None, team: bool, window_days: int
) -> DashboardScope:
    """Staff see their own dashboard; managers and admins anyone's, or the whole team's."""
    if not 1 <= window_days <= MAX_WINDOW_DAYS:
        raise ValidationFailed(
            "windowDays", f"Between 1 and {MAX_WINDOW_DAYS} days.", code=ValidationCode.OUT_OF_RANGE
        )
    if team and assignee_id is not None:
        raise ValidationFailed(
            "team",
            "Ask for one assignee or the whole team, not both.",
            code=ValidationCode.INVALID_COMBINATION,
        )
    assignee_ids: list[int] | None = [caller.staff_id]
    if team:
        require_manager(caller)
        assignee_ids = None
    elif assignee_id is not None and assignee_id != caller.staff_id:
        require_manager(caller)
        await staff_service.active_member(caller, assignee_id, "assigneeId")
        assignee_ids = [assignee_id]
    zone = validation.zone(caller.timezone)
    now = clock.now()
    today = local_day(now.astimezone(zone).date(), zone)
    monday = week_start(today.day)
    return DashboardScope(
        assignee_ids=assignee_ids,
        zone=zone,
        now=now,
        today=today,
        week_starts=midnight(monday, zone),
        week_ends=midnight(monday + timedelta(days=7), zone),
        window_starts=now - timedelta(days=window_days),
        window_days=window_days,
    )


async def dashboard_counts(caller: Caller, scope: DashboardScope) -> DashboardCounts:
    """Every count of the dashboard in one pass over the rows that can matter."""
    sql = Sql()
    where = queries.where_clause(sql, caller, scope.criteria())

    open_ = deadlines.status_in(OPEN_STATUSES)
    done = deadlines.status_in(DONE_STATUSES)

    def between(column: str, starts: datetime, ends: datetime) -> str:
        return f"{column} >= {sql.bind(starts)} AND {column} < {sql.bind(ends)}"

    in_window = (
        f"{between('f.due_at', scope.window_starts, scope.now)} "
        f"AND f.status <> '{Status.CANCELLED.value}'"
    )
    figures = {
        "pending": deadlines.status_in([Status.PENDING]),
        "in_progress": deadlines.status_in([Status.IN_PROGRESS]),
        "missed": deadlines.status_in([Status.MISSED]),
        "overdue": overdue_sql(sql, scope.now),
        "due_today": f"{open_} AND {between('f.due_at', scope.today.starts, scope.today.ends)}",
        "completed_today": f"{done} AND f.completed_at >= {sql.bind(scope.today.starts)}",
        "completed_this_week": f"{done} AND f.completed_at >= {sql.bind(scope.week_starts)}",
        "due_in_window": in_window,
        "done_in_window": f"{in_window} AND {done}",
        "done_on_time_in_window": f"{in_window} AND {done} AND f.completed_at <= f.due_at",
    }
    sums = ", ".join(
        f"coalesce(sum(CASE WHEN {condition} THEN 1 ELSE 0 END), 0) AS {name}"
        for name, condition in figures.items()
    )
    # Only open rows, rows due in the window and rows completed this week can count.
    relevant = (
        f"({open_} OR {between('f.due_at', scope.window_starts, scope.now)} "
        f"OR f.completed_at >= {sql.bind(min(scope.week_starts, scope.today.starts))})"
    )
    rows = await queries.fetch_rows(
        f"SELECT {sums} FROM follow_up f WHERE {where} AND {relevant}", sql.values
    )
    return DashboardCounts(**{name: int(rows[0][name]) for name in figures})


async def dashboard_list(
    caller: Caller, scope: DashboardScope, section: str, first: int | None, columns: list[str]
) -> Page[dict[str, Any]]:
    """One of the dashboard's lists, soonest due first, as rows with those columns."""
    open_statuses = list(OPEN_STATUSES)
    sections = {
        "today": scope.criteria(
            statuses=open_statuses, due_after=scope.today.starts, due_before=scope.today.ends
        ),
        "overdue": scope.criteria(overdue=True),
        "upcoming": scope.criteria(
            statuses=open_statuses, due_after=scope.today.ends, due_before=scope.week_ends
        ),
    }
    return await queries.find_rows(
        caller, sections[section], Ordering(), PageRequest(first=first), columns
    )


# ---------------------------------------------------------------- calendar


@dataclass(frozen=True)
class CalendarDay:
    day: LocalDay
    count: int
    open_count: int
    overdue_count: int
    done_count: int
    follow_up_ids: list[int]


async def calendar(
    caller: Caller, first: date, last: date, criteria: Criteria, per_day: int
) -> list[CalendarDay]:
    """Local days from first to last (inclusive) with counts and their first follow-ups."""
    if last < first:
        raise ValidationFailed(
            "to", "The range ends before it starts.", code=ValidationCode.ENDS_BEFORE_START
        )
    if (last - first).days + 1 > MAX_CALENDAR_DAYS:
        raise ValidationFailed(
            "to", f"At most {MAX_CALENDAR_DAYS} days at a time.", code=ValidationCode.OUT_OF_RANGE
        )
    if not 0 <= per_day <= MAX_PER_DAY:
        raise ValidationFailed(
            "perDay", f"Between 0 and {MAX_PER_DAY}.", code=ValidationCode.OUT_OF_RANGE
        )
    days = local_days(first, last, validation.zone(caller.timezone))
    counts = await _calendar_counts(caller, days, criteria)
    listed = await _calendar_rows(caller, days, criteria, per_day) if per_day else {}
    empty = (0, 0, 0, 0)
    return [
        CalendarDay(day, *counts.get(n, empty), follow_up_ids=listed.get(n, []))
        for n, day in enumerate(days)
    ]


def _days_join(
    sql: Sql, caller: Caller, days: list[LocalDay], criteria: Criteria
) -> tuple[str, str]:
    """FROM … WHERE for follow-ups joined to the local day they fall on, and its WITH."""
    values = sql.ranges((n, day.starts, day.ends) for n, day in enumerate(days))
    where = queries.where_clause(sql, caller, criteria)
    span = f"f.due_at >= {sql.bind(days[0].starts)} AND f.due_at < {sql.bind(days[-1].ends)}"
    return (
        f"FROM follow_up f JOIN days d ON f.due_at >= d.starts AND f.due_at < d.ends "
        f"WHERE {where} AND {span}"
    ), f"WITH days(n, starts, ends) AS (VALUES {values}) "


async def _calendar_counts(
    caller: Caller, days: list[LocalDay], criteria: Criteria
) -> dict[int, tuple[int, int, int, int]]:
    sql = Sql()
    body, with_days = _days_join(sql, caller, days, criteria)
    is_open = deadlines.status_in(OPEN_STATUSES)
    is_done = deadlines.status_in(DONE_STATUSES)
    rows = await queries.fetch_rows(
        f"{with_days}SELECT d.n AS n, count(*) AS total, "
        f"sum(CASE WHEN {is_open} THEN 1 ELSE 0 END) AS open_count, "
        f"sum(CASE WHEN {overdue_sql(sql, clock.now())} THEN 1 ELSE 0 END) AS overdue_count, "
        f"sum(CASE WHEN {is_done} THEN 1 ELSE 0 END) AS done_count "
        f"{body} GROUP BY d.n",
        sql.values,
    )
    return {
        int(row["n"]): (
            int(row["total"]),
            int(row["open_count"]),
            int(row["overdue_count"]),
            int(row["done_count"]),
        )
        for row in rows
    }


async def _calendar_rows(
    caller: Caller, days: list[LocalDay], criteria: Criteria, per_day: int
) -> dict[int, list[int]]:
    sql = Sql()
    body, with_days = _days_join(sql, caller, days, criteria)
    rows = await queries.fetch_rows(
        f"{with_days}SELECT n, id FROM (SELECT d.n AS n, f.id AS id, "
        f"row_number() OVER (PARTITION BY d.n ORDER BY f.due_at, f.id) AS place {body}) ranked "
        f"WHERE place <= {sql.bind(per_day)} ORDER BY n, place",
        sql.values,
    )
    listed: dict[int, list[int]] = {}
    for row in rows:
        listed.setdefault(int(row["n"]), []).append(int(row["id"]))
    return listed


# ---------------------------------------------------------------- board


def board_statuses(criteria: Criteria) -> list[Status]:
    """One column per status, in the order work flows; a status filter keeps only those."""
    return [s for s in Status if criteria.statuses is None or s in criteria.statuses]


async def board_counts(caller: Caller, criteria: Criteria) -> dict[Status, int]:
    sql = Sql()
    where = queries.where_clause(sql, caller, criteria)
    rows = await queries.fetch_rows(
        f"SELECT f.status AS status, count(*) AS n FROM follow_up f WHERE {where} "
        "GROUP BY f.status",
        sql.values,
    )
    return {Status(row["status"]): int(row["n"]) for row in rows}
