"""Security tests: each reproduces an attack on the running app (in-process ASGI)."""

from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager

import httpx
import pytest

from gql.app import create_app
from runtime.settings import get_settings

Configure = Callable[..., None]
AppClient = Callable[[], AbstractAsyncContextManager[httpx.AsyncClient]]


@pytest.fixture
def configure(monkeypatch: pytest.MonkeyPatch) -> Iterator[Configure]:
    """Sets settings as the environment would (configure(FOLLOWUPS_ENV="production"))."""

    def set_env(**variables: str) -> None:
        for name, value in variables.items():
            monkeypatch.setenv(name, value)
        get_settings.cache_clear()

    yield set_env
    monkeypatch.undo()
    get_settings.cache_clear()


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
