"""A real server on a free port in the test's event loop, and a graphql-transport-ws client."""

import asyncio
import contextlib
import json
import socket
from collections.abc import AsyncIterator
from typing import Any

import pytest
import uvicorn
import websockets
from websockets.typing import Subprotocol

from gql.app import create_app
from runtime.settings import get_settings

PROTOCOL = "graphql-transport-ws"


def listening_socket() -> socket.socket:
    """Bound and listening before the server runs: clients can connect at once."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    return sock


@contextlib.asynccontextmanager
async def serving() -> AsyncIterator[str]:
    """ws:// URL of the API served by uvicorn on this loop (the database is the test's)."""
    sock = listening_socket()
    config = uvicorn.Config(create_app(manage_database=False), log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    running = asyncio.create_task(server.serve(sockets=[sock]))
    yield f"ws://127.0.0.1:{sock.getsockname()[1]}/graphql"
    server.should_exit = True
    await running


@pytest.fixture
async def live_url(dbready: str) -> AsyncIterator[str]:
    async with serving() as url:
        yield url


@pytest.fixture
async def legacy_live_url(dbready: str) -> AsyncIterator[str]:
    """The same server with the legacy graphql-ws protocol enabled by its setting."""
    settings = get_settings()
    settings.legacy_graphql_ws = True
    try:
        async with serving() as url:
            yield url
    finally:
        settings.legacy_graphql_ws = False


class WsClient:
    def __init__(self, connection: websockets.ClientConnection) -> None:
        self.connection = connection
        self.next_id = 0

    async def receive(self, seconds: float = 10.0) -> dict[str, Any]:
        """The next message that is not a server ping (answered with pong)."""
        while True:
            message = json.loads(await asyncio.wait_for(self.connection.recv(), seconds))
            if message["type"] == "ping":
                await self.send({"type": "pong"})
                continue
            return message

    async def send(self, message: dict[str, Any]) -> None:
        await self.connection.send(json.dumps(message))

    async def subscribe(self, query: str, variables: dict[str, Any] | None = None) -> str:
        self.next_id += 1
        operation = str(self.next_id)
        await self.send(
            {
                "id": operation,
                "type": "subscribe",
                "payload": {"query": query, "variables": variables or {}},
            }
        )
        return operation

    async def next_data(self, operation: str, seconds: float = 10.0) -> dict[str, Any]:
        message = await self.receive(seconds)
        assert message["type"] == "next" and message["id"] == operation, message
        assert "errors" not in message["payload"], message["payload"]
        return message["payload"]["data"]


async def connect(
    url: str, token: str | None, protocol: str = PROTOCOL
) -> tuple[WsClient, dict[str, Any]]:
    """Opens a socket and sends connection_init; returns the client and the server's answer."""
    connection = await websockets.connect(url, subprotocols=[Subprotocol(protocol)])
    client = WsClient(connection)
    payload = {"authorization": f"Bearer {token}"} if token else {}
    await client.send({"type": "connection_init", "payload": payload})
    try:
        answer = await client.receive()
    except websockets.ConnectionClosed as closed:
        answer = {"type": "closed", "code": closed.rcvd.code if closed.rcvd else None}
    return client, answer


@pytest.fixture
def fast_session_checks() -> Any:
    settings = get_settings()
    previous = settings.ws_session_check_seconds
    settings.ws_session_check_seconds = 0.05
    yield
    settings.ws_session_check_seconds = previous
