"""Cursor pagination: the page arguments, one opaque cursor format and one keyset helper.

Every list is ordered by some columns and then the row id, so every list pages by keyset:
a cursor holds the sort key values of its row, and the next page is the rows strictly after
it in the list's order. Rows inserted or removed elsewhere never shift a page. A cursor is
base64 of `[version, list name, *sort key values]`; one given out by another list, or by no
list, is refused on the argument that carried it.
"""

import base64
import json
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import Enum
from typing import Any, Generic, TypeVar

from tortoise.expressions import Q

from runtime.settings import get_settings
from services.errors import ValidationCode, ValidationFailed

T = TypeVar("T")

CURSOR_VERSION = 1
NOT_OURS = "The cursor is not one this list gave out."
INT32 = 2**31  # ids and priorities are 32-bit columns; larger numbers cannot be bound


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


# ---------------------------------------------------------------- sort keys in a cursor


def moment_key(value: Any) -> datetime:
    """A timestamp key, written with its offset."""
    if not isinstance(value, str):
        raise ValueError(value)
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        raise ValueError(value)
    return parsed.astimezone(UTC)


def integer_key(value: Any) -> int:
    """An id or another integer column (bool is not one)."""
    if not isinstance(value, int) or isinstance(value, bool) or not -INT32 <= value < INT32:
        raise ValueError(value)
    return value


def text_key(value: Any) -> str:
    """A text column: anything the database can hold (no NUL, valid UTF-8)."""
    if not isinstance(value, str) or "\x00" in value:
        raise ValueError(value)
    value.encode()  # a lone surrogate raises UnicodeEncodeError, a ValueError
    return value


def enum_key(kind: type[Enum]) -> Callable[[Any], str]:
    """A text column holding one of an enum's values."""

    def read(value: Any) -> str:
        return kind(value).value

    return read


def _written(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, Enum):
        return value.value
    return value


@dataclass(frozen=True)
class Keyset:
    """One list's order: the name its cursors carry, and how to read each sort key back
    (the row id last), so a cursor from another list or ordering is told apart."""

    name: str
    keys: tuple[Callable[[Any], Any], ...]

    def cursor(self, values: Sequence[Any]) -> str:
        written = [CURSOR_VERSION, self.name, *(_written(value) for value in values)]
        return base64.urlsafe_b64encode(json.dumps(written).encode()).decode()

    def position(self, cursor: str, field: str) -> tuple[Any, ...]:
        """The sort key values a cursor of this list holds, or ValidationFailed on field."""
        try:
            decoded = json.loads(base64.urlsafe_b64decode(cursor.encode()))
            if not isinstance(decoded, list) or decoded[:2] != [CURSOR_VERSION, self.name]:
                raise ValueError(cursor)
            values = decoded[2:]
            if len(values) != len(self.keys):
                raise ValueError(cursor)
            return tuple(read(value) for read, value in zip(self.keys, values, strict=True))
        except (ValueError, TypeError, OverflowError, RecursionError) as error:
            raise ValidationFailed(field, NOT_OURS, code=ValidationCode.INVALID_CURSOR) from error


Fetch = Callable[[tuple[Any, ...] | None, bool, int], Awaitable[list[T]]]


async def keyset_page(
    request: PageRequest,
    keyset: Keyset,
    fetch: Fetch[T],
    key: Callable[[T], Sequence[Any]],
    descending: bool = False,
) -> Page[T]:
    """One page of any list, forwards (first/after) or backwards (last/before).

    `fetch(position, descending, limit)` reads at most `limit` rows in that direction,
    strictly after `position` (the sort key values of a row, or None for the start);
    `key(row)` gives a row's sort key values, the id last. The list's order is `descending`.
    """
    size = request.size()
    cursor = request.before if request.backwards else request.after
    field = "before" if request.backwards else "after"
    position = keyset.position(cursor, field) if cursor is not None else None
    rows = await fetch(position, descending != request.backwards, size + 1)
    more = len(rows) > size
    rows = rows[:size]
    if request.backwards:
        rows.reverse()
    return Page(
        items=rows,
        cursors=[keyset.cursor(key(row)) for row in rows],
        has_next_page=more if not request.backwards else request.before is not None,
        has_previous_page=more if request.backwards else request.after is not None,
    )


def after_sql(columns: Sequence[str], placeholders: Sequence[str], descending: bool) -> str:
    """The condition "strictly after this position" for a hand-written statement."""
    operator = "<" if descending else ">"
    return f"({', '.join(columns)}) {operator} ({', '.join(placeholders)})"


def after_q(columns: Sequence[str], position: Sequence[Any], descending: bool) -> Q:
    """The same condition for a Tortoise queryset (which has no row-value comparison)."""
    beyond = "lt" if descending else "gt"
    condition: Q | None = None
    for index, column in enumerate(columns):
        equal = {name: value for name, value in zip(columns[:index], position, strict=False)}
        step = Q(**equal, **{f"{column}__{beyond}": position[index]})
        condition = step if condition is None else condition | step
    if condition is None:
        raise ValueError("a keyset needs at least one column")
    return condition
