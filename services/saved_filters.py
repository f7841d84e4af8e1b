"""Saved follow-up filters: named presets, private to their owner or shared with the organization.

The filter is stored as the API accepts it (FollowUpFilter field names, enum names, global
ids, ISO times), not as internal column values: the API keeps its names stable (a rename goes
through a deprecation first), so a preset saved today still applies after the tables change.
The API layer parses the document before it is saved, so nothing unparsable is stored, and
again on every use; fields it no longer knows are ignored rather than failing the list. On
save, every id the filter names must be of the caller's organization (ValidationFailed on
that field otherwise, as for any stored reference); applying a filter never checks that
again: an id that has gone away simply matches nothing.

Who may do what:
- see and apply: the owner, and everyone in the organization when it is shared;
- rename, change, share or delete: the owner or an admin. A colleague who can see a shared
  preset gets PermissionDenied; a private preset of someone else is NotFound (it is not
  visible), and so is any id of another organization.
"""

import json
from dataclasses import dataclass
from typing import Any

from tortoise.expressions import Q

from models.saved_filters import SavedFilter
from models.staff import Staff
from services import followups
from services.errors import NotFound, PermissionDenied, ValidationCode, ValidationFailed
from services.followup_queries import Criteria
from services.unset import UNSET, Unset
from services.validation import required_text
from services.visibility import Caller, scoped

NAME_MAX = 100
DOCUMENT_MAX_BYTES = 20_000
MAX_PER_OWNER = 200


@dataclass(frozen=True)
class ParsedFilter:
    """A filter in its stored (API) form, with the criteria the API layer parsed it to."""

    document: dict[str, Any]
    criteria: Criteria


@dataclass
class FilterChange:
    """Fields left UNSET stay as they are."""

    name: str | Unset | None = UNSET
    filter: ParsedFilter | Unset = UNSET
    shared: bool | Unset | None = UNSET


def visible(caller: Caller) -> Any:
    """The presets the caller may see and apply: their own and the organization's shared ones."""
    return scoped(SavedFilter, caller).filter(Q(owner_id=caller.staff_id) | Q(shared=True))


async def list_visible(caller: Caller) -> list[SavedFilter]:
    return await visible(caller).order_by("name", "id")


async def get_visible(caller: Caller, filter_id: int) -> SavedFilter:
    row = await visible(caller).get_or_none(id=filter_id)
    if row is None:
        raise NotFound(f"Saved filter {filter_id} was not found.")
    return row


async def save(caller: Caller, name: str, parsed: ParsedFilter, shared: bool) -> SavedFilter:
    checked_name = await _name(caller, name, exclude_id=None)
    document = await checked(caller, parsed)
    if await scoped(SavedFilter, caller).filter(owner_id=caller.staff_id).count() >= MAX_PER_OWNER:
        raise ValidationFailed(
            "name",
            f"You have {MAX_PER_OWNER} saved filters; delete one first.",
            code=ValidationCode.TOO_MANY,
        )
    return await SavedFilter.create(
        org_id=caller.org_id,
        owner_id=caller.staff_id,
        name=checked_name,
        criteria=document,
        shared=bool(shared),
    )


async def update(caller: Caller, filter_id: int, change: FilterChange) -> SavedFilter:
    row = await _manageable(caller, filter_id)
    if change.name is not UNSET:
        row.name = await _name(caller, change.name, exclude_id=row.id, owner_id=row.owner_id)
    if change.filter is not UNSET:
        row.criteria = await checked(caller, change.filter)
    if change.shared is not UNSET:
        if change.shared is None:
            raise ValidationFailed(
                "shared",
                "shared cannot be cleared; give true or false.",
                code=ValidationCode.REQUIRED,
            )
        row.shared = bool(change.shared)
    await row.save()
    return row


async def delete(caller: Caller, filter_id: int) -> int:
    row = await _manageable(caller, filter_id)
    await row.delete()
    return filter_id


def may_manage(caller: Caller, row: SavedFilter) -> bool:
    """Rename, change, share or delete: the owner, or an admin."""
    return row.owner_id == caller.staff_id or caller.is_admin


async def _manageable(caller: Caller, filter_id: int) -> SavedFilter:
    """A preset the caller may change: theirs, or any of the organization's for an admin."""
    row = await scoped(SavedFilter, caller).get_or_none(id=filter_id)
    if row is None or not (row.shared or may_manage(caller, row)):
        raise NotFound(f"Saved filter {filter_id} was not found.")
    if not may_manage(caller, row):
        raise PermissionDenied("Only the owner of a saved filter or an admin may change it.")
    return row


async def _name(
    caller: Caller, value: str | None, exclude_id: int | None, owner_id: int | None = None
) -> str:
    """A non-empty name, unique (ignoring case) among the owner's presets."""
    name = required_text("name", value, NAME_MAX)
    others = scoped(SavedFilter, caller).filter(
        owner_id=owner_id or caller.staff_id, name__iexact=name
    )
    if exclude_id is not None:
        others = others.exclude(id=exclude_id)
    if await others.exists():
        raise ValidationFailed(
            "name",
            f"There is a saved filter named {name!r} already.",
            code=ValidationCode.DUPLICATE,
        )
    return name


async def checked(caller: Caller, parsed: ParsedFilter) -> dict[str, Any]:
    """The document to store: of bounded size, naming only ids of the caller's organization."""
    document = parsed.document
    if not isinstance(document, dict) or not all(isinstance(k, str) for k in document):
        raise ValidationFailed(
            "filter",
            "The filter must be an object of FollowUpFilter fields.",
            code=ValidationCode.INVALID_FORMAT,
        )
    if len(json.dumps(document, default=str)) > DOCUMENT_MAX_BYTES:
        raise ValidationFailed(
            "filter", "The filter is too large to save.", code=ValidationCode.TOO_LONG
        )
    await check_references(caller, parsed.criteria)
    return document


async def check_references(caller: Caller, criteria: Criteria) -> None:
    """Every staff member and linked entity the criteria name belongs to the organization."""
    wanted = set(criteria.assignee_ids or [])
    if wanted:
        found = await scoped(Staff, caller).filter(id__in=wanted).values_list("id", flat=True)
        for missing in sorted(wanted - set(found)):
            raise ValidationFailed(
                "assigneeIds",
                f"There is no staff member {missing} here.",
                code=ValidationCode.NOT_FOUND_IN_ORGANIZATION,
            )
    await followups.validated_links(caller, dict(criteria.links))
