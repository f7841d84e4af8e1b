"""Days and weeks as a person lives them: local dates in their IANA zone, bounds in UTC."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class LocalDay:
    day: date
    starts: datetime  # UTC
    ends: datetime  # UTC, exclusive


def midnight(day: date, zone: ZoneInfo) -> datetime:
    """The UTC instant a local day begins; zoneinfo applies that day's own offset (DST)."""
    return datetime.combine(day, time(0), zone).astimezone(UTC)


def local_day(day: date, zone: ZoneInfo) -> LocalDay:
    return LocalDay(day, midnight(day, zone), midnight(day + timedelta(days=1), zone))


def local_days(first: date, last: date, zone: ZoneInfo) -> list[LocalDay]:
    """Every local day from first to last inclusive (23, 24 or 25 hours long each)."""
    return [local_day(first + timedelta(days=n), zone) for n in range((last - first).days + 1)]


def week_start(day: date) -> date:
    """Weeks begin on Monday (ISO 8601)."""
    return day - timedelta(days=day.weekday())
