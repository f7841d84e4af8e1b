"""Exactly-once effects across real processes: several schedulers and workers, a worker
killed mid-batch, Redis restarted empty, events fanned out to every API instance."""

import asyncio
import json
import signal
from datetime import UTC, datetime, timedelta

import asyncpg
import websockets
from websockets.typing import Subprotocol

from tests.distributed.conftest import Processes, create_org, graphql, login, wait_until

CREATE = """mutation($i: CreateFollowUpInput!) { createFollowUp(input: $i) { __typename ... on FollowUp { id } } }"""


async def create_due_follow_ups(address: str, token: str, count: int, due: datetime) -> None:
    """Follow-ups whose single in-app reminder falls due at `due`, all at once."""

    async def one(n: int) -> None:
        data = await graphql(address, CREATE, {"i": {
            "subject": f"Check installation {n}", "typeKey": "customer_check", "dueAt": due.isoformat(),
            "reminders": [{"offsetMinutes": 0, "channels": ["IN_APP"]}],
        }}, token)  # fmt: skip
        assert data["createFollowUp"]["__typename"] == "FollowUp"

    for start in range(0, count, 25):
        await asyncio.gather(*(one(n) for n in range(start, min(start + 25, count))))


async def reminder_counts(database_url: str) -> dict[str, int]:
    db = await asyncpg.connect(database_url)
    try:
        row = await db.fetchrow(
            "SELECT (SELECT count(*) FROM notification WHERE kind = 'reminder') AS notifications,"
            " (SELECT count(DISTINCT follow_up_id) FROM notification WHERE kind = 'reminder') AS follow_ups,"
            " (SELECT count(*) FROM reminder WHERE status = 'sent') AS sent,"
            " (SELECT count(*) FROM timer WHERE kind = 'reminder' AND status = 'done') AS done,"
            " (SELECT count(*) FROM timer WHERE kind = 'reminder' AND status = 'claimed') AS claimed,"
            " (SELECT coalesce(max(attempts), 0) FROM timer WHERE kind = 'reminder') AS most_attempts"
        )
        assert row is not None
        return dict(row)
    finally:
        await db.close()


async def test_two_schedulers_and_three_workers_deliver_each_reminder_once(
    processes: Processes,
) -> None:
    # A lease long enough that no claim expires on a busy machine: a second claim of a
    # timer can then only mean the schedulers' SKIP LOCKED claims overlapped.
    processes.env["LEASE_SECONDS"] = "30"
    email = await create_org(processes)
    _, api = processes.serve()
    token = await login(api, email)
    count = 120
    due = datetime.now(UTC) + timedelta(seconds=12)
    await create_due_follow_ups(api, token, count, due)
    for _ in range(2):
        processes.start("scheduler")
    for _ in range(3):
        processes.start("worker", "--threads", "4")
    database_url = processes.env["DATABASE_URL"]
    counts = await wait_until(
        lambda: _all_done(database_url, count), seconds=90, what=f"{count} reminders delivered"
    )
    assert counts["notifications"] == count
    assert counts["follow_ups"] == count
    assert counts["sent"] == count
    assert counts["most_attempts"] == 1  # no timer was ever claimed twice


async def _all_done(database_url: str, count: int) -> dict[str, int] | None:
    counts = await reminder_counts(database_url)
    return counts if counts["done"] == count else None


async def test_a_worker_killed_mid_batch_loses_and_duplicates_nothing(processes: Processes) -> None:
    email = await create_org(processes)
    _, api = processes.serve()
    token = await login(api, email)
    count = 400
    due = datetime.now(UTC) + timedelta(seconds=25)
    await create_due_follow_ups(api, token, count, due)
    processes.start("scheduler")
    doomed = processes.start("worker", "--threads", "8")
    database_url = processes.env["DATABASE_URL"]
    await wait_until(lambda: _some_delivered(database_url), seconds=90, what="the first reminders")
    doomed.send_signal(signal.SIGKILL)
    at_kill = await reminder_counts(database_url)
    assert at_kill["done"] < count, "the worker finished before it could be killed"
    processes.start("worker", "--threads", "8")
    counts = await wait_until(lambda: _all_done(database_url, count), seconds=120, what="the rest")
    assert counts["notifications"] == count
    assert counts["follow_ups"] == count


async def _some_delivered(database_url: str) -> bool:
    return (await reminder_counts(database_url))["notifications"] > 0


async def test_redis_restarted_empty_still_ends_with_every_reminder_once(
    processes: Processes, redis_server
) -> None:
    email = await create_org(processes)
    _, api = processes.serve()
    token = await login(api, email)
    count = 150
    due = datetime.now(UTC) + timedelta(seconds=20)
    await create_due_follow_ups(api, token, count, due)
    processes.start("scheduler")
    processes.start("worker", "--threads", "8")
    database_url = processes.env["DATABASE_URL"]
    # Once the scheduler has handed everything to Redis as delayed messages, Redis dies.
    await wait_until(
        lambda: _claimed(database_url, count), seconds=60, what="every reminder claimed"
    )
    redis_server.kill()
    redis_server.start()  # same port, no data: every queued message is gone
    counts = await wait_until(
        lambda: _all_done(database_url, count), seconds=120, what="redelivery"
    )
    assert counts["notifications"] == count
    assert counts["follow_ups"] == count


async def _claimed(database_url: str, count: int) -> bool:
    counts = await reminder_counts(database_url)
    return counts["claimed"] + counts["done"] == count and counts["done"] == 0


async def test_an_event_reaches_subscribers_on_every_api_instance(processes: Processes) -> None:
    email = await create_org(processes)
    first, second, third = (processes.serve()[1] for _ in range(3))
    token = await login(third, email)
    sockets = []
    for address in (first, second):
        connection = await websockets.connect(
            f"ws://{address}/graphql", subprotocols=[Subprotocol("graphql-transport-ws")]
        )
        await connection.send(
            json.dumps({"type": "connection_init", "payload": {"authorization": f"Bearer {token}"}})
        )
        assert json.loads(await connection.recv())["type"] == "connection_ack"
        await connection.send(json.dumps({"id": "1", "type": "subscribe", "payload": {
            "query": "subscription { followUpEvents { kind followUp { subject } } }"}}))  # fmt: skip
        sockets.append(connection)
    # A subscription is live once an event has come through it: send probes until each has.
    waiting = list(sockets)
    for n in range(50):
        await graphql(
            third,
            CREATE,
            {"i": {"subject": f"Probe {n}", "typeKey": "email", "dueAt": _tomorrow()}},
            token,
        )
        waiting = [c for c in waiting if not await _received_within(c, 0.3)]
        if not waiting:
            break
    assert not waiting, "a subscription never went live"
    await graphql(
        third,
        CREATE,
        {"i": {"subject": "Seen everywhere", "typeKey": "email", "dueAt": _tomorrow()}},
        token,
    )
    for connection in sockets:
        while True:  # late probes may still be on their way
            event = (await _next_data(connection))["followUpEvents"]
            if not event["followUp"]["subject"].startswith("Probe"):
                break
        assert event == {"kind": "CREATED", "followUp": {"subject": "Seen everywhere"}}
        await connection.close()


def _tomorrow() -> str:
    return (datetime.now(UTC) + timedelta(days=1)).isoformat()


async def _received_within(connection: websockets.ClientConnection, seconds: float) -> bool:
    try:
        await asyncio.wait_for(_next_data(connection), seconds)
    except TimeoutError:
        return False
    return True


async def _next_data(connection: websockets.ClientConnection) -> dict:
    while True:
        message = json.loads(await asyncio.wait_for(connection.recv(), 15))
        if message["type"] == "ping":
            await connection.send(json.dumps({"type": "pong"}))
            continue
        assert message["type"] == "next", message
        return message["payload"]["data"]
