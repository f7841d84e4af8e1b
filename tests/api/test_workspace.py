"""The dashboard, calendar and board through the API, in the viewer's time zone."""

from datetime import UTC, datetime, timedelta
from typing import Any

from runtime import clock
from tests.api.helpers import create_follow_up, create_party, mutate
from tests.conftest import Api, Org

DASHBOARD = """
query($a: ID, $team: Boolean) { dashboard(assigneeId: $a, team: $team) {
  timezone assignee { name }
  today { subject } overdue { subject } upcomingThisWeek { subject }
  pendingCount inProgressCount overdueCount dueTodayCount completedTodayCount
  completedThisWeekCount dueInWindowCount completionRate onTimeRate windowDays
} }
"""

CALENDAR = """
query($from: Date!, $to: Date!, $f: FollowUpFilter) {
  followUpCalendar(from: $from, to: $to, filter: $f, perDay: 2) {
    timezone totalCount
    days { date startsAt endsAt count openCount overdueCount completedCount hasMore
           followUps { subject } }
  }
}
"""

BOARD = """
query($f: FollowUpFilter, $first: Int) { followUpBoard(filter: $f, first: $first) {
  totalCount
  columns { status count followUps { totalCount edges { cursor node { subject } }
                                     pageInfo { hasNextPage endCursor } } }
} }
"""

DONE = {"outcome": "SUCCESSFUL", "contactOutcome": "REACHED_CUSTOMER"}


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


async def add(api: Api, token: str, subject: str, due: str, **fields: Any) -> str:
    created = await create_follow_up(
        api, token, subject=subject, dueAt=at(due).isoformat(), reminders=[], **fields
    )
    assert created["__typename"] == "FollowUp", created
    return created["id"]


async def travel(api: Api, org: Org, moment: str) -> str:
    """Moves the clock and logs the admin in again (tokens expire with the clock)."""
    clock.travel_to(at(moment))
    org.admin = await api.login(org.admin_email)
    return org.admin


async def email_of(api: Api, token: str) -> str:
    return (await api.data("{ me { email } }", token=token))["me"]["email"]


async def complete(api: Api, token: str, follow_up_id: str) -> None:
    done = await mutate(
        api, token, "completeFollowUp(id: $id, input: $input)", {"id": follow_up_id, "input": DONE}
    )
    assert done["status"] == "COMPLETED", done


async def test_a_dashboard_counts_lists_and_rates(api: Api, org: Org) -> None:
    nia_id, nia = await org.add_staff("Nia")
    _, kofi = await org.add_staff("Kofi")
    emails = {token: await email_of(api, token) for token in (nia, kofi, org.admin)}
    clock.travel_to(at("2027-01-11T09:00"))  # a Monday
    nia = await api.login(emails[nia])
    early = await add(api, nia, "H1 done early", "2027-01-11T10:00")
    await complete(api, nia, early)
    await add(api, nia, "H2 left undone", "2027-01-11T11:00")

    clock.travel_to(at("2027-01-13T12:00"))  # Wednesday noon
    nia, kofi, admin = [await api.login(email) for email in emails.values()]
    await add(api, nia, "T1 later today", "2027-01-13T15:00")
    late = await add(api, nia, "T2 done late", "2027-01-13T11:00")
    await complete(api, nia, late)
    await add(api, nia, "U1 on Friday", "2027-01-15T10:00")
    await add(api, nia, "N1 next Monday", "2027-01-18T10:00")
    cancelled = await add(api, nia, "X cancelled", "2027-01-12T10:00")
    await mutate(api, nia, "cancelFollowUp(id: $id)", {"id": cancelled})
    await add(api, kofi, "Kofi's own", "2027-01-13T16:00")

    board = (await api.data(DASHBOARD, {}, nia))["dashboard"]
    assert board["assignee"] == {"name": "Nia"}
    assert [row["subject"] for row in board["today"]] == ["T1 later today"]
    assert [row["subject"] for row in board["overdue"]] == ["H2 left undone"]
    assert [row["subject"] for row in board["upcomingThisWeek"]] == ["U1 on Friday"]
    assert {
        name: board[name]
        for name in (
            "pendingCount", "inProgressCount", "overdueCount", "dueTodayCount",
            "completedTodayCount", "completedThisWeekCount", "dueInWindowCount",
        )
    } == {
        "pendingCount": 4, "inProgressCount": 0, "overdueCount": 1, "dueTodayCount": 1,
        "completedTodayCount": 1, "completedThisWeekCount": 2, "dueInWindowCount": 3,
    }  # fmt: skip
    # H1 (on time) and T2 (late) done of H1, H2, T2 due in the window; X was cancelled.
    assert board["completionRate"] == 0.6667
    assert board["onTimeRate"] == 0.5

    team = (await api.data(DASHBOARD, {"team": True}, admin))["dashboard"]
    assert team["assignee"] is None
    assert sorted(row["subject"] for row in team["today"]) == ["Kofi's own", "T1 later today"]
    assert team["pendingCount"] == 5

    for_nia = (await api.data(DASHBOARD, {"a": nia_id}, admin))["dashboard"]
    assert for_nia["pendingCount"] == 4 and for_nia["assignee"] == {"name": "Nia"}


async def test_staff_see_only_their_own_dashboard(api: Api, org: Org) -> None:
    nia_id, _ = await org.add_staff("Nia")
    _, kofi = await org.add_staff("Kofi")
    for variables in ({"team": True}, {"a": nia_id}):
        response = await api.raw(DASHBOARD, variables, kofi)
        assert response["data"] is None
        assert response["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_the_week_ends_at_midnight_on_sunday_in_the_viewers_zone(api: Api, org: Org) -> None:
    # Saturday 23:00 UTC: Sunday 10:00 in Sydney, Saturday 15:00 in Los Angeles.
    await travel(api, org, "2027-01-16T23:00")
    _, sydney = await org.add_staff("Mia", timezone="Australia/Sydney")
    _, los_angeles = await org.add_staff("Leo", timezone="America/Los_Angeles")
    due = "2027-01-17T14:00"  # Monday 01:00 in Sydney, Sunday 06:00 in Los Angeles
    await add(api, sydney, "Sydney's call", due)
    await add(api, los_angeles, "Los Angeles' call", due)

    mia = (await api.data(DASHBOARD, {}, sydney))["dashboard"]
    leo = (await api.data(DASHBOARD, {}, los_angeles))["dashboard"]
    assert mia["timezone"] == "Australia/Sydney" and mia["upcomingThisWeek"] == []
    assert [row["subject"] for row in leo["upcomingThisWeek"]] == ["Los Angeles' call"]


async def calendar_days(api: Api, token: str, first: str, last: str) -> dict[str, Any]:
    data = await api.data(CALENDAR, {"from": first, "to": last}, token)
    return {day["date"]: day for day in data["followUpCalendar"]["days"]}


async def test_a_late_evening_in_utc_is_tomorrow_in_sydney_and_today_in_los_angeles(
    api: Api, org: Org
) -> None:
    await travel(api, org, "2027-01-05T09:00")
    _, sydney = await org.add_staff("Mia", timezone="Australia/Sydney")
    _, los_angeles = await org.add_staff("Leo", timezone="America/Los_Angeles")
    await add(api, org.admin, "Due 23:30 UTC", "2027-01-12T23:30")

    in_sydney = await calendar_days(api, sydney, "2027-01-10", "2027-01-16")
    in_los_angeles = await calendar_days(api, los_angeles, "2027-01-10", "2027-01-16")
    assert len(in_sydney) == 7
    assert {d for d, day in in_sydney.items() if day["count"]} == {"2027-01-13"}
    assert {d for d, day in in_los_angeles.items() if day["count"]} == {"2027-01-12"}
    assert in_sydney["2027-01-13"]["followUps"] == [{"subject": "Due 23:30 UTC"}]
    assert in_sydney["2027-01-13"]["startsAt"] == "2027-01-12T13:00:00Z"  # AEDT, UTC+11
    assert in_los_angeles["2027-01-12"]["startsAt"] == "2027-01-12T08:00:00Z"  # PST, UTC-8


async def test_a_calendar_across_a_dst_change_has_a_23_hour_day(api: Api, org: Org) -> None:
    await travel(api, org, "2027-03-20T09:00")
    _, london = await org.add_staff("Lou", timezone="Europe/London")
    await add(api, london, "Sunday 00:30 GMT", "2027-03-28T00:30")
    await add(api, london, "Monday 00:30 BST", "2027-03-28T23:30")

    days = await calendar_days(api, london, "2027-03-27", "2027-03-29")
    sunday = days["2027-03-28"]
    assert (sunday["startsAt"], sunday["endsAt"]) == (
        "2027-03-28T00:00:00Z",
        "2027-03-28T23:00:00Z",
    )
    assert [row["subject"] for row in sunday["followUps"]] == ["Sunday 00:30 GMT"]
    assert [row["subject"] for row in days["2027-03-29"]["followUps"]] == ["Monday 00:30 BST"]
    assert days["2027-03-29"]["startsAt"] == "2027-03-28T23:00:00Z"


async def test_calendar_days_count_by_status_and_list_the_first_few(api: Api, org: Org) -> None:
    await travel(api, org, "2027-01-13T12:00")
    for hour in (8, 9, 10):
        await add(api, org.admin, f"Wed {hour}:00", f"2027-01-13T{hour:02}:00")
    done = await add(api, org.admin, "Wed 11:00", "2027-01-13T11:00")
    await complete(api, org.admin, done)
    await add(api, org.admin, "Thu", "2027-01-14T10:00", priority="HIGH")

    days = await calendar_days(api, org.admin, "2027-01-13", "2027-01-14")
    wednesday = days["2027-01-13"]
    assert (wednesday["count"], wednesday["openCount"], wednesday["overdueCount"]) == (4, 3, 3)
    assert wednesday["completedCount"] == 1 and wednesday["hasMore"] is True
    assert [row["subject"] for row in wednesday["followUps"]] == ["Wed 8:00", "Wed 9:00"]

    filtered = await api.data(
        CALENDAR, {"from": "2027-01-13", "to": "2027-01-14", "f": {"priority": ["HIGH"]}}, org.admin
    )
    assert filtered["followUpCalendar"]["totalCount"] == 1


async def test_a_calendar_range_is_bounded(api: Api, org: Org) -> None:
    response = await api.raw(CALENDAR, {"from": "2027-01-01", "to": "2027-06-01"}, org.admin)
    assert response["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    backwards = await api.raw(CALENDAR, {"from": "2027-01-10", "to": "2027-01-01"}, org.admin)
    assert backwards["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_the_board_has_a_column_per_status_with_pages(api: Api, org: Org) -> None:
    await travel(api, org, "2027-01-13T12:00")
    nia_id, nia = await org.add_staff("Nia")
    first = await add(api, nia, "P1", "2027-01-14T09:00")
    await add(api, nia, "P2", "2027-01-14T10:00")
    await add(api, nia, "P3", "2027-01-14T11:00")
    started = await add(api, nia, "S1", "2027-01-15T09:00")
    await mutate(api, nia, "startFollowUp(id: $id)", {"id": started})
    await complete(api, nia, await add(api, nia, "C1", "2027-01-12T09:00"))
    await add(api, org.admin, "Someone else's", "2027-01-14T09:00")

    data = await api.data(BOARD, {"f": {"assigneeIds": [nia_id]}, "first": 2}, org.admin)
    board = data["followUpBoard"]
    columns = {column["status"]: column for column in board["columns"]}
    assert list(columns) == [
        "PENDING", "IN_PROGRESS", "COMPLETED", "CLOSED_WITH_ISSUE", "MISSED", "CANCELLED",
    ]  # fmt: skip
    assert {status: column["count"] for status, column in columns.items()} == {
        "PENDING": 3, "IN_PROGRESS": 1, "COMPLETED": 1, "CLOSED_WITH_ISSUE": 0,
        "MISSED": 0, "CANCELLED": 0,
    }  # fmt: skip
    assert board["totalCount"] == 5
    pending = columns["PENDING"]["followUps"]
    assert [edge["node"]["subject"] for edge in pending["edges"]] == ["P1", "P2"]
    assert pending["pageInfo"]["hasNextPage"] is True and pending["totalCount"] == 3

    # Moving a card is a transition; the board shows it in its new column.
    await mutate(api, nia, "startFollowUp(id: $id)", {"id": first})
    again = await api.data(BOARD, {"f": {"assigneeIds": [nia_id], "status": ["IN_PROGRESS"]}}, nia)
    only = again["followUpBoard"]["columns"]
    assert [column["status"] for column in only] == ["IN_PROGRESS"]
    assert only[0]["count"] == 2


ROTTING = """query($team: Boolean) { dashboard(team: $team) {
  rottingClients { totalCount edges { node { name daysSinceLastContact } } } } }"""


async def test_the_dashboard_shows_the_rotting_clients_of_its_scope(api: Api, org: Org) -> None:
    nia_id, nia = await org.add_staff("Nia")
    kofi_id, _ = await org.add_staff("Kofi")
    nia_email = await email_of(api, nia)
    await create_party(api, org.admin, "Client", {"name": "Forgotten Ltd", "ownerId": nia_id})
    await create_party(api, org.admin, "Client", {"name": "Kofi's client", "ownerId": kofi_id})
    later = datetime.now(UTC) + timedelta(days=61)
    admin = await travel(api, org, later.strftime("%Y-%m-%dT%H:%M"))
    nia = await api.login(nia_email)

    own = (await api.data(ROTTING, {}, nia))["dashboard"]["rottingClients"]
    assert own["totalCount"] == 1
    assert [edge["node"]["name"] for edge in own["edges"]] == ["Forgotten Ltd"]
    assert own["edges"][0]["node"]["daysSinceLastContact"] >= 60
    team = (await api.data(ROTTING, {"team": True}, admin))["dashboard"]["rottingClients"]
    assert {edge["node"]["name"] for edge in team["edges"]} == {"Forgotten Ltd", "Kofi's client"}
