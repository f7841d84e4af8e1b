"""Writing follow-ups safely: idempotent creates, version conflicts and input validation."""

from typing import Any

from tests.api.helpers import create_follow_up, create_party, mutate
from tests.conftest import Api, Org, make_org

STATE = "query($id: ID!) { followUp(id: $id) { subject description notes priority version } }"


async def total(api: Api, token: str) -> int:
    return (await api.data("{ followUps { totalCount } }", token=token))["followUps"]["totalCount"]


async def read(api: Api, token: str, follow_up_id: str) -> dict[str, Any]:
    return (await api.data(STATE, {"id": follow_up_id}, token))["followUp"]


# ---------------------------------------------------------------- idempotent create


async def test_a_retried_create_returns_the_first_follow_up(api: Api, org: Org) -> None:
    first = await create_follow_up(api, org.admin, subject="Call Amal", idempotencyKey="req-1")
    again = await create_follow_up(api, org.admin, subject="Call Amal", idempotencyKey="req-1")
    assert first["__typename"] == again["__typename"] == "FollowUp"
    assert again["id"] == first["id"]
    assert again["version"] == first["version"]
    padded = await create_follow_up(api, org.admin, subject="Call Amal", idempotencyKey=" req-1 ")
    assert padded["id"] == first["id"]
    assert await total(api, org.admin) == 1

    other = await create_follow_up(api, org.admin, subject="Call Amal", idempotencyKey="req-2")
    assert other["id"] != first["id"]
    assert await total(api, org.admin) == 2


async def test_a_blank_idempotency_key_is_no_key(api: Api, org: Org) -> None:
    first = await create_follow_up(api, org.admin, subject="Without a key")
    blank = await create_follow_up(api, org.admin, subject="Blank key", idempotencyKey="   ")
    assert blank["__typename"] == "FollowUp"
    assert blank["id"] != first["id"]
    assert blank["subject"] == "Blank key"
    another = await create_follow_up(api, org.admin, subject="Blank again", idempotencyKey="")
    assert another["subject"] == "Blank again"
    assert await total(api, org.admin) == 3


async def test_idempotency_keys_are_per_organization(api: Api, org: Org) -> None:
    other_org = await make_org(api, "Other Org")
    ours = await create_follow_up(api, org.admin, subject="Ours", idempotencyKey="shared")
    theirs = await create_follow_up(api, other_org.admin, subject="Theirs", idempotencyKey="shared")
    assert theirs["__typename"] == "FollowUp"
    assert theirs["id"] != ours["id"]
    assert theirs["subject"] == "Theirs"
    assert await total(api, org.admin) == 1
    assert await total(api, other_org.admin) == 1


async def test_another_persons_idempotency_key_never_returns_their_follow_up(
    api: Api, org: Org
) -> None:
    """Keys are unique per organization: a colleague's key is refused, never answered with
    the colleague's follow-up (which they may not even be allowed to see)."""
    _, sam = await org.add_staff("Sam")
    await api.data(
        "mutation { updateOrganization(input: {staffSeeAllFollowUps: false}) { __typename } }",
        token=org.admin,
    )
    await create_follow_up(api, org.admin, subject="Admin's private call", idempotencyKey="k-1")
    refused = await create_follow_up(api, sam, subject="Sam's call", idempotencyKey="k-1")
    assert refused["__typename"] == "ValidationError"
    assert refused["field"] == "idempotencyKey"
    assert "Admin's private call" not in str(refused)
    assert await total(api, sam) == 0
    assert await total(api, org.admin) == 1


async def test_an_idempotency_key_over_100_characters_is_refused(api: Api, org: Org) -> None:
    refused = await create_follow_up(api, org.admin, idempotencyKey="k" * 101)
    assert refused["__typename"] == "ValidationError"
    assert refused["field"] == "idempotencyKey"
    assert await total(api, org.admin) == 0


# ---------------------------------------------------------------- versions


async def test_a_stale_expected_version_conflicts_and_changes_nothing(api: Api, org: Org) -> None:
    created = await create_follow_up(api, org.admin, subject="Original")
    update = "updateFollowUp(id: $id, input: $update, expectedVersion: $version)"
    first = await mutate(
        api, org.admin, update,
        {"id": created["id"], "update": {"subject": "First edit"}, "version": created["version"]},
    )  # fmt: skip
    assert first["subject"] == "First edit"
    assert first["version"] == created["version"] + 1

    stale = await mutate(
        api, org.admin, update,
        {"id": created["id"], "update": {"subject": "Lost edit", "priority": "HIGH"}, "version": created["version"]},
    )  # fmt: skip
    assert stale["__typename"] == "ConflictError"
    assert stale["currentVersion"] == first["version"]
    assert await read(api, org.admin, created["id"]) == {
        "subject": "First edit",
        "description": None,
        "notes": None,
        "priority": "MEDIUM",
        "version": first["version"],
    }

    retried = await mutate(
        api, org.admin, update,
        {"id": created["id"], "update": {"subject": "Second edit"}, "version": stale["currentVersion"]},
    )  # fmt: skip
    assert retried["__typename"] == "FollowUp"
    assert retried["subject"] == "Second edit"
    assert retried["version"] == first["version"] + 1


async def test_an_update_without_expected_version_still_bumps_it(api: Api, org: Org) -> None:
    created = await create_follow_up(api, org.admin)
    updated = await mutate(
        api,
        org.admin,
        "updateFollowUp(id: $id, input: $update)",
        {"id": created["id"], "update": {"priority": "LOW"}},
    )
    assert updated["priority"] == "LOW"
    assert updated["version"] == created["version"] + 1


# ---------------------------------------------------------------- validation


async def test_each_invalid_create_names_its_field_and_creates_nothing(api: Api, org: Org) -> None:
    client = await create_party(api, org.admin, "Client", {"name": "Amal"})
    cases: list[tuple[dict[str, Any], str | None]] = [
        ({"subject": ""}, "subject"),
        ({"subject": "   "}, "subject"),
        ({"subject": "s" * 201}, "subject"),
        ({"description": "d" * 5001}, "description"),
        ({"notes": "n" * 10001}, "notes"),
        ({"typeKey": "no_such_type"}, "typeKey"),
        ({"dueAt": "next tuesday"}, "dueAt"),
        ({"dueAt": "2030-13-45T25:00:00Z"}, "dueAt"),
        ({"dueAt": "2030-01-01T09:00:00"}, "dueAt"),  # no UTC offset
        ({"assigneeId": client}, "assigneeId"),  # a client's id where a staff id goes
        ({"assigneeId": "not-an-id"}, "assigneeId"),
        ({"clientId": org.admin_id}, "clientId"),  # a staff id where a client id goes
        ({"isPrimary": True}, "isPrimary"),  # a primary follow-up needs a delivered lead
        ({"reminders": [{"offsetMinutes": -5}]}, None),
    ]
    for fields, field_name in cases:
        refused = await create_follow_up(api, org.admin, **fields)
        assert refused["__typename"] == "ValidationError", (fields, refused)
        if field_name is not None:
            assert refused["field"] == field_name, (fields, refused)
        assert refused["message"]
    assert await total(api, org.admin) == 0

    at_limits = await create_follow_up(
        api, org.admin, subject="s" * 200, description="d" * 5000, notes="n" * 10000
    )
    assert at_limits["__typename"] == "FollowUp"


async def test_invalid_changes_name_their_field_and_change_nothing(api: Api, org: Org) -> None:
    created = await create_follow_up(api, org.admin, subject="Keep me")
    client = await create_party(api, org.admin, "Client", {"name": "Amal"})
    before = await read(api, org.admin, created["id"])
    update = "updateFollowUp(id: $id, input: $update)"
    cases: list[tuple[str, dict[str, Any], str]] = [
        (update, {"update": {"subject": ""}}, "subject"),
        (update, {"update": {"subject": "s" * 201}}, "subject"),
        (update, {"update": {"description": "d" * 5001}}, "description"),
        (update, {"update": {"notes": "n" * 10001}}, "notes"),
        (update, {"update": {"typeKey": "no_such_type"}}, "typeKey"),
        (update, {"update": {"typeKey": None}}, "typeKey"),
        (update, {"update": {"priority": None}}, "priority"),
        (update, {"update": {"clientId": org.admin_id}}, "clientId"),
        (update, {"update": {"hasIssue": True}}, "issueSummary"),
        ("addFollowUpNote(id: $id, body: $body)", {"body": "b" * 5001}, "body"),
        ("addFollowUpNote(id: $id, body: $body)", {"body": "  "}, "body"),
        ("logContactAttempt(id: $id, outcome: $outcome, notes: $notes)",
         {"outcome": "ATTEMPTED", "notes": "n" * 5001}, "notes"),
        ("rescheduleFollowUp(id: $id, dueAt: $dueAt)", {"dueAt": "soon"}, "dueAt"),
        ("rescheduleFollowUp(id: $id, dueAt: $dueAt)", {"dueAt": "2030-01-01T09:00:00"}, "dueAt"),
        ("delegateFollowUp(id: $id, assigneeId: $assigneeId)", {"assigneeId": client}, "assigneeId"),
        ("cancelFollowUp(id: $id, reason: $reason)", {"reason": "r" * 2001}, "reason"),
    ]  # fmt: skip
    for call, variables, field_name in cases:
        refused = await mutate(api, org.admin, call, {"id": created["id"], **variables})
        assert refused["__typename"] == "ValidationError", (call, variables, refused)
        assert refused["field"] == field_name, (call, variables, refused)
    assert await read(api, org.admin, created["id"]) == before
    after = await api.data(
        "query($id: ID!) { followUp(id: $id) { status dueAt contactAttemptCount noteEntries { id } assignee { id } } }",
        {"id": created["id"]},
        org.admin,
    )
    assert after["followUp"] == {
        "status": "PENDING",
        "dueAt": created["dueAt"],
        "contactAttemptCount": 0,
        "noteEntries": [],
        "assignee": {"id": org.admin_id},
    }


async def test_a_wrong_kind_of_id_in_a_follow_up_argument_is_a_validation_error(
    api: Api, org: Org
) -> None:
    client = await create_party(api, org.admin, "Client", {"name": "Amal"})
    refused = await mutate(api, org.admin, "startFollowUp(id: $id)", {"id": client})
    assert refused["__typename"] == "ValidationError"
    assert refused["field"] == "id"
    looked_up = await api.raw(
        "query($id: ID!) { followUp(id: $id) { id } }", {"id": client}, org.admin
    )
    assert looked_up["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "id"}


async def test_an_unparsable_date_in_a_filter_is_bad_user_input(api: Api, org: Org) -> None:
    body = await api.raw(
        "query($f: FollowUpFilter) { followUps(filter: $f) { totalCount } }",
        {"f": {"dueAfter": "yesterday-ish"}},
        org.admin,
    )
    assert body["data"] is None
    assert body["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "dueAfter"}
