"""Periodic jobs by name: what `followups run JOB` runs once, and the scheduler runs on time.

Each job is an async function that calls services and returns a one-line summary.
"""

from collections.abc import Awaitable, Callable

Job = Callable[[], Awaitable[str]]

PERIODIC_JOBS: dict[str, Job] = {}


def periodic_job(name: str) -> Callable[[Job], Job]:
    def register(job: Job) -> Job:
        PERIODIC_JOBS[name] = job
        return job

    return register


def load_jobs() -> dict[str, Job]:
    """Imports the modules that register jobs, so the registry is complete."""
    from tasks import digests, overdue, rotting  # noqa: F401

    return PERIODIC_JOBS
