"""Completion analytics: how follow-ups fare, per staff member, type, priority or week.

Which follow-ups count, for a window [from, to) (each figure by its own moment, so a
follow-up created in one week and completed in the next counts in both weeks, once each):

- created: `created_at` in the window.
- completed: COMPLETED or CLOSED_WITH_ISSUE with `completed_at` in the window;
  completedOnTime those with `completed_at <= due_at`. Every completion figure (median and
  p90 hours from `created_at` to `completed_at`, contact attempts per completion, outcomes,
  satisfaction, issue rate) is over these completions.
- missed: status MISSED with `due_at` in the window (MISSED carries no timestamp of its
  own; it is set only where the organization enables it).
- cancelled: CANCELLED with `cancelled_at` in the window.
- due: `due_at` in the window and not CANCELLED; dueCompleted: those of them completed or
  closed (at any time up to now). completionRate = dueCompleted / due, the dashboard's
  definition: of what fell due, the share that got done.
- onTimeRate = completedOnTime / completed; issueRate = completions with hasIssue /
  completed. Rates are 0 when there is nothing to divide by; percentiles are then null.

Grouping: STAFF by current assignee (unassigned apart), TYPE, PRIORITY, or WEEK — ISO
weeks starting Monday 00:00 in the caller's zone (DST-correct), the first and last cut at
the window's ends. Managers and admins see everyone; STAFF only follow-ups assigned to
them. Figures come from two aggregate statements (the groups, and the totals), whatever
the number of follow-ups: PostgreSQL computes the percentiles with percentile_cont,
SQLite with window functions that pick the two ranks percentile_cont interpolates between.
"""

import asyncio
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import Enum
from typing import Any

from models.followups import (
    DONE_STATUSES,
    CompletionOutcome,
    Priority,
    SatisfactionOutcome,
    Status,
)
from services import validation
from services.deadlines import status_in
from services.errors import ValidationCode, ValidationFailed
from services.followup_queries import Criteria, ratio, where_clause
from services.sql import Sql, fetch_rows
from services.visibility import Caller
from services.zones import midnight, week_start

MAX_WINDOW_DAYS = 366
PERCENTILES = {"median": 0.5, "p90": 0.9}


class GroupBy(Enum):
    STAFF = "staff"
    TYPE = "type"
    PRIORITY = "priority"
    WEEK = "week"


@dataclass(frozen=True)
class Bucket:
    n: int
    starts: datetime  # UTC, inclusive
    ends: datetime  # UTC, exclusive
    week: date | None = None

    @property
    def label(self) -> str:
        return self.week.isoformat() if self.week else ""


@dataclass
class Figures:
    """One row of the report: a group, or the totals."""

    key: Any  # staff id (0: unassigned), type id, Priority, week start date; None: totals
    label: str
    code: str | None = None  # the type's key, for TYPE
    created: int = 0
    completed: int = 0
    completed_on_time: int = 0
    missed: int = 0
    cancelled: int = 0
    due: int = 0
    due_completed: int = 0
    contact_attempts: int = 0
    issues: int = 0
    median_hours: float | None = None
    p90_hours: float | None = None
    outcomes: dict[CompletionOutcome, int] = field(default_factory=dict)
    satisfaction: dict[SatisfactionOutcome, int] = field(default_factory=dict)

    @property
    def completion_rate(self) -> float:
        return ratio(self.due_completed, self.due)

    @property
    def on_time_rate(self) -> float:
        return ratio(self.completed_on_time, self.completed)

    @property
    def issue_rate(self) -> float:
        return ratio(self.issues, self.completed)

    @property
    def contact_attempts_per_completion(self) -> float:
        return round(self.contact_attempts / self.completed, 2) if self.completed else 0.0

    def outcome_rate(self, outcome: CompletionOutcome) -> float:
        return ratio(self.outcomes.get(outcome, 0), self.completed)


@dataclass(frozen=True)
class Report:
    group_by: GroupBy
    starts: datetime
    ends: datetime
    timezone: str
    groups: list[Figures]
    totals: Figures


# ---------------------------------------------------------------- the window and its buckets


def week_buckets(starts: datetime, ends: datetime, zone_name: str) -> list[Bucket]:
    """ISO weeks of the caller's zone that meet [starts, ends), cut to the window."""
    zone = validation.zone(zone_name)
    monday = week_start(starts.astimezone(zone).date())
    buckets: list[Bucket] = []
    while midnight(monday, zone) < ends:
        following = monday + timedelta(days=7)
        buckets.append(
            Bucket(
                len(buckets),
                max(midnight(monday, zone), starts),
                min(midnight(following, zone), ends),
                monday,
            )
        )
        monday = following
    return buckets


def _check_window(starts: datetime, ends: datetime) -> None:
    if ends <= starts:
        raise ValidationFailed(
            "to", "The window ends before it starts.", code=ValidationCode.ENDS_BEFORE_START
        )
    if ends - starts > timedelta(days=MAX_WINDOW_DAYS):
        raise ValidationFailed(
            "to", f"At most {MAX_WINDOW_DAYS} days at a time.", code=ValidationCode.OUT_OF_RANGE
        )


# ---------------------------------------------------------------- the query


_KEYS = {
    # group: (key expression, label expression, code expression, extra join)
    GroupBy.STAFF: (
        "coalesce(f.assignee_id, 0)",
        "coalesce(s.name, '')",
        "NULL",
        "LEFT JOIN staff s ON s.id = f.assignee_id",
    ),
    GroupBy.TYPE: ("f.type_id", "t.name", "t.key", "JOIN follow_up_type t ON t.id = f.type_id"),
    GroupBy.PRIORITY: ("f.priority", "''", "NULL", ""),
    GroupBy.WEEK: ("0", "''", "NULL", ""),
}
_TOTALS = ("0", "''", "NULL", "")


def _hours(sql: Sql) -> str:
    """Hours from creation to completion."""
    if sql.postgres:
        return (
            "CAST(EXTRACT(EPOCH FROM (f.completed_at - f.created_at)) / 3600.0 AS double precision)"
        )
    return "(julianday(f.completed_at) - julianday(f.created_at)) * 24.0"


def _count_if(condition: str) -> str:
    return f"sum(CASE WHEN {condition} THEN 1 ELSE 0 END)"


@dataclass(frozen=True)
class Moment:
    """The follow-ups one set of figures counts: those whose `column` falls in a bucket
    (and meet `condition`), each in the bucket it falls in."""

    column: str
    condition: str
    figures: dict[str, str]  # name -> aggregate


def _moments() -> list[Moment]:
    """Conditions name our own enum values as literals, so each statement binds only its own
    window and scope."""
    done = status_in(DONE_STATUSES)
    completion = {
        "is_done": "count(*)",
        "is_on_time": _count_if("f.completed_at <= f.due_at"),
        "attempts": "sum(f.contact_attempt_count)",
        "is_issue": _count_if("f.has_issue = TRUE"),
    }
    for outcome in CompletionOutcome:
        completion[f"o_{outcome.value}"] = _count_if(f"f.outcome = '{outcome.value}'")
    for satisfaction in SatisfactionOutcome:
        completion[f"s_{satisfaction.value}"] = _count_if(
            f"f.satisfaction_outcome = '{satisfaction.value}'"
        )
    return [
        Moment("completed_at", done, completion),
        Moment("created_at", "", {"is_created": "count(*)"}),
        Moment(
            "due_at",
            "",
            {
                "is_due": _count_if(f"NOT {status_in([Status.CANCELLED])}"),
                "is_due_done": _count_if(done),
                "is_missed": _count_if(status_in([Status.MISSED])),
            },
        ),
        Moment("cancelled_at", status_in([Status.CANCELLED]), {"is_cancelled": "count(*)"}),
    ]


MOMENTS = _moments()


def _statement(
    sql: Sql,
    caller: Caller,
    buckets: list[Bucket],
    grouping: tuple[str, str, str, str],
    moment: Moment,
) -> str:
    """One moment's figures per bucket and group; completions also get their percentiles."""
    key, label, code, join = grouping
    values = sql.ranges((b.n, b.starts, b.ends) for b in buckets)
    column = f"f.{moment.column}"
    # Staff get their own figures even where they may see everyone's follow-ups.
    own = Criteria(assignee_ids=None if caller.is_manager else [caller.staff_id])
    scope = (
        f"{where_clause(sql, caller, own)} AND {column} >= {sql.bind(buckets[0].starts)} "
        f"AND {column} < {sql.bind(buckets[-1].ends)}"
    )
    if moment.condition:
        scope += f" AND {moment.condition}"
    source = (
        f"FROM follow_up f JOIN buckets b ON {column} >= b.starts AND {column} < b.ends "
        f"{join} WHERE {scope}"
    )
    with_ = f"WITH buckets(n, starts, ends) AS (VALUES {values})"
    figures = ", ".join(f"{aggregate} AS {name}" for name, aggregate in moment.figures.items())
    select = f"SELECT b.n AS bucket, {key} AS k, {label} AS label, {code} AS code, {figures}"
    grouped = "GROUP BY bucket, k, label, code"
    if moment.column != "completed_at":
        return f"{with_} {select} {source} {grouped}"
    if sql.postgres:
        percentiles = ", ".join(
            f"percentile_cont({p}) WITHIN GROUP (ORDER BY {_hours(sql)}) AS {name}_hours"
            for name, p in PERCENTILES.items()
        )
        return f"{with_} {select}, {percentiles} {source} {grouped}"
    # SQLite: rank the durations per group, then keep the two ranks around each percentile.
    positions = ", ".join(
        f"(c - 1) * {p} AS pos_{name}, CAST((c - 1) * {p} AS INTEGER) AS lo_{name}"
        for name, p in PERCENTILES.items()
    )
    picks = ", ".join(
        f"max(CASE WHEN i = lo_{name} THEN hours END) AS {name}_low, "
        f"max(CASE WHEN i = lo_{name} + 1 THEN hours END) AS {name}_high, "
        f"max(pos_{name} - lo_{name}) AS {name}_fraction"
        for name in PERCENTILES
    )
    picked = ", ".join(
        f"p.{name}_{part}" for name in PERCENTILES for part in ("low", "high", "fraction")
    )
    return (
        f"{with_}, ranked AS (SELECT b.n AS bucket, {key} AS k, {_hours(sql)} AS hours, "
        f"row_number() OVER (PARTITION BY b.n, {key} ORDER BY {_hours(sql)}) - 1 AS i, "
        f"count(*) OVER (PARTITION BY b.n, {key}) AS c {source}), "
        f"placed AS (SELECT ranked.*, {positions} FROM ranked), "
        f"pct AS (SELECT bucket, k, {picks} FROM placed GROUP BY bucket, k), "
        f"agg AS ({select} {source} {grouped}) "
        f"SELECT agg.*, {picked} FROM agg LEFT JOIN pct p ON p.bucket = agg.bucket AND p.k = agg.k"
    )


def _percentile(row: dict[str, Any], name: str) -> float | None:
    if f"{name}_hours" in row:
        value = row[f"{name}_hours"]
        return None if value is None else round(float(value), 2)
    low, high = row.get(f"{name}_low"), row.get(f"{name}_high")
    if low is None:
        return None
    fraction = float(row[f"{name}_fraction"] or 0)
    value = float(low) + (fraction * (float(high) - float(low)) if high is not None else 0.0)
    return round(value, 2)


def _figures(row: dict[str, Any], key: Any, label: str) -> Figures:
    def n(name: str) -> int:
        return int(row.get(name) or 0)

    return Figures(
        key=key,
        label=label,
        code=row.get("code"),
        created=n("is_created"),
        completed=n("is_done"),
        completed_on_time=n("is_on_time"),
        missed=n("is_missed"),
        cancelled=n("is_cancelled"),
        due=n("is_due"),
        due_completed=n("is_due_done"),
        contact_attempts=n("attempts"),
        issues=n("is_issue"),
        median_hours=_percentile(row, "median"),
        p90_hours=_percentile(row, "p90"),
        outcomes={o: n(f"o_{o.value}") for o in CompletionOutcome},
        satisfaction={s: n(f"s_{s.value}") for s in SatisfactionOutcome},
    )


async def _moment_rows(
    caller: Caller, buckets: list[Bucket], grouping: tuple[str, str, str, str], moment: Moment
) -> list[dict[str, Any]]:
    sql = Sql()
    return await fetch_rows(_statement(sql, caller, buckets, grouping, moment), sql.values)


async def _rows(
    caller: Caller, buckets: list[Bucket], grouping: tuple[str, str, str, str]
) -> list[dict[str, Any]]:
    """Every moment's figures, one row per bucket and group (a group missing from a
    moment simply has none of its figures)."""
    found = await asyncio.gather(
        *(_moment_rows(caller, buckets, grouping, moment) for moment in MOMENTS)
    )
    merged: dict[tuple[int, Any], dict[str, Any]] = {}
    for rows in found:
        for row in rows:
            merged.setdefault((int(row["bucket"]), row["k"]), {}).update(row)
    return list(merged.values())


def _summed(rows: list[dict[str, Any]], completions: list[dict[str, Any]]) -> dict[str, Any]:
    """The totals row: every count summed over the groups, the percentiles of them all."""
    counts = [name for moment in MOMENTS for name in moment.figures]
    total = dict(completions[0]) if completions else {}
    total.update({name: sum(int(row.get(name) or 0) for row in rows) for name in counts})
    total["code"] = None
    return total


# ---------------------------------------------------------------- the report


async def follow_up_analytics(
    caller: Caller, starts: datetime, ends: datetime, group_by: GroupBy
) -> Report:
    """The report for the window, grouped, with its totals (see the module docstring)."""
    _check_window(starts, ends)
    window = [Bucket(0, starts, ends)]
    buckets = week_buckets(starts, ends, caller.timezone) if group_by == GroupBy.WEEK else window
    # Every statement on its own connection at once. The groups partition the window, so the
    # totals are their sums, except the percentiles, which need every completion at once.
    rows, completions = await asyncio.gather(
        _rows(caller, buckets, _KEYS[group_by]),
        _moment_rows(caller, window, _TOTALS, MOMENTS[0]),
    )
    totals = _figures(_summed(rows, completions), None, "All")
    if group_by == GroupBy.WEEK:
        by_bucket = {int(row["bucket"]): row for row in rows}
        groups = [
            _figures(by_bucket[b.n], b.week, b.label)
            if b.n in by_bucket
            else Figures(b.week, b.label)
            for b in buckets
        ]
    elif group_by == GroupBy.PRIORITY:
        groups = [
            _figures(row, Priority(int(row["k"])), Priority(int(row["k"])).name) for row in rows
        ]
        groups.sort(key=lambda g: g.key)
    elif group_by == GroupBy.STAFF:
        groups = [_figures(row, int(row["k"]), row["label"] or "Unassigned") for row in rows]
        groups.sort(key=lambda g: (g.key == 0, g.label.lower(), g.key))
    else:
        groups = [_figures(row, int(row["k"]), row["label"]) for row in rows]
        groups.sort(key=lambda g: (g.label.lower(), g.key))
    return Report(group_by, starts, ends, caller.timezone, groups, totals)
