"""Garbage collection for a server that holds thousands of idle websockets.

Each connected subscriber keeps a few hundred long-lived objects (its socket, tasks,
generators). CPython's full collection walks every tracked object, so with 2,000
subscribers one took 400-500 ms of the one event loop, and a broadcast makes enough
short-lived objects to trigger one almost every time (bench.fanout).

So whatever survives a full collection is frozen (`gc.freeze`): later collections walk
only what is newer. Freezing also takes what happens to be in flight at that moment (a
request, an event); if that later becomes cyclic garbage it waits for the next collection
of everything, frozen objects included, which runs at a steady interval. Nothing stays
frozen as garbage for longer than that interval, and the pause of walking it all comes
once per interval instead of during a broadcast.
"""

import asyncio
import gc
import logging
import time
from typing import Any

log = logging.getLogger("followups.heap")
_users = 0  # apps in this process that keep the heap tidy (tests may run several)


def _freeze_survivors(phase: str, info: dict[str, Any]) -> None:
    """A gc callback: right after a full collection, every tracked object is reachable."""
    if phase == "stop" and info["generation"] == 2:
        gc.freeze()


def full_collection() -> int:
    """Collects everything, frozen objects included; the survivors are frozen again."""
    started = time.perf_counter()
    gc.unfreeze()
    found = gc.collect()
    log.info(
        "full collection: %d unreachable, %d objects alive, %.0f ms",
        found,
        gc.get_freeze_count(),
        (time.perf_counter() - started) * 1000,
    )
    return found


async def keep_tidy(stop: asyncio.Event, interval_seconds: float) -> None:
    """Freezes the survivors of every full collection until stop, and runs one each interval
    (the first now, which freezes the imports, the schema and the pools). The last app of
    the process to stop puts the heap back as Python keeps it."""
    global _users
    _users += 1
    if _users == 1:
        gc.callbacks.append(_freeze_survivors)
    try:
        while True:
            full_collection()
            try:
                await asyncio.wait_for(stop.wait(), interval_seconds)
                return
            except TimeoutError:
                continue
    finally:
        _users -= 1
        if _users == 0:
            gc.callbacks.remove(_freeze_survivors)
            gc.unfreeze()
