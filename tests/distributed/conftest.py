"""Real processes: `followups serve|scheduler|worker` on PostgreSQL and a Redis of our own.

The Redis server here is started by the fixture on a free port, so a test may kill and
restart it without touching anyone else's. The database is created per test.
"""

import asyncio
import os
import shutil
import socket
import subprocess
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest

from bench.common import FOLLOWUPS, Children, free_port
from tests.conftest import ADMIN_URL, PASSWORD, unavailable


class RedisServer:
    """A private redis-server that tests can crash and bring back empty."""

    def __init__(self, tmp: Path) -> None:
        self.port = free_port()
        self.tmp = tmp
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.tmp)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        wait_for_port(self.port)

    def kill(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait()


def wait_for_port(port: int, seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise TimeoutError(f"nothing listens on {port}")


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    if shutil.which("redis-server") is None:
        unavailable("redis-server is not installed")
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.kill()


@pytest.fixture
async def pg_url() -> AsyncIterator[str]:
    """A fresh, migrated PostgreSQL database for the processes of one test."""
    try:
        admin = await asyncpg.connect(ADMIN_URL, timeout=5)
    except (OSError, asyncpg.PostgresError) as error:
        unavailable(f"PostgreSQL not reachable at {ADMIN_URL}: {error}")
    name = f"followups_dist_{os.getpid()}_{free_port()}"
    await admin.execute(f'CREATE DATABASE "{name}"')
    url = ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    env = {**os.environ, "DATABASE_URL": url}
    await asyncio.to_thread(
        subprocess.run, [FOLLOWUPS, "migrate"], env=env, check=True, capture_output=True
    )
    yield url
    await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    await admin.close()


class Processes(Children):
    """`followups` commands against one database and Redis, with short leases and polls."""

    def __init__(self, database_url: str, redis: RedisServer, logs: Path) -> None:
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "REDIS_URL": redis.url,
            "LEASE_SECONDS": "2",
            "SCHEDULER_POLL_SECONDS": "0.1",
            "SCHEDULER_LOOK_AHEAD_SECONDS": "1",
            "WS_SESSION_CHECK_SECONDS": "1",
        }
        super().__init__(env, logs)


@pytest.fixture
def processes(pg_url: str, redis_server: RedisServer, tmp_path: Path) -> Iterator[Processes]:
    running = Processes(pg_url, redis_server, tmp_path)
    yield running
    running.stop_all()


async def create_org(processes: Processes) -> str:
    """An organization through the command line; returns its admin's email."""
    email = f"admin{free_port()}@dist.example"
    done = await asyncio.to_thread(
        subprocess.run,
        [FOLLOWUPS, "create-org", "Dist Org", "--admin-email", email, "--admin-password", PASSWORD],
        env=processes.env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert done.stdout.strip().isdigit()
    return email


async def graphql(
    address: str, query: str, variables: dict[str, Any] | None = None, token: str | None = None
) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with httpx.AsyncClient(base_url=f"http://{address}", timeout=30) as client:
        response = await client.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
        )
    body = response.json()
    assert "errors" not in body, body
    return body["data"]


async def login(address: str, email: str) -> str:
    data = await graphql(
        address,
        "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { ... on AuthSuccess { accessToken } } }",
        {"e": email, "p": PASSWORD},
    )
    return data["login"]["accessToken"]


async def wait_until(check: Any, seconds: float = 60.0, what: str = "condition") -> Any:
    """Polls another process's effect in the database: there is no event to await across processes."""
    deadline = time.monotonic() + seconds
    while True:
        value = await check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what} (last: {value!r})")
        await asyncio.sleep(0.1)
