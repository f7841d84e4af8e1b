"""Periodic jobs of the time pipeline that `followups run` can start by hand."""

from services import digests, events, reminders
from tasks.jobs import periodic_job


@periodic_job("digest")
async def digest() -> str:
    async with events.transaction():
        return await digests.send_all_now()


@periodic_job("overdue-sweep")
async def overdue_sweep() -> str:
    async with events.transaction():
        return await reminders.overdue_sweep()
