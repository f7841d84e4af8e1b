"""The digest job that `followups run digest` starts: today's digest for everyone now."""

from services import digests, events
from tasks.jobs import periodic_job


@periodic_job("digest")
async def digest() -> str:
    async with events.transaction():
        return await digests.send_all_now()
