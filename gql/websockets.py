"""Websocket connections: authentication in connection_init, server pings, closing with
4401 when the token expires or its session ends (logout, deactivation), and with 4400 for
a frame the protocol does not define."""

import asyncio
import contextlib
import logging
import time
from typing import Any

from starlette.websockets import WebSocket, WebSocketState
from strawberry.exceptions import ConnectionRejectionError
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.types import Message

from gql.context import Context, caller_from_authorization
from runtime import clock
from runtime.settings import get_settings
from services import auth
from services.visibility import Caller

log = logging.getLogger("followups.websockets")
UNAUTHORIZED = 4401
_guards: set[asyncio.Task[None]] = set()
# Recent session checks, shared by every socket of the same login (session id -> when, result).
_session_checks: dict[str, tuple[float, asyncio.Future[bool]]] = {}


def frame_problem(message: object) -> str | None:
    """What is wrong with a graphql-transport-ws frame's shape, or None if nothing is."""
    if not isinstance(message, dict):
        return "A message must be a JSON object."
    kind = message.get("type")
    if not isinstance(kind, str):
        return "A message needs a string 'type'."
    payload = message.get("payload")
    if kind in ("connection_init", "ping", "pong") and not isinstance(payload, dict | None):
        return f"The payload of '{kind}' must be an object."
    if kind in ("subscribe", "complete") and not (
        isinstance(message.get("id"), str) and message["id"]
    ):
        return f"'{kind}' needs a non-empty string 'id'."
    if kind == "subscribe":
        if not isinstance(payload, dict) or not isinstance(payload.get("query"), str):
            return "'subscribe' needs a payload object with a string 'query'."
        if not (
            isinstance(payload.get("variables"), dict | None)
            and isinstance(payload.get("operationName"), str | None)
            and isinstance(payload.get("extensions"), dict | None)
        ):
            return "'subscribe' variables and extensions must be objects, operationName a string."
    return None


class CheckedTransportWS(BaseGraphQLTransportWSHandler[Context, None]):
    """Closes with 4400 and the reason for a frame of the wrong shape ([], 123, null, an id
    that is an object, a payload that is a string) instead of raising inside strawberry."""

    async def handle_message(self, message: Message) -> None:
        problem = frame_problem(message)
        if problem is not None:
            await self.handle_invalid_message(problem)
            return
        await super().handle_message(message)


async def authenticate(context: Context) -> dict[str, Any]:
    """Runs on connection_init; a refusal closes the socket with 4403."""
    params = context.connection_params or {}
    header = params.get("authorization") or params.get("Authorization")
    caller, failure = await caller_from_authorization(header if isinstance(header, str) else None)
    if caller is None:
        raise ConnectionRejectionError(
            {"message": failure or "Send authorization in connection_init."}
        )
    context.become(caller)
    websocket = context.request
    if isinstance(websocket, WebSocket):
        guard = asyncio.create_task(_guard(websocket, caller), name="websocket-guard")
        _guards.add(guard)
        guard.add_done_callback(_guards.discard)
    return {"staffId": str(caller.staff_id)}


async def _guard(websocket: WebSocket, caller: Caller) -> None:
    settings = get_settings()
    ping_every = settings.ws_keepalive_seconds
    check_every = settings.ws_session_check_seconds
    pings = (
        websocket.scope.get("subprotocols", [])
        and "graphql-transport-ws" in websocket.scope["subprotocols"]
    )
    next_ping = time.monotonic() + ping_every
    next_check = time.monotonic() + check_every
    with contextlib.suppress(Exception):  # the socket went away: nothing left to guard
        while websocket.application_state == WebSocketState.CONNECTED:
            now = time.monotonic()
            left = (
                (caller.token_expires_at - clock.now()).total_seconds()
                if caller.token_expires_at
                else 1e9
            )
            if left <= 0:
                await websocket.close(code=UNAUTHORIZED, reason="Access token expired")
                return
            if now >= next_check:
                next_check = now + check_every
                if not await _session_active(caller.session_id, check_every):
                    await websocket.close(code=UNAUTHORIZED, reason="Session ended")
                    return
            if pings and now >= next_ping:
                next_ping = now + ping_every
                await websocket.send_json({"type": "ping", "payload": {"server": True}})
            await asyncio.sleep(
                max(0.01, min(next_ping, next_check, now + left) - time.monotonic())
            )


async def _session_active(session_id: str | None, interval: float) -> bool:
    """One database check per session and interval, however many sockets share the login."""
    if session_id is None:
        return False
    now = time.monotonic()
    checked = _session_checks.get(session_id)
    if checked is None or now - checked[0] >= interval / 2:
        if len(_session_checks) > 10_000:  # forget logins nobody has checked lately
            for stale in [k for k, (at, _) in _session_checks.items() if now - at > interval]:
                del _session_checks[stale]
        checked = (now, asyncio.ensure_future(auth.session_active(session_id)))
        _session_checks[session_id] = checked
    return await asyncio.shield(checked[1])
