"""The time pipeline in the embedded default: timers claimed, fired once, re-planned."""

from datetime import UTC, datetime, timedelta

from models.notifications import Notification
from models.timers import Timer
from runtime import clock
from tasks import broker, scheduler
from tests.api.helpers import create_follow_up, mutate
from tests.conftest import Api, Org

REMINDERS = (
    "query($id: ID!) { followUp(id: $id) { reminders { offsetMinutes fireAt status channels } } }"
)
INBOX = "{ notifications(first: 50, kinds: [REMINDER, OVERDUE, ASSIGNED]) { unreadCount edges { node { id kind title followUp { id } } } } }"


async def run_pipeline_until(moment: datetime) -> None:
    """Moves the clock to `moment` and lets the scheduler and tasks do what falls due."""
    clock.travel(moment - clock.now())
    while await scheduler.tick():
        await broker.drain()
    await broker.drain()


def at(days: float) -> datetime:
    return datetime.now(UTC).replace(microsecond=0) + timedelta(days=days)


async def test_default_reminders_are_a_day_and_an_hour_before_in_app_and_email(
    api: Api, org: Org
) -> None:
    due = at(3)
    created = await create_follow_up(api, org.admin, dueAt=due.isoformat())
    data = await api.data(REMINDERS, {"id": created["id"]}, org.admin)
    reminders = data["followUp"]["reminders"]
    assert [r["offsetMinutes"] for r in reminders] == [1440, 60]
    assert [r["status"] for r in reminders] == ["scheduled", "scheduled"]
    assert reminders[0]["channels"] == ["IN_APP", "EMAIL"]
    assert datetime.fromisoformat(reminders[1]["fireAt"]) == due - timedelta(hours=1)


async def test_a_reminder_fires_once_at_its_time_and_shows_in_the_inbox(api: Api, org: Org) -> None:
    due = at(2)
    created = await create_follow_up(
        api,
        org.admin,
        dueAt=due.isoformat(),
        reminders=[{"offsetMinutes": 30, "channels": ["IN_APP"]}],
    )
    await run_pipeline_until(due - timedelta(minutes=31))
    assert (await api.data(INBOX, token=org.admin))["notifications"]["edges"] == []

    await run_pipeline_until(due - timedelta(minutes=30))
    inbox = (await api.data(INBOX, token=org.admin))["notifications"]
    assert inbox["unreadCount"] == 1
    [node] = [edge["node"] for edge in inbox["edges"]]
    assert node["kind"] == "REMINDER"
    assert node["followUp"]["id"] == created["id"]
    assert "in 30 minutes" in node["title"]

    # Running the same timer again (a redelivered message) changes nothing.
    timer = await Timer.filter(kind="reminder").first()
    assert timer is not None
    await scheduler.fire_timer.fn(timer.id)
    assert await Notification.filter(kind="reminder").count() == 1
    status = (await api.data(REMINDERS, {"id": created["id"]}, org.admin))["followUp"]["reminders"]
    assert status[0]["status"] == "sent"


async def test_rescheduling_moves_reminders_and_completing_cancels_them(api: Api, org: Org) -> None:
    due = at(2)
    created = await create_follow_up(
        api, org.admin, dueAt=due.isoformat(), typeKey="document_review",
        reminders=[{"offsetMinutes": 60, "channels": ["IN_APP"]}],
    )  # fmt: skip
    later = due + timedelta(days=1)
    await mutate(
        api,
        org.admin,
        "rescheduleFollowUp(id: $id, dueAt: $dueAt)",
        {"id": created["id"], "dueAt": later.isoformat()},
    )
    [reminder] = (await api.data(REMINDERS, {"id": created["id"]}, org.admin))["followUp"][
        "reminders"
    ]
    assert datetime.fromisoformat(reminder["fireAt"]) == later - timedelta(hours=1)

    await run_pipeline_until(due - timedelta(minutes=59))  # the old time passes: nothing
    assert await Notification.filter(kind="reminder").count() == 0

    await mutate(
        api,
        org.admin,
        "completeFollowUp(id: $id, input: $input)",
        {"id": created["id"], "input": {"outcome": "SUCCESSFUL"}},
    )
    [reminder] = (await api.data(REMINDERS, {"id": created["id"]}, org.admin))["followUp"][
        "reminders"
    ]
    assert reminder["status"] == "cancelled"
    await run_pipeline_until(later + timedelta(hours=2))
    assert await Notification.filter(kind__in=["reminder", "overdue"]).count() == 0


async def test_cancelling_cancels_reminders_and_the_overdue_alert(api: Api, org: Org) -> None:
    due = at(1)
    created = await create_follow_up(api, org.admin, dueAt=due.isoformat())
    await mutate(api, org.admin, "cancelFollowUp(id: $id)", {"id": created["id"]})
    await run_pipeline_until(due + timedelta(hours=1))
    assert await Notification.filter(follow_up_id__isnull=False).count() == 0


async def test_delegating_retargets_the_reminders_to_the_new_assignee(api: Api, org: Org) -> None:
    colleague_id, colleague = await org.add_staff("Bea")
    due = at(2)
    created = await create_follow_up(api, org.admin, dueAt=due.isoformat())
    await mutate(
        api,
        org.admin,
        "delegateFollowUp(id: $id, assigneeId: $assigneeId)",
        {"id": created["id"], "assigneeId": colleague_id},
    )
    await run_pipeline_until(due - timedelta(hours=1))
    mine = (await api.data(INBOX, token=org.admin))["notifications"]["edges"]
    theirs = [
        e["node"]["kind"]
        for e in (await api.data(INBOX, token=colleague))["notifications"]["edges"]
    ]
    assert mine == []
    assert sorted(theirs) == ["ASSIGNED", "REMINDER", "REMINDER"]


async def test_overdue_alert_once_per_due_time_and_rescheduling_rearms_it(
    api: Api, org: Org
) -> None:
    due = at(1)
    created = await create_follow_up(api, org.admin, dueAt=due.isoformat(), reminders=[])
    await run_pipeline_until(due + timedelta(minutes=1))
    await run_pipeline_until(due + timedelta(minutes=5))
    assert await Notification.filter(kind="overdue").count() == 1
    new_due = due + timedelta(days=1)
    await mutate(
        api,
        org.admin,
        "rescheduleFollowUp(id: $id, dueAt: $dueAt)",
        {"id": created["id"], "dueAt": new_due.isoformat()},
    )
    await run_pipeline_until(new_due + timedelta(minutes=1))
    assert await Notification.filter(kind="overdue").count() == 2
    flag = await api.data(
        "query($id: ID!) { followUp(id: $id) { isOverdue status } }",
        {"id": created["id"]},
        org.admin,
    )
    assert flag["followUp"] == {"isOverdue": True, "status": "PENDING"}


async def test_missed_only_where_the_organization_enables_it(api: Api, org: Org) -> None:
    due = at(1)
    kept = await create_follow_up(api, org.admin, dueAt=due.isoformat(), reminders=[])
    await api.data(
        "mutation { updateOrganization(input: {markMissedAfterHours: 2}) { __typename } }",
        token=org.admin,
    )
    marked = await create_follow_up(api, org.admin, dueAt=due.isoformat(), reminders=[])
    await run_pipeline_until(due + timedelta(hours=2, minutes=1))
    query = "query($id: ID!) { followUp(id: $id) { status } }"
    assert (await api.data(query, {"id": kept["id"]}, org.admin))["followUp"]["status"] == "PENDING"
    assert (await api.data(query, {"id": marked["id"]}, org.admin))["followUp"][
        "status"
    ] == "MISSED"
    back = await mutate(
        api,
        org.admin,
        "rescheduleFollowUp(id: $id, dueAt: $dueAt)",
        {"id": marked["id"], "dueAt": at(5).isoformat()},
    )
    assert back["status"] == "PENDING"


async def test_a_reminder_already_past_at_creation_is_sent_once_only_while_the_follow_up_is_ahead(
    api: Api, org: Org
) -> None:
    soon = await create_follow_up(api, org.admin, dueAt=at(0.02).isoformat())  # ~29 minutes ahead
    await create_follow_up(api, org.admin, subject="Long gone", dueAt=at(-1).isoformat())
    await run_pipeline_until(clock.now())
    reminders = await Notification.filter(kind="reminder").values_list("follow_up_id", flat=True)
    statuses = [
        r["status"]
        for r in (await api.data(REMINDERS, {"id": soon["id"]}, org.admin))["followUp"]["reminders"]
    ]
    assert len(reminders) == 1
    assert sorted(statuses) == ["cancelled", "sent"]


async def test_a_reminder_offset_given_twice_is_refused_naming_it(api: Api, org: Org) -> None:
    twice = [
        {"offsetMinutes": 60, "channels": ["IN_APP"]},
        {"offsetMinutes": 1440},
        {"offsetMinutes": 60, "channels": ["EMAIL"]},
    ]
    refused = await create_follow_up(api, org.admin, reminders=twice)
    assert refused["__typename"] == "ValidationError"
    assert refused["field"] == "reminders" and "60" in refused["message"]
    assert (await api.data("{ followUps { totalCount } }", token=org.admin))["followUps"] == {
        "totalCount": 0
    }

    created = await create_follow_up(api, org.admin, reminders=[{"offsetMinutes": 60}])
    answer = await api.data(
        "mutation($id: ID!, $r: [ReminderInput!]) { setFollowUpReminders(id: $id, reminders: $r)"
        " { __typename ... on ValidationError { field message } } }",
        {"id": created["id"], "r": twice},
        org.admin,
    )
    assert answer["setFollowUpReminders"]["field"] == "reminders"
    assert "60" in answer["setFollowUpReminders"]["message"]
    kept = (await api.data(REMINDERS, {"id": created["id"]}, org.admin))["followUp"]["reminders"]
    assert [r["offsetMinutes"] for r in kept] == [60]

    defaults = await api.data(
        "mutation($i: NotificationPreferencesInput!) { updateNotificationPreferences(input: $i)"
        " { __typename ... on ValidationError { field message } } }",
        {"i": {"reminderOffsets": [1440, 30, 1440]}},
        org.admin,
    )
    refused_defaults = defaults["updateNotificationPreferences"]
    assert refused_defaults["field"] == "reminderOffsets" and "1440" in refused_defaults["message"]


async def test_reminder_titles_say_one_minute_hour_and_day_in_the_singular(
    api: Api, org: Org
) -> None:
    due = at(3)
    offsets = [1, 2, 60, 120, 1440, 2880]
    await create_follow_up(
        api, org.admin, subject="Visa", dueAt=due.isoformat(),
        reminders=[{"offsetMinutes": offset, "channels": ["IN_APP"]} for offset in offsets],
    )  # fmt: skip
    await run_pipeline_until(due - timedelta(minutes=1))
    inbox = (await api.data(INBOX, token=org.admin))["notifications"]
    assert sorted(edge["node"]["title"] for edge in inbox["edges"]) == [
        "Due in 1 day: Visa",
        "Due in 1 hour: Visa",
        "Due in 1 minute: Visa",
        "Due in 2 days: Visa",
        "Due in 2 hours: Visa",
        "Due in 2 minutes: Visa",
    ]
