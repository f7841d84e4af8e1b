"""Digests at 08:00 local and quiet hours, on both sides of daylight-saving changes."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from models.notifications import Notification
from runtime import clock
from tests.api.helpers import create_follow_up
from tests.conftest import Api, Org
from tests.pipeline.test_reminders import run_pipeline_until

PREFERENCES = "mutation($i: NotificationPreferencesInput!) { updateNotificationPreferences(input: $i) { __typename ... on ValidationError { field message } } }"
EVERY_DAY = [0, 1, 2, 3, 4, 5, 6]


def set_clock(moment: datetime) -> None:
    clock.travel(moment - clock.now())


@pytest.mark.parametrize(
    ("zone", "days"),
    [
        # Europe/London springs forward on 28 March 2027 and falls back on 31 October 2027.
        ("Europe/London", ["2027-03-27", "2027-03-28", "2027-03-29"]),
        ("Europe/London", ["2027-10-30", "2027-10-31", "2027-11-01"]),
        # America/New_York springs forward on 14 March 2027 and falls back on 7 November 2027.
        ("America/New_York", ["2027-03-13", "2027-03-14", "2027-03-15"]),
        ("America/New_York", ["2027-11-06", "2027-11-07", "2027-11-08"]),
    ],
)
async def test_the_digest_comes_at_eight_local_on_both_sides_of_a_change(
    api: Api, org: Org, zone: str, days: list[str]
) -> None:
    tz = ZoneInfo(zone)
    first = datetime.fromisoformat(days[0]).replace(tzinfo=tz)
    set_clock((first - timedelta(hours=2)).astimezone(UTC))  # 22:00 local the evening before
    _, token = await org.add_staff("Dana", timezone=zone)
    answer = await api.data(PREFERENCES, {"i": {"digestDays": EVERY_DAY}}, token)
    assert answer["updateNotificationPreferences"]["__typename"] == "NotificationPreferences"
    await create_follow_up(
        api,
        token,
        subject="Renewal call",
        dueAt=(first + timedelta(hours=10)).isoformat(),
        reminders=[],
    )
    for day in days:
        eight = datetime.fromisoformat(day).replace(hour=8, tzinfo=tz).astimezone(UTC)
        await run_pipeline_until(eight - timedelta(minutes=1))
        assert not await _digest_for(day), f"digest for {day} came before 08:00 {zone}"
        await run_pipeline_until(eight)
        assert await _digest_for(day), f"no digest at 08:00 {zone} on {day}"
    first_digest = (
        await Notification.filter(kind="digest", recipient__name="Dana").order_by("id").first()
    )
    assert first_digest is not None and first_digest.body is not None
    assert "1 today" in first_digest.title and "Renewal call" in first_digest.body


async def _digest_for(day: str) -> bool:
    label = datetime.fromisoformat(day).strftime("%A %d %B")
    return await Notification.filter(
        kind="digest", recipient__name="Dana", title__contains=label
    ).exists()


@pytest.mark.parametrize(
    ("zone", "reminder_local", "release_local"),
    [
        # Quiet 22:00-07:00. The night of the London change: 07:00 BST is 06:00 UTC.
        ("Europe/London", "2027-03-27T23:30", "2027-03-28T07:00"),
        ("America/New_York", "2027-11-06T23:30", "2027-11-07T07:00"),
    ],
)
async def test_quiet_hours_hold_outbound_messages_until_they_end_but_in_app_shows_at_once(
    api: Api, org: Org, zone: str, reminder_local: str, release_local: str
) -> None:
    tz = ZoneInfo(zone)
    fire = datetime.fromisoformat(reminder_local).replace(tzinfo=tz)
    set_clock((fire - timedelta(hours=3)).astimezone(UTC))
    _, token = await org.add_staff("Quinn", timezone=zone)
    await api.data(
        PREFERENCES,
        {"i": {"quietStart": "22:00", "quietEnd": "07:00", "digestEnabled": False}},
        token,
    )
    await create_follow_up(
        api, token, dueAt=(fire + timedelta(minutes=30)).isoformat(),
        reminders=[{"offsetMinutes": 30, "channels": ["IN_APP", "EMAIL"]}],
    )  # fmt: skip
    await run_pipeline_until(fire.astimezone(UTC))
    inbox = await api.data(
        "{ notifications(kinds: [REMINDER]) { edges { node { kind deliveries { channel status sendAfter } } } } }",
        token=token,
    )
    [node] = [edge["node"] for edge in inbox["notifications"]["edges"]]
    [email] = node["deliveries"]
    assert email["channel"] == "email"
    assert email["status"] == "queued"
    release = datetime.fromisoformat(release_local).replace(tzinfo=tz)
    assert datetime.fromisoformat(email["sendAfter"]) == release


async def test_bad_preferences_are_refused_with_the_field(api: Api, org: Org) -> None:
    for value, field in [
        ({"digestHour": 24}, "digestHour"),
        ({"quietStart": "22:00"}, "quietHours"),
        ({"quietStart": "late", "quietEnd": "07:00"}, "quietStart"),
        ({"reminderOffsets": [-5]}, "reminderOffsets"),
        ({"digestDays": [7]}, "digestDays"),
    ]:
        answer = await api.data(PREFERENCES, {"i": value}, org.admin)
        assert answer["updateNotificationPreferences"]["field"] == field, value
