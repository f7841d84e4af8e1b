"""The tenancy narrowing: one rule (visibility.follow_up_owner) read three ways, as the
Tortoise queryset, the SQL clause of every hand-written query and the check of a row
already read, which must agree on the same rows on both databases."""

from dataclasses import replace
from typing import cast

import pytest

from models.staff import Role, Staff
from services.sql import Sql, fetch_rows
from services.visibility import (
    Caller,
    follow_up_owner,
    follow_up_scope_sql,
    may_see_follow_up,
    visible_follow_ups,
)
from tests.services.conftest import Seeded


def caller_for(staff: Staff, staff_see_all: bool) -> Caller:
    return Caller(
        staff_id=staff.id, org_id=staff.org_id, role=staff.role, email=staff.email,
        name=staff.name, timezone=staff.timezone, staff_see_all_follow_ups=staff_see_all,
    )  # fmt: skip


def test_staff_see_only_their_own_where_the_organization_says_so() -> None:
    member = Caller(1, 7, Role.STAFF, "m@x.test", "M", "UTC", staff_see_all_follow_ups=False)
    assert follow_up_owner(member) == {"assignee_id": 1}
    assert follow_up_owner(replace(member, staff_see_all_follow_ups=True)) == {}
    for role in (Role.MANAGER, Role.ADMIN):
        assert follow_up_owner(replace(member, role=role)) == {}


@pytest.mark.parametrize(
    ("who", "staff_see_all"), [("admin", False), ("member", True), ("member", False)]
)
async def test_the_queryset_the_sql_clause_and_the_row_check_agree(
    seeded: Seeded, who: str, staff_see_all: bool
) -> None:
    caller = caller_for(getattr(seeded, who), staff_see_all)
    expected = {
        row.id for row in seeded.rows if may_see_follow_up(caller, {"assignee_id": row.assignee_id})
    }
    queried = set(cast(list[int], await visible_follow_ups(caller).values_list("id", flat=True)))
    sql = Sql()
    rows = await fetch_rows(
        f"SELECT f.id AS id FROM follow_up f WHERE {follow_up_scope_sql(sql, caller)}", sql.values
    )
    assert queried == expected
    assert {int(row["id"]) for row in rows} == expected
    assert (expected == {row.id for row in seeded.rows}) == caller.sees_all_follow_ups
    assert not expected & {row.id for row in seeded.foreign}
