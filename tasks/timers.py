"""The actor that fires a claimed timer: re-read, act, mark done, in one transaction."""

import logging
from collections.abc import Awaitable, Callable

from models.timers import TimerKind
from services import digests, events, followups, reminders, rotting, timers
from services.timers import DueTimer
from tasks.broker import task

log = logging.getLogger("followups.tasks")


async def _mark_missed(timer: DueTimer) -> None:
    await followups.mark_missed(timer.target_id)


HANDLERS: dict[TimerKind, Callable[[DueTimer], Awaitable[None]]] = {
    TimerKind.REMINDER: reminders.fire_reminder,
    TimerKind.OVERDUE: reminders.fire_overdue,
    TimerKind.MARK_MISSED: _mark_missed,
    TimerKind.DIGEST: digests.fire,
    TimerKind.ROTTING_SCAN: rotting.fire,
}


@task("timers")
async def fire_timer(timer_id: int) -> None:
    try:
        async with events.transaction():
            timer = await timers.lock_claimed(timer_id)
            if timer is None:
                return  # done by an earlier run, or cancelled meanwhile
            await HANDLERS[timer.kind](timer)
            await timers.finish(timer)
    except Exception as error:
        await timers.failed(timer_id, repr(error))
        raise
