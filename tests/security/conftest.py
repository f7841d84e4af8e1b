"""Security tests: each reproduces an attack on the running app. They reuse real local
stand-ins from the other suites: the channel tests' recording HTTP server (as push service)
and settings fixture, the realtime tests' uvicorn server on a free port."""

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

import httpx
import pytest

from gql.app import create_app
from tests.realtime.conftest import live_url  # noqa: F401 (fixture)
from tests.tasks.conftest import configure, push_service  # noqa: F401 (fixtures)

# `configure(FOLLOWUPS_ENV="production")` sets settings as the environment would.
Configure = Callable[..., None]
AppClient = Callable[[], AbstractAsyncContextManager[httpx.AsyncClient]]


@pytest.fixture
def app_client(dbready: str) -> AppClient:
    """A client of an app made now, with the settings configured so far."""

    @asynccontextmanager
    async def client() -> AsyncIterator[httpx.AsyncClient]:
        app = create_app(manage_database=False)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
            yield http

    return client
