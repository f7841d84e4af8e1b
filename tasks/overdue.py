"""The overdue sweep that `followups run overdue-sweep` starts: alerts the timers missed."""

from services import events, reminders
from tasks.jobs import periodic_job


@periodic_job("overdue-sweep")
async def overdue_sweep() -> str:
    async with events.transaction():
        return await reminders.overdue_sweep()
