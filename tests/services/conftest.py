"""Rows for the rule tests: an organization, two members and a follow-up of every status
due at the edges of "now"."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from models.followups import FollowUp, FollowUpType, Status
from models.staff import Role, Staff
from services.organizations import create_organization
from services.staff import create_staff_row
from tests.conftest import PASSWORD

NOW = datetime(2027, 3, 14, 12, 0, tzinfo=UTC)
# Due a day before, a microsecond before, exactly at, a microsecond after and a day after NOW.
DUE_OFFSETS = [
    timedelta(days=-1),
    timedelta(microseconds=-1),
    timedelta(0),
    timedelta(microseconds=1),
    timedelta(days=1),
]


@dataclass(frozen=True)
class Seeded:
    org_id: int
    admin: Staff
    member: Staff
    rows: list[FollowUp]
    foreign: list[FollowUp]  # another organization's, which no caller here may see


@pytest.fixture
async def seeded(dbready: str) -> Seeded:
    org, admin = await create_organization("Rules Ltd", "admin@rules.test", PASSWORD)
    member = await create_staff_row(
        org.id, email="member@rules.test", name="Mia", password=PASSWORD, role=Role.STAFF,
        timezone="UTC",
    )  # fmt: skip
    rows = await _follow_ups(org.id, [admin, member, None])
    elsewhere, their_admin = await create_organization("Elsewhere", "a@else.test", PASSWORD)
    return Seeded(org.id, admin, member, rows, await _follow_ups(elsewhere.id, [their_admin]))


async def _follow_ups(org_id: int, assignees: list[Staff | None]) -> list[FollowUp]:
    """One follow-up per status, due offset and assignee."""
    follow_up_type = await FollowUpType.filter(org_id=org_id).first()
    assert follow_up_type is not None
    return [
        await FollowUp.create(
            org_id=org_id,
            type_id=follow_up_type.id,
            subject=f"{status.value} {offset}",
            status=status,
            due_at=NOW + offset,
            assignee_id=assignee.id if assignee else None,
        )
        for status in Status
        for offset in DUE_OFFSETS
        for assignee in assignees
    ]
