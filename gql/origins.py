"""Which web pages may talk to the API: CORS for HTTP and the websocket Origin check, both
from the one CORS_ORIGINS list.

With the list empty no page of another origin gets a CORS answer, and Strawberry's
websocket check admits what it admitted before: clients that send no Origin (not
browsers), and pages of the API's own origin. Any other origin is closed with 4403.
"""

from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.websockets import WebSocket

FORBIDDEN_ORIGIN = 4403


def cors_middleware(allowed: list[str]) -> list[Middleware]:
    if not allowed:
        return []
    return [
        Middleware(
            CORSMiddleware,
            allow_origins=allowed,
            allow_methods=["GET", "POST"],
            allow_headers=["authorization", "content-type"],
            max_age=600,
        )
    ]


async def refuse_origin(websocket: WebSocket) -> WebSocket:
    """Accepted first and then closed, so that the page sees why, not a failed handshake."""
    protocols = websocket.scope.get("subprotocols") or []
    await websocket.accept(subprotocol=protocols[0] if protocols else None)
    await websocket.close(code=FORBIDDEN_ORIGIN, reason="Origin not allowed")
    return websocket
