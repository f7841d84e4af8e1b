"""The resolver `info` type, kept apart so schema modules need not import the context."""

from strawberry.types import Info as StrawberryInfo

Info = StrawberryInfo["Context", None]  # type: ignore[name-defined]
