"""Finding follow-ups: one hand-written, parameterised query shared by lists, counts and search.

The hot list path selects ids in the database (filters, keyset order, full-text search)
and leaves building rows to the loaders, so each page costs a fixed number of statements.
"""

import re
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import Enum
from typing import Any

from models.followups import (
    FollowUp,
    Priority,
    SatisfactionOutcome,
    Status,
)
from runtime import clock
from services.deadlines import overdue_sql, status_in
from services.links import ID_FIELDS
from services.pagination import (
    Keyset,
    Page,
    PageRequest,
    after_sql,
    integer_key,
    keyset_page,
    moment_key,
)
from services.sql import Sql, fetch_rows, moment, typed_rows
from services.visibility import Caller, follow_up_scope_sql

# PostgreSQL keeps the document as a stored generated column with a GIN index (0005).
SEARCH_DOCUMENT = "f.search_vector"
MAX_SEARCH_TERMS = 8


class SortField(Enum):
    DUE_AT = "due_at"
    PRIORITY = "priority"
    CREATED_AT = "created_at"
    UPDATED_AT = "updated_at"


@dataclass(frozen=True)
class Ordering:
    field: SortField = SortField.DUE_AT
    descending: bool = False


@dataclass
class Criteria:
    statuses: list[Status] | None = None
    type_keys: list[str] | None = None
    priorities: list[Priority] | None = None
    due_after: datetime | None = None
    due_before: datetime | None = None
    overdue: bool | None = None
    assignee_ids: list[int] | None = None
    links: dict[str, int] = field(default_factory=dict)
    has_issue: bool | None = None
    issue_resolved: bool | None = None
    satisfaction: list[SatisfactionOutcome] | None = None
    search: str | None = None
    ids: list[int] | None = None  # only these follow-ups (live event filtering)

    def only_statuses(self, statuses: list[Status]) -> "Criteria":
        return replace(self, statuses=statuses)


def search_terms(text: str | None) -> list[str]:
    return re.findall(r"\w+", (text or "").lower())[:MAX_SEARCH_TERMS]


def where_clause(sql: Sql, caller: Caller, criteria: Criteria) -> str:
    """The WHERE clause of a filter within what the caller may see, for any query on `f`."""
    clauses = [follow_up_scope_sql(sql, caller)]
    if criteria.statuses is not None:
        clauses.append(status_in(criteria.statuses))
    if criteria.type_keys is not None:
        keys = sql.bind_all(criteria.type_keys) or "NULL"
        clauses.append(
            "f.type_id IN (SELECT t.id FROM follow_up_type t "
            f"WHERE t.org_id = {sql.bind(caller.org_id)} AND t.key IN ({keys}))"
        )
    if criteria.priorities is not None:
        clauses.append(_in(sql, "f.priority", criteria.priorities))
    if criteria.due_after is not None:
        clauses.append(f"f.due_at >= {sql.bind(criteria.due_after)}")
    if criteria.due_before is not None:
        clauses.append(f"f.due_at < {sql.bind(criteria.due_before)}")
    if criteria.overdue is not None:
        overdue = overdue_sql(sql, clock.now())
        clauses.append(overdue if criteria.overdue else f"NOT {overdue}")
    if criteria.assignee_ids is not None:
        clauses.append(_in(sql, "f.assignee_id", criteria.assignee_ids))
    for column, value in criteria.links.items():
        if column not in ID_FIELDS:
            raise ValueError(column)
        clauses.append(f"f.{column} = {sql.bind(value)}")
    if criteria.has_issue is not None:
        clauses.append(f"f.has_issue = {sql.bind(criteria.has_issue)}")
    if criteria.issue_resolved is not None:
        clauses.append(f"f.issue_resolved = {sql.bind(criteria.issue_resolved)}")
    if criteria.satisfaction is not None:
        clauses.append(_in(sql, "f.satisfaction_outcome", criteria.satisfaction))
    if criteria.ids is not None:
        clauses.append(_in(sql, "f.id", criteria.ids))
    terms = search_terms(criteria.search)
    if terms:
        clauses.append(_search(sql, terms))
    return " AND ".join(clauses)


def _in(sql: Sql, column: str, values: list[Any]) -> str:
    if not values:
        return "1 = 0"
    return f"{column} IN ({sql.bind_all(values)})"


def _search(sql: Sql, terms: list[str]) -> str:
    """Every term must match the start of a word (PostgreSQL) or appear (SQLite)."""
    if sql.postgres:
        # Written into the SQL, not bound: a bound tsquery gets PostgreSQL's generic plan,
        # which cannot judge how many rows match and may scan the whole table. Terms are
        # \w+ only (no quote or backslash can occur), so the literal is safe.
        query = " & ".join(f"{term}:*" for term in terms)
        return f"{SEARCH_DOCUMENT} @@ to_tsquery('simple', '{query}')"
    parts = []
    for term in terms:
        pattern = "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        parts.append(
            f"(f.subject LIKE {sql.bind(pattern)} ESCAPE '\\' "
            f"OR f.description LIKE {sql.bind(pattern)} ESCAPE '\\')"
        )
    return " AND ".join(parts)


async def count(caller: Caller, criteria: Criteria) -> int:
    sql = Sql()
    where = where_clause(sql, caller, criteria)
    rows = await fetch_rows(f"SELECT count(*) AS n FROM follow_up f WHERE {where}", sql.values)
    return int(rows[0]["n"])


async def find(
    caller: Caller, criteria: Criteria, ordering: Ordering, page: PageRequest
) -> Page[int]:
    """A page of follow-up ids in order, with keyset cursors that stay put under inserts."""
    rows, found = await _page(caller, criteria, ordering, page, [])
    return replace(found, items=[row["id"] for row in rows])


async def find_rows(
    caller: Caller, criteria: Criteria, ordering: Ordering, page: PageRequest, columns: list[str]
) -> Page[dict[str, Any]]:
    """A page as typed follow-up rows with those columns: the list and its rows in one
    statement."""
    rows, found = await _page(caller, criteria, ordering, page, columns)
    return replace(found, items=typed_rows(FollowUp, columns, rows))


def keyset(ordering: Ordering) -> Keyset:
    """Cursors name the sort field: one from another ordering is not a position in this one."""
    value = integer_key if ordering.field == SortField.PRIORITY else moment_key
    return Keyset(f"follow_ups.{ordering.field.value}", (value, integer_key))


async def _page(
    caller: Caller, criteria: Criteria, ordering: Ordering, page: PageRequest, columns: list[str]
) -> tuple[list[dict[str, Any]], Page[Any]]:
    column = f"f.{ordering.field.value}"
    projection = FollowUp._meta.fields_db_projection
    extra = "".join(f', f.{projection[name]} AS "{name}"' for name in columns if name != "id")

    async def fetch(
        position: tuple[Any, ...] | None, descending: bool, limit: int
    ) -> list[dict[str, Any]]:
        sql = Sql()
        where = where_clause(sql, caller, criteria)
        if position is not None:
            binds = [sql.bind(value) for value in position]
            where += f" AND {after_sql([column, 'f.id'], binds, descending)}"
        direction = "DESC" if descending else "ASC"
        return await fetch_rows(
            f"SELECT f.id, {column} AS sort_value{extra} FROM follow_up f WHERE {where} "
            f"ORDER BY {column} {direction}, f.id {direction} LIMIT {sql.bind(limit)}",
            sql.values,
        )

    found = await keyset_page(
        page,
        keyset(ordering),
        fetch,
        lambda row: [_sort_value(row["sort_value"]), row["id"]],
        ordering.descending,
    )
    return found.items, replace(found, items=[])


def _sort_value(value: Any) -> Any:
    """SQLite gives timestamps back as the stored text."""
    return moment(value) if isinstance(value, str) else value


def ratio(part: int, whole: int) -> float:
    """A share rounded for display; 0 when there is nothing to share."""
    return round(part / whole, 4) if whole else 0.0


async def matches(caller: Caller, criteria: Criteria, follow_up_id: int) -> bool:
    """Whether one follow-up passes a filter, judged by the same SQL as the lists."""
    return await count(caller, replace(criteria, ids=[follow_up_id])) > 0
