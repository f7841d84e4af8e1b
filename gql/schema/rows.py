"""Building API objects from plain rows or model instances, field for field."""

import dataclasses
from functools import cache
from typing import Any, TypeVar

T = TypeVar("T")


@cache
def columns(cls: type) -> list[str]:
    """The database columns an API type is built from: its dataclass fields."""
    return [f.name for f in dataclasses.fields(cls) if f.init]


def build(cls: type[T], source: Any) -> T:
    names = columns(cls)  # type: ignore[arg-type]  # type[T] is hashable: python/mypy#11470
    if isinstance(source, dict):
        return cls(**{name: source[name] for name in names})
    return cls(**{name: getattr(source, name) for name in names})
