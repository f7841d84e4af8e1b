"""When a follow-up is overdue, when its overdue alert is due, when it may become MISSED.

Each rule is written once, from the constants below, as a Python predicate and beside it
the SQL clause (or Tortoise filter) that selects the same rows, so the lists, `isOverdue`,
the dashboard, the calendar, workload, the digest, the sweep and the timers cannot
disagree (tests/services/test_deadlines.py checks both renderings on both databases).
"""

from collections.abc import Iterable
from datetime import datetime, timedelta

from tortoise.expressions import Q

from models.followups import OPEN_STATUSES, Status
from runtime import clock
from services.sql import Sql

# Overdue: still open and due strictly before now (a follow-up due this instant is not).
OVERDUE_STATUSES = OPEN_STATUSES
# Where the organization enables it, the system marks these MISSED (DESIGN.md transitions).
MISSABLE_STATUSES = (Status.PENDING, Status.IN_PROGRESS)


def status_in(statuses: Iterable[Status], column: str = "f.status") -> str:
    """Statuses written as literals (they are our own enum values), so PostgreSQL and SQLite
    can match the partial indexes on open follow-ups (migration 0007) to the query."""
    values = ", ".join(f"'{Status(status).value}'" for status in statuses)
    return f"{column} IN ({values})" if values else "1 = 0"


# ---------------------------------------------------------------- overdue


def is_overdue(status: Status, due_at: datetime, now: datetime | None = None) -> bool:
    return status in OVERDUE_STATUSES and due_at < (now or clock.now())


def overdue_sql(sql: Sql, now: datetime, alias: str = "f") -> str:
    """`is_overdue` as a condition on the follow-up rows `alias`."""
    statuses = status_in(OVERDUE_STATUSES, f"{alias}.status")
    return f"({statuses} AND {alias}.due_at < {sql.bind(now)})"


def overdue_filter(now: datetime) -> Q:
    """`is_overdue` as a Tortoise filter on FollowUp."""
    return Q(status__in=list(OVERDUE_STATUSES), due_at__lt=now)


# ---------------------------------------------------------------- the overdue alert


def overdue_alert_at(due_at: datetime, grace_minutes: int) -> datetime:
    """The moment the assignee is told a follow-up is overdue: its due time plus the
    organization's grace. The timer is planned for it and the sweep judges by it."""
    return due_at + timedelta(minutes=grace_minutes)


def overdue_alert_due(status: Status, due_at: datetime, grace_minutes: int, now: datetime) -> bool:
    return status in OVERDUE_STATUSES and overdue_alert_at(due_at, grace_minutes) <= now


# ---------------------------------------------------------------- MISSED


def may_become_missed(status: Status, mark_missed_after_hours: int | None) -> bool:
    """Whether the system may mark a follow-up MISSED: only where the organization enables
    it, and only from a status the transition table allows."""
    return bool(mark_missed_after_hours) and status in MISSABLE_STATUSES


def missable_sql(alias: str = "f") -> str:
    """The status half of `may_become_missed` as a condition on `alias` (the organization's
    setting is one value, checked before any query)."""
    return status_in(MISSABLE_STATUSES, f"{alias}.status")


def missed_at(due_at: datetime, mark_missed_after_hours: int) -> datetime:
    return due_at + timedelta(hours=mark_missed_after_hours)
