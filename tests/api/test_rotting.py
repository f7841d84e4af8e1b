"""Rotting clients and leads, and the daily scan that gives each one a reconnect follow-up.

Parties take their `created_at` from the wall clock, so these tests move time forward
from now (clock.travel) instead of to fixed dates.
"""

from datetime import timedelta
from typing import Any

from models.followups import FollowUp, Origin, Status
from runtime import clock
from services import rotting
from tasks.jobs import load_jobs
from tests.api.helpers import create_follow_up, create_party, mutate
from tests.conftest import Api, Org, make_org

ROTTING = """
query($first: Int, $after: String) { rottingClients(first: $first, after: $after) {
  totalCount pageInfo { hasNextPage endCursor }
  edges { cursor node {
    name daysSinceLastContact lastContactedAt neglectedSince rottingDays owner { name }
    party { __typename ... on Client { id } ... on Lead { id } }
    client { id } lead { id }
  } }
} }
"""

RECONNECTS = """
query($f: FollowUpFilter) { followUps(filter: $f, first: 50) { totalCount edges { node {
  id subject status priority assignee { name } client { name } lead { name } type { key }
} } } }
"""

SET_RULE = """
mutation($s: String!, $d: Int) { setRottingRule(segment: $s, days: $d) {
  __typename ... on RottingSettings { rottingDays rules { segment days } }
  ... on PermissionError { message } ... on ValidationError { message field }
} }
"""

DONE = {"outcome": "SUCCESSFUL", "contactOutcome": "REACHED_CUSTOMER"}


async def relogin(api: Api, org: Org) -> None:
    """Tokens expire with the clock: log the admin in again after travelling."""
    org.admin = await api.login(org.admin_email)


async def travel(api: Api, org: Org, days: float) -> None:
    clock.travel(timedelta(days=days))
    await relogin(api, org)


async def rotting_list(api: Api, token: str, first: int = 50, after: str | None = None) -> Any:
    return (await api.data(ROTTING, {"first": first, "after": after}, token))["rottingClients"]


def names(listing: dict[str, Any]) -> list[str]:
    return [edge["node"]["name"] for edge in listing["edges"]]


async def client(api: Api, token: str, name: str, **values: Any) -> str:
    return await create_party(api, token, "Client", {"name": name, **values})


async def email_of(api: Api, token: str) -> str:
    return (await api.data("{ me { email } }", token=token))["me"]["email"]


async def scan() -> str:
    return await load_jobs()["rotting-scan"]()


async def reconnects(api: Api, token: str, **link: str) -> list[dict[str, Any]]:
    data = await api.data(RECONNECTS, {"f": {**link, "status": ["PENDING"]}}, token)
    return [edge["node"] for edge in data["followUps"]["edges"]]


async def test_segment_rules_contacts_and_open_follow_ups_decide_what_rots(
    api: Api, org: Org
) -> None:
    rule = await api.data(SET_RULE, {"s": "vip", "d": 14}, org.admin)
    assert rule["setRottingRule"] == {
        "__typename": "RottingSettings",
        "rottingDays": 60,
        "rules": [{"segment": "vip", "days": 14}],
    }
    vip = await client(api, org.admin, "Vera VIP", segment="vip")
    await client(api, org.admin, "Otto Ordinary")
    contacted = await client(api, org.admin, "Cora Contacted", segment="vip")
    busy = await client(api, org.admin, "Bea Busy", segment="vip")
    await create_party(api, org.admin, "Lead", {"name": "Leo Lead"})
    await create_party(api, org.admin, "Lead", {"name": "Lou Lost", "stage": "LOST"})
    await create_follow_up(api, org.admin, clientId=busy, dueAt=clock.now().isoformat())
    call = await create_follow_up(api, org.admin, typeKey="customer_check", clientId=contacted)

    await travel(api, org, 10)
    done = await mutate(
        api, org.admin, "completeFollowUp(id: $id, input: $input)",
        {"id": call["id"], "input": DONE},
    )  # fmt: skip
    assert done["status"] == "COMPLETED"
    contacted_at = done["completedAt"]

    await travel(api, org, 10)  # day 20: VIPs rot after 14 days, everyone else after 60
    listing = await rotting_list(api, org.admin)
    assert names(listing) == ["Vera VIP"]
    vera = listing["edges"][0]["node"]
    assert vera["daysSinceLastContact"] == 20
    assert vera["lastContactedAt"] is None  # never contacted: the clock runs from creation
    assert vera["rottingDays"] == 14
    assert vera["party"] == {"__typename": "Client", "id": vip}
    assert vera["client"] == {"id": vip} and vera["lead"] is None

    await travel(api, org, 10)  # day 30: Cora's last contact was 20 days ago
    listing = await rotting_list(api, org.admin)
    assert names(listing) == ["Vera VIP", "Cora Contacted"]
    cora = listing["edges"][1]["node"]
    assert cora["daysSinceLastContact"] == 20
    assert cora["lastContactedAt"][:19] == contacted_at[:19]

    await travel(api, org, 31)  # day 61: the organization's 60 days are up too
    listing = await rotting_list(api, org.admin)
    assert listing["totalCount"] == 4
    # Most neglected first; the never-contacted ones in the order they were added.
    assert names(listing) == ["Vera VIP", "Otto Ordinary", "Leo Lead", "Cora Contacted"]
    assert [e["node"]["daysSinceLastContact"] for e in listing["edges"]] == [61, 61, 61, 51]
    lead = next(e["node"] for e in listing["edges"] if e["node"]["name"] == "Leo Lead")
    assert lead["party"]["__typename"] == "Lead" and lead["rottingDays"] == 60

    # Raising the organization's figure and dropping the rule changes the answer at once.
    await api.data(
        "mutation { updateOrganization(input: {rottingDays: 90}) { __typename } }", None, org.admin
    )
    assert (await api.data(SET_RULE, {"s": "vip", "d": None}, org.admin))["setRottingRule"][
        "rules"
    ] == []
    assert (await rotting_list(api, org.admin))["totalCount"] == 0


async def test_pages_run_most_neglected_first(api: Api, org: Org) -> None:
    for name in ("First", "Second", "Third"):  # added in this order: the oldest rots first
        await client(api, org.admin, name)
    await travel(api, org, 61)
    page = await rotting_list(api, org.admin, first=2)
    assert names(page) == ["First", "Second"]
    assert page["totalCount"] == 3 and page["pageInfo"]["hasNextPage"] is True
    rest = await rotting_list(api, org.admin, first=2, after=page["pageInfo"]["endCursor"])
    assert names(rest) == ["Third"]
    assert rest["totalCount"] == 3 and rest["pageInfo"]["hasNextPage"] is False


async def test_staff_see_only_the_parties_they_own(api: Api, org: Org) -> None:
    nia_id, nia = await org.add_staff("Nia")
    nia_email = await email_of(api, nia)
    await client(api, org.admin, "Nia's client", ownerId=nia_id)
    await client(api, org.admin, "Nobody's client")
    await travel(api, org, 61)
    nia = await api.login(nia_email)
    assert names(await rotting_list(api, nia)) == ["Nia's client"]
    assert sorted(names(await rotting_list(api, org.admin))) == ["Nia's client", "Nobody's client"]


async def test_a_scan_creates_one_reconnect_per_party_and_never_two(api: Api, org: Org) -> None:
    nia_id, nia = await org.add_staff("Nia")
    nia_email = await email_of(api, nia)
    owned = await client(api, org.admin, "Olga Owned", ownerId=nia_id)
    lead = await create_party(api, org.admin, "Lead", {"name": "Leo Lead", "ownerId": nia_id})
    await travel(api, org, 61)

    assert "2 follow-up(s) created" in await scan()
    assert "0 follow-up(s) created" in await scan()  # the open reconnect keeps it off the list
    assert (await rotting_list(api, org.admin))["totalCount"] == 0

    [reconnect] = await reconnects(api, org.admin, clientId=owned)
    assert reconnect["subject"] == "Reconnect with Olga Owned — no contact in 61 days"
    assert reconnect["priority"] == "HIGH"
    assert reconnect["assignee"] == {"name": "Nia"}
    assert reconnect["type"] == {"key": "customer_check"}
    [for_lead] = await reconnects(api, org.admin, leadId=lead)
    assert for_lead["lead"] == {"name": "Leo Lead"}
    assert await FollowUp.filter(origin=Origin.ROTTING_SCAN).count() == 2

    # Nia is told once per reconnect, with the follow-up attached, and nothing besides
    # (no second "assigned to you" for the same follow-up).
    nia = await api.login(nia_email)
    inbox = await api.data(
        "{ notifications { totalCount edges { node { kind title followUp { id } } } } }",
        None,
        nia,
    )
    assert inbox["notifications"]["totalCount"] == 2
    assert {e["node"]["kind"] for e in inbox["notifications"]["edges"]} == {"ROTTING_CLIENT"}
    titles = {
        e["node"]["title"]: e["node"]["followUp"]["id"] for e in inbox["notifications"]["edges"]
    }
    assert titles["Reconnect with Olga Owned — no contact in 61 days"] == reconnect["id"]

    # Completing it with a contact ends the neglect; the next scans leave Olga alone.
    done = await mutate(
        api, nia, "completeFollowUp(id: $id, input: $input)", {"id": reconnect["id"], "input": DONE}
    )
    assert done["status"] == "COMPLETED"
    await travel(api, org, 30)
    await scan()
    assert await reconnects(api, org.admin, clientId=owned) == []
    listing = await rotting_list(api, org.admin)
    assert names(listing) == []  # the lead's reconnect is still open


async def test_the_one_open_rotting_index_settles_a_race(api: Api, org: Org) -> None:
    await client(api, org.admin, "Raced")
    clock.travel(timedelta(days=61))
    rows = await rotting._query(org.id, None, clock.now(), None, None)
    party = rotting._party(rows[0], clock.now())
    # Two scanners that both read the party as rotting: the second insert hits the index.
    members = await rotting.assignable(org.id)
    assert await rotting._reconnect(org.id, party, members) is True
    assert await rotting._reconnect(org.id, party, members) is False
    assert await FollowUp.filter(org_id=org.id, origin=Origin.ROTTING_SCAN).count() == 1
    assert await FollowUp.filter(status=Status.PENDING).count() == 1


async def test_unowned_parties_go_round_robin_and_it_carries_over(api: Api, org: Org) -> None:
    await org.add_staff("Ann")
    await org.add_staff("Ben")
    await org.add_staff("Mo", role="MANAGER")  # managers are not in the rotation
    for name in ("C1", "C2", "C3"):  # scanned most neglected (oldest) first
        await client(api, org.admin, name)
    await travel(api, org, 61)
    await scan()
    assigned = {
        r["client"]["name"]: r["assignee"]["name"] for r in await reconnects(api, org.admin)
    }
    assert assigned == {"C1": "Ann", "C2": "Ben", "C3": "Ann"}

    await client(api, org.admin, "C4")
    await travel(api, org, 61)
    await scan()
    [fourth] = [r for r in await reconnects(api, org.admin) if r["client"]["name"] == "C4"]
    assert fourth["assignee"]["name"] == "Ben"  # the rotation went on from the last run


async def test_organizations_are_scanned_and_listed_apart(api: Api, org: Org) -> None:
    other = await make_org(api, "Other Org")
    await client(api, org.admin, "Ours")
    await client(api, other.admin, "Theirs")
    clock.travel(timedelta(days=61))
    await relogin(api, org)
    other.admin = await api.login(other.admin_email)
    assert names(await rotting_list(api, org.admin)) == ["Ours"]
    assert names(await rotting_list(api, other.admin)) == ["Theirs"]

    assert "2 organization(s), 2 follow-up(s) created" in await scan()
    ours = await reconnects(api, org.admin)
    theirs = await reconnects(api, other.admin)
    assert [r["client"]["name"] for r in ours] == ["Ours"]
    assert [r["client"]["name"] for r in theirs] == ["Theirs"]
    assert ours[0]["assignee"]["name"] == "Ada Admin"  # no STAFF: the admin takes it


async def test_only_admins_set_rules_and_staff_cannot_read_them(api: Api, org: Org) -> None:
    _, mo = await org.add_staff("Mo", role="MANAGER")
    refused = await api.data(SET_RULE, {"s": "vip", "d": 5}, mo)
    assert refused["setRottingRule"]["__typename"] == "PermissionError"
    bad = await api.data(SET_RULE, {"s": "vip", "d": 0}, org.admin)
    assert bad["setRottingRule"] == {
        "__typename": "ValidationError",
        "message": "Give between 1 and 3650 days.",
        "field": "days",
    }
    settings = await api.data("{ rottingSettings { rottingDays rules { segment } } }", None, mo)
    assert settings["rottingSettings"] == {"rottingDays": 60, "rules": []}
    _, sam = await org.add_staff("Sam")
    body = await api.raw("{ rottingSettings { rottingDays } }", None, sam)
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_the_daily_scan_rides_the_timer_pipeline(api: Api, org: Org) -> None:
    from models.timers import Timer, TimerKind, TimerStatus
    from services.timers import DueTimer

    assert await rotting.ensure_planned() == 1
    assert await rotting.ensure_planned() == 0
    timer = await Timer.get(kind=TimerKind.ROTTING_SCAN, target_id=org.id)
    assert timer.fire_at.hour == rotting.SCAN_HOUR_UTC and timer.fire_at > clock.now()
    await client(api, org.admin, "Timed")
    clock.travel_to(timer.fire_at + timedelta(days=61))
    timer.fire_at = clock.now()
    await timer.save()
    await rotting.fire(
        DueTimer(timer.id, timer.kind, timer.target_id, timer.fire_at, timer.dedupe_key)
    )
    assert await FollowUp.filter(org_id=org.id, origin=Origin.ROTTING_SCAN).count() == 1
    following = await Timer.filter(
        kind=TimerKind.ROTTING_SCAN, target_id=org.id, status=TimerStatus.SCHEDULED
    ).exclude(id=timer.id)
    assert [t.fire_at - timer.fire_at <= timedelta(days=1) for t in following] == [True]


async def test_a_reconnect_after_one_day_says_one_day(api: Api, org: Org) -> None:
    await api.data(
        "mutation { updateOrganization(input: {rottingDays: 1}) { __typename } }", None, org.admin
    )
    olga = await client(api, org.admin, "Olga Owned")
    await travel(api, org, 1.5)
    await scan()
    [reconnect] = await reconnects(api, org.admin, clientId=olga)
    assert reconnect["subject"] == "Reconnect with Olga Owned — no contact in 1 day"
    described = await api.data(
        "query($id: ID!) { followUp(id: $id) { description } }", {"id": reconnect["id"]}, org.admin
    )
    assert described["followUp"]["description"].endswith("counts as rotting after 1 day.")
