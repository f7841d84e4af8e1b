"""The one tenancy and visibility scope: every read and write starts here."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from tortoise.models import Model
from tortoise.queryset import QuerySet

from models.followups import FollowUp
from models.staff import Role
from services.errors import NotFound, PermissionDenied
from services.sql import Sql, fetch_rows, typed_rows

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


def _selected(column: str, name: str) -> str:
    return column if column == name else f'{column} AS "{name}"'


def follow_up_owner(caller: Caller) -> dict[str, int]:
    """The narrowing a caller who sees only their own follow-ups gets, as column filters."""
    return {} if caller.sees_all_follow_ups else {"assignee_id": caller.staff_id}


def follow_up_scope_sql(sql: Sql, caller: Caller, alias: str = "f") -> str:
    """visible_follow_ups as a condition on the follow-up rows `alias`, for hand-written SQL."""
    equal = {"org_id": caller.org_id, **follow_up_owner(caller)}
    return " AND ".join(f"{alias}.{column} = {sql.bind(value)}" for column, value in equal.items())


def may_see_follow_up(caller: Caller, row: dict[str, Any]) -> bool:
    """The same rule as visible_follow_ups, for a row of the caller's organization already
    read (one read shared by every live subscriber of an event)."""
    return all(row[column] == value for column, value in follow_up_owner(caller).items())


def sharing_key(caller: Caller) -> tuple[Any, ...]:
    """Callers with equal keys are shown exactly the same through any follow-up field: the
    organization, the role, the time zone and, for those who see only their own
    follow-ups, who they are. A live event is worked out once for each key."""
    owner = None if caller.sees_all_follow_ups else caller.staff_id
    return (caller.org_id, caller.role, caller.timezone, owner)


def visible_follow_ups(caller: Caller) -> QuerySet[FollowUp]:
    return scoped(FollowUp, caller).filter(**follow_up_owner(caller))


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
    model: type[Model], caller: Caller, ids: list[int], columns: list[str], **equal: int
) -> dict[int, dict[str, Any]]:
    """Plain rows of the caller's organization for the ids (and the equal column filters),
    typed as Tortoise types them, for the API's loaders. Hand-written: see services.sql."""
    if not ids:
        return {}
    sql = Sql()
    meta = model._meta
    clauses = [f"org_id = {sql.bind(caller.org_id)}"]
    clauses += [f"{column} = {sql.bind(value)}" for column, value in equal.items()]
    clauses.append(f"id IN ({sql.bind_all(ids)})")
    rows = await fetch_rows(
        f"SELECT {', '.join(_selected(meta.fields_db_projection[c], c) for c in columns)} "
        f"FROM {meta.db_table} WHERE {' AND '.join(clauses)}",
        sql.values,
    )
    return {row["id"]: row for row in typed_rows(model, columns, rows)}
