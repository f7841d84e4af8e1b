"""Which web pages may talk to the API: CORS for HTTP, the Origin header for websockets,
both from the one CORS_ORIGINS list. With the list empty no page of another origin gets a
CORS answer, and websockets take any Origin (they authenticate with a token in
connection_init, never a cookie, so a foreign page has no session to ride)."""

from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

FORBIDDEN_ORIGIN = 4403


class WebsocketOrigins:
    """Closes with 4403 a websocket whose browser sends an Origin not on the list (clients
    that are not browsers send none and pass)."""

    def __init__(self, app: ASGIApp, allowed: list[str]) -> None:
        self.app = app
        self.allowed = frozenset(allowed)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        origin = dict(scope.get("headers", [])).get(b"origin")
        if scope["type"] != "websocket" or origin is None or origin.decode() in self.allowed:
            await self.app(scope, receive, send)
            return
        await receive()  # websocket.connect
        protocols = scope.get("subprotocols") or []
        # Accepted first so that the browser sees the close code, not a bare failed handshake.
        await send({"type": "websocket.accept", "subprotocol": protocols[0] if protocols else None})
        await send(
            {"type": "websocket.close", "code": FORBIDDEN_ORIGIN, "reason": "Origin not allowed"}
        )


def origin_middleware(allowed: list[str]) -> list[Middleware]:
    if not allowed:
        return []
    return [
        Middleware(
            CORSMiddleware,
            allow_origins=allowed,
            allow_methods=["GET", "POST"],
            allow_headers=["authorization", "content-type"],
            max_age=600,
        ),
        Middleware(WebsocketOrigins, allowed=allowed),
    ]
