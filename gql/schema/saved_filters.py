"""Saved follow-up filters as the API shows them, and the filter's stored (document) form.

A FollowUpFilter is stored as a JSON object in its input form: the GraphQL field names,
enum names, global ids and ISO-8601 times, exactly what a client would send. The codec below
is derived from the FollowUpFilter input type itself, so a field added to the filter is saved
and applied without touching this module.
"""

from datetime import datetime
from enum import Enum
from typing import Annotated, Any

import strawberry
from strawberry.types.base import StrawberryList, StrawberryOptional, get_object_definition
from strawberry.types.enum import StrawberryEnumDefinition
from strawberry.utils.str_converters import to_camel_case

from gql.info import Info
from gql.schema.common import (
    DateTime,
    InvalidDateTime,
    NotFoundError,
    PermissionError,
    ValidationError,
    datetime_input,
    global_id,
)
from gql.schema.followups import FollowUpFilter, criteria_from
from gql.schema.staff import Staff
from models.saved_filters import SavedFilter as SavedFilterModel
from services import saved_filters
from services.errors import ValidationCode, ValidationFailed
from services.saved_filters import ParsedFilter
from services.visibility import Caller

TYPE_NAME = "SavedFollowUpFilter"


# ---------------------------------------------------------------- the stored form


def _fields() -> list[tuple[str, str, bool, Any]]:
    """(python name, API name, is a list, element type) of every FollowUpFilter field."""
    specs = []
    for field in get_object_definition(FollowUpFilter, strict=True).fields:
        kind = field.type
        if isinstance(kind, StrawberryOptional):
            kind = kind.of_type
        many = isinstance(kind, StrawberryList)
        element = kind.of_type if isinstance(kind, StrawberryList) else kind
        api_name = field.graphql_name or to_camel_case(field.python_name)
        specs.append((field.python_name, api_name, many, element))
    return specs


FIELDS = _fields()


def _dump_value(value: Any, field: str) -> Any:
    if isinstance(value, datetime | InvalidDateTime):
        return datetime_input(value, field).isoformat()
    if isinstance(value, Enum):  # its API name
        return value.name
    return value


def filter_document(value: FollowUpFilter | None) -> dict[str, Any]:
    """The fields given on a filter (null ones left out), in their wire form."""
    if value is None:
        return {}
    document: dict[str, Any] = {}
    for python_name, api_name, many, _ in FIELDS:
        given = getattr(value, python_name, None)
        if given is None or given is strawberry.UNSET:
            continue
        field = f"filter.{api_name}"
        document[api_name] = (
            [_dump_value(item, field) for item in given] if many else _dump_value(given, field)
        )
    return document


def _load_value(raw: Any, element: Any, field: str) -> Any:
    wrong = ValidationFailed(
        field, f"{raw!r} does not fit {field}.", code=ValidationCode.INVALID_FORMAT
    )
    if isinstance(element, StrawberryEnumDefinition):
        try:
            return element.wrapped_cls[raw]
        except (KeyError, TypeError) as error:
            raise wrong from error
    if element is datetime:
        if not isinstance(raw, str):
            raise wrong
        try:
            parsed = datetime.fromisoformat(raw.replace("Z", "+00:00"))
        except ValueError as error:
            raise wrong from error
        return datetime_input(parsed, field)
    if element is bool:
        if not isinstance(raw, bool):
            raise wrong
        return raw
    if element is int:
        if isinstance(raw, bool) or not isinstance(raw, int):
            raise wrong
        return raw
    if element is float:
        if isinstance(raw, bool) or not isinstance(raw, int | float):
            raise wrong
        return float(raw)
    if not isinstance(raw, str):  # String and ID
        raise wrong
    return strawberry.ID(raw) if element is strawberry.ID else raw


def filter_from_document(document: dict[str, Any]) -> FollowUpFilter:
    """The FollowUpFilter a stored document stands for; fields no longer known are ignored."""
    values: dict[str, Any] = {}
    for python_name, api_name, many, element in FIELDS:
        raw = document.get(api_name)
        if raw is None:
            continue
        field = f"filter.{api_name}"
        if many:
            if not isinstance(raw, list):
                raise ValidationFailed(
                    field, f"{field} must be a list.", code=ValidationCode.INVALID_FORMAT
                )
            values[python_name] = [_load_value(item, element, field) for item in raw]
        else:
            values[python_name] = _load_value(raw, element, field)
    return FollowUpFilter(**values)


def parsed_filter(value: FollowUpFilter | None) -> ParsedFilter:
    """A filter's document with its criteria, parsed back from the document itself, so what
    is stored is known to apply (ValidationFailed otherwise)."""
    document = filter_document(value)
    return ParsedFilter(document, criteria_from(filter_from_document(document)))


def merged(saved: dict[str, Any], explicit: FollowUpFilter | None) -> FollowUpFilter:
    """A saved filter with an explicit one on top: each field the explicit filter gives wins."""
    return filter_from_document({**saved, **filter_document(explicit)})


# ---------------------------------------------------------------- API types


@strawberry.type(description="A named follow-up filter: yours, or shared with the organization.")
class SavedFollowUpFilter:
    pk: strawberry.Private[int]
    name: str
    shared: bool = strawberry.field(description="Visible to everyone in the organization.")
    filter: strawberry.scalars.JSON = strawberry.field(
        description="The FollowUpFilter as saved, in input form (field names, enum names, ids)."
    )
    created_at: DateTime
    updated_at: DateTime
    owner_id: strawberry.Private[int]
    caller_id: strawberry.Private[int]
    caller_may_manage: strawberry.Private[bool]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(global_id(TYPE_NAME, self.pk))

    @strawberry.field
    def owner(self, info: Info) -> Staff | None:
        return info.context.loaders.now_or_later("staff", self.owner_id)

    @strawberry.field(description="You own it.")
    def is_mine(self) -> bool:
        return self.owner_id == self.caller_id

    @strawberry.field(description="You may rename, change, share or delete it (owner or admin).")
    def can_edit(self) -> bool:
        return self.caller_may_manage


def saved_filter_from(row: SavedFilterModel, caller: Caller) -> Any:
    return SavedFollowUpFilter(
        pk=row.id,
        name=row.name,
        shared=row.shared,
        filter=strawberry.scalars.JSON(row.criteria),
        created_at=row.created_at,
        updated_at=row.updated_at,
        owner_id=row.owner_id,
        caller_id=caller.staff_id,
        caller_may_manage=saved_filters.may_manage(caller, row),
    )


@strawberry.input
class SaveFollowUpFilterInput:
    name: str
    filter: FollowUpFilter
    shared: bool = strawberry.field(
        default=False, description="Share with everyone in the organization."
    )


@strawberry.input(description="Fields left out stay as they are.")
class UpdateFollowUpFilterInput:
    name: str | None = strawberry.UNSET
    filter: FollowUpFilter | None = strawberry.UNSET
    shared: bool | None = strawberry.UNSET


@strawberry.type
class DeletedFollowUpFilter:
    id: strawberry.ID


SavedFollowUpFilterPayload = Annotated[
    SavedFollowUpFilter | ValidationError | NotFoundError | PermissionError,
    strawberry.union("SavedFollowUpFilterPayload"),
]

DeleteFollowUpFilterPayload = Annotated[
    DeletedFollowUpFilter | ValidationError | NotFoundError | PermissionError,
    strawberry.union("DeleteFollowUpFilterPayload"),
]
