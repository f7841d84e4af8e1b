"""The scheduler: claims what falls due within the look-ahead window and hands it out with
the exact remaining delay, so things fire on time to the sub-second, not to the tick.

Safe to run several: claims use SKIP LOCKED on PostgreSQL and leases everywhere.
"""

import asyncio
import contextlib
import logging
from datetime import timedelta

from runtime import clock
from runtime.settings import get_settings
from services import digests, notifications, rotting, timers
from tasks.broker import dispatch, release_held
from tasks.notifications import deliver
from tasks.timers import fire_timer

log = logging.getLogger("followups.scheduler")
REPAIR_EVERY = 240  # polls (~1 minute): plan digests and rotting scans missing a timer


async def tick() -> int:
    """One round: claim and dispatch due timers and deliveries. Returns how many."""
    now = clock.now()
    horizon = now + timedelta(seconds=get_settings().scheduler_look_ahead_seconds)
    claims = await timers.claim_due(horizon)
    for claim in claims:
        dispatch(fire_timer, claim.timer_id, delay_seconds=(claim.fire_at - now).total_seconds())
    deliveries = await notifications.claim_deliveries(horizon)
    for delivery in deliveries:
        delay = (delivery.send_after - now).total_seconds()
        dispatch(deliver, delivery.delivery_id, delay_seconds=delay)
    return len(claims) + len(deliveries)


async def run(stop: asyncio.Event) -> None:
    log.info("scheduler started")
    rounds = 0
    while not stop.is_set():
        try:
            if rounds % REPAIR_EVERY == 0:
                await digests.ensure_planned()
                await rotting.ensure_planned()
            busy = await tick()
        except Exception:  # a database hiccup must not stop the pipeline; try again
            log.exception("scheduler round failed")
            busy = 0
        rounds += 1
        if not busy:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), get_settings().scheduler_poll_seconds)
    released = release_held()
    log.info("scheduler stopped (%d held messages sent on with their delay)", released)
