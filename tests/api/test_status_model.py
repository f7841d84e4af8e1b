"""The follow-up status contract, scenario by scenario, through the API."""

from tests.api.helpers import create_follow_up, create_party, mutate
from tests.conftest import Api, Org


async def test_a_new_follow_up_is_pending_until_someone_starts_it(api: Api, org: Org) -> None:
    created = await create_follow_up(api, org.admin)
    assert created["__typename"] == "FollowUp"
    assert created["status"] == "PENDING"
    assert created["startedAt"] is None

    started = await mutate(api, org.admin, "startFollowUp(id: $id)", {"id": created["id"]})
    assert started["status"] == "IN_PROGRESS"
    assert started["startedAt"] is not None
    assert started["version"] == created["version"] + 1


async def test_completion_without_activity_is_refused_and_changes_nothing(
    api: Api, org: Org
) -> None:
    created = await create_follow_up(api, org.admin, typeKey="customer_check")
    refused = await mutate(
        api, org.admin, "completeFollowUp(id: $id, input: $input)",
        {"id": created["id"], "input": {"outcome": "SUCCESSFUL"}},
    )  # fmt: skip
    assert refused["__typename"] == "ValidationError"
    assert refused["field"] == "contactOutcome"
    again = await api.data(
        "query($id: ID!) { followUp(id: $id) { status version } }", {"id": created["id"]}, org.admin
    )
    assert again["followUp"] == {"status": "PENDING", "version": created["version"]}


async def test_contact_plus_satisfaction_completes(api: Api, org: Org) -> None:
    created = await create_follow_up(api, org.admin, typeKey="customer_check")
    done = await mutate(
        api, org.admin, "completeFollowUp(id: $id, input: $input)",
        {"id": created["id"], "input": {"outcome": "SUCCESSFUL", "contactOutcome": "REACHED_CUSTOMER", "satisfactionOutcome": "SATISFIED"}},
    )  # fmt: skip
    assert done["status"] == "COMPLETED"
    assert done["satisfactionOutcome"] == "SATISFIED"
    assert done["contactAttemptCount"] == 1
    assert done["lastContactOutcome"] == "REACHED_CUSTOMER"
    assert done["lastContactedByEmail"] == org.admin_email
    assert done["completedAt"] is not None


async def test_an_open_issue_closes_with_issue_and_resolving_keeps_the_status(
    api: Api, org: Org
) -> None:
    created = await create_follow_up(api, org.admin, typeKey="customer_check")
    await mutate(
        api,
        org.admin,
        "logContactAttempt(id: $id, outcome: $outcome)",
        {"id": created["id"], "outcome": "REACHED_CUSTOMER"},
    )
    closed = await mutate(
        api, org.admin, "completeFollowUp(id: $id, input: $input)",
        {"id": created["id"], "input": {"outcome": "UNSUCCESSFUL", "satisfactionOutcome": "UNSATISFIED", "hasIssue": True, "issueSummary": "Panel mounting loose"}},
    )  # fmt: skip
    assert closed["status"] == "CLOSED_WITH_ISSUE"
    assert closed["hasIssue"] is True
    assert closed["issueResolved"] is False

    resolved = await mutate(
        api,
        org.admin,
        "resolveFollowUpIssue(id: $id, notes: $notes)",
        {"id": created["id"], "notes": "Installer fixed it"},
    )
    assert resolved["status"] == "CLOSED_WITH_ISSUE"
    assert resolved["issueResolved"] is True


async def test_follow_up_work_never_changes_the_lead_stage(api: Api, org: Org) -> None:
    lead = await create_party(
        api, org.admin, "Lead", {"name": "Rooftop solar lead", "stage": "DELIVERED"}
    )
    created = await create_follow_up(
        api, org.admin, typeKey="customer_check", leadId=lead, isPrimary=True
    )
    assert created["isPrimary"] is True
    await mutate(
        api, org.admin, "completeFollowUp(id: $id, input: $input)",
        {"id": created["id"], "input": {"outcome": "SUCCESSFUL", "contactOutcome": "REACHED_CUSTOMER"}},
    )  # fmt: skip
    data = await api.data(
        "query($id: ID!) { node(id: $id) { ... on Lead { stage primaryFollowUp { status } } } }",
        {"id": lead},
        org.admin,
    )
    assert data["node"] == {"stage": "DELIVERED", "primaryFollowUp": {"status": "COMPLETED"}}


async def test_terminal_states_refuse_further_transitions(api: Api, org: Org) -> None:
    created = await create_follow_up(api, org.admin)
    cancelled = await mutate(
        api,
        org.admin,
        "cancelFollowUp(id: $id, reason: $reason)",
        {"id": created["id"], "reason": "Client withdrew"},
    )
    assert cancelled["status"] == "CANCELLED"
    for call, variables in [
        ("startFollowUp(id: $id)", {}),
        ("cancelFollowUp(id: $id)", {}),
        ("rescheduleFollowUp(id: $id, dueAt: $dueAt)", {"dueAt": "2030-01-01T09:00:00Z"}),
        ("logContactAttempt(id: $id, outcome: $outcome)", {"outcome": "ATTEMPTED"}),
    ]:
        refused = await mutate(api, org.admin, call, {"id": created["id"], **variables})
        assert refused["__typename"] == "TransitionError", call
        assert refused["currentStatus"] == "CANCELLED"
