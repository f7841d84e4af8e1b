"""Small input checks shared by every aggregate, each raising ValidationFailed with its field."""

import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo, available_timezones

from services.errors import ValidationCode, ValidationFailed

EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_ZONES = available_timezones()


def required_text(field: str, value: str | None, max_length: int) -> str:
    text = (value or "").strip()
    if not text:
        raise ValidationFailed(field, f"{field} must not be empty.", code=ValidationCode.REQUIRED)
    return optional_text(field, text, max_length) or text


def optional_text(field: str, value: str | None, max_length: int) -> str | None:
    if value is None:
        return None
    text = value.strip()
    if len(text) > max_length:
        raise ValidationFailed(
            field,
            f"{field} is {len(text)} characters, at most {max_length}.",
            code=ValidationCode.TOO_LONG,
        )
    return text or None


def email(field: str, value: str | None, *, required: bool = False) -> str | None:
    text = (value or "").strip().lower()
    if not text:
        if required:
            raise ValidationFailed(
                field, f"{field} must not be empty.", code=ValidationCode.REQUIRED
            )
        return None
    if len(text) > 254 or not EMAIL_PATTERN.match(text):
        raise ValidationFailed(
            field, f"{value!r} is not an email address.", code=ValidationCode.INVALID_FORMAT
        )
    return text


def timezone(field: str, value: str | None) -> str:
    name = (value or "UTC").strip()
    if name not in _ZONES:
        raise ValidationFailed(
            field,
            f"{name!r} is not an IANA time zone (e.g. Europe/London).",
            code=ValidationCode.UNKNOWN_VALUE,
        )
    return name


def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def aware(field: str, value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValidationFailed(
            field,
            f"{field} needs a UTC offset, e.g. 2026-05-01T09:00:00Z.",
            code=ValidationCode.NOT_AWARE,
        )
    return value.astimezone(UTC)
