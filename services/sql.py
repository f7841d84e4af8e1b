"""Hand-written SQL for both dialects: placeholders, raw rows, and typing them.

The hot paths (list pages, loaders, authentication, firing timers) write their statements
here rather than through Tortoise querysets, whose statement building cost more than the
statements themselves.
"""

from collections.abc import Iterable
from datetime import UTC, datetime
from enum import Enum
from typing import Any

from tortoise import Tortoise
from tortoise.models import Model


class Sql:
    """Collects bind values and writes placeholders in the connection's dialect."""

    def __init__(self) -> None:
        self.postgres = Tortoise.get_connection("default").capabilities.dialect == "postgres"
        self.values: list[Any] = []

    def bind(self, value: Any) -> str:
        if isinstance(value, Enum):
            value = value.value
        if isinstance(value, datetime) and not self.postgres:
            value = str(value.astimezone(UTC))  # the text form Tortoise stores in SQLite
        self.values.append(value)
        # Numbered in both dialects, so a query may use its binds in any textual order.
        return f"${len(self.values)}" if self.postgres else f"?{len(self.values)}"

    def bind_all(self, values: list[Any]) -> str:
        return ", ".join(self.bind(value) for value in values)

    def ranges(self, ranges: Iterable[tuple[int, datetime, datetime]]) -> str:
        """Numbered time ranges as VALUES rows, for `WITH name(n, starts, ends) AS (VALUES …)`."""
        return ", ".join(
            f"({self.bind_typed(n, 'integer')}, {self.bind_typed(starts, 'timestamptz')}, "
            f"{self.bind_typed(ends, 'timestamptz')})"
            for n, starts, ends in ranges
        )

    def has_key(self, json_column: str, key: str) -> str:
        """The JSON object in the column has the key (`key` is our own constant)."""
        if self.postgres:
            return f"jsonb_exists({json_column}, '{key}')"
        return f"json_type({json_column}, '$.{key}') IS NOT NULL"

    def bind_typed(self, value: Any, postgres_type: str) -> str:
        """A placeholder PostgreSQL cannot infer a type for (e.g. inside VALUES)."""
        placeholder = self.bind(value)
        return f"CAST({placeholder} AS {postgres_type})" if self.postgres else placeholder


async def fetch_rows(query: str, values: list[Any]) -> list[dict[str, Any]]:
    return await Tortoise.get_connection("default").execute_query_dict(query, values)


def moment(value: Any) -> datetime | None:
    """A timestamp from a raw row: PostgreSQL gives datetimes, SQLite the stored ISO text."""
    if value is None:
        return None
    if not isinstance(value, datetime):
        value = datetime.fromisoformat(str(value))
    return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)


def typed_rows(
    model: type[Model], columns: list[str], rows: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Raw rows with each column typed as Tortoise types it (enums, JSON, SQLite's text
    timestamps and 0/1 booleans)."""
    convert = [(c, model._meta.fields_map[c].to_python_value) for c in columns]
    return [{column: to_python(row[column]) for column, to_python in convert} for row in rows]
