"""Dramatiq on Redis in production; in the embedded default the same task functions run on
the API's own event loop.

Why not Dramatiq's worker threads in-process: Tortoise's connections belong to the event
loop that opened them, and the AsyncIO middleware runs actors on a loop of its own.
Retries are not the broker's job here: a task that fails leaves its timer or delivery
leased in the database, and the scheduler hands it out again when the lease runs out.
"""

import asyncio
import itertools
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import dramatiq
from dramatiq.asyncio import EventLoopThread, get_event_loop_thread
from dramatiq.brokers.redis import RedisBroker
from dramatiq.brokers.stub import StubBroker
from dramatiq.middleware import AsyncIO, Middleware

from runtime import db
from runtime.settings import get_settings

log = logging.getLogger("followups.tasks")


class DatabaseMiddleware(Middleware):
    """Opens Tortoise on the worker's event loop, where the async actors run.

    Before boot, not after: Dramatiq starts its worker threads between the two hooks, and a
    restarted worker facing a backlog would otherwise run actors with no database yet. The
    AsyncIO middleware is added first, so its loop thread exists when this runs.
    """

    def before_worker_boot(self, broker: dramatiq.Broker, worker: dramatiq.Worker) -> None:
        _loop_thread().run_coroutine(db.connect())

    def before_worker_shutdown(self, broker: dramatiq.Broker, worker: dramatiq.Worker) -> None:
        _loop_thread().run_coroutine(db.disconnect())


def _loop_thread() -> EventLoopThread:
    """The AsyncIO middleware's loop; it starts before, and stops after, DatabaseMiddleware."""
    thread = get_event_loop_thread()
    if thread is None:
        raise RuntimeError("The AsyncIO middleware must be added before DatabaseMiddleware.")
    return thread


def _build_broker() -> dramatiq.Broker:
    url = get_settings().redis_url
    broker: dramatiq.Broker = RedisBroker(url=url) if url else StubBroker()
    broker.add_middleware(AsyncIO())
    broker.add_middleware(DatabaseMiddleware())
    return broker


broker = _build_broker()
dramatiq.set_broker(broker)


@dataclass(frozen=True)
class Task:
    fn: Callable[..., Awaitable[None]]
    actor: dramatiq.Actor


def task(queue_name: str) -> Callable[[Callable[..., Awaitable[None]]], Task]:
    def register(fn: Callable[..., Awaitable[None]]) -> Task:
        actor = dramatiq.actor(queue_name=queue_name, actor_name=fn.__name__, max_retries=0)(fn)
        return Task(fn, actor)

    return register


def embedded() -> bool:
    return get_settings().redis_url is None


_running: set[asyncio.Task[None]] = set()


# Messages the scheduler holds until they are due: key -> (timer handle, task, args).
_held: dict[int, tuple[asyncio.TimerHandle, Task, tuple[Any, ...]]] = {}
_hold_keys = itertools.count()


def dispatch(work: Task, *args: Any, delay_seconds: float = 0.0) -> None:
    """After the delay, sends the task to the workers (Redis) or runs it here (embedded).

    With Redis the caller (the scheduler) holds the message until it is due rather than
    using Dramatiq's delayed messages: a delayed message costs the worker a second fetch,
    hold, re-enqueue and ack, half its time when thousands fall due at once. Holding is
    safe because what is dispatched is leased in the database: a scheduler that dies with
    messages held loses nothing, the lease hands the work out again (release_held sends
    them on a clean stop, so nothing waits for a lease then).
    """
    loop = asyncio.get_running_loop()
    delay = max(delay_seconds, 0.0)
    if embedded():
        loop.call_later(delay, _start, work, args)
    elif delay <= 0:
        work.actor.send(*args)
    else:
        key = next(_hold_keys)
        _held[key] = (loop.call_later(delay, _send_held, key), work, args)


def _send_held(key: int) -> None:
    _, work, args = _held.pop(key)
    work.actor.send(*args)


def release_held() -> int:
    """Sends every held message now, with Dramatiq's delay for the time it still has."""
    now = asyncio.get_running_loop().time()
    released = len(_held)
    for handle, work, args in _held.values():
        handle.cancel()
        remaining_ms = max(0, int((handle.when() - now) * 1000))
        work.actor.send_with_options(args=args, delay=remaining_ms or None)
    _held.clear()
    return released


def _start(work: Task, args: tuple[Any, ...]) -> None:
    running = asyncio.get_running_loop().create_task(_run(work, args))
    _running.add(running)
    running.add_done_callback(_running.discard)


async def _run(work: Task, args: tuple[Any, ...]) -> None:
    try:
        await work.fn(*args)
    except Exception:  # the lease in the database brings the work back; say what happened
        log.exception("task %s%s failed", work.fn.__name__, args)


async def drain() -> None:
    """Waits for in-process tasks already started (embedded mode, tests)."""
    while _running:
        await asyncio.gather(*list(_running), return_exceptions=True)
