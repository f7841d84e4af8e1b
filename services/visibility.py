"""The one tenancy and visibility scope: every read and write starts here."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from tortoise.models import Model
from tortoise.queryset import QuerySet

from models.followups import FollowUp
from models.staff import Role
from services.errors import NotFound, PermissionDenied

M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class Caller:
    staff_id: int
    org_id: int
    role: Role
    email: str
    name: str
    timezone: str
    staff_see_all_follow_ups: bool
    session_id: str | None = None
    token_expires_at: datetime | None = None

    @property
    def sees_all_follow_ups(self) -> bool:
        return self.role != Role.STAFF or self.staff_see_all_follow_ups

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def is_manager(self) -> bool:
        return self.role in (Role.ADMIN, Role.MANAGER)


def scoped(model: type[M], caller: Caller) -> QuerySet[M]:
    """Rows of the caller's organization, nothing else."""
    return model.filter(org_id=caller.org_id)


def visible_follow_ups(caller: Caller) -> QuerySet[FollowUp]:
    query = scoped(FollowUp, caller)
    if not caller.sees_all_follow_ups:
        query = query.filter(assignee_id=caller.staff_id)
    return query


async def get_scoped(model: type[M], caller: Caller, pk: int, label: str) -> M:
    row = await scoped(model, caller).get_or_none(id=pk)
    if row is None:
        raise NotFound(f"{label} {pk} was not found.")
    return row


def require_admin(caller: Caller) -> None:
    if not caller.is_admin:
        raise PermissionDenied("Only an admin may do this.")


def require_manager(caller: Caller) -> None:
    if not caller.is_manager:
        raise PermissionDenied("Only a manager or an admin may do this.")


async def rows_by_ids(
    query: QuerySet[M], ids: list[int], columns: list[str]
) -> dict[int, dict[str, Any]]:
    """Plain rows for the ids the scoped query lets through, for the API's loaders."""
    if not ids:
        return {}
    rows = await query.filter(id__in=ids).values(*columns)
    return {row["id"]: row for row in rows}
