"""The overdue, overdue-alert and MISSED rules: the functions, and their SQL and Tortoise
renderings selecting exactly the rows the Python predicate picks, on both databases."""

from datetime import timedelta
from typing import cast

import pytest

from models.followups import FollowUp, Status
from services import deadlines
from services.sql import Sql, fetch_rows
from tests.services.conftest import NOW, Seeded

OPEN = [Status.PENDING, Status.IN_PROGRESS, Status.MISSED]
CLOSED = [Status.COMPLETED, Status.CLOSED_WITH_ISSUE, Status.CANCELLED]


@pytest.mark.parametrize("status", OPEN)
def test_an_open_follow_up_is_overdue_only_once_its_due_time_has_passed(status: Status) -> None:
    assert deadlines.is_overdue(status, NOW - timedelta(microseconds=1), NOW)
    assert not deadlines.is_overdue(status, NOW, NOW)  # due this instant: not yet
    assert not deadlines.is_overdue(status, NOW + timedelta(seconds=1), NOW)


@pytest.mark.parametrize("status", CLOSED)
def test_a_closed_follow_up_is_never_overdue(status: Status) -> None:
    assert not deadlines.is_overdue(status, NOW - timedelta(days=30), NOW)


def test_the_overdue_alert_is_due_at_the_due_time_plus_the_grace() -> None:
    due = NOW - timedelta(minutes=20)
    assert deadlines.overdue_alert_at(due, 30) == NOW + timedelta(minutes=10)
    assert not deadlines.overdue_alert_due(Status.PENDING, due, 30, NOW)
    assert deadlines.overdue_alert_due(Status.PENDING, due, 20, NOW)
    assert deadlines.overdue_alert_due(Status.MISSED, due, 0, NOW)
    assert not deadlines.overdue_alert_due(Status.COMPLETED, due, 0, NOW)


def test_only_pending_and_in_progress_may_become_missed_and_only_where_enabled() -> None:
    assert [s for s in Status if deadlines.may_become_missed(s, 2)] == [
        Status.PENDING,
        Status.IN_PROGRESS,
    ]
    assert not any(deadlines.may_become_missed(s, None) for s in Status)
    assert not any(deadlines.may_become_missed(s, 0) for s in Status)
    assert deadlines.missed_at(NOW, 2) == NOW + timedelta(hours=2)


async def _ids_where(condition: str, sql: Sql, org_id: int) -> set[int]:
    rows = await fetch_rows(
        f"SELECT f.id AS id FROM follow_up f WHERE f.org_id = {sql.bind(org_id)} AND {condition}",
        sql.values,
    )
    return {int(row["id"]) for row in rows}


async def test_the_overdue_clause_and_filter_pick_the_rows_the_predicate_picks(
    seeded: Seeded,
) -> None:
    expected = {row.id for row in seeded.rows if deadlines.is_overdue(row.status, row.due_at, NOW)}
    assert expected  # the seed has overdue rows, and rows at every edge around them
    assert len(expected) < len(seeded.rows)
    sql = Sql()
    assert await _ids_where(deadlines.overdue_sql(sql, NOW), sql, seeded.org_id) == expected
    sql = Sql()
    negated = f"NOT {deadlines.overdue_sql(sql, NOW)}"
    others = {row.id for row in seeded.rows} - expected
    assert await _ids_where(negated, sql, seeded.org_id) == others
    filtered = await FollowUp.filter(
        deadlines.overdue_filter(NOW), org_id=seeded.org_id
    ).values_list("id", flat=True)
    assert set(cast(list[int], filtered)) == expected


async def test_the_missable_clause_picks_the_rows_the_predicate_picks(seeded: Seeded) -> None:
    expected = {row.id for row in seeded.rows if deadlines.may_become_missed(row.status, 1)}
    assert await _ids_where(deadlines.missable_sql(), Sql(), seeded.org_id) == expected
