"""The one source of "now", so tests can move time without patching the standard library."""

from datetime import UTC, datetime, timedelta

_offset = timedelta(0)


def now() -> datetime:
    return datetime.now(UTC) + _offset


def travel(by: timedelta) -> None:
    """Move the clock forward (tests and benchmarks only)."""
    global _offset
    _offset += by


def reset() -> None:
    global _offset
    _offset = timedelta(0)


def travel_to(moment: datetime) -> None:
    """Set the clock to a moment (tests and benchmarks only); it keeps running from there."""
    travel(moment - now())
