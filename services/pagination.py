"""Cursor pagination arguments and opaque keyset cursors."""

import base64
import json
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from runtime.settings import get_settings
from services.errors import ValidationCode, ValidationFailed

T = TypeVar("T")


@dataclass(frozen=True)
class PageRequest:
    first: int | None = None
    after: str | None = None
    last: int | None = None
    before: str | None = None

    def size(self) -> int:
        """The number of rows asked for, checked against the page-size cap."""
        settings = get_settings()
        if self.first is not None and self.last is not None:
            raise ValidationFailed(
                "first", "Give first or last, not both.", code=ValidationCode.INVALID_COMBINATION
            )
        # One direction a page: a cursor of the other direction would be silently ignored.
        if self.before is not None and self.last is None:
            raise ValidationFailed(
                "before",
                "Page backwards with last and before.",
                code=ValidationCode.INVALID_COMBINATION,
            )
        if self.after is not None and self.last is not None:
            raise ValidationFailed(
                "after",
                "Page forwards with first and after.",
                code=ValidationCode.INVALID_COMBINATION,
            )
        wanted = self.last if self.last is not None else self.first
        if wanted is None:
            return settings.default_page_size
        if wanted < 0:
            raise ValidationFailed(
                "first" if self.first is not None else "last",
                "Must be >= 0.",
                code=ValidationCode.OUT_OF_RANGE,
            )
        if wanted > settings.max_page_size:
            raise ValidationFailed(
                "first" if self.first is not None else "last",
                f"At most {settings.max_page_size} rows a page.",
                code=ValidationCode.OUT_OF_RANGE,
            )
        return wanted

    @property
    def backwards(self) -> bool:
        return self.last is not None


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    cursors: list[str]
    has_next_page: bool
    has_previous_page: bool


def encode_cursor(values: list[Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(values, default=str).encode()).decode()


def decode_cursor(cursor: str, field: str) -> list[Any]:
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except ValueError as error:
        raise ValidationFailed(
            field, "The cursor is not one this API gave out.", code=ValidationCode.INVALID_CURSOR
        ) from error
    if not isinstance(values, list):
        raise ValidationFailed(
            field, "The cursor is not one this API gave out.", code=ValidationCode.INVALID_CURSOR
        )
    return values
