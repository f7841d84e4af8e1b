"""The resolver `info` type, kept apart so schema modules need not import the context."""

from collections.abc import Iterator
from typing import TYPE_CHECKING, TypeAlias

from strawberry.types import Info as StrawberryInfo
from strawberry.types.nodes import SelectedField, Selection

if TYPE_CHECKING:
    from gql.context import Context

Info: TypeAlias = StrawberryInfo["Context", None]


def _fields(selections: list[Selection]) -> Iterator[SelectedField]:
    """The fields of a selection set, fragments opened."""
    for selection in selections:
        if isinstance(selection, SelectedField):
            yield selection
        else:
            yield from _fields(selection.selections)


def selected_names(info: StrawberryInfo, path: tuple[str, ...]) -> set[str]:
    """The field names (not aliases) selected at path below the field being resolved."""
    level = [child for field in info.selected_fields for child in _fields(field.selections)]
    for name in path:
        level = [
            child for field in level if field.name == name for child in _fields(field.selections)
        ]
    return {field.name for field in level}
