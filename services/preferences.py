"""A staff member's notification preferences: channels per kind, quiet hours, digest, reminders.

Stored as JSON on the staff row; read through here so defaults live in one place.
"""

from dataclasses import asdict, dataclass, field
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from services.errors import ValidationCode, ValidationFailed

CHANNELS = ("in_app", "email", "sms", "whatsapp", "push")
KINDS = (
    "reminder",
    "overdue",
    "assigned",
    "digest",
    "rotting_client",
    "issue_reported",
    "automation",
)
DEFAULT_CHANNELS = ["in_app", "email"]
DEFAULT_REMINDER_OFFSETS = [24 * 60, 60]
MAX_REMINDERS = 10
MAX_OFFSET_MINUTES = 60 * 24 * 60


@dataclass
class Preferences:
    reminder_offsets: list[int] = field(default_factory=lambda: list(DEFAULT_REMINDER_OFFSETS))
    reminder_channels: list[str] = field(default_factory=lambda: list(DEFAULT_CHANNELS))
    channels: dict[str, list[str]] = field(default_factory=dict)
    quiet_start: str | None = None  # "22:00" local
    quiet_end: str | None = None  # "07:00" local
    digest_enabled: bool = True
    digest_hour: int = 8
    digest_days: list[int] = field(default_factory=lambda: [0, 1, 2, 3, 4])  # Monday = 0

    def channels_for(self, kind: str) -> list[str]:
        return list(self.channels.get(kind, DEFAULT_CHANNELS))

    def quiet_until(self, at: datetime, zone: str) -> datetime | None:
        """When the quiet hours around `at` end (UTC), or None when `at` is not quiet."""
        if not self.quiet_start or not self.quiet_end:
            return None
        local = at.astimezone(ZoneInfo(zone))
        start, end = time.fromisoformat(self.quiet_start), time.fromisoformat(self.quiet_end)
        now = local.time()
        inside = start <= now < end if start < end else (now >= start or now < end)
        if not inside:
            return None
        end_day = local.date() if now < end else local.date() + timedelta(days=1)
        return datetime.combine(end_day, end, ZoneInfo(zone)).astimezone(at.tzinfo)


def load(raw: dict[str, Any] | None) -> Preferences:
    prefs = Preferences()
    for name, value in (raw or {}).items():
        if hasattr(prefs, name):
            setattr(prefs, name, value)
    return prefs


def dump(prefs: Preferences) -> dict[str, Any]:
    return asdict(prefs)


def check_channels(values: list[str], field_name: str) -> list[str]:
    unknown = [value for value in values if value not in CHANNELS]
    if unknown:
        raise ValidationFailed(
            field_name,
            f"Unknown channel(s): {', '.join(unknown)}.",
            code=ValidationCode.UNKNOWN_VALUE,
        )
    return list(dict.fromkeys(values))


def check_unique_offsets(offsets: list[int], field_name: str) -> None:
    """Two reminders at one offset would fire twice: each offset is given once."""
    seen: set[int] = set()
    for offset in offsets:
        if offset in seen:
            raise ValidationFailed(
                field_name,
                f"Offset {offset} (minutes before due) is given twice: give each offset once.",
                code=ValidationCode.DUPLICATE,
            )
        seen.add(offset)


def check(prefs: Preferences) -> Preferences:
    """Raises ValidationFailed naming the first field that is not acceptable."""
    if len(prefs.reminder_offsets) > MAX_REMINDERS:
        raise ValidationFailed(
            "reminderOffsets",
            f"At most {MAX_REMINDERS} default reminders.",
            code=ValidationCode.TOO_MANY,
        )
    for offset in prefs.reminder_offsets:
        if not 0 <= offset <= MAX_OFFSET_MINUTES:
            raise ValidationFailed(
                "reminderOffsets",
                "Offsets are 0 to 86400 minutes.",
                code=ValidationCode.OUT_OF_RANGE,
            )
    check_unique_offsets(prefs.reminder_offsets, "reminderOffsets")
    prefs.reminder_channels = check_channels(prefs.reminder_channels, "reminderChannels")
    for kind, channels in prefs.channels.items():
        if kind not in KINDS:
            raise ValidationFailed(
                "channels",
                f"Unknown notification kind {kind!r}.",
                code=ValidationCode.UNKNOWN_VALUE,
            )
        prefs.channels[kind] = check_channels(channels, "channels")
    if (prefs.quiet_start is None) != (prefs.quiet_end is None):
        raise ValidationFailed(
            "quietHours",
            "Give both the start and the end of quiet hours.",
            code=ValidationCode.INVALID_COMBINATION,
        )
    for name, value in (("quietStart", prefs.quiet_start), ("quietEnd", prefs.quiet_end)):
        if value is not None:
            try:
                time.fromisoformat(value)
            except ValueError as error:
                raise ValidationFailed(
                    name, f"{value!r} is not a time like 22:00.", code=ValidationCode.INVALID_FORMAT
                ) from error
    if not 0 <= prefs.digest_hour <= 23:
        raise ValidationFailed(
            "digestHour", "The digest hour is 0 to 23.", code=ValidationCode.OUT_OF_RANGE
        )
    if any(day not in range(7) for day in prefs.digest_days):
        raise ValidationFailed(
            "digestDays", "Days are 0 (Monday) to 6 (Sunday).", code=ValidationCode.OUT_OF_RANGE
        )
    prefs.digest_days = sorted(set(prefs.digest_days))
    return prefs
