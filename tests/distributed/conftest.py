"""Real processes: `followups serve|scheduler|worker` on PostgreSQL and a Redis of our own.

The Redis server here is started by the fixture on a free port, so a test may kill and
restart it without touching anyone else's. The database is created per test.

No deadline here is a guess about the machine: each test measures how long this machine
takes, now, to start a process, to answer a request and to create a follow-up (Pace), and
every wait is a multiple of what was measured for the same kind of work. A loaded machine
gets proportionally longer deadlines; every wait ends, with a message saying what did not
happen in how long.
"""

import asyncio
import json
import os
import shutil
import socket
import subprocess
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import asyncpg
import httpx
import pytest

from bench.common import FOLLOWUPS, Children, free_port
from tests.conftest import ADMIN_URL, PASSWORD, unavailable

T = TypeVar("T")

# Deadlines are this many times the measured time of the same work.
SLACK = 10
# The one fixed bound: the first processes of a test (redis-server, `followups migrate`),
# before anything has been measured. Their own times are the first measurements.
FIRST_START_SECONDS = 300.0


class Pace:
    """How long this machine takes, as measured in this test, and the deadlines from it."""

    def __init__(self, process_seconds: float) -> None:
        self.process_seconds = process_seconds  # the slowest process start seen
        self.request_seconds = process_seconds  # the slowest API request seen
        self.follow_up_seconds = process_seconds  # creating one follow-up through the API

    def saw_process(self, seconds: float) -> None:
        self.process_seconds = max(self.process_seconds, seconds)

    def saw_request(self, seconds: float) -> None:
        self.request_seconds = max(self.request_seconds, seconds)

    def saw_follow_ups(self, count: int, seconds: float) -> None:
        self.follow_up_seconds = seconds / count

    def process_start(self) -> float:
        return SLACK * self.process_seconds

    def request(self) -> float:
        # A request never needs a process start; the floor covers the first ones.
        return SLACK * max(self.request_seconds, self.process_seconds)

    def work(self, follow_ups: int, starts: int = 0, plus: float = 0.0) -> float:
        """Work on as many follow-ups as creating them took, after `starts` processes
        come up, and `plus` seconds that the test configured (a lease to run out)."""
        return SLACK * (follow_ups * self.follow_up_seconds + starts * self.process_seconds) + plus


async def timed(work: Awaitable[T]) -> tuple[T, float]:
    started = time.monotonic()
    result = await work
    return result, time.monotonic() - started


class RedisServer:
    """A private redis-server that tests can crash and bring back empty."""

    def __init__(self, tmp: Path) -> None:
        self.port = free_port()
        self.tmp = tmp
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self, seconds: float = FIRST_START_SECONDS) -> float:
        """Starts it; returns how long it took to listen."""
        started = time.monotonic()
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.tmp)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        wait_for_port(self.port, self.process, seconds)
        return time.monotonic() - started

    def kill(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait()


def wait_for_port(port: int, process: subprocess.Popen[bytes], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"redis-server exited with {process.returncode}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise TimeoutError(f"nothing listens on {port} after {seconds:.1f} s")


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    if shutil.which("redis-server") is None:
        unavailable("redis-server is not installed")
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.kill()


@dataclass
class Database:
    url: str
    migrate_seconds: float  # the first measurement of how long a `followups` process takes


@pytest.fixture
async def pg_database() -> AsyncIterator[Database]:
    """A fresh, migrated PostgreSQL database for the processes of one test."""
    try:
        admin = await asyncpg.connect(ADMIN_URL, timeout=5)
    except (OSError, asyncpg.PostgresError) as error:
        unavailable(f"PostgreSQL not reachable at {ADMIN_URL}: {error}")
    name = f"followups_dist_{os.getpid()}_{free_port()}"
    await admin.execute(f'CREATE DATABASE "{name}"')
    url = ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    env = {**os.environ, "DATABASE_URL": url}
    _, seconds = await timed(
        asyncio.to_thread(
            subprocess.run, [FOLLOWUPS, "migrate"], env=env, check=True, capture_output=True,
            timeout=FIRST_START_SECONDS,
        )
    )  # fmt: skip
    yield Database(url, seconds)
    await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    await admin.close()


class Processes(Children):
    """`followups` commands against one database and Redis, with short leases and polls,
    and the GraphQL calls and waits of the tests, each with a deadline from `pace`."""

    def __init__(self, database: Database, redis: RedisServer, logs: Path) -> None:
        env = {
            **os.environ,
            "DATABASE_URL": database.url,
            "REDIS_URL": redis.url,
            # Six processes share a PostgreSQL that other test runs may use too.
            "DATABASE_POOL_SIZE": "5",
            "LEASE_SECONDS": "2",
            "SCHEDULER_POLL_SECONDS": "0.1",
            "SCHEDULER_LOOK_AHEAD_SECONDS": "1",
            "WS_SESSION_CHECK_SECONDS": "1",
        }
        super().__init__(env, logs)
        self.pace = Pace(database.migrate_seconds)
        self.log_files: dict[int, Path] = {}

    @property
    def database_url(self) -> str:
        return self.env["DATABASE_URL"]

    @property
    def lease_seconds(self) -> float:
        return float(self.env["LEASE_SECONDS"])

    def start(self, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
        log = self.logs / f"{args[0]}-{len(self.running)}.log"  # the name Children gives it
        process = super().start(*args, env=env)
        self.log_files[process.pid] = log
        return process

    async def start_ready(self, *args: str, says: str) -> subprocess.Popen[bytes]:
        """Starts a scheduler or worker and waits for the log line it writes once working."""
        started = time.monotonic()
        process = self.start(*args)
        log = self.log_files[process.pid]

        async def ready() -> bool:
            if process.poll() is not None:
                raise AssertionError(f"{' '.join(args)} exited with {process.returncode}: {log}")
            return log.exists() and says in log.read_text(errors="replace")

        await wait_until(ready, self.pace.process_start(), f"{' '.join(args)} to say {says!r}")
        self.pace.saw_process(time.monotonic() - started)
        return process

    async def serve_measured(self) -> str:
        (_, address), seconds = await timed(
            asyncio.to_thread(self.serve, health_seconds=self.pace.process_start())
        )
        self.pace.saw_process(seconds)
        return address

    async def create_org(self) -> tuple[int, str]:
        """An organization through the command line; returns its id and its admin's email."""
        email = f"admin{free_port()}@dist.example"
        done, seconds = await timed(
            asyncio.to_thread(
                subprocess.run,
                [FOLLOWUPS, "create-org", "Dist Org", "--admin-email", email, "--admin-password", PASSWORD],
                env=self.env, capture_output=True, text=True, timeout=self.pace.process_start(),
            )
        )  # fmt: skip
        self.pace.saw_process(seconds)
        assert done.returncode == 0 and done.stdout.strip().isdigit(), done.stderr[-2000:]
        return int(done.stdout.strip()), email

    async def graphql(
        self,
        address: str,
        query: str,
        variables: dict[str, Any] | None = None,
        token: str | None = None,
    ) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        started = time.monotonic()
        async with httpx.AsyncClient(
            base_url=f"http://{address}", timeout=self.pace.request()
        ) as client:
            response = await client.post(
                "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
            )
        self.pace.saw_request(time.monotonic() - started)
        body = response.json()
        assert "errors" not in body, body
        return body["data"]

    async def login(self, address: str, email: str) -> str:
        data = await self.graphql(
            address,
            "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { ... on AuthSuccess { accessToken } } }",
            {"e": email, "p": PASSWORD},
        )
        return data["login"]["accessToken"]


@pytest.fixture
def processes(
    pg_database: Database, redis_server: RedisServer, tmp_path: Path
) -> Iterator[Processes]:
    running = Processes(pg_database, redis_server, tmp_path)
    yield running
    running.stop_all()


async def wait_until(check: Callable[[], Awaitable[Any]], seconds: float, what: str) -> Any:
    """Polls another process's effect in the database: there is no event to await across
    processes. `seconds` comes from Pace; the message says what did not happen."""
    deadline = time.monotonic() + seconds
    while True:
        value = await check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(
                f"timed out after {seconds:.1f} s waiting for {what} (last: {value!r})"
            )
        await asyncio.sleep(0.1)


async def next_event(pubsub: Any, kind: str, seconds: float, what: str) -> dict[str, Any]:
    """The next bus event of a kind ("notification", "follow_up") on a Redis pub/sub
    subscription, within the deadline."""
    deadline = time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=left)
        if message is not None and (event := json.loads(message["data"]))["type"] == kind:
            return event
    raise AssertionError(f"timed out after {seconds:.1f} s waiting for {what}")
