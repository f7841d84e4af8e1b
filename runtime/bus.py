"""The event bus: in-process in the embedded default, Redis pub/sub across machines.

One Redis connection per process carries every channel; subscribers fan out locally,
so thousands of websockets cost one socket to Redis. Pub/sub forgets what it could not
deliver: consumers that must not miss anything read the gap from the database.
"""

import asyncio
import contextlib
import itertools
import json
import logging
from collections import defaultdict
from collections.abc import AsyncIterator, Callable
from typing import Any

import redis.asyncio as redis

from runtime.settings import get_settings

log = logging.getLogger("followups.bus")
QUEUE_SIZE = 1000
# Numbers messages in order of arrival, unique within the process whichever bus is in use.
_arrivals = itertools.count(1)


class Subscription:
    """Messages of one channel for one consumer, in order.

    `accepts` picks the messages the consumer wants as they arrive, so a websocket that
    waits for one person's notifications is not woken for everyone else's."""

    def __init__(
        self, channel: str, accepts: Callable[[dict[str, Any]], bool] | None = None
    ) -> None:
        self.channel = channel
        self.accepts = accepts
        self.queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue(QUEUE_SIZE)

    def deliver(self, message: dict[str, Any]) -> None:
        if self.accepts is not None and not self.accepts(message):
            return
        if self.queue.full():
            self.queue.get_nowait()  # a stalled consumer loses the oldest, never blocks others
            log.warning("subscriber on %s is behind: dropped its oldest event", self.channel)
        self.queue.put_nowait(message)

    async def get(self) -> dict[str, Any]:
        return await self.queue.get()


class Bus:
    """In-process fan-out; the base of the Redis bus."""

    def __init__(self) -> None:
        self.subscribers: dict[str, set[Subscription]] = defaultdict(set)

    async def publish(self, channel: str, message: dict[str, Any]) -> None:
        self._fan_out(channel, message)

    def _fan_out(self, channel: str, message: dict[str, Any]) -> None:
        """Every subscriber gets the same copy, numbered in this process's order of arrival,
        so they can share work done once per message (gql.loaders.SharedEvents)."""
        subscriptions = list(self.subscribers.get(channel, ()))
        if not subscriptions:
            return
        numbered = {**message, "arrival": next(_arrivals)}
        for subscription in subscriptions:
            subscription.deliver(numbered)

    @contextlib.asynccontextmanager
    async def subscribe(
        self, channel: str, accepts: Callable[[dict[str, Any]], bool] | None = None
    ) -> AsyncIterator[Subscription]:
        subscription = Subscription(channel, accepts)
        first = not self.subscribers[channel]
        self.subscribers[channel].add(subscription)
        try:
            if first:
                await self._listen(channel)
            yield subscription
        finally:
            self.subscribers[channel].discard(subscription)
            if not self.subscribers[channel]:
                del self.subscribers[channel]
                await self._unlisten(channel)

    async def _listen(self, channel: str) -> None:
        return None

    async def _unlisten(self, channel: str) -> None:
        return None

    async def close(self) -> None:
        return None


class RedisBus(Bus):
    def __init__(self, url: str) -> None:
        super().__init__()
        self.url = url
        self.client = redis.from_url(url)
        self.pubsub = self.client.pubsub(ignore_subscribe_messages=True)
        self.reader: asyncio.Task[None] | None = None

    async def publish(self, channel: str, message: dict[str, Any]) -> None:
        await self.client.publish(channel, json.dumps(message))

    async def _listen(self, channel: str) -> None:
        await self.pubsub.subscribe(channel)
        if self.reader is None or self.reader.done():
            self.reader = asyncio.create_task(self._read(), name="bus-reader")

    async def _unlisten(self, channel: str) -> None:
        with contextlib.suppress(redis.RedisError):
            await self.pubsub.unsubscribe(channel)

    async def _read(self) -> None:
        """Reads every subscribed channel; reconnects (re-subscribing) after Redis restarts."""
        while self.subscribers:
            try:
                message = await self.pubsub.get_message(timeout=1.0)
            except (redis.ConnectionError, redis.TimeoutError) as error:
                log.warning("bus connection lost (%s): reconnecting", error)
                await asyncio.sleep(0.5)
                with contextlib.suppress(redis.RedisError):
                    await self.pubsub.subscribe(*self.subscribers)
                continue
            if message is None or message.get("type") != "message":
                continue
            channel = message["channel"].decode()
            self._fan_out(channel, json.loads(message["data"]))

    async def close(self) -> None:
        if self.reader is not None:
            self.reader.cancel()
        with contextlib.suppress(redis.RedisError):
            await self.pubsub.aclose()
            await self.client.aclose()


_bus: Bus | None = None


def get_bus() -> Bus:
    global _bus
    if _bus is None:
        url = get_settings().redis_url
        _bus = RedisBus(url) if url else Bus()
    return _bus


def use_bus(bus: Bus | None) -> None:
    """Installs a bus (tests, or a process that connects to another Redis)."""
    global _bus
    _bus = bus


def org_channel(org_id: int) -> str:
    return f"followups:org:{org_id}"
