"""POST /hooks/events through the real app: signed, in its window, once per eventId."""

import asyncio
import hashlib
import hmac
import json
from datetime import timedelta
from typing import Any

import httpx

from runtime import clock
from tests.api.helpers import create_party
from tests.conftest import Api, Org, make_org

KINDS = "{ events { edges { node { eventId kind source client { id } invoice { id } } } } }"


async def secret_of(api: Api, org: Org) -> str:
    data = await api.data("mutation { rotateWebhookSecret }", token=org.admin)
    return str(data["rotateWebhookSecret"])


def signed(secret: str, body: bytes, at: int | None = None) -> str:
    timestamp = int(clock.now().timestamp()) if at is None else at
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


async def post(api: Api, org_id: int, body: bytes, signature: str | None) -> httpx.Response:
    headers = {"X-Followups-Organization": str(org_id), "Content-Type": "application/json"}
    if signature is not None:
        headers["Followups-Signature"] = signature
    return await api.client.post("/hooks/events", content=body, headers=headers)


async def stored(api: Api, org: Org) -> list[dict[str, Any]]:
    data = await api.data(KINDS, token=org.admin)
    return [edge["node"] for edge in data["events"]["edges"]]


async def test_a_signed_event_is_stored_once(api: Api, org: Org) -> None:
    secret = await secret_of(api, org)
    client = await create_party(
        api, org.admin, "Client", {"name": "Amara", "externalId": "crm-amara"}
    )
    body = json.dumps(
        {"eventId": "wh-1", "kind": "INBOUND_MESSAGE", "clientExternalId": "crm-amara"}
    ).encode()

    first = await post(api, org.id, body, signed(secret, body))
    again = await post(api, org.id, body, signed(secret, body))

    assert first.status_code == 202, first.text
    assert first.json()["eventId"] == "wh-1" and first.json()["duplicate"] is False
    assert (again.status_code, again.json()) == (202, {**first.json(), "duplicate": True})
    events = await stored(api, org)
    assert [(e["eventId"], e["kind"], e["source"], e["client"]) for e in events[:1]] == [
        ("wh-1", "INBOUND_MESSAGE", "WEBHOOK", {"id": client})
    ]
    assert len(events) == 2  # and the client's own CLIENT_CREATED


async def test_an_invoice_named_by_external_id_brings_its_client(api: Api, org: Org) -> None:
    secret = await secret_of(api, org)
    client = await create_party(api, org.admin, "Client", {"name": "Bo"})
    invoice = await create_party(
        api,
        org.admin,
        "Invoice",
        {
            "clientId": client,
            "number": "I-1",
            "amount": "9",
            "externalId": "inv-9",
            "status": "draft",
        },
    )
    body = json.dumps({"eventId": "wh-2", "kind": "CUSTOM", "invoiceExternalId": "inv-9"}).encode()

    answer = await post(api, org.id, body, signed(secret, body))

    assert answer.status_code == 202, answer.text
    first = (await stored(api, org))[0]
    assert (first["invoice"], first["client"]) == ({"id": invoice}, {"id": client})


def tampered(signature: str) -> str:
    """The signature with its last hex digit changed (always to another digit)."""
    return signature[:-1] + ("1" if signature.endswith("0") else "0")


async def test_refused_requests_say_why_and_store_nothing(api: Api, org: Org) -> None:
    secret = await secret_of(api, org)
    other = await make_org(api, "Elsewhere")
    await create_party(api, other.admin, "Client", {"name": "Theirs", "externalId": "theirs"})
    good = json.dumps({"eventId": "wh-x", "kind": "CALL_REACHED"}).encode()
    now = int(clock.now().timestamp())

    def body(**fields: Any) -> bytes:
        return json.dumps({"eventId": "wh-y", "kind": "CALL_REACHED", **fields}).encode()

    cases: list[tuple[bytes, str | None, int, str]] = [
        (good, None, 401, "header is missing"),
        (good, signed("not-the-secret", good), 401, "does not match"),
        (good, tampered(signed(secret, good)), 401, "does not match"),
        (good, signed(secret, good, at=now - 301), 401, "5-minute window"),
        (good, "t=soon,v1=abc", 401, "t=<unix seconds>"),
        (b"{not json", signed(secret, b"{not json"), 400, "not JSON"),
        (b"[1]", signed(secret, b"[1]"), 400, "JSON object"),
        (body(kind=None), signed(secret, body(kind=None)), 400, "kind is required"),
        (b'{"kind": "CUSTOM"}', signed(secret, b'{"kind": "CUSTOM"}'), 400, "eventId"),
        (body(kind="PARTY"), signed(secret, body(kind="PARTY")), 400, "'PARTY' is not one of"),
        (
            body(clientExternalId="theirs"),
            signed(secret, body(clientExternalId="theirs")),
            400,
            "no client with externalId 'theirs'",
        ),
        (body(colour="red"), signed(secret, body(colour="red")), 400, "Unknown field 'colour'"),
    ]
    for content, signature, status, reason in cases:
        answer = await post(api, org.id, content, signature)
        assert (answer.status_code, reason in answer.json()["error"]) == (status, True), (
            content,
            answer.text,
        )
    assert await stored(api, org) == []


async def test_a_signature_ages_out_with_the_clock(api: Api, org: Org) -> None:
    secret = await secret_of(api, org)
    body = json.dumps({"eventId": "wh-late", "kind": "EMAIL_OPENED"}).encode()
    signature = signed(secret, body)

    clock.travel(timedelta(minutes=5, seconds=2))
    late = await post(api, org.id, body, signature)

    assert (late.status_code, "5-minute window" in late.json()["error"]) == (401, True)
    assert await stored(api, org) == []


async def test_a_rotated_secret_no_longer_signs(api: Api, org: Org) -> None:
    old = await secret_of(api, org)
    await secret_of(api, org)
    body = json.dumps({"eventId": "wh-old", "kind": "EMAIL_CLICKED"}).encode()

    answer = await post(api, org.id, body, signed(old, body))

    assert answer.status_code == 401
    assert await stored(api, org) == []


async def test_another_organizations_secret_does_not_sign_for_us(api: Api, org: Org) -> None:
    await secret_of(api, org)
    other = await make_org(api, "Elsewhere")
    theirs = await secret_of(api, other)
    body = json.dumps({"eventId": "wh-o", "kind": "CUSTOM"}).encode()

    answer = await post(api, org.id, body, signed(theirs, body))

    assert answer.status_code == 401
    assert await stored(api, org) == [] and await stored(api, other) == []


async def test_an_oversized_body_is_refused_while_reading(api: Api, org: Org) -> None:
    secret = await secret_of(api, org)
    huge = b'{"eventId": "big", "kind": "CUSTOM", "data": "' + b"x" * 300_000 + b'"}'

    answer = await post(api, org.id, huge, signed(secret, huge))

    assert answer.status_code == 413
    assert await stored(api, org) == []


async def test_without_an_organization_header_nothing_is_stored(api: Api, org: Org) -> None:
    secret = await secret_of(api, org)
    body = json.dumps({"eventId": "wh-n", "kind": "CUSTOM"}).encode()
    answer = await api.client.post(
        "/hooks/events", content=body, headers={"Followups-Signature": signed(secret, body)}
    )
    assert (answer.status_code, "X-Followups-Organization" in answer.json()["error"]) == (400, True)
    assert await stored(api, org) == []


async def test_concurrent_duplicates_store_one_event(api: Api, org: Org) -> None:
    secret = await secret_of(api, org)
    body = json.dumps({"eventId": "wh-race", "kind": "MEETING_BOOKED"}).encode()

    answers = await asyncio.gather(
        *(post(api, org.id, body, signed(secret, body)) for _ in range(6))
    )

    assert {answer.status_code for answer in answers} == {202}
    assert len({answer.json()["id"] for answer in answers}) == 1
    assert sorted(answer.json()["duplicate"] for answer in answers) == [False] + [True] * 5
    assert [event["eventId"] for event in await stored(api, org)] == ["wh-race"]
