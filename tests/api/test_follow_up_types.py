"""The built-in follow-up type catalogue every organization starts with."""

from tests.api.helpers import create_follow_up
from tests.conftest import Api, Org

BUILT_IN_KEYS = {
    "phone_call", "email", "sms_whatsapp", "video_call", "in_person_meeting", "document_review",
    "application_status_check", "payment_follow_up", "visa_status_update", "service_follow_up",
    "test_score_review", "compliance_check", "customer_check",
}  # fmt: skip


async def test_a_new_organization_has_the_thirteen_built_in_types(api: Api, org: Org) -> None:
    data = await api.data("{ followUpTypes { key name requiresContact builtIn } }", token=org.admin)
    types = {row["key"]: row for row in data["followUpTypes"]}
    assert set(types) == BUILT_IN_KEYS
    assert all(row["builtIn"] for row in types.values())
    assert types["phone_call"]["requiresContact"] is True
    assert types["customer_check"]["requiresContact"] is True
    assert types["document_review"]["requiresContact"] is False


async def test_a_non_contact_type_completes_on_its_outcome_alone(api: Api, org: Org) -> None:
    created = await api.data(
        'mutation { createFollowUp(input: {subject: "Review bank statements", typeKey: "document_review",'
        ' dueAt: "2030-01-10T10:00:00Z"}) { ... on FollowUp { id } } }',
        token=org.admin,
    )
    done = await api.data(
        "mutation($id: ID!) { completeFollowUp(id: $id, input: {outcome: SUCCESSFUL}) {"
        " __typename ... on FollowUp { status contactAttemptCount } } }",
        {"id": created["createFollowUp"]["id"]},
        org.admin,
    )
    assert done["completeFollowUp"] == {
        "__typename": "FollowUp",
        "status": "COMPLETED",
        "contactAttemptCount": 0,
    }


async def test_an_archived_type_is_refused_as_archived(api: Api, org: Org) -> None:
    types = await api.data("{ followUpTypes { id key } }", token=org.admin)
    [sms] = [row["id"] for row in types["followUpTypes"] if row["key"] == "sms_whatsapp"]
    await api.data(
        "mutation($id: ID!) { archiveFollowUpType(id: $id) { __typename } }", {"id": sms}, org.admin
    )
    refused = await create_follow_up(api, org.admin, typeKey="sms_whatsapp")
    assert refused["__typename"] == "ValidationError" and refused["field"] == "typeKey"
    assert "archived" in refused["message"] and "sms_whatsapp" in refused["message"]
    unknown = await create_follow_up(api, org.admin, typeKey="no_such_type")
    assert unknown["message"] == "There is no follow-up type with key 'no_such_type'."
