"""Saved follow-up filters through the API: save, share, apply, rename, delete, tenancy."""

from typing import Any

from tests.api.helpers import create_follow_up, create_party, in_days
from tests.conftest import Api, Org, make_org

SAVED = """
  __typename
  ... on SavedFollowUpFilter { id name shared filter isMine canEdit owner { id } }
  ... on ValidationError { message field }
  ... on NotFoundError { message }
  ... on PermissionError { message }
"""


async def save(
    api: Api, token: str, name: str, filter: dict[str, Any], shared: bool = False
) -> dict[str, Any]:
    data = await api.data(
        f"mutation($i: SaveFollowUpFilterInput!) {{ r: saveFollowUpFilter(input: $i) {{ {SAVED} }} }}",
        {"i": {"name": name, "filter": filter, "shared": shared}},
        token,
    )
    return data["r"]


async def listed(api: Api, token: str) -> list[str]:
    data = await api.data("{ savedFollowUpFilters { name } }", token=token)
    return [row["name"] for row in data["savedFollowUpFilters"]]


async def subjects(
    api: Api, token: str, saved_id: str | None, filter: dict[str, Any] | None = None
) -> list[str]:
    data = await api.data(
        "query($s: ID, $f: FollowUpFilter) { followUps(savedFilterId: $s, filter: $f) {"
        " totalCount edges { node { subject } } } }",
        {"s": saved_id, "f": filter},
        token,
    )
    nodes = [edge["node"]["subject"] for edge in data["followUps"]["edges"]]
    assert data["followUps"]["totalCount"] == len(nodes)
    return nodes


async def test_save_keeps_the_filter_in_input_form_and_applies_it(api: Api, org: Org) -> None:
    client = await create_party(api, org.admin, "Client", {"name": "Grace Hopper"})
    await create_follow_up(api, org.admin, subject="Call Grace", clientId=client, priority="HIGH")
    await create_follow_up(api, org.admin, subject="Email Grace", clientId=client, typeKey="email")
    await create_follow_up(api, org.admin, subject="Someone else", priority="HIGH")

    saved = await save(
        api,
        org.admin,
        "Grace, urgent",
        {"clientId": client, "priority": ["HIGH"], "dueBefore": in_days(30)},
    )
    assert saved["__typename"] == "SavedFollowUpFilter"
    assert saved["shared"] is False and saved["isMine"] is True and saved["canEdit"] is True
    assert saved["filter"]["clientId"] == client
    assert saved["filter"]["priority"] == ["HIGH"]
    assert saved["owner"]["id"] == org.admin_id

    assert await subjects(api, org.admin, saved["id"]) == ["Call Grace"]
    # An explicit filter field replaces the saved one; the others still apply.
    assert await subjects(api, org.admin, saved["id"], {"priority": ["MEDIUM"]}) == ["Email Grace"]
    assert await subjects(api, org.admin, saved["id"], {"search": "email"}) == []


async def test_a_bad_filter_is_refused_on_save(api: Api, org: Org) -> None:
    refused = await save(api, org.admin, "Broken", {"assigneeIds": ["not-an-id"]})
    assert refused["__typename"] == "ValidationError"
    assert refused["field"] == "assigneeIds"
    blank = await save(api, org.admin, "  ", {"overdue": True})
    assert blank == {"__typename": "ValidationError", "message": blank["message"], "field": "name"}
    await save(api, org.admin, "Overdue", {"overdue": True})
    again = await save(api, org.admin, "overdue", {"overdue": False})
    assert again["__typename"] == "ValidationError" and again["field"] == "name"
    assert await listed(api, org.admin) == ["Overdue"]


async def test_private_filters_stay_private_and_shared_ones_reach_colleagues(
    api: Api, org: Org
) -> None:
    colleague_id, colleague = await org.add_staff("Colleague")
    await save(api, org.admin, "Mine only", {"overdue": True})
    shared = await save(api, org.admin, "Team: high", {"priority": ["HIGH"]}, shared=True)

    assert await listed(api, org.admin) == ["Mine only", "Team: high"]
    assert await listed(api, colleague) == ["Team: high"]
    data = await api.data("{ savedFollowUpFilters { isMine canEdit } }", token=colleague)
    assert data["savedFollowUpFilters"] == [{"isMine": False, "canEdit": False}]

    # A colleague applies the shared one within what they may see.
    await create_follow_up(api, org.admin, subject="Theirs", priority="HIGH")
    await create_follow_up(api, org.admin, subject="Mine", priority="HIGH", assigneeId=colleague_id)
    assert sorted(await subjects(api, colleague, shared["id"])) == ["Mine", "Theirs"]


async def test_a_colleagues_private_filter_is_not_found(api: Api, org: Org) -> None:
    _, colleague = await org.add_staff("Colleague")
    private = await save(api, org.admin, "Mine only", {"overdue": True})
    body = await api.raw(
        "query($s: ID) { followUps(savedFilterId: $s) { totalCount } }",
        {"s": private["id"]},
        colleague,
    )
    assert body["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "savedFilterId"}
    renamed = await api.data(
        f'mutation($id: ID!) {{ r: renameFollowUpFilter(id: $id, name: "Stolen") {{ {SAVED} }} }}',
        {"id": private["id"]},
        colleague,
    )
    assert renamed["r"]["__typename"] == "NotFoundError"


async def test_only_the_owner_or_an_admin_renames_or_deletes(api: Api, org: Org) -> None:
    _, owner = await org.add_staff("Owner")
    _, colleague = await org.add_staff("Colleague")
    shared = await save(api, owner, "Team view", {"status": ["PENDING"]}, shared=True)

    rename = f"mutation($id: ID!, $n: String!) {{ r: renameFollowUpFilter(id: $id, name: $n) {{ {SAVED} }} }}"
    delete = "mutation($id: ID!) { r: deleteFollowUpFilter(id: $id) { __typename ... on DeletedFollowUpFilter { id } ... on PermissionError { message } ... on NotFoundError { message } } }"

    refused = await api.data(rename, {"id": shared["id"], "n": "Hijacked"}, colleague)
    assert refused["r"]["__typename"] == "PermissionError"
    refused = await api.data(delete, {"id": shared["id"]}, colleague)
    assert refused["r"]["__typename"] == "PermissionError"

    renamed = await api.data(rename, {"id": shared["id"], "n": "Team: pending"}, owner)
    assert renamed["r"]["name"] == "Team: pending"
    updated = await api.data(
        f"mutation($id: ID!, $i: UpdateFollowUpFilterInput!) {{ r: updateFollowUpFilter(id: $id, input: $i) {{ {SAVED} }} }}",
        {"id": shared["id"], "i": {"shared": False, "filter": {"status": ["IN_PROGRESS"]}}},
        owner,
    )
    assert updated["r"]["shared"] is False
    assert updated["r"]["filter"] == {"status": ["IN_PROGRESS"]}
    assert await listed(api, colleague) == []

    by_admin = await api.data(rename, {"id": shared["id"], "n": "Tidied by admin"}, org.admin)
    assert by_admin["r"]["name"] == "Tidied by admin"
    assert by_admin["r"]["canEdit"] is True and by_admin["r"]["isMine"] is False
    deleted = await api.data(delete, {"id": shared["id"]}, org.admin)
    assert deleted["r"] == {"__typename": "DeletedFollowUpFilter", "id": shared["id"]}
    assert await listed(api, owner) == []


async def test_another_organizations_filter_is_not_found(api: Api, org: Org) -> None:
    other = await make_org(api, "Other Org")
    theirs = await save(api, other.admin, "Shared over there", {"overdue": True}, shared=True)
    assert await listed(api, org.admin) == []
    body = await api.raw(
        "query($s: ID) { followUps(savedFilterId: $s) { totalCount } }",
        {"s": theirs["id"]},
        org.admin,
    )
    assert body["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "savedFilterId"}
    for call in (
        'renameFollowUpFilter(id: $id, name: "Mine now")',
        "deleteFollowUpFilter(id: $id)",
    ):
        data = await api.data(
            f"mutation($id: ID!) {{ r: {call} {{ __typename }} }}", {"id": theirs["id"]}, org.admin
        )
        assert data["r"]["__typename"] == "NotFoundError", call
    assert await listed(api, other.admin) == ["Shared over there"]

    # A filter naming another organization's rows is refused on save, like any reference.
    their_client = await create_party(api, other.admin, "Client", {"name": "Theirs"})
    refused = await save(api, org.admin, "Peek", {"clientId": their_client})
    assert refused["__typename"] == "ValidationError" and refused["field"] == "clientId"
    refused = await save(api, org.admin, "Peek", {"assigneeIds": [org.admin_id, other.admin_id]})
    assert refused["__typename"] == "ValidationError" and refused["field"] == "assigneeIds"
