"""Exactly-once effects across real processes: several schedulers and workers, a worker
killed mid-batch, Redis restarted empty, events fanned out to every API instance.

Reminders are set up so that no timing can leave one behind: each follow-up is due a day
ahead and asks for one reminder two days before, which is past the moment it is planned,
so it fires at once (the catch-up rule of services.reminders). Whenever the rows are
written, by however slow a machine, every reminder is planned and due. The processes that
must race for them are started before they become due where the race is the point.
"""

import asyncio
import json
import signal
import time
from datetime import UTC, datetime, timedelta

import asyncpg
import redis.asyncio as redis
import websockets
from websockets.typing import Subprotocol

from runtime.bus import org_channel
from tests.distributed.conftest import Processes, next_event, timed, wait_until

CREATE = """mutation($i: CreateFollowUpInput!) { createFollowUp(input: $i) { __typename ... on FollowUp { id } } }"""
RESCHEDULE = """mutation($ids: [ID!]!, $due: DateTime!) { bulkUpdateFollowUps(ids: $ids, input: {reschedule: {dueAt: $due}}) {
  __typename ... on BulkUpdateResult { succeeded failed } } }"""
REMINDER_OFFSET = timedelta(days=2)
SCHEDULER_READY = "scheduler started"
WORKER_READY = "worker started"


def in_days(days: float) -> str:
    return (datetime.now(UTC) + timedelta(days=days)).isoformat()


async def create_follow_ups(
    processes: Processes, address: str, token: str, count: int, due_in_days: float
) -> list[str]:
    """Follow-ups with one in-app reminder REMINDER_OFFSET before their due time, 25 at a
    time; the time it took is this test's measure of the machine (Pace)."""

    async def one(n: int) -> str:
        data = await processes.graphql(address, CREATE, {"i": {
            "subject": f"Check installation {n}", "typeKey": "customer_check", "dueAt": in_days(due_in_days),
            "reminders": [{"offsetMinutes": int(REMINDER_OFFSET.total_seconds() // 60), "channels": ["IN_APP"]}],
        }}, token)  # fmt: skip
        assert data["createFollowUp"]["__typename"] == "FollowUp", data
        return data["createFollowUp"]["id"]

    async def all_of_them() -> list[str]:
        ids: list[str] = []
        for start in range(0, count, 25):
            ids += await asyncio.gather(*(one(n) for n in range(start, min(start + 25, count))))
        return ids

    ids, seconds = await timed(all_of_them())
    processes.pace.saw_follow_ups(count, seconds)
    return ids


async def create_due_follow_ups(processes: Processes, address: str, token: str, count: int) -> None:
    """Follow-ups whose reminder is due the moment it is written (due in a day, reminded
    two days before: the catch-up fires at once)."""
    await create_follow_ups(processes, address, token, count, due_in_days=1)


class Reminders:
    """Reads the reminder pipeline's state over one connection the test holds open."""

    def __init__(self, processes: Processes) -> None:
        self.processes = processes
        self.db: asyncpg.Connection | None = None

    async def __aenter__(self) -> "Reminders":
        self.db = await asyncpg.connect(
            self.processes.database_url, timeout=self.processes.pace.request()
        )
        return self

    async def __aexit__(self, *_: object) -> None:
        assert self.db is not None
        await self.db.close()

    async def counts(self) -> dict[str, int]:
        assert self.db is not None
        row = await self.db.fetchrow(
            "SELECT (SELECT count(*) FROM notification WHERE kind = 'reminder') AS notifications,"
            " (SELECT count(DISTINCT follow_up_id) FROM notification WHERE kind = 'reminder') AS follow_ups,"
            " (SELECT count(*) FROM reminder WHERE status = 'sent') AS sent,"
            " (SELECT count(*) FROM timer WHERE kind = 'reminder' AND status = 'done') AS done,"
            " (SELECT count(*) FROM timer WHERE kind = 'reminder' AND status = 'claimed') AS claimed,"
            " (SELECT coalesce(max(attempts), 0) FROM timer WHERE kind = 'reminder') AS most_attempts"
        )
        assert row is not None
        return dict(row)

    async def all_done(self, count: int) -> dict[str, int] | None:
        counts = await self.counts()
        return counts if counts["done"] == count else None

    async def all_claimed(self, count: int) -> bool:
        counts = await self.counts()
        return counts["claimed"] == count and counts["done"] == 0


async def test_two_schedulers_and_three_workers_deliver_each_reminder_once(
    processes: Processes,
) -> None:
    _, email = await processes.create_org()
    api = await processes.serve_measured()
    token = await processes.login(api, email)
    count = 120
    # Reminders a day ahead for now: nothing is due while the rows are written.
    ids = await create_follow_ups(processes, api, token, count, due_in_days=3)
    started = time.monotonic()
    # A lease as long as the whole wait: a timer claimed twice can then only mean the
    # schedulers' SKIP LOCKED claims overlapped, never a claim that ran out on a slow machine.
    delivery = processes.pace.work(count, starts=5)
    processes.env["LEASE_SECONDS"] = str(delivery)
    for _ in range(2):
        await processes.start_ready("scheduler", says=SCHEDULER_READY)
    for _ in range(3):
        await processes.start_ready("worker", "--threads", "4", says=WORKER_READY)
    # One batch moves every due time to tomorrow: each reminder, two days before, is then
    # past and fires at once, raced for by both schedulers as each follow-up commits.
    moved = await processes.graphql(api, RESCHEDULE, {"ids": ids, "due": in_days(1)}, token)
    assert moved["bulkUpdateFollowUps"] == {
        "__typename": "BulkUpdateResult", "succeeded": count, "failed": 0
    }  # fmt: skip
    async with Reminders(processes) as reminders:
        counts = await wait_until(
            lambda: reminders.all_done(count),
            delivery - (time.monotonic() - started),
            f"{count} reminders delivered",
        )
    assert counts["notifications"] == count
    assert counts["follow_ups"] == count
    assert counts["sent"] == count
    assert counts["most_attempts"] == 1  # no timer was ever claimed twice


async def test_a_worker_killed_mid_batch_loses_and_duplicates_nothing(processes: Processes) -> None:
    org_id, email = await processes.create_org()
    api = await processes.serve_measured()
    token = await processes.login(api, email)
    count = 400
    await create_due_follow_ups(processes, api, token, count)
    events = redis.Redis.from_url(processes.env["REDIS_URL"])
    pubsub = events.pubsub()
    await pubsub.subscribe(org_channel(org_id))
    try:
        await processes.start_ready("scheduler", says=SCHEDULER_READY)
        doomed = processes.start("worker", "--threads", "8")
        # Killed at the first notification it publishes: the event arrives within
        # milliseconds, while nearly the whole batch is still in its hands or queued.
        await next_event(
            pubsub, "notification", processes.pace.work(1, starts=1), "the first notification"
        )
        doomed.send_signal(signal.SIGKILL)
        doomed.wait()
    finally:
        await pubsub.aclose()
        await events.aclose()
    async with Reminders(processes) as reminders:
        at_kill = await reminders.counts()
        assert 0 < at_kill["done"] < count, at_kill
        processes.start("worker", "--threads", "8")
        counts = await wait_until(
            lambda: reminders.all_done(count),
            processes.pace.work(count, starts=1, plus=processes.lease_seconds),
            f"the other {count - at_kill['done']} reminders after the kill",
        )
    assert counts["notifications"] == count
    assert counts["follow_ups"] == count


async def test_redis_restarted_empty_still_ends_with_every_reminder_once(
    processes: Processes, redis_server
) -> None:
    _, email = await processes.create_org()
    api = await processes.serve_measured()
    token = await processes.login(api, email)
    count = 150
    await create_due_follow_ups(processes, api, token, count)
    # The scheduler alone: it claims every reminder and sends it to Redis, where nothing
    # takes it. Then Redis dies and comes back empty: every message is gone.
    await processes.start_ready("scheduler", says=SCHEDULER_READY)
    async with Reminders(processes) as reminders:
        await wait_until(
            lambda: reminders.all_claimed(count),
            processes.pace.work(count, starts=1),
            "every reminder claimed",
        )
        redis_server.kill()
        processes.pace.saw_process(redis_server.start(processes.pace.process_start()))
        processes.start("worker", "--threads", "8")
        counts = await wait_until(
            lambda: reminders.all_done(count),
            processes.pace.work(count, starts=1, plus=processes.lease_seconds),
            "redelivery once the leases ran out",
        )
    assert counts["notifications"] == count
    assert counts["follow_ups"] == count


async def test_an_event_reaches_subscribers_on_every_api_instance(processes: Processes) -> None:
    _, email = await processes.create_org()
    first, second, third = [await processes.serve_measured() for _ in range(3)]
    token = await processes.login(third, email)
    sockets = []
    for address in (first, second):
        connection = await websockets.connect(
            f"ws://{address}/graphql",
            subprotocols=[Subprotocol("graphql-transport-ws")],
            open_timeout=processes.pace.request(),
        )
        await connection.send(
            json.dumps({"type": "connection_init", "payload": {"authorization": f"Bearer {token}"}})
        )
        ack = await asyncio.wait_for(connection.recv(), processes.pace.request())
        assert json.loads(ack)["type"] == "connection_ack"
        await connection.send(json.dumps({"id": "1", "type": "subscribe", "payload": {
            "query": "subscription { followUpEvents { kind followUp { subject } } }"}}))  # fmt: skip
        sockets.append(connection)
    # A subscription is live once an event has come through it: send probes until each
    # has. A probe's event takes about as long to arrive as its request took to answer;
    # one that comes later counts at the next probe.
    waiting = list(sockets)
    deadline = time.monotonic() + processes.pace.process_start()
    n = 0
    while waiting and time.monotonic() < deadline:
        n += 1
        _, seconds = await timed(processes.graphql(
            third, CREATE, {"i": {"subject": f"Probe {n}", "typeKey": "email", "dueAt": in_days(1)}}, token
        ))  # fmt: skip
        waiting = [c for c in waiting if not await _received_within(processes, c, 2 * seconds)]
    assert not waiting, f"a subscription was not live after {n} probes"
    await processes.graphql(
        third,
        CREATE,
        {"i": {"subject": "Seen everywhere", "typeKey": "email", "dueAt": in_days(1)}},
        token,
    )
    for connection in sockets:
        while True:  # late probes may still be on their way
            event = (await _next_data(processes, connection))["followUpEvents"]
            if not event["followUp"]["subject"].startswith("Probe"):
                break
        assert event == {"kind": "CREATED", "followUp": {"subject": "Seen everywhere"}}
        await connection.close()


async def _received_within(
    processes: Processes, connection: websockets.ClientConnection, seconds: float
) -> bool:
    try:
        await asyncio.wait_for(_next_data(processes, connection), seconds)
    except TimeoutError:
        return False
    return True


async def _next_data(processes: Processes, connection: websockets.ClientConnection) -> dict:
    while True:
        raw = await asyncio.wait_for(connection.recv(), processes.pace.request())
        message = json.loads(raw)
        if message["type"] == "ping":
            await connection.send(json.dumps({"type": "pong"}))
            continue
        assert message["type"] == "next", message
        return message["payload"]["data"]
