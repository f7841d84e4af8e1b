"""Events: the entity mutations emit theirs once, recordEvent is idempotent, statuses closed."""

from datetime import timedelta
from typing import Any

from runtime import clock
from tests.api.helpers import create_party, in_days
from tests.conftest import Api, Org

EVENTS = "{ events(first: 50) { edges { node { eventId kind source client { id } } } } }"
RECORD = (
    "mutation($i: RecordEventInput!) { recordEvent(input: $i) { __typename"
    " ... on Event { id eventId kind occurredAt autoReply channel data client { id } }"
    " ... on ValidationError { field code message } } }"
)


async def kinds(api: Api, token: str) -> list[str]:
    data = await api.data(EVENTS, token=token)
    return [edge["node"]["kind"] for edge in data["events"]["edges"]]


async def upsert(api: Api, token: str, kind: str, values: dict[str, Any]) -> dict[str, Any]:
    data = await api.data(
        f"mutation($i: Create{kind}Input!) {{ r: create{kind}(input: $i) {{ __typename"
        f" ... on {kind} {{ id }} ... on ValidationError {{ field code message }} }} }}",
        {"i": values},
        token,
    )
    return data["r"]


async def test_creating_a_client_emits_client_created_once(api: Api, org: Org) -> None:
    values = {"externalId": "crm-1", "name": "Amara Osei", "segment": "visa"}
    client = await upsert(api, org.admin, "Client", values)
    await upsert(api, org.admin, "Client", values)  # the same upsert again: no change

    data = await api.data(EVENTS, token=org.admin)
    nodes = [edge["node"] for edge in data["events"]["edges"]]
    assert [(n["kind"], n["source"], n["client"]) for n in nodes] == [
        ("CLIENT_CREATED", "MUTATION", {"id": client["id"]})
    ]

    await upsert(
        api, org.admin, "Client", {**values, "segment": "vip", "passportExpiresOn": "2031-01-01"}
    )
    assert await kinds(api, org.admin) == ["CLIENT_UPDATED", "CLIENT_CREATED"]
    latest = await api.data("{ events(first: 1) { edges { node { data } } } }", token=org.admin)
    assert latest["events"]["edges"][0]["node"]["data"] == {
        "changed": ["passportExpiresOn", "segment"]
    }


async def test_set_lead_stage_emits_lead_stage_changed_only_on_a_change(api: Api, org: Org) -> None:
    lead = await create_party(api, org.admin, "Lead", {"name": "Chen Wei"})
    mutation = "mutation($id: ID!) { setLeadStage(id: $id, stage: QUALIFIED) { __typename } }"
    await api.data(mutation, {"id": lead}, org.admin)
    await api.data(mutation, {"id": lead}, org.admin)

    assert await kinds(api, org.admin) == ["LEAD_STAGE_CHANGED"]


async def test_an_appointment_completed_emits_once(api: Api, org: Org) -> None:
    client = await create_party(api, org.admin, "Client", {"name": "Bo"})
    values = {"externalId": "appt-1", "clientId": client, "startsAt": in_days(1)}
    await upsert(api, org.admin, "Appointment", values)
    assert await kinds(api, org.admin) == ["CLIENT_CREATED"]

    await upsert(api, org.admin, "Appointment", {**values, "status": "completed"})
    await upsert(api, org.admin, "Appointment", {**values, "status": "completed"})

    assert await kinds(api, org.admin) == ["APPOINTMENT_COMPLETED", "CLIENT_CREATED"]


async def test_invoice_statuses_emit_sent_paid_overdue(api: Api, org: Org) -> None:
    client = await create_party(api, org.admin, "Client", {"name": "Bo"})
    values = {"externalId": "inv-1", "clientId": client, "number": "INV-1", "amount": "10"}
    invoice = await upsert(api, org.admin, "Invoice", {**values, "status": "draft"})
    update = (
        "mutation($id: ID!, $s: String) { updateInvoice(id: $id, input: {status: $s})"
        " { __typename } }"
    )
    for status in ("sent", "sent", "overdue", "paid", "void"):
        await api.data(update, {"id": invoice["id"], "s": status}, org.admin)

    assert await kinds(api, org.admin) == [
        "INVOICE_PAID",
        "INVOICE_OVERDUE",
        "INVOICE_SENT",
        "CLIENT_CREATED",
    ]


async def test_a_new_invoice_without_status_is_sent(api: Api, org: Org) -> None:
    client = await create_party(api, org.admin, "Client", {"name": "Bo"})
    await create_party(
        api, org.admin, "Invoice", {"clientId": client, "number": "INV-2", "amount": "5"}
    )
    assert await kinds(api, org.admin) == ["INVOICE_SENT", "CLIENT_CREATED"]


async def test_statuses_outside_the_closed_sets_are_refused(api: Api, org: Org) -> None:
    client = await create_party(api, org.admin, "Client", {"name": "Bo"})
    invoice = await upsert(
        api,
        org.admin,
        "Invoice",
        {"clientId": client, "number": "INV-3", "amount": "5", "status": "open"},
    )
    appointment = await upsert(
        api,
        org.admin,
        "Appointment",
        {"clientId": client, "startsAt": in_days(1), "status": "booked"},
    )

    for refused in (invoice, appointment):
        assert (refused["__typename"], refused["field"], refused["code"]) == (
            "ValidationError",
            "status",
            "UNKNOWN_VALUE",
        ), refused
    data = await api.data(
        "{ invoices { totalCount } appointments { totalCount } }", token=org.admin
    )
    assert (data["invoices"]["totalCount"], data["appointments"]["totalCount"]) == (0, 0)
    assert await kinds(api, org.admin) == ["CLIENT_CREATED"]


async def test_record_event_is_idempotent_by_event_id(api: Api, org: Org) -> None:
    client = await create_party(api, org.admin, "Client", {"name": "Bo"})
    first = await api.data(
        RECORD,
        {
            "i": {
                "eventId": "msg-1",
                "kind": "INBOUND_MESSAGE",
                "clientId": client,
                "channel": "EMAIL",
                "autoReply": True,
                "data": {"subject": "Out of office"},
            }
        },
        org.admin,
    )
    again = await api.data(RECORD, {"i": {"eventId": "msg-1", "kind": "CALL_REACHED"}}, org.admin)

    assert first["recordEvent"]["__typename"] == "Event"
    assert again["recordEvent"] == first["recordEvent"]
    assert first["recordEvent"]["channel"] == "EMAIL"
    assert first["recordEvent"]["data"] == {"subject": "Out of office"}
    listed = await api.data(
        "query($id: ID!) { node(id: $id) { ... on Client { events { edges { node { eventId } } } } } }",
        {"id": client},
        org.admin,
    )
    assert [e["node"]["eventId"] for e in listed["node"]["events"]["edges"]] == [
        "msg-1",
        # the client's own creation comes after: newest first
        listed["node"]["events"]["edges"][1]["node"]["eventId"],
    ]
    assert await kinds(api, org.admin) == ["INBOUND_MESSAGE", "CLIENT_CREATED"]
    node = await api.data(
        "query($id: ID!) { node(id: $id) { ... on Event { eventId kind } } }",
        {"id": first["recordEvent"]["id"]},
        org.admin,
    )
    assert node["node"] == {"eventId": "msg-1", "kind": "INBOUND_MESSAGE"}


async def test_record_event_refuses_what_does_not_fit(api: Api, org: Org) -> None:
    client = await create_party(api, org.admin, "Client", {"name": "Bo"})
    other = await create_party(api, org.admin, "Client", {"name": "Cy"})
    invoice = await create_party(
        api, org.admin, "Invoice", {"clientId": other, "number": "I", "amount": "1"}
    )
    cases: list[tuple[dict[str, Any], str]] = [
        ({"clientId": client, "invoiceId": invoice}, "LINK_MISMATCH"),
        ({"occurredAt": (clock.now() + timedelta(hours=1)).isoformat()}, "OUT_OF_RANGE"),
        ({"occurredAt": (clock.now() - timedelta(days=3000)).isoformat()}, "OUT_OF_RANGE"),
        ({"data": {"text": "x" * 17000}}, "TOO_LONG"),
    ]
    before = await kinds(api, org.admin)
    for index, (fields, code) in enumerate(cases):
        data = await api.data(
            RECORD, {"i": {"eventId": f"bad-{index}", "kind": "CUSTOM", **fields}}, org.admin
        )
        assert (data["recordEvent"]["__typename"], data["recordEvent"]["code"]) == (
            "ValidationError",
            code,
        ), data
        assert "follow-up" not in data["recordEvent"]["message"]
    assert await kinds(api, org.admin) == before


async def test_record_event_refuses_another_organizations_client(api: Api, org: Org) -> None:
    from tests.conftest import make_org

    other = await make_org(api, "Elsewhere")
    foreign = await create_party(api, other.admin, "Client", {"name": "Not yours"})

    data = await api.data(
        RECORD, {"i": {"eventId": "x", "kind": "CUSTOM", "clientId": foreign}}, org.admin
    )

    assert (data["recordEvent"]["field"], data["recordEvent"]["code"]) == (
        "clientId",
        "NOT_FOUND_IN_ORGANIZATION",
    )
    assert await kinds(api, org.admin) == []


async def test_only_admins_rotate_the_webhook_secret(api: Api, org: Org) -> None:
    _, staff = await org.add_staff("Sam")
    refused = await api.raw("mutation { rotateWebhookSecret }", token=staff)
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"

    first = await api.data("mutation { rotateWebhookSecret }", token=org.admin)
    second = await api.data("mutation { rotateWebhookSecret }", token=org.admin)
    assert first["rotateWebhookSecret"] != second["rotateWebhookSecret"]
