"""The organization's time settings in force when a timer fires decide (issue 10, defects 3, 4)."""

from datetime import timedelta
from typing import Any

import pytest

from models.organizations import Organization
from models.timers import TimerKind
from runtime import clock
from services import timers
from tasks.jobs import load_jobs
from tasks.timers import fire_timer
from tests.api.helpers import create_follow_up
from tests.conftest import Api, Org
from tests.pipeline.test_reminders import at, run_pipeline_until

ORGANIZATION = (
    "mutation($i: UpdateOrganizationInput!) { updateOrganization(input: $i) { __typename } }"
)
STATUS = "query($id: ID!) { followUp(id: $id) { status } }"
OVERDUE_ALERTS = (
    "{ notifications(first: 10, kinds: [OVERDUE]) { edges { node { followUp { id } } } } }"
)


async def settings(api: Api, org: Org, **values: Any) -> None:
    answer = await api.data(ORGANIZATION, {"i": values}, org.admin)
    assert answer["updateOrganization"]["__typename"] == "Organization"


async def status(api: Api, org: Org, follow_up_id: str) -> str:
    return (await api.data(STATUS, {"id": follow_up_id}, org.admin))["followUp"]["status"]


async def overdue_alerts(api: Api, org: Org) -> list[str]:
    edges = (await api.data(OVERDUE_ALERTS, token=org.admin))["notifications"]["edges"]
    return [edge["node"]["followUp"]["id"] for edge in edges]


async def test_turning_marking_missed_off_keeps_planned_follow_ups_from_becoming_missed(
    api: Api, org: Org
) -> None:
    await settings(api, org, markMissedAfterHours=2)
    due = at(1)
    created = await create_follow_up(api, org.admin, dueAt=due.isoformat(), reminders=[])
    await settings(api, org, markMissedAfterHours=0)
    await run_pipeline_until(due + timedelta(days=1))
    assert await status(api, org, created["id"]) == "PENDING"


async def test_a_timer_planned_while_marking_was_turned_off_does_not_mark_missed(
    api: Api, org: Org
) -> None:
    """A follow-up saved in the instant the setting changes may keep a timer planned with the
    old setting: the transition reads the setting again when it fires."""
    await settings(api, org, markMissedAfterHours=2)
    due = at(1)
    created = await create_follow_up(api, org.admin, dueAt=due.isoformat(), reminders=[])
    await Organization.filter(id=org.id).update(mark_missed_after_hours=None)  # no re-plan
    await run_pipeline_until(due + timedelta(days=1))
    assert await status(api, org, created["id"]) == "PENDING"


@pytest.mark.parametrize(("before", "after"), [(2, 5), (5, 2)])
async def test_changing_the_missed_hours_moves_the_planned_marking(
    api: Api, org: Org, before: int, after: int
) -> None:
    await settings(api, org, markMissedAfterHours=before)
    due = at(1)
    created = await create_follow_up(api, org.admin, dueAt=due.isoformat(), reminders=[])
    await settings(api, org, markMissedAfterHours=after)
    await run_pipeline_until(due + timedelta(hours=after, minutes=-1))
    assert await status(api, org, created["id"]) == "PENDING"
    await run_pipeline_until(due + timedelta(hours=after))
    assert await status(api, org, created["id"]) == "MISSED"


@pytest.mark.parametrize(("before", "after"), [(0, 30), (60, 10)])
async def test_changing_the_grace_moves_the_planned_overdue_alert(
    api: Api, org: Org, before: int, after: int
) -> None:
    await settings(api, org, overdueGraceMinutes=before)
    due = at(1)
    created = await create_follow_up(api, org.admin, dueAt=due.isoformat(), reminders=[])
    await settings(api, org, overdueGraceMinutes=after)
    await run_pipeline_until(due + timedelta(minutes=after - 1))
    assert await overdue_alerts(api, org) == []
    await run_pipeline_until(due + timedelta(minutes=after))
    assert await overdue_alerts(api, org) == [created["id"]]
    await run_pipeline_until(due + timedelta(minutes=max(before, after) + 1))
    assert await overdue_alerts(api, org) == [created["id"]]


async def test_the_overdue_sweep_waits_for_the_grace_like_the_timer(api: Api, org: Org) -> None:
    await settings(api, org, overdueGraceMinutes=30)
    due = clock.now() - timedelta(minutes=10)
    created = await create_follow_up(api, org.admin, dueAt=due.isoformat(), reminders=[])
    sweep = load_jobs()["overdue-sweep"]
    assert await sweep() == "overdue-sweep: 0 alert(s) sent"
    assert await overdue_alerts(api, org) == []

    clock.travel_to(due + timedelta(minutes=30, seconds=1))
    assert await sweep() == "overdue-sweep: 1 alert(s) sent"
    assert await overdue_alerts(api, org) == [created["id"]]
    await run_pipeline_until(due + timedelta(minutes=31))  # the timer's alert: the same one
    assert await overdue_alerts(api, org) == [created["id"]]


async def test_a_timer_already_handed_out_follows_the_new_grace(api: Api, org: Org) -> None:
    due = at(1)
    created = await create_follow_up(api, org.admin, dueAt=due.isoformat(), reminders=[])
    clock.travel_to(due)
    claims = await timers.claim_due(clock.now())  # their messages are on their way to workers
    [claim] = [c for c in claims if c.kind == TimerKind.OVERDUE]
    await settings(api, org, overdueGraceMinutes=30)
    await fire_timer.fn(claim.timer_id)  # the message arrives: the timer is no longer its own
    assert await overdue_alerts(api, org) == []
    await run_pipeline_until(due + timedelta(minutes=29))
    assert await overdue_alerts(api, org) == []
    await run_pipeline_until(due + timedelta(minutes=30))
    assert await overdue_alerts(api, org) == [created["id"]]
