"""The ASGI application: /graphql (HTTP, GraphiQL, websockets), /healthz, and the pages
that links in messages open."""

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL, GRAPHQL_WS_PROTOCOL
from strawberry.types import ExecutionResult
from tortoise import Tortoise

from gql import graphiql, hooks, message_links, websockets
from gql.context import Context, build_context
from gql.errors import formatted
from gql.limits import BodyLimit
from gql.origins import cors_middleware, refuse_origin
from gql.resolvers import exports
from gql.schema.root import schema
from gql.timing import ServerTiming
from runtime import db, heap, logs
from runtime.bus import get_bus
from runtime.settings import DEV_SECRET_KEY, get_settings
from tasks import scheduler
from tasks.broker import embedded

log = logging.getLogger("followups.api")


class FollowupsGraphQL(GraphQL[Context, None]):
    graphql_transport_ws_handler_class = websockets.CheckedTransportWS

    @property
    def graphql_ide_html(self) -> str:
        return graphiql.PAGE

    async def get_context(self, request: Any, response: Any) -> Context:
        return await build_context(request, response)

    async def reject_websocket(self, request: WebSocket) -> WebSocket:
        return await refuse_origin(request)

    async def on_ws_connect(self, context: Context) -> dict[str, Any]:
        return await websockets.authenticate(context)

    async def process_result(self, request: Any, result: ExecutionResult) -> GraphQLHTTPResponse:
        data: GraphQLHTTPResponse = {"data": result.data}
        if result.errors:
            data["errors"] = [formatted(error) for error in result.errors]
        if result.extensions:
            data["extensions"] = result.extensions
        return data


async def healthz(_: Request) -> JSONResponse:
    try:
        await Tortoise.get_connection("default").execute_query("SELECT 1")
    except Exception:  # the probe reports any database failure as unhealthy
        log.exception("health check failed")
        return JSONResponse({"status": "unavailable", "database": "down"}, status_code=503)
    return JSONResponse({"status": "ok", "database": "up"})


def create_app(manage_database: bool = True) -> Starlette:
    """The app; with manage_database it migrates the embedded SQLite file and connects on start."""
    settings = get_settings()
    settings.refuse_unsafe()
    logs.install()
    if settings.secret_key == DEV_SECRET_KEY and db.is_postgres():
        log.warning("SECRET_KEY is the development default: set it before going live")

    @asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        if manage_database:
            if not db.is_postgres():
                await db.migrate()
            await db.connect()
        stop = asyncio.Event()
        in_process = None
        if manage_database and embedded():
            # The embedded default runs the scheduler and the tasks in this process.
            in_process = asyncio.create_task(scheduler.run(stop), name="scheduler")
        tidy = asyncio.create_task(
            heap.keep_tidy(stop, settings.full_collection_seconds), name="heap"
        )
        try:
            yield
        finally:
            stop.set()
            await tidy
            if in_process is not None:
                await in_process
            await get_bus().close()
            if manage_database:
                await db.disconnect()

    protocols = [GRAPHQL_TRANSPORT_WS_PROTOCOL]
    if settings.legacy_graphql_ws:
        protocols.append(GRAPHQL_WS_PROTOCOL)
    graphql = FollowupsGraphQL(
        schema,
        graphql_ide="graphiql" if settings.graphiql_enabled else None,
        subscription_protocols=protocols,
        keep_alive=settings.legacy_graphql_ws,  # "ka" frames; transport-ws pings come from the guard
        keep_alive_interval=settings.ws_keepalive_seconds,
        max_subscriptions_per_connection=settings.ws_max_subscriptions,
        allowed_origins=settings.allowed_origins,
    )
    return Starlette(
        routes=[
            Route("/graphql", graphql, methods=["GET", "POST"]),
            WebSocketRoute("/graphql", graphql),
            Route("/healthz", healthz),
            Route("/exports/{export_id}.{format}", exports.download, methods=["GET"]),
            Route("/", message_links.home, methods=["GET"]),
            Route("/hooks/events", hooks.receive_event, methods=["POST"]),
            Route("/follow-ups/{id:path}", message_links.follow_up, methods=["GET"]),
            *(
                [Mount(graphiql.ASSETS_PATH, app=graphiql.assets)]
                if settings.graphiql_enabled
                else []
            ),
        ],
        middleware=[
            Middleware(ServerTiming),
            *cors_middleware(settings.allowed_origins),
            Middleware(BodyLimit, max_bytes=settings.max_body_bytes),
        ],
        lifespan=lifespan,
    )
