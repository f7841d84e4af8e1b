"""Bulk follow-up changes through the API: one action, the single-change rules for each id."""

from typing import Any

import pytest

from gql.schema.common import decode_id
from services import reminders
from services.errors import ValidationFailed
from tests.api.helpers import ERRORS, create_follow_up, mutate
from tests.conftest import Api, Org, make_org

BULK = f"""
  __typename
  ... on BulkUpdateResult {{
    succeeded failed
    results {{ id result {{ __typename
      ... on FollowUp {{ id status priority dueAt version assignee {{ id }} outcome }}
      {ERRORS} }} }}
  }}
  ... on ValidationError {{ message field }}
"""


async def bulk(api: Api, token: str, ids: list[str], action: dict[str, Any]) -> dict[str, Any]:
    data = await api.data(
        f"mutation($ids: [ID!]!, $i: BulkFollowUpInput!) {{ r: bulkUpdateFollowUps(ids: $ids, input: $i) {{ {BULK} }} }}",
        {"ids": ids, "i": action},
        token,
    )
    return data["r"]


def by_id(payload: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {item["id"]: item["result"] for item in payload["results"]}


async def read(api: Api, token: str, follow_up_id: str) -> dict[str, Any]:
    data = await api.data(
        "query($id: ID!) { followUp(id: $id) { status priority dueAt version assignee { id } } }",
        {"id": follow_up_id},
        token,
    )
    return data["followUp"]


async def test_cancel_three_where_one_is_already_completed(api: Api, org: Org) -> None:
    ids = [(await create_follow_up(api, org.admin, subject=f"F{n}"))["id"] for n in range(3)]
    done = await mutate(
        api, org.admin, "completeFollowUp(id: $id, input: $input)",
        {"id": ids[1], "input": {"outcome": "SUCCESSFUL", "contactOutcome": "REACHED_CUSTOMER"}},
    )  # fmt: skip
    assert done["status"] == "COMPLETED"

    result = await bulk(api, org.admin, ids, {"cancel": {"reason": "Client withdrew"}})
    assert result["__typename"] == "BulkUpdateResult"
    assert (result["succeeded"], result["failed"]) == (2, 1)
    assert [item["id"] for item in result["results"]] == ids
    outcome = by_id(result)
    assert outcome[ids[0]]["status"] == outcome[ids[2]]["status"] == "CANCELLED"
    assert outcome[ids[1]]["__typename"] == "TransitionError"
    assert outcome[ids[1]]["currentStatus"] == "COMPLETED"
    assert (await read(api, org.admin, ids[1]))["status"] == "COMPLETED"


async def test_unknown_foreign_and_malformed_ids_fail_alone(api: Api, org: Org) -> None:
    other = await make_org(api, "Other Org")
    theirs = (await create_follow_up(api, other.admin))["id"]
    mine = (await create_follow_up(api, org.admin))["id"]
    result = await bulk(api, org.admin, [theirs, mine, "garbage", mine], {"start": True})
    outcome = by_id(result)
    assert list(outcome) == [theirs, mine, "garbage"]
    assert outcome[theirs]["__typename"] == "NotFoundError"
    assert outcome[mine]["status"] == "IN_PROGRESS"
    assert outcome["garbage"] == {
        "__typename": "ValidationError",
        "message": outcome["garbage"]["message"],
        "field": "ids",
    }
    assert (result["succeeded"], result["failed"]) == (1, 2)
    assert (await read(api, other.admin, theirs))["status"] == "PENDING"


async def test_delegation_checks_the_assignee_like_the_single_change(api: Api, org: Org) -> None:
    colleague_id, colleague = await org.add_staff("Colleague")
    other = await make_org(api, "Other Org")
    stranger_id, _ = await other.add_staff("Stranger")
    ids = [(await create_follow_up(api, org.admin, subject=f"F{n}"))["id"] for n in range(2)]

    refused = await bulk(api, org.admin, ids, {"assigneeId": stranger_id})
    single = await mutate(
        api, org.admin, "delegateFollowUp(id: $id, assigneeId: $assigneeId)",
        {"id": ids[0], "assigneeId": stranger_id},
    )  # fmt: skip
    assert single["__typename"] == "ValidationError"
    assert refused["failed"] == 2
    for item in refused["results"]:
        assert item["result"]["__typename"] == single["__typename"]
        assert item["result"]["field"] == single["field"] == "assigneeId"
    assert (await read(api, org.admin, ids[0]))["assignee"]["id"] == org.admin_id

    moved = await bulk(api, org.admin, ids, {"assigneeId": colleague_id})
    assert moved["succeeded"] == 2
    assert {r["result"]["assignee"]["id"] for r in moved["results"]} == {colleague_id}
    inbox = await api.data(
        "{ notifications(first: 10) { edges { node { kind } } } }", token=colleague
    )
    assert [e["node"]["kind"] for e in inbox["notifications"]["edges"]] == ["ASSIGNED", "ASSIGNED"]


async def test_shift_reschedule_moves_each_from_its_own_due_time(api: Api, org: Org) -> None:
    first = await create_follow_up(api, org.admin, dueAt="2030-03-01T09:00:00Z")
    second = await create_follow_up(api, org.admin, dueAt="2030-03-05T14:30:00Z")
    cancelled = await create_follow_up(api, org.admin, dueAt="2030-03-06T09:00:00Z")
    await mutate(api, org.admin, "cancelFollowUp(id: $id)", {"id": cancelled["id"]})

    ids = [first["id"], second["id"], cancelled["id"]]
    result = await bulk(api, org.admin, ids, {"reschedule": {"shiftDays": 2, "shiftMinutes": 30}})
    outcome = by_id(result)
    assert outcome[first["id"]]["dueAt"] == "2030-03-03T09:30:00Z"
    assert outcome[second["id"]]["dueAt"] == "2030-03-07T15:00:00Z"
    assert outcome[cancelled["id"]]["__typename"] == "TransitionError"

    fixed = await bulk(api, org.admin, ids[:2], {"reschedule": {"dueAt": "2030-04-01T08:00:00Z"}})
    assert {r["result"]["dueAt"] for r in fixed["results"]} == {"2030-04-01T08:00:00Z"}


async def test_shift_days_keep_the_wall_clock_time_across_dst(api: Api, org: Org) -> None:
    _, london = await org.add_staff("Londoner", timezone="Europe/London")
    created = await create_follow_up(api, london, dueAt="2030-03-30T09:00:00Z")  # 09:00 GMT
    result = await bulk(api, london, [created["id"]], {"reschedule": {"shiftDays": 1}})
    # The clocks go forward on 31 March 2030: 09:00 local is now 08:00 UTC.
    assert result["results"][0]["result"]["dueAt"] == "2030-03-31T08:00:00Z"


async def test_priority_and_completion(api: Api, org: Org) -> None:
    ids = [(await create_follow_up(api, org.admin, typeKey="document_review"))["id"]]
    ids.append((await create_follow_up(api, org.admin, typeKey="phone_call"))["id"])
    raised = await bulk(api, org.admin, ids, {"priority": "HIGH"})
    assert {r["result"]["priority"] for r in raised["results"]} == {"HIGH"}
    assert {r["result"]["version"] for r in raised["results"]} == {2}

    # A phone call needs a contact attempt to be completed: the same rule as one at a time.
    done = await bulk(api, org.admin, ids, {"complete": {"outcome": "SUCCESSFUL"}})
    outcome = by_id(done)
    assert outcome[ids[0]]["status"] == "COMPLETED"
    assert outcome[ids[1]]["__typename"] == "ValidationError"
    assert outcome[ids[1]]["field"] == "contactOutcome"
    after = await read(api, org.admin, ids[1])
    assert after["status"] == "PENDING" and after["version"] == 2  # untouched by the refusal


async def test_each_change_is_atomic_a_refusal_leaves_nothing_behind(
    api: Api, org: Org, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = [(await create_follow_up(api, org.admin, typeKey="customer_check"))["id"] for _ in "ab"]
    failing_pk = decode_id(ids[1], "FollowUp", "id")
    replan = reminders.replan

    async def refuse_second(follow_up: Any, before: dict[str, Any]) -> None:
        # Late in the change: the contact attempt, the status and the row are written by now.
        if follow_up.id == failing_pk:
            raise ValidationFailed("dueAt", "Refused late, after the writes.")
        await replan(follow_up, before)

    monkeypatch.setattr(reminders, "replan", refuse_second)
    result = await bulk(
        api, org.admin, ids,
        {"complete": {"outcome": "SUCCESSFUL", "contactOutcome": "REACHED_CUSTOMER"}},
    )  # fmt: skip
    outcome = by_id(result)
    assert outcome[ids[0]]["status"] == "COMPLETED"
    assert outcome[ids[1]] == {
        "__typename": "ValidationError",
        "message": "Refused late, after the writes.",
        "field": "dueAt",
    }
    data = await api.data(
        "query($id: ID!) { followUp(id: $id) { status version contactAttemptCount"
        " contactAttempts { id } history { action } } }",
        {"id": ids[1]},
        org.admin,
    )
    assert data["followUp"] == {
        "status": "PENDING",
        "version": 1,
        "contactAttemptCount": 0,
        "contactAttempts": [],
        "history": [{"action": "created"}],
    }


async def test_staff_who_see_only_their_own_get_not_found_for_the_rest(api: Api, org: Org) -> None:
    from models.organizations import Organization

    await Organization.filter(id=org.id).update(staff_see_all_follow_ups=False)
    staff_id, staff = await org.add_staff("Limited")
    theirs = (await create_follow_up(api, org.admin, assigneeId=staff_id))["id"]
    hidden = (await create_follow_up(api, org.admin))["id"]
    result = await bulk(api, staff, [theirs, hidden], {"priority": "LOW"})
    outcome = by_id(result)
    assert outcome[theirs]["priority"] == "LOW"
    assert outcome[hidden]["__typename"] == "NotFoundError"
    assert (await read(api, org.admin, hidden))["priority"] == "MEDIUM"


async def test_more_than_a_thousand_ids_or_not_one_action_are_refused(api: Api, org: Org) -> None:
    created = await create_follow_up(api, org.admin)
    too_many = [created["id"]] * 1001
    refused = await bulk(api, org.admin, too_many, {"cancel": {}})
    assert refused["__typename"] == "ValidationError" and refused["field"] == "ids"
    two = await bulk(api, org.admin, [created["id"]], {"start": True, "priority": "LOW"})
    assert two["__typename"] == "ValidationError" and two["field"] == "input"
    none = await bulk(api, org.admin, [created["id"]], {})
    assert none["__typename"] == "ValidationError"
    both = await bulk(
        api, org.admin, [created["id"]],
        {"reschedule": {"dueAt": "2030-01-01T00:00:00Z", "shiftDays": 1}},
    )  # fmt: skip
    assert both["__typename"] == "ValidationError"
    assert (await read(api, org.admin, created["id"]))["status"] == "PENDING"
    assert (await read(api, org.admin, created["id"]))["version"] == 1


async def test_a_thousand_ids_are_accepted(api: Api, org: Org) -> None:
    created = await create_follow_up(api, org.admin)
    other = await make_org(api, "Other Org")
    foreign = (await create_follow_up(api, other.admin))["id"]
    # 999 distinct unknown ids plus one real one: every id gets its own answer.
    from gql.schema.common import global_id

    ids = [created["id"]] + [global_id("FollowUp", 10_000 + n) for n in range(998)] + [foreign]
    result = await bulk(api, org.admin, ids, {"priority": "LOW"})
    assert result["__typename"] == "BulkUpdateResult"
    assert (result["succeeded"], result["failed"]) == (1, 999)
