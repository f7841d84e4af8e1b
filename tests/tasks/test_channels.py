"""Outbound channels end to end: a follow-up made through the API, its reminder fired by the
pipeline, the message received by a real local SMTP server, SMS API or push service, and
the delivery's state read back through the API."""

import base64
import json
import logging
import os
import re
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

import http_ece
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from py_vapid import Vapid

from models.notifications import Delivery, PushSubscription
from runtime import clock
from tasks import broker, scheduler
from tests.api.helpers import create_follow_up
from tests.conftest import Api, Org
from tests.tasks.conftest import HttpRecorder, Mailbox, Reply, free_port

DELIVERIES = """
query { notifications(first: 20, kinds: [REMINDER]) { edges { node { title
  deliveries { channel status attempts lastError sendAfter sentAt } } } } }
"""
SUBJECT = "Call Zoë about the <visa> renewal"


async def run_pipeline_until(moment: datetime) -> None:
    """Moves the clock to `moment` and lets the scheduler and tasks do what falls due."""
    clock.travel(moment - clock.now())
    while await scheduler.tick():
        await broker.drain()
    await broker.drain()


async def _reminder_soon(api: Api, org: Org, channels: list[str]) -> datetime:
    """A follow-up due in 10 minutes with one reminder 5 minutes before, on `channels`.
    Digests are switched off so nothing but the reminder goes out. Returns the reminder time."""
    await api.data(
        "mutation { updateNotificationPreferences(input: {digestEnabled: false}) { __typename } }",
        token=org.admin,
    )
    due = clock.now().replace(microsecond=0) + timedelta(minutes=10)
    created = await create_follow_up(
        api, org.admin, subject=SUBJECT, dueAt=due.isoformat(),
        reminders=[{"offsetMinutes": 5, "channels": channels}],
    )  # fmt: skip
    assert created["__typename"] == "FollowUp", created
    return due - timedelta(minutes=5)


async def _deliveries(api: Api, org: Org) -> list[dict[str, Any]]:
    edges = (await api.data(DELIVERIES, token=org.admin))["notifications"]["edges"]
    return [d for edge in edges for d in edge["node"]["deliveries"]]


async def _one_delivery(api: Api, org: Org) -> dict[str, Any]:
    [delivery] = await _deliveries(api, org)
    return delivery


async def _set_phone(api: Api, org: Org, phone: str) -> None:
    data = await api.data(
        "mutation($id: ID!, $i: UpdateStaffInput!) { updateStaff(id: $id, input: $i) {"
        " __typename ... on Staff { phone } } }",
        {"id": org.admin_id, "i": {"phone": phone}},
        org.admin,
    )
    assert data["updateStaff"] == {"__typename": "Staff", "phone": phone}


# ---------------------------------------------------------------- email


async def test_a_reminder_email_reaches_the_smtp_server_as_text_and_html(
    configure: Any, smtp_server: Mailbox, api: Api, org: Org
) -> None:
    configure(
        smtp_host="127.0.0.1",
        smtp_port=smtp_server.port,
        smtp_from="Followups <reminders@followups.test>",
        public_url="https://app.followups.test",
    )
    reminder_at = await _reminder_soon(api, org, ["IN_APP", "EMAIL"])
    await run_pipeline_until(reminder_at)

    [mail] = smtp_server.messages
    assert smtp_server.envelopes == [("reminders@followups.test", [org.admin_email])]
    assert mail["To"] == org.admin_email
    assert mail["From"] == "Followups <reminders@followups.test>"
    assert mail["Subject"] == f"Reminder: Due in 5 minutes: {SUBJECT}"
    assert mail["Message-ID"].endswith("@followups.test>")
    assert mail.get_content_type() == "multipart/alternative"
    plain_part, html_part = mail.get_body(("plain",)), mail.get_body(("html",))
    assert plain_part is not None and html_part is not None
    text, html = plain_part.get_content(), html_part.get_content()
    assert SUBJECT in text  # plain text as written
    assert "Call Zoë about the &lt;visa&gt; renewal" in html  # escaped in HTML
    assert "<visa>" not in html
    assert "Hi Ada Admin," in html
    assert "https://app.followups.test/follow-ups/" in text

    delivery = await _one_delivery(api, org)
    assert delivery["channel"] == "email"
    assert delivery["status"] == "sent"
    assert delivery["attempts"] == 1
    assert delivery["lastError"] is None
    assert delivery["sentAt"] is not None
    row = await Delivery.get(channel="email")
    assert row.provider_id == mail["Message-ID"]


async def test_the_link_in_a_reminder_email_lands_where_app_url_says(
    configure: Any, smtp_server: Mailbox, api: Api, org: Org
) -> None:
    configure(
        smtp_host="127.0.0.1",
        smtp_port=smtp_server.port,
        public_url="https://followups.example",
        app_url="https://crm.example/follow-ups/{id}",
    )
    await run_pipeline_until(await _reminder_soon(api, org, ["EMAIL"]))
    [mail] = smtp_server.messages
    plain = mail.get_body(preferencelist=("plain",))
    assert plain is not None
    text = plain.get_content()
    [link] = re.findall(r"https://followups\.example/\S*", text)
    answer = await api.client.get(urlsplit(link).path)  # the app serves PUBLIC_URL
    assert answer.status_code == 302
    [follow_up] = (await api.data("{ followUps { edges { node { id } } } }", token=org.admin))[
        "followUps"
    ]["edges"]
    assert answer.headers["location"] == "https://crm.example/follow-ups/" + quote(
        follow_up["node"]["id"], safe=""
    )


async def test_a_permanently_refused_recipient_fails_at_once_with_the_servers_reason(
    configure: Any, smtp_server: Mailbox, api: Api, org: Org
) -> None:
    configure(smtp_host="127.0.0.1", smtp_port=smtp_server.port)
    smtp_server.refuse_rcpt = ["550 5.1.1 No such mailbox here"]
    await run_pipeline_until(await _reminder_soon(api, org, ["EMAIL"]))
    delivery = await _one_delivery(api, org)
    assert delivery["status"] == "failed"
    assert delivery["attempts"] == 1
    assert "550" in delivery["lastError"] and "No such mailbox" in delivery["lastError"]
    assert smtp_server.messages == []


async def test_a_temporary_smtp_refusal_is_retried_after_the_backoff_and_then_sent(
    configure: Any, smtp_server: Mailbox, api: Api, org: Org
) -> None:
    configure(smtp_host="127.0.0.1", smtp_port=smtp_server.port)
    smtp_server.refuse_rcpt = ["451 4.7.1 Greylisted, try again later"]
    await run_pipeline_until(await _reminder_soon(api, org, ["EMAIL"]))
    first = await _one_delivery(api, org)
    assert first["status"] == "queued"
    assert first["attempts"] == 1
    assert "451" in first["lastError"]
    await run_pipeline_until(datetime.fromisoformat(first["sendAfter"]))
    second = await _one_delivery(api, org)
    assert (second["status"], second["attempts"], second["lastError"]) == ("sent", 2, None)
    assert len(smtp_server.messages) == 1


async def test_an_unreachable_smtp_server_is_a_temporary_failure(
    configure: Any, api: Api, org: Org
) -> None:
    configure(smtp_host="127.0.0.1", smtp_port=free_port(), smtp_timeout=5)  # nobody listens
    await run_pipeline_until(await _reminder_soon(api, org, ["EMAIL"]))
    delivery = await _one_delivery(api, org)
    assert delivery["status"] == "queued"
    assert delivery["attempts"] == 1
    assert "unavailable" in delivery["lastError"]


async def test_email_without_smtp_settings_fails_visibly_instead_of_silently(
    api: Api, org: Org, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, logger="followups.notifications"):
        await run_pipeline_until(await _reminder_soon(api, org, ["EMAIL"]))
    delivery = await _one_delivery(api, org)
    assert delivery["status"] == "failed"
    assert delivery["lastError"] == "email is not configured (SMTP_HOST is unset)"
    assert "email is not configured" in caplog.text


# ---------------------------------------------------------------- SMS and WhatsApp

TWILIO = {
    "sms_account_sid": "AC00000000000000000000000000000001",
    "sms_auth_token": "token-secret",
    "sms_from_number": "+15005550006",
    "whatsapp_from_number": "+14155238886",
}


async def test_sms_and_whatsapp_are_posted_to_the_provider_with_basic_auth(
    configure: Any, sms_provider: HttpRecorder, api: Api, org: Org
) -> None:
    configure(sms_api_base_url=sms_provider.url, **TWILIO)
    await _set_phone(api, org, "+447700900123")
    await run_pipeline_until(await _reminder_soon(api, org, ["SMS", "WHATSAPP"]))

    assert len(sms_provider.requests) == 2
    path = f"/2010-04-01/Accounts/{TWILIO['sms_account_sid']}/Messages.json"
    credentials = base64.b64encode(f"{TWILIO['sms_account_sid']}:token-secret".encode()).decode()
    forms = {}
    for request in sms_provider.requests:
        assert request.path == path
        assert request.headers["authorization"] == f"Basic {credentials}"
        assert request.headers["content-type"] == "application/x-www-form-urlencoded"
        form = {k: v[0] for k, v in parse_qs(request.body.decode()).items()}
        forms[form["From"]] = form
    sms = forms["+15005550006"]
    whatsapp = forms["whatsapp:+14155238886"]
    assert sms["To"] == "+447700900123"
    assert whatsapp["To"] == "whatsapp:+447700900123"
    for form in (sms, whatsapp):
        assert "Due in 5 minutes" in form["Body"] and SUBJECT in form["Body"]

    deliveries = await _deliveries(api, org)
    assert sorted(d["channel"] for d in deliveries) == ["sms", "whatsapp"]
    assert {(d["status"], d["attempts"]) for d in deliveries} == {("sent", 1)}
    assert {d.provider_id for d in await Delivery.all()} == {"SM0123456789abcdef"}


async def test_a_failing_provider_is_retried_with_backoff_then_shows_failed_with_its_reason(
    configure: Any,
    sms_provider: HttpRecorder,
    api: Api,
    org: Org,
    caplog: pytest.LogCaptureFixture,
) -> None:
    configure(sms_api_base_url=sms_provider.url, **TWILIO)
    sms_provider.default = Reply(500, {"code": 20500, "message": "Internal Server Error"})
    await _set_phone(api, org, "+447700900123")
    caplog.set_level(logging.ERROR, logger="followups.notifications")
    await run_pipeline_until(await _reminder_soon(api, org, ["SMS"]))

    for attempt, backoff in enumerate([5, 10, 20, 40], start=1):
        delivery = await _one_delivery(api, org)
        assert delivery["status"] == "queued"
        assert delivery["attempts"] == attempt
        assert delivery["lastError"] == (
            "sms provider answered 500: Internal Server Error (code 20500)"
        )
        send_after = datetime.fromisoformat(delivery["sendAfter"])
        assert abs((send_after - clock.now()).total_seconds() - backoff) < 2
        # Not before its time: just outside the look-ahead window nothing is tried again.
        await run_pipeline_until(send_after - timedelta(seconds=2.5))
        assert len(sms_provider.requests) == attempt
        await run_pipeline_until(send_after)
        assert len(sms_provider.requests) == attempt + 1

    delivery = await _one_delivery(api, org)
    assert delivery["status"] == "failed"
    assert delivery["attempts"] == 5
    assert "500" in delivery["lastError"]
    assert "failed for good after 5 attempt(s): sms provider answered 500" in caplog.text
    await run_pipeline_until(clock.now() + timedelta(hours=1))  # given up: never again
    assert len(sms_provider.requests) == 5


async def test_a_rejected_number_is_not_retried_and_says_why(
    configure: Any, sms_provider: HttpRecorder, api: Api, org: Org
) -> None:
    configure(sms_api_base_url=sms_provider.url, **TWILIO)
    sms_provider.default = Reply(
        400,
        {"code": 21211, "message": "The 'To' number +447700900123 is not a valid phone number."},
    )
    await _set_phone(api, org, "+447700900123")
    await run_pipeline_until(await _reminder_soon(api, org, ["SMS"]))
    delivery = await _one_delivery(api, org)
    assert delivery["status"] == "failed"
    assert delivery["attempts"] == 1
    assert "400" in delivery["lastError"] and "not a valid phone number" in delivery["lastError"]
    assert "21211" in delivery["lastError"]


async def test_sms_to_someone_without_a_phone_or_without_settings_fails_with_the_reason(
    configure: Any, sms_provider: HttpRecorder, api: Api, org: Org
) -> None:
    await run_pipeline_until(await _reminder_soon(api, org, ["SMS"]))  # no phone number
    assert (await _one_delivery(api, org))["lastError"] == "the recipient has no sms address"

    await _set_phone(api, org, "+447700900123")
    created = await create_follow_up(
        api, org.admin, subject="Second", dueAt=(clock.now() + timedelta(minutes=10)).isoformat(),
        reminders=[{"offsetMinutes": 5, "channels": ["WHATSAPP"]}],
    )  # fmt: skip
    assert created["__typename"] == "FollowUp"
    await run_pipeline_until(clock.now() + timedelta(minutes=5))
    failed = {d["channel"]: d for d in await _deliveries(api, org)}
    assert failed["whatsapp"]["status"] == "failed"
    assert failed["whatsapp"]["lastError"].startswith("whatsapp is not configured")
    assert sms_provider.requests == []


# ---------------------------------------------------------------- web push


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class Browser:
    """A subscription as a browser makes one: its own P-256 key pair and auth secret."""

    def __init__(self) -> None:
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.auth = os.urandom(16)
        public = self.key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        self.p256dh = _b64url(public)

    def decrypt(self, body: bytes) -> dict[str, Any]:
        plain = http_ece.decrypt(
            body, private_key=self.key, auth_secret=self.auth, version="aes128gcm"
        )
        return json.loads(plain)


def _vapid_settings() -> tuple[dict[str, str], Vapid]:
    vapid = Vapid()
    vapid.generate_keys()
    public = vapid.public_key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    env = {
        "vapid_private_key": vapid.private_pem().decode(),
        "vapid_public_key": _b64url(public),
        "vapid_subject": "mailto:ops@followups.test",
    }
    return env, vapid


async def _subscribe(api: Api, org: Org, endpoint: str, browser: Browser) -> None:
    data = await api.data(
        "mutation($e: String!, $p: String!, $a: String!) { registerPushSubscription("
        "endpoint: $e, p256dh: $p, auth: $a) { __typename } }",
        {"e": endpoint, "p": browser.p256dh, "a": _b64url(browser.auth)},
        org.admin,
    )
    assert data["registerPushSubscription"]["__typename"] == "PushSubscriptionResult"


async def test_a_web_push_is_vapid_signed_and_encrypted_for_the_subscription(
    configure: Any, push_service: HttpRecorder, api: Api, org: Org
) -> None:
    env, vapid = _vapid_settings()
    configure(public_url="https://app.followups.test", **env)
    key = await api.data("{ vapidPublicKey }", token=org.admin)
    assert key["vapidPublicKey"] == env["vapid_public_key"]
    browser = Browser()
    await _subscribe(api, org, f"{push_service.url}/push/sub-1", browser)
    await run_pipeline_until(await _reminder_soon(api, org, ["PUSH"]))

    [request] = push_service.requests
    assert request.path == "/push/sub-1"
    assert request.headers["content-encoding"] == "aes128gcm"
    assert int(request.headers["ttl"]) == 12 * 3600
    scheme, _, params = request.headers["authorization"].partition(" ")
    assert scheme == "vapid"
    fields = dict(part.strip().split("=", 1) for part in params.split(","))
    assert fields["k"] == env["vapid_public_key"]
    claims = jwt.decode(
        fields["t"],
        vapid.public_key,
        algorithms=["ES256"],
        audience=push_service.url,  # the push service's origin
    )
    assert claims["sub"] == "mailto:ops@followups.test"
    assert SUBJECT.encode() not in request.body  # encrypted on the wire
    message = browser.decrypt(request.body)
    assert message["title"] == f"Reminder: Due in 5 minutes: {SUBJECT}"
    assert SUBJECT in message["body"]
    assert message["url"].startswith("https://app.followups.test/follow-ups/")

    delivery = await _one_delivery(api, org)
    assert (delivery["channel"], delivery["status"], delivery["attempts"]) == ("push", "sent", 1)
    assert (await Delivery.get(channel__startswith="push:")).provider_id == "/m/0001"


async def test_a_subscription_the_push_service_says_is_gone_is_removed(
    configure: Any, push_service: HttpRecorder, api: Api, org: Org
) -> None:
    env, _ = _vapid_settings()
    configure(**env)
    push_service.default = Reply(410, None)
    await _subscribe(api, org, f"{push_service.url}/push/expired", Browser())
    assert await PushSubscription.all().count() == 1
    await run_pipeline_until(await _reminder_soon(api, org, ["PUSH"]))

    assert len(push_service.requests) == 1
    delivery = await _one_delivery(api, org)
    assert delivery["status"] == "failed"
    assert delivery["attempts"] == 1
    assert "gone" in delivery["lastError"] and "410" in delivery["lastError"]
    assert await PushSubscription.all().count() == 0


async def test_a_push_service_error_is_retried(
    configure: Any, push_service: HttpRecorder, api: Api, org: Org
) -> None:
    env, _ = _vapid_settings()
    configure(**env)
    push_service.replies = [Reply(503, None)]
    await _subscribe(api, org, f"{push_service.url}/push/busy", Browser())
    await run_pipeline_until(await _reminder_soon(api, org, ["PUSH"]))
    first = await _one_delivery(api, org)
    assert (first["status"], first["attempts"]) == ("queued", 1)
    assert "503" in first["lastError"]
    await run_pipeline_until(datetime.fromisoformat(first["sendAfter"]))
    second = await _one_delivery(api, org)
    assert (second["status"], second["attempts"]) == ("sent", 2)
    assert len(push_service.requests) == 2
