"""Shared API shapes: the DateTime scalar, global ids, error types and node loading."""

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any, ClassVar

import strawberry
from strawberry import relay
from strawberry.types import Info

from gql.schema.enums import FollowUpStatus, ValidationCode
from services import global_ids
from services.errors import (
    DomainError,
    NotFound,
    PermissionDenied,
    TransitionRefused,
    ValidationFailed,
    VersionConflict,
)
from services.global_ids import global_id as global_id  # re-exported for the schema modules


class InvalidDateTime:
    """An unparsable DateTime input, kept so the mutation can answer with ValidationError."""

    def __init__(self, raw: object) -> None:
        self.raw = raw


def _parse_datetime(value: object) -> datetime | InvalidDateTime:
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            pass
    return InvalidDateTime(value)


def _serialize_datetime(value: datetime) -> str:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


DATETIME_SCALAR = strawberry.scalar(
    name="DateTime",
    description="An ISO-8601 instant with its UTC offset, e.g. 2026-05-01T09:00:00Z.",
    serialize=_serialize_datetime,
    parse_value=_parse_datetime,
)
# Annotate with DateTime: the schema maps datetime to the scalar above (StrawberryConfig).
DateTime = datetime


def datetime_input(value: Any, field: str) -> datetime:
    if isinstance(value, InvalidDateTime):
        raise ValidationFailed(
            field,
            f"{value.raw!r} is not an ISO-8601 date and time.",
            code=ValidationCode.INVALID_FORMAT,
        )
    if value.tzinfo is None:
        raise ValidationFailed(
            field,
            f"{field} needs a UTC offset, e.g. 2026-05-01T09:00:00Z.",
            code=ValidationCode.NOT_AWARE,
        )
    return value


def optional_datetime(value: Any, field: str) -> datetime | None:
    return None if value is None else datetime_input(value, field)


# ---------------------------------------------------------------- global ids


def decode_id(value: str | strawberry.ID, type_name: str, field: str) -> int:
    """The primary key in a global id, or ValidationError naming the field."""
    pk = global_ids.primary_key(str(value), type_name)
    if pk is not None:
        return pk
    raise ValidationFailed(
        field, f"{value!r} is not the id of a {type_name}.", code=ValidationCode.INVALID_ID
    )


def optional_id(value: str | None, type_name: str, field: str) -> int | None:
    return None if value is None else decode_id(value, type_name, field)


def id_list(values: list[strawberry.ID] | None, type_name: str, field: str) -> list[int] | None:
    return None if values is None else [decode_id(v, type_name, field) for v in values]


# ---------------------------------------------------------------- typed errors


@strawberry.type(description="Input that breaks a rule. Nothing was changed.")
class ValidationError:
    message: str
    field: str | None
    code: ValidationCode


@strawberry.type(description="No such object in your organization (or not visible to you).")
class NotFoundError:
    message: str


@strawberry.type(description="Your role does not allow this.")
class PermissionError:
    message: str


@strawberry.type(description="The follow-up's current status does not allow this action.")
class TransitionError:
    message: str
    current_status: FollowUpStatus


@strawberry.type(description="The object changed since you read it: re-read and try again.")
class ConflictError:
    message: str
    current_version: int


def error_member(error: DomainError) -> Any:
    """The payload union member for a domain error."""
    if isinstance(error, ValidationFailed):
        return ValidationError(message=error.message, field=error.field, code=error.code)
    if isinstance(error, NotFound):
        return NotFoundError(message=error.message)
    if isinstance(error, PermissionDenied):
        return PermissionError(message=error.message)
    if isinstance(error, VersionConflict):
        return ConflictError(message=error.message, current_version=error.current_version)
    if isinstance(error, TransitionRefused):
        return TransitionError(message=error.message, current_status=error.current_status)
    raise error


# ---------------------------------------------------------------- nodes


class LoadedNode(relay.Node):
    """A node fetched through the request's scoped loaders, so `node(id:)` obeys tenancy."""

    loader_name: ClassVar[str]

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Any]:
        loader = getattr(info.context.loaders, cls.loader_name)
        keys = [_node_key(str(node_id)) for node_id in node_ids]
        found = await loader.load_many([key for key in keys if key is not None])
        by_key = dict(zip([k for k in keys if k is not None], found, strict=True))
        return [by_key.get(key) if key is not None else None for key in keys]


def _node_key(node_id: str) -> int | None:
    """A node id's primary key, or None for one that can name nothing (too long, too large)."""
    if not (node_id.isascii() and node_id.isdigit()) or len(node_id) > 10:
        return None
    number = int(node_id)
    return number if 0 < number <= global_ids.MAX_PRIMARY_KEY else None
