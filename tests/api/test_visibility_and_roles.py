"""Who sees which follow-ups (the organization's staff setting) and what each role may do."""

from typing import Any

from tests.api.helpers import create_follow_up, create_party, mutate
from tests.conftest import Api, Org

SEES = """
query($mine: ID!, $theirs: ID!, $client: ID!) {
  followUps { totalCount edges { node { subject } } }
  mine: followUp(id: $mine) { subject }
  theirs: followUp(id: $theirs) { subject }
  node(id: $theirs) { id }
  client: node(id: $client) { ... on Client { followUps { totalCount edges { node { subject } } } } }
}
"""


async def set_staff_see_all(api: Api, org: Org, value: bool) -> None:
    data = await api.data(
        "mutation($v: Boolean!) { updateOrganization(input: {staffSeeAllFollowUps: $v}) {"
        " __typename ... on Organization { staffSeeAllFollowUps } } }",
        {"v": value},
        org.admin,
    )
    assert data["updateOrganization"] == {
        "__typename": "Organization",
        "staffSeeAllFollowUps": value,
    }


async def team(api: Api, org: Org) -> dict[str, Any]:
    """Sam and Tia (staff), Mo (manager); a client with one follow-up for Sam and one for Tia."""
    sam_id, sam = await org.add_staff("Sam")
    tia_id, tia = await org.add_staff("Tia")
    _, mo = await org.add_staff("Mo", role="MANAGER")
    client = await create_party(api, org.admin, "Client", {"name": "Shared client"})
    mine = await create_follow_up(
        api, org.admin, subject="Sam's call", assigneeId=sam_id, clientId=client
    )
    theirs = await create_follow_up(api, org.admin, subject="Tia's call", assigneeId=tia_id, clientId=client)  # fmt: skip
    return {
        "sam": sam, "tia": tia, "mo": mo, "client": client, "sam_id": sam_id,
        "vars": {"mine": mine["id"], "theirs": theirs["id"], "client": client},
    }  # fmt: skip


def subjects(connection: dict[str, Any]) -> list[str]:
    return sorted(edge["node"]["subject"] for edge in connection["edges"])


async def test_by_default_staff_see_every_follow_up(api: Api, org: Org) -> None:
    people = await team(api, org)
    organization = await api.data("{ organization { staffSeeAllFollowUps } }", token=org.admin)
    assert organization["organization"]["staffSeeAllFollowUps"] is True
    seen = await api.data(SEES, people["vars"], people["sam"])
    assert subjects(seen["followUps"]) == ["Sam's call", "Tia's call"]
    assert seen["theirs"] == {"subject": "Tia's call"}
    assert seen["client"]["followUps"]["totalCount"] == 2


async def test_staff_who_see_only_their_own_cannot_read_or_act_on_others(
    api: Api, org: Org
) -> None:
    people = await team(api, org)
    await set_staff_see_all(api, org, False)

    seen = await api.data(SEES, people["vars"], people["sam"])
    assert subjects(seen["followUps"]) == ["Sam's call"]
    assert seen["followUps"]["totalCount"] == 1
    assert seen["mine"] == {"subject": "Sam's call"}
    assert seen["theirs"] is None
    assert seen["node"] is None
    assert subjects(seen["client"]["followUps"]) == ["Sam's call"]
    assert seen["client"]["followUps"]["totalCount"] == 1
    filtered = await api.data(
        "query($t: ID!) { followUps(filter: {assigneeIds: [$t]}) { totalCount } }",
        {"t": (await api.data("{ me { id } }", token=people["tia"]))["me"]["id"]},
        people["sam"],
    )
    assert filtered["followUps"]["totalCount"] == 0

    theirs = people["vars"]["theirs"]
    attempts: list[tuple[str, dict[str, Any]]] = [
        ("startFollowUp(id: $id)", {}),
        ("updateFollowUp(id: $id, input: $update)", {"update": {"subject": "Mine now"}}),
        ("addFollowUpNote(id: $id, body: $body)", {"body": "peek"}),
        ("cancelFollowUp(id: $id)", {}),
        ("delegateFollowUp(id: $id, assigneeId: $assigneeId)", {"assigneeId": people["sam_id"]}),
    ]
    for call, variables in attempts:
        refused = await mutate(api, people["sam"], call, {"id": theirs, **variables})
        assert refused["__typename"] == "NotFoundError", (call, refused)
    unchanged = await api.data(
        "query($id: ID!) { followUp(id: $id) { subject status version assignee { id } noteEntries { body } } }",
        {"id": theirs},
        people["tia"],
    )
    assert unchanged["followUp"]["subject"] == "Tia's call"
    assert unchanged["followUp"]["status"] == "PENDING"
    assert unchanged["followUp"]["version"] == 1
    assert unchanged["followUp"]["noteEntries"] == []

    # Their own stays theirs to work on.
    started = await mutate(
        api, people["sam"], "startFollowUp(id: $id)", {"id": people["vars"]["mine"]}
    )
    assert started["status"] == "IN_PROGRESS"

    for manager in (people["mo"], org.admin):
        everything = await api.data(SEES, people["vars"], manager)
        assert subjects(everything["followUps"]) == ["Sam's call", "Tia's call"]
        assert everything["theirs"] == {"subject": "Tia's call"}
        assert everything["node"] == {"id": theirs}
        assert everything["client"]["followUps"]["totalCount"] == 2

    await set_staff_see_all(api, org, True)
    again = await api.data(SEES, people["vars"], people["sam"])
    assert subjects(again["followUps"]) == ["Sam's call", "Tia's call"]
    assert again["theirs"] == {"subject": "Tia's call"}


async def test_staff_may_not_manage_the_organization(api: Api, org: Org) -> None:
    sam_id, sam = await org.add_staff("Sam")
    tia_id, _ = await org.add_staff("Tia")
    _, mo = await org.add_staff("Mo", role="MANAGER")
    errors = "__typename ... on PermissionError { message }"
    attempts = {
        "createStaff": 'createStaff(input: {email: "x@example.test", name: "X", password: "long-enough-1"})',
        "createFollowUpType": 'createFollowUpType(key: "site_visit", name: "Site visit")',
        "updateOrganization": "updateOrganization(input: {staffSeeAllFollowUps: false})",
        "updateStaff (another)": f'updateStaff(id: "{tia_id}", input: {{name: "Renamed"}})',
        "updateStaff (own role)": f'updateStaff(id: "{sam_id}", input: {{role: ADMIN}})',
    }
    for who, token in (("staff", sam), ("manager", mo)):
        for name, call in attempts.items():
            data = await api.data(f"mutation {{ r: {call} {{ {errors} }} }}", token=token)
            assert data["r"]["__typename"] == "PermissionError", (who, name, data)

    state = await api.data(
        "{ staffMembers { name role } followUpTypes { key } organization { staffSeeAllFollowUps } }",
        token=org.admin,
    )
    assert sorted((s["name"], s["role"]) for s in state["staffMembers"]) == [
        ("Ada Admin", "ADMIN"), ("Mo", "MANAGER"), ("Sam", "STAFF"), ("Tia", "STAFF"),
    ]  # fmt: skip
    assert "site_visit" not in {t["key"] for t in state["followUpTypes"]}
    assert state["organization"]["staffSeeAllFollowUps"] is True

    own = await api.data(
        f'mutation {{ r: updateStaff(id: "{sam_id}", input: {{name: "Samuel", timezone: "Europe/Paris"}})'
        " { __typename ... on Staff { name timezone role } } }",
        token=sam,
    )
    assert own["r"] == {
        "__typename": "Staff",
        "name": "Samuel",
        "timezone": "Europe/Paris",
        "role": "STAFF",
    }


async def test_only_managers_see_another_persons_or_the_teams_dashboard(api: Api, org: Org) -> None:
    sam_id, sam = await org.add_staff("Sam")
    _, mo = await org.add_staff("Mo", role="MANAGER")
    await create_follow_up(api, org.admin, assigneeId=sam_id)
    query = "query($a: ID, $t: Boolean) { dashboard(assigneeId: $a, team: $t) { pendingCount } }"
    for variables in ({"a": org.admin_id}, {"t": True}):
        body = await api.raw(query, variables, sam)
        assert body["data"] is None
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN", body
    own = await api.data(query, {}, sam)
    assert own["dashboard"]["pendingCount"] == 1
    for variables in ({"a": sam_id}, {"t": True}):
        seen = await api.data(query, variables, mo)
        assert seen["dashboard"]["pendingCount"] == 1
