"""Finding 13: web pages of other origins. CORS_ORIGINS (empty by default) lists the
origins whose pages may call the API; preflights are answered for them only, and a browser
websocket from any other origin is closed with 4403 (with the list empty: any origin but
the API's own)."""

import json

import pytest
import websockets
from websockets.typing import Origin, Subprotocol

from tests.conftest import Org
from tests.realtime.conftest import PROTOCOL, serving
from tests.security.conftest import AppClient, Configure

CRM = "https://crm.example"
EVIL = "https://evil.example"
PROTOCOLS = [Subprotocol(PROTOCOL)]


def init(org: Org) -> str:
    payload = {"authorization": f"Bearer {org.admin}"}
    return json.dumps({"type": "connection_init", "payload": payload})


def preflight(origin: str) -> dict[str, str]:
    return {
        "origin": origin,
        "access-control-request-method": "POST",
        "access-control-request-headers": "authorization, content-type",
    }


async def test_a_preflight_from_a_page_not_on_the_list_gets_no_cors_answer(
    configure: Configure, app_client: AppClient
) -> None:
    configure(CORS_ORIGINS=f"{CRM}, https://other.example")
    async with app_client() as client:
        allowed = await client.options("/graphql", headers=preflight(CRM))
        refused = await client.options("/graphql", headers=preflight(EVIL))
        post = await client.post(
            "/graphql", json={"query": "{ __typename }"}, headers={"origin": EVIL}
        )
    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == CRM
    assert "authorization" in allowed.headers["access-control-allow-headers"].lower()
    assert refused.status_code == 400
    assert "access-control-allow-origin" not in refused.headers
    assert "access-control-allow-origin" not in post.headers


async def test_without_a_list_no_origin_gets_a_cors_answer(app_client: AppClient) -> None:
    async with app_client() as client:
        answer = await client.options("/graphql", headers=preflight(CRM))
    assert "access-control-allow-origin" not in answer.headers


@pytest.mark.parametrize("database", ["sqlite"], indirect=True)
async def test_a_websocket_from_a_page_not_on_the_list_is_closed_4403(
    configure: Configure, org: Org
) -> None:
    configure(CORS_ORIGINS=CRM)
    async with serving() as url:
        async with websockets.connect(url, subprotocols=PROTOCOLS, origin=Origin(EVIL)) as foreign:
            with pytest.raises(websockets.ConnectionClosed) as closed:
                await foreign.send(init(org))
                await foreign.recv()
        assert closed.value.rcvd is not None
        assert (closed.value.rcvd.code, closed.value.rcvd.reason) == (4403, "Origin not allowed")
        async with websockets.connect(url, subprotocols=PROTOCOLS, origin=Origin(CRM)) as ours:
            await ours.send(init(org))
            assert json.loads(await ours.recv())["type"] == "connection_ack"
        async with websockets.connect(url, subprotocols=PROTOCOLS) as not_a_browser:
            await not_a_browser.send(init(org))
            assert json.loads(await not_a_browser.recv())["type"] == "connection_ack"


@pytest.mark.parametrize("database", ["sqlite"], indirect=True)
async def test_without_a_list_a_websocket_from_another_origin_is_closed_4403(org: Org) -> None:
    async with serving() as url:
        async with websockets.connect(url, subprotocols=PROTOCOLS, origin=Origin(EVIL)) as foreign:
            with pytest.raises(websockets.ConnectionClosed) as closed:
                await foreign.recv()
        assert closed.value.rcvd is not None
        assert (closed.value.rcvd.code, closed.value.rcvd.reason) == (4403, "Origin not allowed")
        own = url.replace("ws://", "http://").removesuffix("/graphql")
        async with websockets.connect(url, subprotocols=PROTOCOLS, origin=Origin(own)) as same:
            await same.send(init(org))
            assert json.loads(await same.recv())["type"] == "connection_ack"
