"""Completion analytics and workload through the API, against figures worked out by hand.

The fixed data set (window Mon 2027-01-04 00:00Z to Mon 2027-01-18 00:00Z; hours are
from creation to completion):

| id | assignee | type            | prio   | created    | due        | end                          | h   | attempts |
|----|----------|-----------------|--------|------------|------------|------------------------------|-----|----------|
| F0 | Nia      | document_review | MEDIUM | 01-01 09h  | 01-04 12:30| COMPLETED 01-04 12h, success | 75  | 0        |
| F1 | Nia      | phone_call      | HIGH   | 01-04 09h  | 01-05 09h  | COMPLETED 01-04 21h, success, satisfied | 12 | 1 |
| F2 | Nia      | phone_call      | MEDIUM | 01-04 10h  | 01-05 10h  | CLOSED_WITH_ISSUE 01-06 10h, unsuccessful, unsatisfied | 48 | 2 |
| F3 | Kofi     | document_review | LOW    | 01-05 09h  | 01-12 09h  | COMPLETED 01-11 09h, success, mixed | 144 | 0 |
| F4 | Kofi     | phone_call      | HIGH   | 01-06 09h  | 01-08 09h  | CANCELLED 01-07 09h          |     |          |
| F5 | Kofi     | document_review | MEDIUM | 01-12 09h  | 01-13 09h  | still PENDING                |     |          |
| F6 | Nia      | phone_call      | MEDIUM | 01-12 09h  | 01-20 09h  | still PENDING                |     |          |
| F7 | Nia      | document_review | LOW    | 01-05 12h  | 01-07 12h  | MISSED 01-08                 |     |          |

Follow-ups take `created_at` from the wall clock, not runtime.clock, so the test stamps
each one with the test clock right after creating it through the API.
"""

import base64
from datetime import UTC, datetime
from typing import Any

import pytest

from models.followups import FollowUp
from runtime import clock
from services import events, followups
from services.analytics import week_buckets
from tests.api.helpers import create_follow_up, mutate
from tests.conftest import Api, Org

WINDOW = {"from": "2027-01-04T00:00:00Z", "to": "2027-01-18T00:00:00Z"}

ANALYTICS = """
query($from: DateTime!, $to: DateTime!, $by: AnalyticsGroupBy!) {
  followUpAnalytics(from: $from, to: $to, groupBy: $by) {
    groupBy timezone
    groups { ...row staff { name } type { key } priority weekStart }
    totals { ...row }
  }
}
fragment row on AnalyticsRow {
  key label created completed completedOnTime missed cancelled due dueCompleted
  completionRate onTimeRate medianTimeToCompleteHours p90TimeToCompleteHours
  contactAttemptsPerCompletion issueRate
  successRateByOutcome { outcome count rate }
  satisfactionMix { outcome count }
}
"""

FIGURES = [
    "created",
    "completed",
    "completedOnTime",
    "missed",
    "cancelled",
    "due",
    "dueCompleted",
    "completionRate",
    "onTimeRate",
    "medianTimeToCompleteHours",
    "p90TimeToCompleteHours",
    "contactAttemptsPerCompletion",
    "issueRate",
]


def at(text: str) -> datetime:
    return datetime.fromisoformat(f"2027-{text}:00").replace(tzinfo=UTC)


def pk(global_id: str) -> int:
    return int(base64.b64decode(global_id).decode().split(":")[1])


def figures(row: dict[str, Any]) -> list[Any]:
    return [row[name] for name in FIGURES]


def outcomes(row: dict[str, Any]) -> dict[str, tuple[int, float]]:
    return {o["outcome"]: (o["count"], o["rate"]) for o in row["successRateByOutcome"]}


def satisfaction(row: dict[str, Any]) -> dict[str, int]:
    return {s["outcome"]: s["count"] for s in row["satisfactionMix"]}


class Clock:
    """Moves the test clock and keeps the admin's token fresh (tokens expire with it)."""

    def __init__(self, api: Api, org: Org) -> None:
        self.api, self.org = api, org

    async def to(self, moment: str) -> str:
        clock.travel_to(at(moment))
        self.org.admin = await self.api.login(self.org.admin_email)
        return self.org.admin


async def add(
    api: Api, org: Org, subject: str, assignee: str, type_key: str, priority: str, due: str
) -> str:
    created = await create_follow_up(
        api, org.admin, subject=subject, assigneeId=assignee, typeKey=type_key,
        priority=priority, dueAt=at(due).isoformat(), reminders=[],
    )  # fmt: skip
    assert created["__typename"] == "FollowUp", created
    await FollowUp.filter(id=pk(created["id"])).update(created_at=clock.now())
    return created["id"]


async def complete(api: Api, token: str, follow_up_id: str, **values: Any) -> dict[str, Any]:
    done = await mutate(
        api, token, "completeFollowUp(id: $id, input: $input)",
        {"id": follow_up_id, "input": {"outcome": "SUCCESSFUL", **values}},
    )  # fmt: skip
    assert done["status"] in ("COMPLETED", "CLOSED_WITH_ISSUE"), done
    return done


async def data_set(api: Api, org: Org) -> tuple[str, str, str]:
    """Builds the table above; returns (Nia's id, Nia's email, Kofi's id)."""
    nia, nia_token = await org.add_staff("Nia")
    kofi, _ = await org.add_staff("Kofi")
    nia_email = (await api.data("{ me { email } }", token=nia_token))["me"]["email"]
    t = Clock(api, org)
    await t.to("01-01T09:00")
    f0 = await add(api, org, "F0", nia, "document_review", "MEDIUM", "01-04T12:30")
    await t.to("01-04T09:00")
    f1 = await add(api, org, "F1", nia, "phone_call", "HIGH", "01-05T09:00")
    await t.to("01-04T10:00")
    f2 = await add(api, org, "F2", nia, "phone_call", "MEDIUM", "01-05T10:00")
    await complete(api, await t.to("01-04T12:00"), f0)
    await complete(
        api, await t.to("01-04T21:00"), f1,
        contactOutcome="REACHED_CUSTOMER", satisfactionOutcome="SATISFIED",
    )  # fmt: skip
    await t.to("01-05T09:00")
    f3 = await add(api, org, "F3", kofi, "document_review", "LOW", "01-12T09:00")
    await mutate(
        api, await t.to("01-05T11:00"), "logContactAttempt(id: $id, outcome: $outcome)",
        {"id": f2, "outcome": "ATTEMPTED"},
    )  # fmt: skip
    await t.to("01-05T12:00")
    f7 = await add(api, org, "F7", nia, "document_review", "LOW", "01-07T12:00")
    await t.to("01-06T09:00")
    f4 = await add(api, org, "F4", kofi, "phone_call", "HIGH", "01-08T09:00")
    closed = await complete(
        api, await t.to("01-06T10:00"), f2, outcome="UNSUCCESSFUL",
        contactOutcome="REACHED_CUSTOMER", satisfactionOutcome="UNSATISFIED",
        hasIssue=True, issueSummary="Invoice disputed",
    )  # fmt: skip
    assert closed["status"] == "CLOSED_WITH_ISSUE"
    cancelled = await mutate(api, await t.to("01-07T09:00"), "cancelFollowUp(id: $id)", {"id": f4})
    assert cancelled["status"] == "CANCELLED"
    await t.to("01-08T12:00")
    await api.data(  # the organization marks missed follow-ups (read when the timer fires)
        "mutation { updateOrganization(input: {markMissedAfterHours: 24}) { __typename } }",
        token=org.admin,
    )
    async with events.transaction():  # as the timer actor runs it
        assert await followups.mark_missed(pk(f7)) is not None
    await complete(api, await t.to("01-11T09:00"), f3, satisfactionOutcome="MIXED")
    await t.to("01-12T09:00")
    await add(api, org, "F5", kofi, "document_review", "MEDIUM", "01-13T09:00")
    await add(api, org, "F6", nia, "phone_call", "MEDIUM", "01-20T09:00")
    await t.to("01-20T12:00")
    return nia, nia_email, kofi


async def report(api: Api, token: str, by: str, window: dict[str, str] = WINDOW) -> Any:
    return (await api.data(ANALYTICS, {**window, "by": by}, token))["followUpAnalytics"]


async def test_analytics_by_staff_with_totals(api: Api, org: Org) -> None:
    nia, _, kofi = await data_set(api, org)
    result = await report(api, org.admin, "STAFF")
    totals = result["totals"]
    assert totals["key"] == "total" and totals["label"] == "All"
    # created completed onTime missed cancelled due dueCompleted rate onTime median p90 att/c issue
    assert figures(totals) == [7, 4, 3, 1, 1, 6, 4, 0.6667, 0.75, 61.5, 123.3, 0.75, 0.25]
    assert outcomes(totals) == {
        "SUCCESSFUL": (3, 0.75), "NO_RESPONSE": (0, 0.0),
        "RESCHEDULED": (0, 0.0), "UNSUCCESSFUL": (1, 0.25),
    }  # fmt: skip
    assert satisfaction(totals) == {"SATISFIED": 1, "MIXED": 1, "UNSATISFIED": 1}

    kofi_row, nia_row = result["groups"]  # by name; the admin has no follow-ups, so no row
    assert (kofi_row["key"], kofi_row["label"], kofi_row["staff"]) == (
        kofi,
        "Kofi",
        {"name": "Kofi"},
    )
    assert figures(kofi_row) == [3, 1, 1, 0, 1, 2, 1, 0.5, 1.0, 144.0, 144.0, 0.0, 0.0]
    assert (nia_row["key"], nia_row["label"]) == (nia, "Nia")
    assert figures(nia_row) == [4, 3, 2, 1, 0, 4, 3, 0.75, 0.6667, 48.0, 69.6, 1.0, 0.3333]
    assert outcomes(nia_row)["SUCCESSFUL"] == (2, 0.6667)
    assert satisfaction(nia_row) == {"SATISFIED": 1, "MIXED": 0, "UNSATISFIED": 1}


async def test_analytics_by_type_and_priority(api: Api, org: Org) -> None:
    await data_set(api, org)
    by_type = await report(api, org.admin, "TYPE")
    review, call = by_type["groups"]
    assert (review["key"], review["label"], review["type"]) == (
        "document_review", "Document review", {"key": "document_review"},
    )  # fmt: skip
    assert figures(review) == [3, 2, 2, 1, 0, 4, 2, 0.5, 1.0, 109.5, 137.1, 0.0, 0.0]
    assert (call["key"], call["label"]) == ("phone_call", "Phone call")
    assert figures(call) == [4, 2, 1, 0, 1, 2, 2, 1.0, 0.5, 30.0, 44.4, 1.5, 0.5]
    assert figures(by_type["totals"])[:7] == [7, 4, 3, 1, 1, 6, 4]

    by_priority = await report(api, org.admin, "PRIORITY")
    high, medium, low = by_priority["groups"]
    assert [g["key"] for g in by_priority["groups"]] == ["HIGH", "MEDIUM", "LOW"]
    assert high["priority"] == "HIGH" and high["staff"] is None and high["type"] is None
    assert figures(high) == [2, 1, 1, 0, 1, 1, 1, 1.0, 1.0, 12.0, 12.0, 1.0, 0.0]
    assert figures(medium) == [3, 2, 1, 0, 0, 3, 2, 0.6667, 0.5, 61.5, 72.3, 1.0, 0.5]
    assert figures(low) == [2, 1, 1, 1, 0, 2, 1, 0.5, 1.0, 144.0, 144.0, 0.0, 0.0]


async def test_analytics_by_week_in_utc(api: Api, org: Org) -> None:
    await data_set(api, org)
    result = await report(api, org.admin, "WEEK")
    assert result["timezone"] == "UTC"
    first, second = result["groups"]
    assert (first["key"], first["label"], first["weekStart"]) == (
        "2027-01-04",
        "2027-01-04",
        "2027-01-04",
    )
    assert figures(first) == [5, 3, 2, 1, 1, 4, 3, 0.75, 0.6667, 48.0, 69.6, 1.0, 0.3333]
    assert second["weekStart"] == "2027-01-11"
    assert figures(second) == [2, 1, 1, 0, 0, 2, 1, 0.5, 1.0, 144.0, 144.0, 0.0, 0.0]


async def test_staff_see_only_their_own_figures(api: Api, org: Org) -> None:
    nia, nia_email, _ = await data_set(api, org)
    token = await api.login(nia_email)
    result = await report(api, token, "STAFF")
    assert [g["key"] for g in result["groups"]] == [nia]
    assert figures(result["totals"]) == [4, 3, 2, 1, 0, 4, 3, 0.75, 0.6667, 48.0, 69.6, 1.0, 0.3333]


async def test_weeks_follow_the_callers_zone(api: Api, org: Org) -> None:
    """Sunday evening in New York is already Monday in UTC: the weeks split differently."""
    _, mo_token = await org.add_staff("Mo", role="MANAGER", timezone="America/New_York")
    mo_email = (await api.data("{ me { email } }", token=mo_token))["me"]["email"]
    t = Clock(api, org)
    await t.to("01-04T03:00")  # Sunday 3 January, 22:00 in New York
    g3 = await add(api, org, "G3", org.admin_id, "document_review", "LOW", "01-05T09:00")
    await complete(api, await t.to("01-04T04:00"), g3)  # still Sunday in New York
    await t.to("01-11T02:00")  # Sunday 10 January, 21:00 in New York
    g1 = await add(api, org, "G1", org.admin_id, "document_review", "LOW", "01-11T04:00")
    await complete(api, await t.to("01-11T03:00"), g1)
    await t.to("01-11T06:00")  # Monday 11 January, 01:00 in New York
    await add(api, org, "G2", org.admin_id, "document_review", "LOW", "01-12T09:00")

    utc = await report(api, org.admin, "WEEK")
    assert [(g["key"], g["created"], g["completed"]) for g in utc["groups"]] == [
        ("2027-01-04", 1, 1),
        ("2027-01-11", 2, 1),
    ]
    token = await api.login(mo_email)
    new_york = await report(api, token, "WEEK")
    assert new_york["timezone"] == "America/New_York"
    assert [(g["key"], g["created"], g["completed"]) for g in new_york["groups"]] == [
        ("2026-12-28", 1, 1),  # cut to the window: 00:00Z to 05:00Z on 4 January
        ("2027-01-04", 1, 1),
        ("2027-01-11", 1, 0),
    ]
    assert figures(new_york["totals"])[:2] == [3, 2]


def test_week_buckets_follow_daylight_saving() -> None:
    """New York springs forward on 14 March 2027: that Monday starts at 04:00Z, not 05:00Z."""
    buckets = week_buckets(
        datetime(2027, 3, 8, 5, tzinfo=UTC),
        datetime(2027, 3, 22, 4, tzinfo=UTC),
        "America/New_York",
    )
    assert [(b.week.isoformat(), b.starts.hour, b.ends.hour) for b in buckets if b.week] == [
        ("2027-03-08", 5, 4),
        ("2027-03-15", 4, 4),
    ]


@pytest.mark.parametrize(
    ("window", "message"),
    [
        ({"from": "2027-01-18T00:00:00Z", "to": "2027-01-04T00:00:00Z"}, "ends before"),
        ({"from": "2025-01-01T00:00:00Z", "to": "2027-01-04T00:00:00Z"}, "At most"),
    ],
)
async def test_a_bad_window_is_refused(
    api: Api, org: Org, window: dict[str, str], message: str
) -> None:
    body = await api.raw(ANALYTICS, {**window, "by": "WEEK"}, org.admin)
    assert message in body["errors"][0]["message"]
    assert body["errors"][0]["extensions"]["field"] == "to"


WORKLOAD = """
query($weeks: Int!) { workload(weeks: $weeks) { timezone members {
  staff { name } overdue later openCount
  weeks { weekStart startsAt endsAt count highPriorityCount }
} } }
"""


async def test_workload_per_member_and_week(api: Api, org: Org) -> None:
    nia, nia_token = await org.add_staff("Nia")
    kofi, _ = await org.add_staff("Kofi")
    nia_email = (await api.data("{ me { email } }", token=nia_token))["me"]["email"]
    t = Clock(api, org)
    await t.to("01-13T12:00")  # Wednesday
    await add(api, org, "late", nia, "document_review", "LOW", "01-12T09:00")
    await add(api, org, "this week", nia, "document_review", "HIGH", "01-15T09:00")
    await add(api, org, "next week", nia, "document_review", "HIGH", "01-18T00:30")
    await add(api, org, "week after", kofi, "document_review", "LOW", "01-26T09:00")
    await add(api, org, "far off", kofi, "document_review", "LOW", "03-01T09:00")
    done = await add(api, org, "done", kofi, "document_review", "LOW", "01-14T09:00")
    await complete(api, org.admin, done)

    result = (await api.data(WORKLOAD, {"weeks": 3}, org.admin))["workload"]
    rows = {m["staff"]["name"]: m for m in result["members"]}
    assert list(rows) == ["Ada Admin", "Kofi", "Nia"]
    assert [w["weekStart"] for w in rows["Nia"]["weeks"]] == [
        "2027-01-11",
        "2027-01-18",
        "2027-01-25",
    ]
    assert rows["Nia"]["weeks"][0]["startsAt"].startswith("2027-01-13T12:0")  # now, not Monday
    assert (rows["Nia"]["overdue"], [w["count"] for w in rows["Nia"]["weeks"]]) == (1, [1, 1, 0])
    assert [w["highPriorityCount"] for w in rows["Nia"]["weeks"]] == [1, 1, 0]
    assert (rows["Kofi"]["overdue"], [w["count"] for w in rows["Kofi"]["weeks"]]) == (0, [0, 0, 1])
    assert (rows["Kofi"]["later"], rows["Kofi"]["openCount"]) == (1, 2)
    assert rows["Ada Admin"]["openCount"] == 0

    # The same moment in Auckland (UTC+13) is already Thursday; Monday 18th 00:30Z is then
    # Monday 13:30 local, and the local weeks start on Sunday 11:00Z.
    _, kiri = await org.add_staff("Kiri", role="MANAGER", timezone="Pacific/Auckland")
    local = (await api.data(WORKLOAD, {"weeks": 2}, kiri))["workload"]
    nia_local = next(m for m in local["members"] if m["staff"]["name"] == "Nia")
    assert [w["endsAt"] for w in nia_local["weeks"]] == [
        "2027-01-17T11:00:00Z",
        "2027-01-24T11:00:00Z",
    ]
    assert [w["count"] for w in nia_local["weeks"]] == [1, 1]

    staff_view = (await api.data(WORKLOAD, {"weeks": 1}, await api.login(nia_email)))["workload"]
    assert [m["staff"]["name"] for m in staff_view["members"]] == ["Nia"]
