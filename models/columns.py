"""Nullable columns typed as they read. Tortoise types TextField and CharEnumField as never
null whatever `null` says; these are the same fields with the `| None` a row really holds."""

from enum import Enum
from typing import TypeVar

from tortoise import fields

E = TypeVar("E", bound=Enum)


def optional_text() -> fields.Field[str | None]:
    # TextField is Field[str] for every `null`: tortoise's typing has no overload for it.
    return fields.TextField(null=True)  # type: ignore[return-value]


def optional_enum(enum_type: type[E], max_length: int) -> fields.Field[E | None]:
    # CharEnumField returns Field[E] for every `null`: tortoise's typing has no overload for it.
    field = fields.CharEnumField(enum_type, max_length=max_length, null=True)
    return field  # type: ignore[return-value]
