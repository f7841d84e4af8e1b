"""Test set-up: each database test runs on SQLite and on PostgreSQL.

PostgreSQL is found at FOLLOWUPS_TEST_POSTGRES (default postgres://root@127.0.0.1:5432/test);
when it does not answer the PostgreSQL half is skipped with the reason, unless
FOLLOWUPS_REQUIRE_SERVICES=1 (CI), which turns the skip into a failure.
"""

import logging
import os
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from tortoise import Tortoise

from gql.app import create_app
from runtime import clock, db
from services import auth
from services.organizations import create_organization

ADMIN_URL = os.environ.get("FOLLOWUPS_TEST_POSTGRES", "postgres://root@127.0.0.1:5432/test")
REQUIRE_SERVICES = os.environ.get("FOLLOWUPS_REQUIRE_SERVICES") == "1"
PASSWORD = "correct-horse-battery"


def unavailable(reason: str) -> None:
    """Skip for want of a service, or fail where services are required."""
    if REQUIRE_SERVICES:
        pytest.fail(f"{reason} (FOLLOWUPS_REQUIRE_SERVICES=1)")
    pytest.skip(reason)


async def _postgres_database() -> str:
    try:
        admin = await asyncpg.connect(ADMIN_URL, timeout=5)
    except (OSError, asyncpg.PostgresError) as error:
        unavailable(f"PostgreSQL not reachable at {ADMIN_URL}: {error}")
    name = f"followups_test_{uuid.uuid4().hex[:10]}"
    await admin.execute(f'CREATE DATABASE "{name}"')
    await admin.close()
    return ADMIN_URL.rsplit("/", 1)[0] + "/" + name


async def _drop_postgres_database(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    admin = await asyncpg.connect(ADMIN_URL, timeout=5)
    await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    await admin.close()


@pytest.fixture(scope="session", params=["sqlite", "postgres"])
async def database(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[str]:
    """A migrated database of one engine, shared by the tests of that engine."""
    if request.param == "sqlite":
        url = f"sqlite://{Path(tmp_path_factory.mktemp('db')) / 'followups.sqlite3'}"
    else:
        url = await _postgres_database()
    await db.migrate(url)
    await db.connect(url)
    yield request.param
    await db.disconnect()
    if request.param == "postgres":
        await _drop_postgres_database(url)


async def _empty_tables() -> None:
    conn = Tortoise.get_connection("default")
    tables = [m._meta.db_table for m in Tortoise.apps["followups"].values()]
    if conn.capabilities.dialect == "postgres":
        await conn.execute_script(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
    else:
        for table in tables:
            await conn.execute_script(f"DELETE FROM {table}")


@pytest.fixture
async def dbready(database: str) -> AsyncIterator[str]:
    """A clean database for one test: emptied afterwards, clock and login throttle reset."""
    yield database
    await _empty_tables()
    clock.reset()
    auth.throttle = auth.LoginThrottle()


class Api:
    """Talks to the app over HTTP as a client would (in-process ASGI transport)."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client

    async def raw(
        self, query: str, variables: dict[str, Any] | None = None, token: str | None = None
    ) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        response = await self.client.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
        )
        return response.json()

    async def data(
        self, query: str, variables: dict[str, Any] | None = None, token: str | None = None
    ) -> dict[str, Any]:
        """The data of a request that must not fail."""
        body = await self.raw(query, variables, token)
        assert "errors" not in body, body["errors"]
        return body["data"]

    async def login(self, email: str, password: str = PASSWORD) -> str:
        data = await self.data(
            "mutation($e: String!, $p: String!) { login(email: $e, password: $p) {"
            " __typename ... on AuthSuccess { accessToken } ... on AuthError { message } } }",
            {"e": email, "p": password},
        )
        assert data["login"]["__typename"] == "AuthSuccess", data
        return data["login"]["accessToken"]


@pytest.fixture
async def api(dbready: str) -> AsyncIterator[Api]:
    app = create_app(manage_database=False)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as client:
        yield Api(client)


class Org:
    """An organization with its admin, and helpers to add staff through the API."""

    def __init__(
        self, api: Api, org_id: int, admin_email: str, admin_token: str, admin_id: str
    ) -> None:
        self.api = api
        self.id = org_id
        self.admin_email = admin_email
        self.admin = admin_token
        self.admin_id = admin_id

    async def add_staff(
        self, name: str, role: str = "STAFF", timezone: str = "UTC"
    ) -> tuple[str, str]:
        """Creates a staff member; returns (staff global id, access token)."""
        email = f"{name.lower()}.{uuid.uuid4().hex[:6]}@example.test"
        data = await self.api.data(
            "mutation($i: CreateStaffInput!) { createStaff(input: $i) { __typename ... on Staff { id } } }",
            {
                "i": {
                    "email": email,
                    "name": name,
                    "password": PASSWORD,
                    "role": role,
                    "timezone": timezone,
                }
            },
            self.admin,
        )
        return data["createStaff"]["id"], await self.api.login(email)


async def make_org(api: Api, name: str = "Acme Migration") -> Org:
    email = f"admin.{uuid.uuid4().hex[:6]}@example.test"
    org, _ = await create_organization(name, email, PASSWORD, "Ada Admin")
    token = await api.login(email)
    me = await api.data("{ me { id } }", token=token)
    return Org(api, org.id, email, token, me["me"]["id"])


@pytest.fixture
async def org(api: Api) -> Org:
    return await make_org(api)


class StatementCounter(logging.Handler):
    """Counts the SQL statements Tortoise sends, from its debug log."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


@pytest.fixture
def count_statements() -> Any:
    logger = logging.getLogger("tortoise.db_client")
    counter = StatementCounter()
    previous = logger.level
    logger.setLevel(logging.DEBUG)
    logger.addHandler(counter)
    yield counter
    logger.removeHandler(counter)
    logger.setLevel(previous)
