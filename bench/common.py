"""Shared by the process benchmarks (reminder_lag, fanout): machine info, percentiles, a
fresh database and Redis, `followups` child processes that are stopped on any exit, and a
small graphql-transport-ws client."""

import asyncio
import contextlib
import json
import os
import resource
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any, cast

import asyncpg
import httpx

FOLLOWUPS = str(Path(sys.executable).with_name("followups"))
PROTOCOL = "graphql-transport-ws"
LOGIN = (
    "mutation($e: String!, $p: String!) { login(email: $e, password: $p) "
    "{ __typename ... on AuthSuccess { accessToken } ... on AuthError { message } } }"
)


# ---------------------------------------------------------------- machine and figures


def machine() -> dict[str, str]:
    model = "unknown"
    with contextlib.suppress(OSError), open("/proc/cpuinfo") as cpuinfo:
        for line in cpuinfo:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    ram = "unknown"
    with contextlib.suppress(OSError), open("/proc/meminfo") as meminfo:
        for line in meminfo:
            if line.startswith("MemTotal:"):
                ram = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    return {"nproc": str(os.cpu_count()), "cpu": model, "ram": ram}


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile of sorted or unsorted values (nan when there are none)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, min(len(ordered), int(-(-fraction * len(ordered) // 1))))
    return ordered[rank - 1]


def table(rows: list[tuple[str, Any]]) -> str:
    lines = ["| figure | value |", "|---|---:|"]
    lines += [f"| {name} | {value} |" for name, value in rows]
    return "\n".join(lines)


def machine_rows() -> list[tuple[str, Any]]:
    info = machine()
    return [("machine: nproc", info["nproc"]), ("machine: CPU", info["cpu"]),
            ("machine: RAM", info["ram"]), ("load average at the end (1/5/15 min)", loadavg())]  # fmt: skip


def loadavg() -> str:
    with open("/proc/loadavg") as file:
        return " / ".join(file.read().split()[:3])


def rss_kb(pid: int) -> int:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for {pid}")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def raise_fd_limit() -> int:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = hard if hard != resource.RLIM_INFINITY else 65536
    if soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
    return wanted


# ---------------------------------------------------------------- services


async def recreate_database(url: str) -> None:
    name = url.rsplit("/", 1)[1].split("?", 1)[0]
    admin = await asyncpg.connect(url.rsplit("/", 1)[0] + "/postgres")
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()


def flush_redis(url: str) -> None:
    import redis

    client = redis.Redis.from_url(url)
    try:
        client.flushdb()
    finally:
        client.close()


def run_against_flushed_redis(run: Callable[[Any], Coroutine[Any, Any, None]], args: Any) -> None:
    """Runs a process benchmark whose Redis database gets FLUSHDB: never database 0, and
    Ctrl-C stops its child processes with a clear word."""
    if args.redis_url.rstrip("/").endswith("/0") or args.redis_url.count("/") < 3:
        raise SystemExit("use a Redis logical database other than 0 (it gets FLUSHDB)")
    try:
        asyncio.run(run(args))
    except (KeyboardInterrupt, asyncio.CancelledError):
        raise SystemExit("interrupted: child processes stopped") from None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def cancel_on_signals() -> None:
    """Inside a coroutine run by asyncio.run: SIGTERM and SIGINT cancel it, so every
    `with Children(...)` and `finally` on the way out runs (child processes are stopped)."""
    task = asyncio.current_task()
    assert task is not None
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, task.cancel)


class Children:
    """`followups` processes started by a benchmark or a distributed test; all stopped on
    exit, error or SIGTERM. Their output goes to a log file each, in `logs`."""

    def __init__(self, env: dict[str, str], logs: Path | None = None) -> None:
        self.env = env
        self.logs = logs or Path(tempfile.mkdtemp(prefix="followups-bench-"))
        self.running: list[subprocess.Popen[bytes]] = []

    def start(self, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
        name = args[0]
        log = open(self.logs / f"{name}-{len(self.running)}.log", "wb")  # noqa: SIM115
        process = subprocess.Popen(
            [FOLLOWUPS, *args],
            env={**self.env, **(env or {})},
            stdout=log,
            stderr=subprocess.STDOUT,
            preexec_fn=raise_fd_limit,
        )
        self.running.append(process)
        return process

    def serve(
        self, env: dict[str, str] | None = None, health_seconds: float = 30.0
    ) -> tuple[subprocess.Popen[bytes], str]:
        port = free_port()
        process = self.start("serve", "--port", str(port), env=env)
        wait_for_health(f"http://127.0.0.1:{port}", process, health_seconds)
        return process, f"127.0.0.1:{port}"

    def check_alive(self) -> None:
        for process in self.running:
            if process.poll() is not None:
                raise RuntimeError(
                    f"{' '.join(cast(list[str], process.args))} exited with {process.returncode}; "
                    f"logs in {self.logs}"
                )

    def stop_all(self) -> None:
        for process in self.running:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.running:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self.running.clear()

    def __enter__(self) -> "Children":
        return self

    def __exit__(self, *_: Any) -> None:
        self.stop_all()


def wait_for_health(base: str, process: subprocess.Popen[bytes], seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the API exited with {process.returncode}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                return
        time.sleep(0.1)
    raise TimeoutError(f"{base}/healthz did not answer within {seconds:.1f} s")


# ---------------------------------------------------------------- GraphQL clients


async def graphql(
    client: httpx.AsyncClient, query: str, variables: dict[str, Any], token: str | None = None
) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = await client.post(
        "/graphql", json={"query": query, "variables": variables}, headers=headers
    )
    body = response.json()
    if body.get("errors"):
        raise RuntimeError(f"GraphQL errors: {body['errors']}")
    return body["data"]


async def login(client: httpx.AsyncClient, email: str, password: str) -> str:
    data = await graphql(client, LOGIN, {"e": email, "p": password})
    if data["login"]["__typename"] != "AuthSuccess":
        raise RuntimeError(f"login {email}: {data['login']}")
    return data["login"]["accessToken"]


async def open_subscription(url: str, token: str, query: str, operation: str = "1") -> Any:
    """A socket after connection_ack with one subscription sent; returns the connection."""
    import websockets
    from websockets.typing import Subprotocol

    connection = await websockets.connect(
        url,
        subprotocols=[Subprotocol(PROTOCOL)],
        open_timeout=60,
        max_queue=None,
        ping_interval=None,
    )
    await connection.send(
        json.dumps({"type": "connection_init", "payload": {"authorization": f"Bearer {token}"}})
    )
    while True:
        message = json.loads(await asyncio.wait_for(connection.recv(), 60))
        if message["type"] == "ping":
            await connection.send('{"type": "pong"}')
            continue
        if message["type"] != "connection_ack":
            raise RuntimeError(f"connection_init refused: {message}")
        break
    await connection.send(
        json.dumps({"id": operation, "type": "subscribe", "payload": {"query": query}})
    )
    return connection
