"""The rotting scan that `followups run rotting-scan` starts (the timers run it daily)."""

from services import rotting
from tasks.jobs import periodic_job


@periodic_job("rotting-scan")
async def rotting_scan() -> str:
    """Every organization's scan now; each reconnect follow-up commits on its own."""
    return await rotting.scan_all()
