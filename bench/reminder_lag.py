"""Reminder lag through the real pipeline: 10,000 in-app reminders falling due within one
minute, fired by `followups scheduler` + `followups worker` and pushed by `followups serve`
to websocket subscribers. Lag = when the notification frame arrives on the socket minus
the reminder's scheduled fire time (dueAt - offset), both on this machine's clock.

    .venv/bin/python -m bench.reminder_lag
    .venv/bin/python -m bench.reminder_lag --follow-ups 10000 --staff 20 --worker-threads 16

It recreates the PostgreSQL database (default followups_bench_lag) and FLUSHDBs the Redis
logical database it is given (default redis://127.0.0.1:6379/7, never db 0). Each follow-up
has one reminder `{offsetMinutes: 60, channels: [IN_APP]}`; their fire times are spread
evenly over one calendar minute, the first full minute at least --start-after seconds
ahead. By default one follow-up per staff goes through services.followups.create_follow_up
(the code of the createFollowUp mutation) and is copied in SQL, rows and timers as the
service writes them, so creation takes seconds; `--create services --start-after 300`
sends every one through the service. Settings of the three processes:
--worker-threads, --worker-pool (the worker's PostgreSQL pool), --worker-timeout-ms
(the worker's idle poll, `--poll-ms`), --scheduler-poll-seconds,
--look-ahead-seconds.
"""

import argparse
import asyncio
import json
import os
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import httpx

from bench.common import (
    Children,
    cancel_on_signals,
    cpu_seconds,
    flush_redis,
    login,
    machine_rows,
    open_subscription,
    percentile,
    recreate_database,
    run_against_flushed_redis,
    table,
)

PASSWORD = "bench-pass-phrase-123"
OFFSET_MINUTES = 60
SUBSCRIPTION = "subscription { notifications { id createdAt followUp { id dueAt } } }"


@dataclass
class Arrival:
    at: float  # time.time() when the frame was read
    staff: int
    raw: str


@dataclass
class Plan:
    org_id: int = 0
    staff: list[tuple[int, str]] = field(default_factory=list)  # (id, email)
    fire_at: dict[int, float] = field(default_factory=dict)  # follow-up id -> epoch seconds
    recipient: dict[int, int] = field(default_factory=dict)  # follow-up id -> staff id


# ---------------------------------------------------------------- creating


async def setup(args: argparse.Namespace) -> tuple[Plan, Any]:
    """Org and staff through the services; returns the plan and the admin as a caller."""
    from models.staff import Role
    from services.organizations import create_organization
    from services.staff import create_staff_row
    from services.visibility import Caller

    plan = Plan()
    org, admin = await create_organization("Lag Bench", "admin@lag.bench", PASSWORD, "Lag Admin")
    plan.org_id = org.id
    for n in range(args.staff):
        member = await create_staff_row(org.id, email=f"staff{n}@lag.bench",
            name=f"Staff {n}", password=PASSWORD, role=Role.STAFF, timezone="UTC")  # fmt: skip
        plan.staff.append((member.id, member.email))
    return plan, Caller(admin.id, org.id, Role.ADMIN, admin.email, admin.name, "UTC", False)


async def create_follow_ups(
    args: argparse.Namespace, plan: Plan, caller: Any, window_start: datetime
) -> float:
    """The follow-ups through services.followups.create_follow_up; returns creates per second."""
    from services.followups import FollowUpDraft, create_follow_up
    from services.reminders import ReminderSpec

    spread = timedelta(seconds=args.spread_seconds)
    queue: asyncio.Queue[int] = asyncio.Queue()
    for n in range(args.follow_ups):
        queue.put_nowait(n)
    started = time.monotonic()

    async def creator() -> None:
        while not queue.empty():
            n = queue.get_nowait()
            fire = window_start + spread * (n / args.follow_ups)
            staff_id = plan.staff[n % len(plan.staff)][0]
            follow_up = await create_follow_up(caller, FollowUpDraft(
                subject=f"Lag check {n}", type_key="phone_call",
                due_at=fire + timedelta(minutes=OFFSET_MINUTES), assignee_id=staff_id,
                reminders=[ReminderSpec(OFFSET_MINUTES, ["in_app"])]))  # fmt: skip
            plan.fire_at[follow_up.id] = fire.timestamp()
            plan.recipient[follow_up.id] = staff_id
            if len(plan.fire_at) % 1000 == 0:
                print(f"  created {len(plan.fire_at)}", file=sys.stderr, flush=True)

    await asyncio.gather(*(creator() for _ in range(args.create_concurrency)))
    return args.follow_ups / (time.monotonic() - started)


async def clone_follow_ups(
    args: argparse.Namespace, plan: Plan, caller: Any, window_start: datetime
) -> float:
    """Fast path (the default): one follow-up per staff through create_follow_up, a month
    ahead, then its follow_up, reminder and timer rows (reminder and overdue) copied in SQL
    with the new due times. The rows are those the service writes; only the `activity`
    history lines of the copies are left out. Returns follow-ups per second."""
    from services.followups import FollowUpDraft, create_follow_up
    from services.reminders import ReminderSpec

    started = time.monotonic()
    spread = timedelta(seconds=args.spread_seconds)
    templates = {}
    for staff_id, _ in plan.staff:
        template = await create_follow_up(caller, FollowUpDraft(
            subject="Template", type_key="phone_call", assignee_id=staff_id,
            due_at=window_start + timedelta(days=30),
            reminders=[ReminderSpec(OFFSET_MINUTES, ["in_app"])]))  # fmt: skip
        templates[staff_id] = template.id
    conn = await asyncpg.connect(args.database_url)
    try:
        columns = {
            table: [r["column_name"] for r in await conn.fetch(
                "SELECT column_name FROM information_schema.columns WHERE table_name = $1 "
                "AND column_name <> 'id' AND is_generated = 'NEVER' ORDER BY ordinal_position",
                table)]
            for table in ("follow_up", "reminder", "timer")
        }  # fmt: skip

        def copy(table: str, overrides: dict[str, str], source: str) -> str:
            names = ", ".join(f'"{c}"' for c in columns[table])
            values = ", ".join(overrides.get(c, f't."{c}"') for c in columns[table])
            return f"INSERT INTO {table} ({names}) SELECT {values} FROM {source}"

        async with conn.transaction():
            for index, (staff_id, _) in enumerate(plan.staff):
                numbers = list(range(index, args.follow_ups, len(plan.staff)))
                fires = [window_start + spread * (n / args.follow_ups) for n in numbers]
                dues = [fire + timedelta(minutes=OFFSET_MINUTES) for fire in fires]
                rows = await conn.fetch(copy("follow_up",
                    {"subject": "u.subject", "due_at": "u.due", "created_at": "now()",
                     "updated_at": "now()"},
                    "follow_up t, unnest($2::text[], $3::timestamptz[], $4::int[]) "
                    "AS u(subject, due, n) WHERE t.id = $1 ORDER BY u.n") + " RETURNING id",
                    templates[staff_id], [f"Lag check {n}" for n in numbers], dues, numbers)  # fmt: skip
                ids = [r["id"] for r in rows]
                reminders = await conn.fetch(copy("reminder",
                    {"follow_up_id": "u.follow_up", "fire_at": "u.fire", "created_at": "now()"},
                    "reminder t, unnest($2::int[], $3::timestamptz[], $4::int[]) "
                    "AS u(follow_up, fire, n) WHERE t.follow_up_id = $1 ORDER BY u.n")
                    + " RETURNING id", templates[staff_id], ids, fires, numbers)  # fmt: skip
                reminder_ids = [r["id"] for r in reminders]
                keys = [
                    f"reminder:{r}:{f.isoformat()}"
                    for r, f in zip(reminder_ids, fires, strict=True)
                ]
                await conn.execute(copy("timer",
                    {"target_id": "u.target", "fire_at": "u.fire", "dedupe_key": "u.key",
                     "created_at": "now()", "updated_at": "now()"},
                    "timer t, unnest($2::int[], $3::timestamptz[], $4::text[]) AS u(target, fire, key) "
                    "WHERE t.kind = 'reminder' AND t.target_id = (SELECT id FROM reminder "
                    "WHERE follow_up_id = $1)"), templates[staff_id], reminder_ids, fires, keys)  # fmt: skip
                overdue = await conn.fetchval("SELECT fire_at - $2::timestamptz FROM timer "
                    "WHERE kind = 'overdue' AND target_id = $1", templates[staff_id],
                    window_start + timedelta(days=30))  # fmt: skip
                await conn.execute(copy("timer",
                    {"target_id": "u.target", "fire_at": "u.fire", "dedupe_key": "u.key",
                     "created_at": "now()", "updated_at": "now()"},
                    "timer t, unnest($2::int[], $3::timestamptz[], $4::text[]) AS u(target, fire, key) "
                    "WHERE t.kind = 'overdue' AND t.target_id = $1"), templates[staff_id], ids,
                    [d + overdue for d in dues],
                    [f"overdue:{i}:{d.isoformat()}" for i, d in zip(ids, dues, strict=True)])  # fmt: skip
                for follow_up_id, fire in zip(ids, fires, strict=True):
                    plan.fire_at[follow_up_id] = fire.timestamp()
                    plan.recipient[follow_up_id] = staff_id
    finally:
        await conn.close()
    return args.follow_ups / (time.monotonic() - started)


# ---------------------------------------------------------------- receiving


async def receive(connection: Any, staff_id: int, arrivals: list[Arrival]) -> None:
    async for raw in connection:
        at = time.time()
        if '"ping"' in raw[:40]:
            await connection.send('{"type": "pong"}')
            continue
        arrivals.append(Arrival(at, staff_id, raw))


async def run(args: argparse.Namespace) -> None:
    from runtime import db
    from runtime.bus import Bus, use_bus

    cancel_on_signals()
    print(f"fresh database {args.database_url}, FLUSHDB {args.redis_url}", file=sys.stderr)
    await recreate_database(args.database_url)
    await db.migrate(args.database_url)
    flush_redis(args.redis_url)

    creation_began = datetime.now(UTC)
    # The whole window inside one calendar minute: from the first full minute after start-after.
    earliest = creation_began + timedelta(seconds=args.start_after)
    window_start = earliest.replace(second=0, microsecond=0) + timedelta(minutes=1)
    window_end = window_start + timedelta(seconds=args.spread_seconds)
    print(
        f"reminders fall due {window_start:%H:%M:%S} to {window_end:%H:%M:%S} UTC", file=sys.stderr
    )

    env = {**os.environ, "DATABASE_URL": args.database_url, "REDIS_URL": args.redis_url,
           "ACCESS_TOKEN_MINUTES": "240"}  # fmt: skip
    if args.scheduler_poll_seconds is not None:
        env["SCHEDULER_POLL_SECONDS"] = str(args.scheduler_poll_seconds)
    if args.look_ahead_seconds is not None:
        env["SCHEDULER_LOOK_AHEAD_SECONDS"] = str(args.look_ahead_seconds)
    worker_env = {}
    poll = [] if args.worker_timeout_ms is None else ["--poll-ms", str(args.worker_timeout_ms)]
    if args.worker_pool is not None:  # Tortoise reads the asyncpg pool size from the URL
        worker_env["DATABASE_URL"] = f"{args.database_url}?maxsize={args.worker_pool}"

    use_bus(Bus())  # CREATED events of this process stay here; the API's bus is Redis
    await db.connect(args.database_url + f"?maxsize={args.create_concurrency + 2}")
    with Children(env) as children:
        try:
            plan, caller = await setup(args)
            api, address = children.serve()
            scheduler = children.start("scheduler")
            worker = children.start(
                "worker", "--threads", str(args.worker_threads), *poll, env=worker_env
            )
            print(f"processes up, logs in {children.logs}", file=sys.stderr)
            async with httpx.AsyncClient(base_url=f"http://{address}", timeout=60) as client:
                tokens = [(sid, await login(client, mail, PASSWORD)) for sid, mail in plan.staff]
            connections = [
                (sid, await open_subscription(f"ws://{address}/graphql", token, SUBSCRIPTION))
                for sid, token in tokens
            ]
            arrivals: list[Arrival] = []
            readers = [asyncio.create_task(receive(c, sid, arrivals)) for sid, c in connections]
            print(f"{len(connections)} sockets subscribed", file=sys.stderr)
            make = clone_follow_ups if args.create == "sql" else create_follow_ups
            create_rate = await make(args, plan, caller, window_start)
        finally:
            await db.disconnect()
        margin = (window_start - datetime.now(UTC)).total_seconds()
        print(f"created {len(plan.fire_at)} follow-ups ({create_rate:.0f}/s); "
              f"{margin:.0f}s before the first reminder", file=sys.stderr)  # fmt: skip
        if margin < 10:
            raise SystemExit("creation ran too close to the window: raise --start-after")
        children.check_alive()
        pids = {"api": api.pid, "scheduler": scheduler.pid, "worker": worker.pid}
        await asyncio.sleep(max(0.0, window_start.timestamp() - 2 - time.time()))
        cpu_before = {name: cpu_seconds(pid) for name, pid in pids.items()}
        clock_before = time.time()
        deadline = window_end.timestamp() + args.grace_seconds
        expected = len(plan.fire_at)
        last_report = 0.0
        while time.time() < deadline:
            await asyncio.sleep(0.5)
            children.check_alive()
            if time.time() - last_report > 10:
                last_report = time.time()
                print(f"  {len(arrivals)}/{expected} received", file=sys.stderr, flush=True)
            if len(arrivals) >= expected and time.time() > window_end.timestamp():
                break
        all_in = time.time()
        cpu_after = {name: cpu_seconds(pid) for name, pid in pids.items()}
        await asyncio.sleep(args.settle_seconds)  # anything sent twice arrives meanwhile
        for reader in readers:
            reader.cancel()
        for _, connection in connections:
            await connection.close()
        elapsed = all_in - clock_before
        usage = {n: (cpu_after[n] - cpu_before[n]) / elapsed * 100 for n in pids}
    database = await database_figures(args.database_url)
    report(args, plan, arrivals, usage, elapsed, database, create_rate)


async def database_figures(url: str) -> dict[str, Any]:
    conn = await asyncpg.connect(url)
    try:
        row = await conn.fetchrow(
            "SELECT (SELECT count(*) FROM notification WHERE kind = 'reminder') AS notifications,"
            " (SELECT count(DISTINCT follow_up_id) FROM notification WHERE kind = 'reminder') AS follow_ups,"
            " (SELECT count(*) FROM timer WHERE kind = 'reminder' AND status = 'done') AS done,"
            # the templates of --create sql fall due a month later: not counted
            " (SELECT count(*) FROM timer WHERE kind = 'reminder' AND status <> 'done'"
            "  AND fire_at < now() + interval '1 day') AS not_done,"
            " (SELECT coalesce(max(attempts), 0) FROM timer WHERE kind = 'reminder') AS most_attempts"
        )
        assert row is not None
        return dict(row)
    finally:
        await conn.close()


def report(
    args: argparse.Namespace,
    plan: Plan,
    arrivals: list[Arrival],
    usage: dict[str, float],
    elapsed: float,
    database: dict[str, Any],
    create_rate: float,
) -> None:
    lags: list[float] = []
    pipeline: list[float] = []  # fire time -> notification row created (scheduler, broker, worker)
    push: list[float] = []  # row created -> frame on the socket (commit, Redis, API, websocket)
    by_notification: dict[str, int] = {}
    by_follow_up: dict[int, int] = {}
    wrong_recipient = errors = 0
    for arrival in arrivals:
        message = json.loads(arrival.raw)
        if message.get("type") != "next" or "errors" in message.get("payload", {}):
            errors += 1
            continue
        notification = message["payload"]["data"]["notifications"]
        follow_up_id = int(_pk(notification["followUp"]["id"]))
        by_notification[notification["id"]] = by_notification.get(notification["id"], 0) + 1
        by_follow_up[follow_up_id] = by_follow_up.get(follow_up_id, 0) + 1
        if plan.recipient.get(follow_up_id) != arrival.staff:
            wrong_recipient += 1
        fire = plan.fire_at.get(follow_up_id)
        if fire is None:
            continue
        created = datetime.fromisoformat(notification["createdAt"]).timestamp()
        lags.append((arrival.at - fire) * 1000)
        pipeline.append((created - fire) * 1000)
        push.append((arrival.at - created) * 1000)
    window_start = min(plan.fire_at.values(), default=0.0)
    window_end = window_start + args.spread_seconds
    during = sum(1 for a in arrivals if a.at <= window_end) / max(args.spread_seconds, 1)
    late = [a.at for a in arrivals if a.at > window_end]
    after = len(late) / (max(late) - window_end) if len(late) > 1 else float("nan")
    duplicates = sum(c - 1 for c in by_follow_up.values() if c > 1)
    duplicate_ids = sum(c - 1 for c in by_notification.values() if c > 1)
    missing = len(set(plan.fire_at) - set(by_follow_up))

    def ms(values: list[float], fraction: float) -> str:
        return f"{percentile(values, fraction):.0f} ms"

    rows: list[tuple[str, Any]] = [
        *machine_rows(),
        ("follow-ups (one IN_APP reminder each)", len(plan.fire_at)),
        ("recipient staff = websocket subscribers", len(plan.staff)),
        ("reminders fall due over", f"{args.spread_seconds:g} s"),
        ("worker", f"1 process, {args.worker_threads} threads, "
                   f"idle poll {args.worker_timeout_ms or 'default (100)'} ms, "
                   f"pool {args.worker_pool or 'DATABASE_POOL_SIZE (default 16)'}"),
        ("scheduler poll / look-ahead", f"{args.scheduler_poll_seconds or 'default (0.25)'} s / "
                                        f"{args.look_ahead_seconds or 'default (2)'} s"),
        ("notifications received", len(arrivals) - errors),
        ("error frames", errors),
        ("duplicates (same follow-up twice)", duplicates),
        ("duplicates (same notification id twice)", duplicate_ids),
        ("missing", missing),
        ("delivered to the wrong subscriber", wrong_recipient),
        ("lag p50", ms(lags, 0.50)),
        ("lag p95", ms(lags, 0.95)),
        ("lag p99", ms(lags, 0.99)),
        ("lag max", ms(lags, 1.0)),
        ("  fire → notification row (scheduler+broker+worker) p50 / p99",
         f"{ms(pipeline, 0.5)} / {ms(pipeline, 0.99)}"),
        ("  notification row → websocket frame (bus+API) p50 / p99",
         f"{ms(push, 0.5)} / {ms(push, 0.99)}"),
        ("CPU during the window: api / scheduler / worker",
         " / ".join(f"{usage[n]:.0f}%" for n in ("api", "scheduler", "worker"))),
        ("window + drain (first due → all received)", f"{elapsed:.1f} s"),
        ("frames/s while reminders fall due / after (draining)", f"{during:.0f} / {after:.0f}"),
        ("database: reminder notifications / distinct follow-ups",
         f"{database['notifications']} / {database['follow_ups']}"),
        ("database: reminder timers done / not done / most attempts",
         f"{database['done']} / {database['not_done']} / {database['most_attempts']}"),
        (f"creation ({args.create}), for reference", f"{create_rate:.0f} follow-ups/s"),
    ]  # fmt: skip
    print(table(rows))


def _pk(global_id: str) -> str:
    import base64

    return base64.b64decode(global_id).decode().split(":", 1)[1]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--database-url", default="postgres://root@127.0.0.1:5432/followups_bench_lag"
    )
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/7")
    parser.add_argument("--follow-ups", type=int, default=10_000)
    parser.add_argument("--staff", type=int, default=20, help="recipients, one socket each")
    parser.add_argument("--spread-seconds", type=float, default=60.0)
    parser.add_argument("--start-after", type=float, default=60.0,
                        help="at least this many seconds from the start of creation to the first "
                        "reminder (raise it to ~300 with --create services)")  # fmt: skip
    parser.add_argument(
        "--create",
        choices=["sql", "services"],
        default="sql",
        help="sql: one follow-up per staff through the services, copied in SQL "
        "(seconds); services: every one through create_follow_up (~45/s idle)",
    )
    parser.add_argument("--create-concurrency", type=int, default=12)
    parser.add_argument("--worker-threads", type=int, default=16)
    parser.add_argument(
        "--worker-timeout-ms",
        type=int,
        help="the worker's idle poll, `followups worker --poll-ms` (default 100)",
    )
    parser.add_argument(
        "--worker-pool",
        type=int,
        help="the worker's PostgreSQL pool size (DATABASE_URL ?maxsize=; default 5)",
    )
    parser.add_argument("--scheduler-poll-seconds", type=float)
    parser.add_argument("--look-ahead-seconds", type=float)
    parser.add_argument("--grace-seconds", type=float, default=120.0,
                        help="after the window, how long to wait for stragglers")  # fmt: skip
    parser.add_argument("--settle-seconds", type=float, default=5.0)
    args = parser.parse_args()
    run_against_flushed_redis(run, args)


if __name__ == "__main__":
    main()
