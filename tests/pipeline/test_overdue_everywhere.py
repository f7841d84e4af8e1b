"""One meaning of "overdue" wherever a person sees it (issue 10, defect 5)."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from models.notifications import Notification
from runtime import clock
from tests.api.helpers import create_follow_up, mutate
from tests.conftest import Api, Org
from tests.pipeline.test_reminders import run_pipeline_until

ORGANIZATION = (
    "mutation($i: UpdateOrganizationInput!) { updateOrganization(input: $i) { __typename } }"
)
PREFERENCES = "mutation($i: NotificationPreferencesInput!) { updateNotificationPreferences(input: $i) { __typename } }"
EVERYWHERE = """query($from: Date!, $to: Date!) {
  dashboard { overdueCount overdue(first: 50) { subject } }
  followUpCalendar(from: $from, to: $to) { days { overdueCount } }
  workload { members { staff { name } overdue } }
  overdueList: followUps(filter: {overdue: true}) { totalCount }
  all: followUps(first: 50) { edges { node { subject isOverdue } } }
}"""


async def test_the_digest_the_dashboard_calendar_workload_and_is_overdue_agree(
    api: Api, org: Org
) -> None:
    zone = ZoneInfo("Asia/Tokyo")  # 08:00 there is 23:00 UTC the day before
    today = (datetime.now(UTC) + timedelta(days=3)).astimezone(zone).date()
    midnight = datetime.combine(today, time(0), zone)
    clock.travel_to(midnight + timedelta(minutes=30))
    _, dana = await org.add_staff("Dana", timezone="Asia/Tokyo")
    await api.data(PREFERENCES, {"i": {"digestDays": list(range(7)), "digestHour": 8}}, dana)

    async def due(subject: str, at: datetime) -> str:
        created = await create_follow_up(
            api, dana, subject=subject, dueAt=at.isoformat(), reminders=[]
        )
        return created["id"]

    await due("Two days ago", midnight - timedelta(days=2))
    started = await due("Started yesterday", midnight - timedelta(hours=20))
    await mutate(api, dana, "startFollowUp(id: $id)", {"id": started})
    cancelled = await due("Cancelled yesterday", midnight - timedelta(hours=20))
    await mutate(api, dana, "cancelFollowUp(id: $id)", {"id": cancelled})
    await due("Earlier today", midnight + timedelta(hours=2))
    await due("Later today", midnight + timedelta(hours=12))
    await due("Tomorrow", midnight + timedelta(days=1, hours=9))
    await api.data(ORGANIZATION, {"i": {"markMissedAfterHours": 1}}, org.admin)
    await due("Missed this morning", midnight + timedelta(hours=3))

    eight = midnight + timedelta(hours=8)
    await run_pipeline_until(eight)
    digest = await Notification.filter(kind="digest", recipient__name="Dana").get()
    seen = await api.data(
        EVERYWHERE,
        {"from": (today - timedelta(days=3)).isoformat(), "to": today.isoformat()},
        dana,
    )

    overdue = {"Two days ago", "Started yesterday", "Earlier today", "Missed this morning"}
    assert f"{len(overdue)} overdue" in digest.title
    assert {line[2:].split(" (due")[0] for line in _overdue_lines(digest.body or "")} == overdue
    assert seen["dashboard"]["overdueCount"] == len(overdue)
    assert {row["subject"] for row in seen["dashboard"]["overdue"]} == overdue
    assert sum(day["overdueCount"] for day in seen["followUpCalendar"]["days"]) == len(overdue)
    [mine] = [m for m in seen["workload"]["members"] if m["staff"]["name"] == "Dana"]
    assert mine["overdue"] == len(overdue)
    assert seen["overdueList"]["totalCount"] == len(overdue)
    flagged = {e["node"]["subject"] for e in seen["all"]["edges"] if e["node"]["isOverdue"]}
    assert flagged == overdue


def _overdue_lines(body: str) -> list[str]:
    lines = body.splitlines()
    start = next(n for n, line in enumerate(lines) if line.startswith("Overdue ("))
    return [line for line in lines[start + 1 :] if line.startswith("- ")]
