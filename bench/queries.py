"""Server time of the commonest GraphQL queries on the seeded database (bench/seed.py).

    .venv/bin/python -m bench.queries --database-url postgres://root@127.0.0.1:5432/followups_bench

Requests go through the real ASGI app in-process (no network). The figures are the app's
own Server-Timing header: from the request reaching the app to its response starting
(authentication, parsing, validation, SQL, building and encoding the response), without
the benchmark's HTTP client.
"""

import argparse
import asyncio
import random
import statistics
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import httpx

from bench.seed import PASSWORD
from gql.app import create_app
from runtime import db
from services.global_ids import global_id

NODE = "id subject dueAt status priority type { key name } client { name } assignee { name }"
LIST = f"query($f: FollowUpFilter) {{ followUps(filter: $f, first: 50) {{ totalCount edges {{ node {{ {NODE} }} }} }} }}"


@dataclass
class Case:
    """One named query and how to vary its variables per run."""

    name: str
    query: str
    variables: Callable[[random.Random], dict[str, Any]]
    token: str = "staff"


def gid(kind: str, pk: int) -> str:
    return global_id(kind, pk)


async def sample_ids(url: str) -> dict[str, list[int]]:
    conn = await asyncpg.connect(url)
    try:
        staff = [r["id"] for r in await conn.fetch("SELECT id FROM staff ORDER BY id")]
        clients = [
            r["id"] for r in await conn.fetch("SELECT id FROM client ORDER BY random() LIMIT 500")
        ]
    finally:
        await conn.close()
    return {"staff": staff, "clients": clients}


def cases(ids: dict[str, list[int]]) -> list[Case]:
    def week() -> tuple[str, str]:
        today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
        start = today - timedelta(days=today.weekday())
        return start.isoformat(), (start + timedelta(days=7)).isoformat()

    def assignee_week(rng: random.Random) -> dict[str, Any]:
        after, before = week()
        return {"f": {"assigneeIds": [gid("Staff", rng.choice(ids["staff"]))], "status": ["PENDING", "IN_PROGRESS"],
                      "dueAfter": after, "dueBefore": before}}  # fmt: skip

    def client(rng: random.Random) -> dict[str, Any]:
        return {"f": {"clientId": gid("Client", rng.choice(ids["clients"]))}}

    def search(rng: random.Random) -> dict[str, Any]:
        return {
            "f": {
                "search": rng.choice(
                    ["passport", "invoice overdue", "visa", "bank statements", "warr"]
                )
            }
        }

    return [
        Case("assignee's open follow-ups due this week", LIST, assignee_week, "admin"),
        Case("a client's follow-ups", LIST, client, "admin"),
        Case("text search", LIST, search, "admin"),
    ]


async def login(client: httpx.AsyncClient, email: str) -> str:
    response = await client.post("/graphql", json={
        "query": "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { ... on AuthSuccess { accessToken } } }",
        "variables": {"e": email, "p": PASSWORD}})  # fmt: skip
    return response.json()["data"]["login"]["accessToken"]


def server_time(response: httpx.Response) -> float:
    """Milliseconds from the app's Server-Timing header (gql/timing.py)."""
    timing = response.headers["server-timing"]
    return float(timing.split("dur=", 1)[1].split(";", 1)[0])


async def measure(
    client: httpx.AsyncClient, case: Case, tokens: dict[str, str], runs: int
) -> dict[str, float]:
    rng = random.Random(11)
    headers = {"Authorization": f"Bearer {tokens[case.token]}"}
    timings: list[float] = []
    rows: list[int] = []
    for run in range(runs + 20):  # the first 20 warm caches and are not counted
        payload = {"query": case.query, "variables": case.variables(rng)}
        response = await client.post("/graphql", json=payload, headers=headers)
        elapsed = server_time(response)
        body = response.json()
        if "errors" in body:
            raise SystemExit(f"{case.name}: {body['errors']}")
        if run >= 20:
            timings.append(elapsed)
            first = next(iter(body["data"].values()))
            rows.append(first.get("totalCount", 0) if isinstance(first, dict) else 0)
    timings.sort()
    return {
        "median": statistics.median(timings),
        "p95": timings[int(len(timings) * 0.95) - 1],
        "min": timings[0],
        "max": timings[-1],
        "rows": statistics.median(rows),
    }


async def run(url: str, runs: int, only: str | None, make_cases: Callable[..., list[Case]]) -> None:
    """Times each case through the app in-process and prints a markdown table."""
    ids = await sample_ids(url)
    await db.connect(url)
    app = create_app(manage_database=False)
    # The app's own start-up and shutdown, as `followups serve` runs them (the heap policy).
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://bench"
        ) as client,
    ):
        tokens = {
            "admin": await login(client, "admin@bench.example"),
            "staff": await login(client, "staff5@bench.example"),
        }
        print("| query | median ms | p95 ms | min ms | max ms | median totalCount |")
        print("|---|---:|---:|---:|---:|---:|")
        for case in make_cases(ids):
            if only and only not in case.name:
                continue
            figures = await measure(client, case, tokens, runs)
            print(f"| {case.name} | {figures['median']:.1f} | {figures['p95']:.1f} | {figures['min']:.1f} "
                  f"| {figures['max']:.1f} | {figures['rows']:.0f} |")  # fmt: skip
    await db.disconnect()


def main(
    doc: str | None = __doc__,
    make_cases: Callable[..., list[Case]] = cases,
    default_runs: int = 200,
) -> None:
    parser = argparse.ArgumentParser(
        description=doc, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", default="postgres://root@127.0.0.1:5432/followups_bench")
    parser.add_argument("--runs", type=int, default=default_runs)
    parser.add_argument("--only", help="run the cases whose name contains this")
    args = parser.parse_args()
    asyncio.run(run(args.database_url, args.runs, args.only, make_cases))


if __name__ == "__main__":
    main()
