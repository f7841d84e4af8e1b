"""Websocket fan-out: one `followups serve` (with REDIS_URL), 2,000 idle graphql-transport-ws
subscribers to `followUpEvents`, then one createFollowUp that every one of them may see
(the logins are managers). Figures: per-subscriber receive latency from the moment the
mutation is sent, and the API process's RSS per idle subscriber.

    .venv/bin/python -m bench.fanout
    .venv/bin/python -m bench.fanout --subscribers 2000 --logins 10 --client-processes 2

It recreates the PostgreSQL database (default followups_bench_fanout) and FLUSHDBs the
Redis logical database it is given (default redis://127.0.0.1:6379/8, never db 0). The
clients run in --client-processes separate processes (`python -m bench.fanout --client`,
started by this script) with the `websockets` library; each socket authenticates in
connection_init. RSS is VmRSS of the API process from /proc, measured after one warm-up
socket and again once every subscriber is connected and idle.
"""

import argparse
import asyncio
import contextlib
import json
import os
import subprocess
import sys
import time
from typing import Any

import httpx

from bench.common import (
    Children,
    cancel_on_signals,
    cpu_seconds,
    flush_redis,
    graphql,
    login,
    machine_rows,
    open_subscription,
    percentile,
    raise_fd_limit,
    recreate_database,
    rss_kb,
    run_against_flushed_redis,
    table,
)

PASSWORD = "bench-pass-phrase-123"
SUBSCRIPTION = "subscription { followUpEvents { kind followUp { id subject dueAt } } }"
CREATE = (
    "mutation($i: CreateFollowUpInput!) { createFollowUp(input: $i) "
    "{ __typename ... on FollowUp { id } } }"
)


# ---------------------------------------------------------------- client process


async def client_main() -> None:
    """Reads {"url", "tokens", "count"} on stdin; prints READY, then the arrivals on DUMP."""
    raise_fd_limit()
    job = json.loads(sys.stdin.readline())
    tokens: list[str] = job["tokens"]
    arrivals: list[list[float]] = [[] for _ in range(job["count"])]
    connections: list[Any] = [None] * job["count"]
    gate = asyncio.Semaphore(50)
    failures: list[str] = []

    async def connect(n: int) -> None:
        async with gate:
            try:
                connections[n] = await open_subscription(
                    job["url"], tokens[n % len(tokens)], SUBSCRIPTION
                )
            except Exception as error:  # counted and reported, the rest go on
                failures.append(repr(error))

    await asyncio.gather(*(connect(n) for n in range(job["count"])))
    closed = 0

    async def receive(n: int) -> None:
        nonlocal closed
        connection = connections[n]
        try:
            async for raw in connection:
                at = time.time()
                if '"ping"' in raw[:40]:
                    await connection.send('{"type": "pong"}')
                elif '"next"' in raw:
                    arrivals[n].append(at)
                else:
                    failures.append(raw[:200])
        except Exception:  # the server closed it: counted
            closed += 1

    readers = [asyncio.create_task(receive(n)) for n in range(job["count"]) if connections[n]]
    connected = sum(1 for c in connections if c is not None)
    print(json.dumps({"ready": connected, "failures": failures[:5]}), flush=True)
    await asyncio.to_thread(sys.stdin.readline)  # DUMP
    print(json.dumps({"arrivals": arrivals, "closed": closed, "failures": failures[:5]}),
          flush=True)  # fmt: skip
    for reader in readers:
        reader.cancel()
    for connection in connections:
        if connection is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(connection.close(), 1)


# ---------------------------------------------------------------- the benchmark


async def prepare(url: str, logins: int) -> int:
    """Org, an admin and `logins` managers (managers see every follow-up)."""
    from models.staff import Role
    from runtime import db
    from services.organizations import create_organization
    from services.staff import create_staff_row

    await db.migrate(url)
    await db.connect(url)
    try:
        org, _ = await create_organization("Fanout Bench", "admin@fanout.bench", PASSWORD)
        for n in range(logins):
            await create_staff_row(org.id, email=f"manager{n}@fanout.bench", name=f"Manager {n}",
                                   password=PASSWORD, role=Role.MANAGER, timezone="UTC")  # fmt: skip
    finally:
        await db.disconnect()
    return org.id


async def run(args: argparse.Namespace) -> None:
    cancel_on_signals()
    raise_fd_limit()
    await recreate_database(args.database_url)
    flush_redis(args.redis_url)
    await prepare(args.database_url, args.logins)
    env = {**os.environ, "DATABASE_URL": args.database_url, "REDIS_URL": args.redis_url,
           "ACCESS_TOKEN_MINUTES": "240"}  # fmt: skip
    clients: list[subprocess.Popen[str]] = []
    with Children(env) as children:
        try:
            await measure(args, children, clients)
        finally:
            for client in clients:
                if client.poll() is None:
                    client.kill()
                    client.wait()


async def measure(
    args: argparse.Namespace, children: Children, clients: list[subprocess.Popen[str]]
) -> None:
    api, address = children.serve()
    url = f"ws://{address}/graphql"
    async with httpx.AsyncClient(base_url=f"http://{address}", timeout=60) as http:
        admin = await login(http, "admin@fanout.bench", PASSWORD)
        tokens = [
            await login(http, f"manager{n}@fanout.bench", PASSWORD) for n in range(args.logins)
        ]
        # Warm-up: one socket and one broadcast, so imports and caches are not counted as sockets.
        warm = await open_subscription(url, tokens[0], SUBSCRIPTION)
        await create(http, admin, "warm-up")
        await asyncio.wait_for(warm.recv(), 10)
        await warm.close()
        await asyncio.sleep(2)
        rss_before = rss_kb(api.pid)

        per_process = [args.subscribers // args.client_processes] * args.client_processes
        per_process[0] += args.subscribers - sum(per_process)
        started = time.monotonic()
        for count in per_process:
            client = subprocess.Popen(  # noqa: ASYNC220 (started once, before timing)
                [sys.executable, "-m", "bench.fanout", "--client"],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
            )  # fmt: skip
            clients.append(client)
            assert client.stdin is not None
            client.stdin.write(json.dumps({"url": url, "tokens": tokens, "count": count}) + "\n")
            client.stdin.flush()
        ready = [await asyncio.to_thread(_read_json, c) for c in clients]
        connect_seconds = time.monotonic() - started
        connected = sum(r["ready"] for r in ready)
        print(f"{connected} subscribers connected in {connect_seconds:.1f}s", file=sys.stderr)
        for r in ready:
            if r["failures"]:
                print(f"  connect failures: {r['failures']}", file=sys.stderr)
        await asyncio.sleep(args.idle_seconds)
        children.check_alive()
        cpu_idle_start, idle_start = cpu_seconds(api.pid), time.monotonic()
        await asyncio.sleep(args.idle_seconds)
        idle_cpu = (cpu_seconds(api.pid) - cpu_idle_start) / (time.monotonic() - idle_start)
        rss_after = rss_kb(api.pid)

        sends: list[tuple[float, float]] = []
        for n in range(args.broadcasts):
            sent = time.time()
            await create(http, admin, f"broadcast {n}")
            sends.append((sent, time.time()))
            await asyncio.sleep(args.wait_seconds)
        rss_peak = rss_kb(api.pid)
    results = []
    for client in clients:
        assert client.stdin is not None
        client.stdin.write("DUMP\n")
        client.stdin.flush()
        results.append(await asyncio.to_thread(_read_json, client))
    report(args, connected, connect_seconds, rss_before, rss_after, rss_peak, idle_cpu, sends,
           results)  # fmt: skip


def _read_json(client: subprocess.Popen[str]) -> dict[str, Any]:
    assert client.stdout is not None
    line = client.stdout.readline()
    if not line:
        raise RuntimeError(f"a client process exited with {client.wait()}")
    return json.loads(line)


async def create(http: httpx.AsyncClient, token: str, subject: str) -> None:
    due = "2030-01-01T09:00:00Z"
    data = await graphql(http, CREATE, {"i": {"subject": subject, "typeKey": "phone_call",
                         "dueAt": due, "reminders": []}}, token)  # fmt: skip
    if data["createFollowUp"]["__typename"] != "FollowUp":
        raise RuntimeError(f"createFollowUp: {data}")


def report(
    args: argparse.Namespace,
    connected: int,
    connect_seconds: float,
    rss_before: int,
    rss_after: int,
    rss_peak: int,
    idle_cpu: float,
    sends: list[tuple[float, float]],
    results: list[dict[str, Any]],
) -> None:
    sockets = [arrivals for result in results for arrivals in result["arrivals"]]
    rows: list[tuple[str, Any]] = [
        *machine_rows(),
        ("subscribers connected (requested)", f"{connected} ({args.subscribers})"),
        ("logins (managers) / client processes", f"{args.logins} / {args.client_processes}"),
        ("time to connect + subscribe all", f"{connect_seconds:.1f} s"),
        ("sockets closed by the server", sum(r["closed"] for r in results)),
        ("API RSS before subscribers", f"{rss_before / 1024:.1f} MiB"),
        ("API RSS with all subscribers idle", f"{rss_after / 1024:.1f} MiB"),
        ("**KB per idle subscriber**", f"**{(rss_after - rss_before) / max(connected, 1):.1f}**"),
        ("API CPU while idle (guards, pings)", f"{idle_cpu * 100:.0f}%"),
        ("API RSS after the broadcasts", f"{rss_peak / 1024:.1f} MiB"),
    ]
    for n, (sent, answered) in enumerate(sends):
        latencies = [(a[n] - sent) * 1000 for a in sockets if len(a) > n]
        label = f"broadcast {n + 1}"
        rows += [
            (f"{label}: received / missing", f"{len(latencies)} / {connected - len(latencies)}"),
            (f"{label}: mutation answered after", f"{(answered - sent) * 1000:.0f} ms"),
            (f"{label}: latency p50", f"{percentile(latencies, 0.5):.0f} ms"),
            (f"{label}: latency p95", f"{percentile(latencies, 0.95):.0f} ms"),
            (f"{label}: **latency p99**", f"**{percentile(latencies, 0.99):.0f} ms**"),
            (f"{label}: latency max", f"{percentile(latencies, 1.0):.0f} ms"),
        ]
    extra = sum(max(0, len(a) - len(sends)) for a in sockets)
    rows.append(("frames beyond one per broadcast (duplicates)", extra))
    print(table(rows))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--client", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument(
        "--database-url", default="postgres://root@127.0.0.1:5432/followups_bench_fanout"
    )
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/8")
    parser.add_argument("--subscribers", type=int, default=2000)
    parser.add_argument("--logins", type=int, default=10, help="managers the sockets log in as")
    parser.add_argument("--client-processes", type=int, default=2)
    parser.add_argument("--idle-seconds", type=float, default=10.0,
                        help="settle, then measure idle CPU over as long again")  # fmt: skip
    parser.add_argument("--broadcasts", type=int, default=3,
                        help="one after another; the first is the one the target is about")  # fmt: skip
    parser.add_argument("--wait-seconds", type=float, default=15.0,
                        help="after each broadcast, how long to wait for every socket")  # fmt: skip
    args = parser.parse_args()
    if args.client:
        with contextlib.suppress(ImportError):
            import uvloop

            uvloop.install()
        asyncio.run(client_main())
        return
    run_against_flushed_redis(run, args)


if __name__ == "__main__":
    main()
