"""Attacks through web push: a staff member pointing the service at its own network
(SSRF, port scans, reading internal answers) or taking over another organization's
subscription. Registration goes through the API; deliveries through the real pipeline to
a real local HTTP server."""

import ipaddress
import socket
from typing import Any

import pytest

from models.notifications import PushSubscription
from models.staff import Staff
from services import outbound
from tests.conftest import Api, Org, make_org
from tests.tasks.conftest import HttpRecorder, Reply, free_port, http_recorder
from tests.tasks.test_channels import (
    Browser,
    _b64url,
    _one_delivery,
    _reminder_soon,
    _vapid_settings,
    run_pipeline_until,
)

REGISTER = """
mutation($e: String!, $p: String!, $a: String!) { registerPushSubscription(
  endpoint: $e, p256dh: $p, auth: $a) { __typename ... on ValidationError { field code } } }
"""
SECRET = "internal-admin-token-5f3a9c"


async def _register(api: Api, token: str, endpoint: str, browser: Browser) -> dict[str, Any]:
    data = await api.data(
        REGISTER, {"e": endpoint, "p": browser.p256dh, "a": _b64url(browser.auth)}, token
    )
    return data["registerPushSubscription"]


def _resolving_to_loopback() -> str:
    """A name (not an address) this machine resolves to a loopback or private address."""
    name = socket.gethostname()
    addresses = {info[4][0] for info in socket.getaddrinfo(name, 443)}
    if any(outbound.is_public(ipaddress.ip_address(a)) for a in addresses):
        pytest.skip(f"{name} resolves to a public address here")
    return name


INTERNAL_ENDPOINTS = [
    f"http://127.0.0.1:{free_port()}/push/scan",
    "http://169.254.169.254/latest/meta-data/",
    "https://169.254.169.254/latest/meta-data/",
    "https://[::1]/push",
    "https://[::ffff:127.0.0.1]/push",
    "https://[::ffff:7f00:1]/push",
    "https://2130706433/push",
    "https://0177.0.0.1/push",
    "https://0x7f.1/push",
    "https://10.0.0.8/push",
    "https://[fe80::1]/push",
    "https://224.0.0.1/push",
    "https://0.0.0.0/push",
    "https://localhost/push",
    "https://localhost./push",
]


@pytest.mark.parametrize("allow_http", [False, True], ids=["production", "http-allowed"])
@pytest.mark.parametrize("endpoint", [*INTERNAL_ENDPOINTS, "resolving-name"])
async def test_ssrf_registering_a_push_endpoint_inside_the_network_is_refused(
    configure: Any, api: Api, org: Org, endpoint: str, allow_http: bool
) -> None:
    """With production settings, and even with http allowed (the guard refuses the address,
    not only the scheme)."""
    configure(outbound_allow_http=str(allow_http).lower())
    if endpoint == "resolving-name":
        endpoint = f"https://{_resolving_to_loopback()}/push"
    answer = await _register(api, org.admin, endpoint, Browser())
    assert answer == {"__typename": "ValidationError", "field": "endpoint", "code": "UNSAFE_URL"}
    assert await PushSubscription.all().count() == 0


async def test_ssrf_a_push_endpoint_that_now_points_inside_is_refused_at_connect_time(
    configure: Any, api: Api, org: Org
) -> None:
    """A subscription registered while its name pointed outside (DNS rebinding) is checked
    again when the push connects: nothing reaches the internal listener."""
    env, _ = _vapid_settings()
    configure(outbound_allow_http="true", **env)
    with http_recorder(Reply(200, {"token": SECRET})) as internal:
        browser = Browser()
        await PushSubscription.create(
            org_id=org.id,
            staff=await Staff.get(email=org.admin_email),
            endpoint=f"{internal.url}/push/rebound",
            p256dh=browser.p256dh,
            auth=_b64url(browser.auth),
        )
        await run_pipeline_until(await _reminder_soon(api, org, ["PUSH"]))
        assert internal.requests == []
    delivery = await _one_delivery(api, org)
    assert (delivery["status"], delivery["lastError"]) == ("failed", "push: refused address")


async def test_ssrf_a_push_services_answer_never_shows_in_the_delivery_error(
    configure: Any, push_service: HttpRecorder, api: Api, org: Org
) -> None:
    """The error names the status and its category; the body (an internal service's
    secret, say) stays out of lastError."""
    env, _ = _vapid_settings()
    configure(**env)
    push_service.default = Reply(400, {"token": SECRET, "detail": "bad request"})
    await _register(api, org.admin, f"{push_service.url}/push/leak", Browser())
    await run_pipeline_until(await _reminder_soon(api, org, ["PUSH"]))

    assert len(push_service.requests) == 1
    delivery = await _one_delivery(api, org)
    assert delivery["status"] == "failed"
    assert delivery["lastError"] == "push: HTTP 400 (client error)"
    assert SECRET not in str(await PushSubscription.all().values())


async def test_ssrf_a_server_error_is_reported_by_status_and_category_only(
    configure: Any, push_service: HttpRecorder, api: Api, org: Org
) -> None:
    env, _ = _vapid_settings()
    configure(**env)
    push_service.default = Reply(500, {"token": SECRET})
    await _register(api, org.admin, f"{push_service.url}/push/busy", Browser())
    await run_pipeline_until(await _reminder_soon(api, org, ["PUSH"]))
    delivery = await _one_delivery(api, org)
    assert delivery["lastError"] == "push: HTTP 500 (server error)"


async def test_another_organization_registering_the_same_endpoint_does_not_take_it_over(
    configure: Any, push_service: HttpRecorder, api: Api, org: Org
) -> None:
    """Org B registers org A's endpoint: A's subscription stays A's, and A still gets pushes."""
    env, _ = _vapid_settings()
    configure(**env)
    endpoint = f"{push_service.url}/push/shared"
    owner = Browser()
    assert (await _register(api, org.admin, endpoint, owner))["__typename"] == (
        "PushSubscriptionResult"
    )
    other = await make_org(api, "Other Org")
    assert (await _register(api, other.admin, endpoint, Browser()))["__typename"] == (
        "PushSubscriptionResult"
    )
    assert await PushSubscription.filter(org_id=org.id, endpoint=endpoint).count() == 1

    await run_pipeline_until(await _reminder_soon(api, org, ["PUSH"]))
    [request] = push_service.requests
    assert owner.decrypt(request.body)["title"].startswith("Reminder:")
    assert (await _one_delivery(api, org))["status"] == "sent"
