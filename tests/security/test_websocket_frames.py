"""Frames that are not what graphql-transport-ws says, sent over a real socket: each closes
it with 4400 and a reason, and nothing is logged as an error (no traceback)."""

import asyncio
import json
import logging

import pytest
import websockets
from websockets.typing import Subprotocol

from tests.conftest import Org
from tests.realtime.conftest import PROTOCOL, connect

AFTER_INIT = [
    "[]",
    "123",
    "null",
    '"str"',
    '{"type": "subscribe", "id": {}}',
    '{"type": "subscribe", "id": "1", "payload": "{ __typename }"}',
    '{"type": "subscribe", "id": "1", "payload": {"query": ["x"]}}',
    '{"type": "subscribe", "id": "1", "payload": {"query": "{ __typename }", "variables": []}}',
    '{"type": "complete", "id": 7}',
    '{"type": "ping", "payload": "x"}',
]


async def _closed_with(connection: websockets.ClientConnection) -> tuple[int | None, str]:
    with pytest.raises(websockets.ConnectionClosed) as closed:
        while True:  # a socket dropped without a close frame fails here, by the timeout
            await asyncio.wait_for(connection.recv(), 10)
    received = closed.value.rcvd
    return (received.code, received.reason) if received else (None, "")


@pytest.mark.parametrize("frame", AFTER_INIT)
async def test_a_malformed_websocket_frame_closes_with_4400_and_no_traceback(
    live_url: str, org: Org, frame: str, caplog: pytest.LogCaptureFixture
) -> None:
    client, answer = await connect(live_url, org.admin)
    assert answer["type"] == "connection_ack"
    with caplog.at_level(logging.WARNING):
        await client.connection.send(frame)
        code, reason = await _closed_with(client.connection)
    assert code == 4400 and reason, (code, reason)
    assert [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info] == []


@pytest.mark.parametrize("frame", ["{}", '{"type": 5}'])
async def test_a_frame_without_a_known_type_stays_refused_with_4400(
    live_url: str, org: Org, frame: str, caplog: pytest.LogCaptureFixture
) -> None:
    """Strawberry refused these before the frame check; kept so that it stays so."""
    await test_a_malformed_websocket_frame_closes_with_4400_and_no_traceback(
        live_url, org, frame, caplog
    )


@pytest.mark.parametrize("payload", [[], "token", 5])
async def test_a_connection_init_whose_payload_is_not_an_object_stays_refused_with_4400(
    live_url: str, payload: object, caplog: pytest.LogCaptureFixture
) -> None:
    """Strawberry refused these before the frame check too; kept so that it stays so."""
    connection = await websockets.connect(live_url, subprotocols=[Subprotocol(PROTOCOL)])
    with caplog.at_level(logging.WARNING):
        await connection.send(json.dumps({"type": "connection_init", "payload": payload}))
        code, reason = await _closed_with(connection)
    assert code == 4400 and reason, (code, reason)
    assert [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info] == []
