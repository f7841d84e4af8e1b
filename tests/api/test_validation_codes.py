"""Every refusal carries a ValidationCode beside its field, so clients branch on codes."""

from typing import Any

from tests.api.helpers import create_party, in_days
from tests.conftest import Api, Org, make_org

REFUSAL = "__typename ... on ValidationError { field code message }"

CREATE_FOLLOW_UP = f"""
mutation($i: CreateFollowUpInput!) {{ r: createFollowUp(input: $i) {{ {REFUSAL} }} }}
"""


async def run(api: Api, token: str, mutation: str, variables: dict[str, Any]) -> dict[str, Any]:
    return (await api.data(mutation, variables, token))["r"]


async def create(api: Api, token: str, **fields: Any) -> dict[str, Any]:
    values = {"subject": "Call about the visa", "typeKey": "phone_call", "dueAt": in_days(2)}
    return await run(api, token, CREATE_FOLLOW_UP, {"i": {**values, **fields}})


def refusal(payload: dict[str, Any]) -> tuple[str | None, str]:
    assert payload["__typename"] == "ValidationError", payload
    assert payload["message"], payload
    return payload["field"], payload["code"]


async def total(api: Api, token: str) -> int:
    return (await api.data("{ followUps { totalCount } }", token=token))["followUps"]["totalCount"]


async def deactivated_staff(org: Org) -> str:
    member_id, _ = await org.add_staff("Ivo")
    mutation = (
        "mutation($id: ID!) { r: updateStaff(id: $id, input: {isActive: false}) { __typename } }"
    )
    assert await run(org.api, org.admin, mutation, {"id": member_id}) == {"__typename": "Staff"}
    return member_id


async def test_create_follow_up_refusals_name_field_and_code(api: Api, org: Org) -> None:
    other = await make_org(api, "Other Org")
    their_client = await create_party(api, other.admin, "Client", {"name": "Theirs"})
    our_client = await create_party(api, org.admin, "Client", {"name": "Amal"})
    inactive = await deactivated_staff(org)
    cases: list[tuple[dict[str, Any], str, str]] = [
        ({"subject": "  "}, "subject", "REQUIRED"),
        ({"subject": "s" * 201}, "subject", "TOO_LONG"),
        ({"dueAt": "2030-01-01T09:00:00"}, "dueAt", "NOT_AWARE"),
        ({"dueAt": "next tuesday"}, "dueAt", "INVALID_FORMAT"),
        ({"typeKey": "no_such_type"}, "typeKey", "NOT_FOUND_IN_ORGANIZATION"),
        ({"assigneeId": other.admin_id}, "assigneeId", "NOT_FOUND_IN_ORGANIZATION"),
        ({"assigneeId": our_client}, "assigneeId", "INVALID_ID"),
        ({"assigneeId": inactive}, "assigneeId", "INACTIVE"),
        ({"clientId": their_client}, "clientId", "NOT_FOUND_IN_ORGANIZATION"),
        ({"isPrimary": True}, "isPrimary", "PRIMARY_NEEDS_LEAD"),
        ({"reminders": [{"offsetMinutes": -5}]}, "reminders", "OUT_OF_RANGE"),
    ]  # fmt: skip
    for fields, field_name, code in cases:
        assert refusal(await create(api, org.admin, **fields)) == (field_name, code), fields
    assert await total(api, org.admin) == 0


async def test_primary_follow_ups_refused_with_their_codes(api: Api, org: Org) -> None:
    new_lead = await create_party(api, org.admin, "Lead", {"name": "Fresh lead"})
    delivered = await create_party(api, org.admin, "Lead", {"name": "Roof", "stage": "DELIVERED"})
    primary = {"typeKey": "customer_check", "isPrimary": True}

    undelivered = await create(api, org.admin, leadId=new_lead, **primary)
    assert refusal(undelivered) == ("isPrimary", "LEAD_NOT_DELIVERED")
    first = await create(api, org.admin, leadId=delivered, **primary)
    assert first["__typename"] == "FollowUp"
    second = await create(api, org.admin, leadId=delivered, **primary)
    assert refusal(second) == ("isPrimary", "PRIMARY_EXISTS")
    assert await total(api, org.admin) == 1


async def test_another_persons_idempotency_key_is_refused_as_reused(api: Api, org: Org) -> None:
    _, staff = await org.add_staff("Sam")
    first = await create(api, org.admin, idempotencyKey="req-1")
    assert first["__typename"] == "FollowUp"
    reused = await create(api, staff, idempotencyKey="req-1")
    assert refusal(reused) == ("idempotencyKey", "IDEMPOTENCY_KEY_REUSED")


async def test_completing_a_contact_type_without_contact_says_so(api: Api, org: Org) -> None:
    created = await run(
        api,
        org.admin,
        "mutation($i: CreateFollowUpInput!) { r: createFollowUp(input: $i) {"
        " __typename ... on FollowUp { id } } }",
        {"i": {"subject": "Call Amal", "typeKey": "phone_call", "dueAt": in_days(1)}},
    )
    completed = await run(
        api,
        org.admin,
        f"mutation($id: ID!) {{ r: completeFollowUp(id: $id, input: {{outcome: SUCCESSFUL}})"
        f" {{ {REFUSAL} }} }}",
        {"id": created["id"]},
    )
    assert refusal(completed) == ("contactOutcome", "CONTACT_ATTEMPT_REQUIRED")


CREATE_CLIENT = f"mutation($i: CreateClientInput!) {{ r: createClient(input: $i) {{ {REFUSAL} }} }}"
CREATE_STAFF = f"mutation($i: CreateStaffInput!) {{ r: createStaff(input: $i) {{ {REFUSAL} }} }}"


async def test_party_and_staff_refusals_name_field_and_code(api: Api, org: Org) -> None:
    staff = {"email": "new.member@example.test", "name": "New", "password": "long-enough-pw"}
    cases = [
        (CREATE_CLIENT, {"name": "   "}, "name", "REQUIRED"),
        (CREATE_CLIENT, {"name": "Amal", "timezone": "Mars/Olympus"}, "timezone", "UNKNOWN_VALUE"),
        (CREATE_CLIENT, {"name": "Amal", "email": "not-an-address"}, "email", "INVALID_FORMAT"),
        (CREATE_STAFF, {**staff, "email": org.admin_email}, "email", "DUPLICATE"),
        (CREATE_STAFF, {**staff, "password": "short"}, "password", "TOO_SHORT"),
    ]  # fmt: skip
    for mutation, values, field_name, code in cases:
        assert refusal(await run(api, org.admin, mutation, {"i": values})) == (field_name, code)
    clients = await api.data("{ clients { edges { node { id } } } }", token=org.admin)
    assert clients["clients"]["edges"] == []


async def test_settings_and_type_refusals_name_field_and_code(api: Api, org: Org) -> None:
    types = await api.data("{ followUpTypes { id key } }", token=org.admin)
    customer_check = next(t["id"] for t in types["followUpTypes"] if t["key"] == "customer_check")
    cases = [
        ("mutation($id: ID!) { r: updateStaff(id: $id, input: {isActive: false})",
         {"id": org.admin_id}, "isActive", "SELF_LOCKOUT"),
        ("mutation { r: updateOrganization(input: {overdueGraceMinutes: -1})",
         {}, "overdueGraceMinutes", "OUT_OF_RANGE"),
        ('mutation { r: createFollowUpType(key: "Bad Key", name: "Bad")',
         {}, "key", "INVALID_FORMAT"),
        ('mutation { r: createFollowUpType(key: "phone_call", name: "Again")',
         {}, "key", "DUPLICATE"),
        ("mutation($id: ID!) { r: archiveFollowUpType(id: $id)",
         {"id": customer_check}, "id", "BUILT_IN"),
    ]  # fmt: skip
    for call, variables, field_name, code in cases:
        payload = await run(api, org.admin, f"{call} {{ {REFUSAL} }} }}", variables)
        assert refusal(payload) == (field_name, code), call
