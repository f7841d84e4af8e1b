"""A client's or lead's whole history as one stream, newest first, from one UNION query.

Follow-ups created, contact attempts, notes, status changes, completions, reschedules,
reassignments and notifications all come from the rows that already record them; nothing
is copied into a timeline table, so the stream can never disagree with the records.
"""

import json
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Any, cast

from models.followups import CompletionOutcome, Status
from runtime import clock
from services import deadlines
from services import followup_queries as queries
from services.followup_queries import Criteria
from services.pagination import (
    Keyset,
    Page,
    PageRequest,
    after_sql,
    enum_key,
    integer_key,
    keyset_page,
    moment_key,
)
from services.sql import Sql, moment
from services.visibility import Caller


class EntryKind(Enum):
    FOLLOW_UP_CREATED = "FOLLOW_UP_CREATED"
    CONTACT_ATTEMPT = "CONTACT_ATTEMPT"
    NOTE = "NOTE"
    STATUS_CHANGED = "STATUS_CHANGED"
    COMPLETED = "COMPLETED"
    RESCHEDULED = "RESCHEDULED"
    REASSIGNED = "REASSIGNED"
    NOTIFICATION = "NOTIFICATION"


# Activity-log actions with an entry kind of their own.
ACTIVITY_KINDS = {
    "completed": EntryKind.COMPLETED,
    "rescheduled": EntryKind.RESCHEDULED,
    "delegated": EntryKind.REASSIGNED,
}
# Every logged change of status is a STATUS_CHANGED entry, whatever action made it (a
# contact attempt that began the work, a completion, a reschedule of a MISSED one), so
# the status history reads whole; resolving an issue is one too, though the status stays.
STATUS_ACTIONS = ("issue_resolved",)
PARTY_COLUMNS = ("client_id", "lead_id")


@dataclass(frozen=True)
class Entry:
    kind: EntryKind
    at: datetime
    row_id: int
    follow_up_id: int | None
    follow_up_subject: str | None
    follow_up_overdue: bool
    actor_id: int | None
    detail: str | None  # outcome, note body, notification kind or activity action
    extra: str | None  # contact notes, notification title, or the changes as JSON

    @property
    def changes(self) -> dict[str, list[Any]]:
        if self.kind in (EntryKind.CONTACT_ATTEMPT, EntryKind.NOTIFICATION) or not self.extra:
            return {}
        value = json.loads(self.extra)
        return value if isinstance(value, dict) else {}


def _branches(sql: Sql, caller: Caller, party: str, party_id: int) -> list[str]:
    # Bound once: placeholders are numbered, so every branch can refer to the same values.
    scope = queries.where_clause(sql, caller, Criteria(links={party: party_id}))

    follow_up = "f.id AS follow_up_id, f.subject AS subject, f.status AS status, f.due_at AS due_at"
    # Our own constants, written as literals so PostgreSQL knows their type.
    actions = ", ".join(f"'{action}'" for action in ACTIVITY_KINDS)
    status_actions = ", ".join(f"'{action}'" for action in STATUS_ACTIONS)
    kind_of_action = " ".join(
        f"WHEN '{action}' THEN '{kind.value}'" for action, kind in ACTIVITY_KINDS.items()
    )
    return [
        f"SELECT 'FOLLOW_UP_CREATED' AS kind, f.created_at AS at, "
        f"f.id AS row_id, {follow_up}, f.created_by_id AS actor_id, "
        f"CAST(NULL AS TEXT) AS detail, CAST(NULL AS TEXT) AS extra "
        f"FROM follow_up f WHERE {scope}",
        f"SELECT 'CONTACT_ATTEMPT', c.created_at, c.id, {follow_up}, "
        f"c.staff_id, CAST(c.outcome AS TEXT), CAST(c.notes AS TEXT) "
        f"FROM contact_attempt c JOIN follow_up f ON f.id = c.follow_up_id WHERE {scope}",
        f"SELECT 'NOTE', n.created_at, n.id, {follow_up}, "
        f"n.author_id, CAST(n.body AS TEXT), CAST(NULL AS TEXT) "
        f"FROM follow_up_note n JOIN follow_up f ON f.id = n.follow_up_id WHERE {scope}",
        f"SELECT CASE a.action {kind_of_action} END, a.created_at, a.id, {follow_up}, "
        f"a.actor_id, CAST(a.action AS TEXT), CAST(a.changes AS TEXT) "
        f"FROM follow_up_activity a JOIN follow_up f ON f.id = a.follow_up_id "
        f"WHERE {scope} AND a.action IN ({actions})",
        f"SELECT 'STATUS_CHANGED', a.created_at, a.id, {follow_up}, "
        f"a.actor_id, CAST(a.action AS TEXT), CAST(a.changes AS TEXT) "
        f"FROM follow_up_activity a JOIN follow_up f ON f.id = a.follow_up_id "
        f"WHERE {scope} AND (a.action IN ({status_actions}) "
        f"OR (a.action <> 'created' AND {sql.has_key('a.changes', 'status')}))",
        f"SELECT 'NOTIFICATION', nt.created_at, nt.id, {follow_up}, "
        f"nt.recipient_id, CAST(nt.kind AS TEXT), CAST(nt.title AS TEXT) "
        f"FROM notification nt JOIN follow_up f ON f.id = nt.follow_up_id WHERE {scope}",
    ]


KEYSET = Keyset("timeline", (moment_key, enum_key(EntryKind), integer_key))


async def timeline(
    caller: Caller,
    party: str,
    party_id: int,
    kinds: list[EntryKind] | None,
    page: PageRequest,
) -> Page[Entry]:
    """One page of the party's history, newest first, with keyset cursors."""
    if party not in PARTY_COLUMNS:
        raise ValueError(party)

    async def fetch(position: tuple[Any, ...] | None, descending: bool, limit: int) -> list[Entry]:
        sql = Sql()
        union = " UNION ALL ".join(_branches(sql, caller, party, party_id))
        conditions = []
        if kinds is not None:
            conditions.append(f"t.kind IN ({sql.bind_all([k.value for k in kinds]) or 'NULL'})")
        if position is not None:
            at, kind, row_id = position
            binds = [
                sql.bind_typed(at, "timestamptz"),
                sql.bind_typed(kind, "text"),
                sql.bind_typed(row_id, "integer"),
            ]
            conditions.append(after_sql(["t.at", "t.kind", "t.row_id"], binds, descending))
        where = f"WHERE {' AND '.join(conditions)} " if conditions else ""
        direction = "DESC" if descending else "ASC"
        rows = await queries.fetch_rows(
            f"SELECT * FROM ({union}) t {where}ORDER BY t.at {direction}, "
            f"t.kind {direction}, t.row_id {direction} LIMIT {sql.bind(limit)}",
            sql.values,
        )
        now = clock.now()
        return [_entry(row, now) for row in rows]

    return await keyset_page(
        page, KEYSET, fetch, lambda e: [e.at, e.kind, e.row_id], descending=True
    )


def _entry(row: dict[str, Any], now: datetime) -> Entry:
    due_at = cast(datetime, moment(row["due_at"]))
    return Entry(
        kind=EntryKind(row["kind"]),
        at=cast(datetime, moment(row["at"])),
        row_id=int(row["row_id"]),
        follow_up_id=row["follow_up_id"],
        follow_up_subject=row["subject"],
        follow_up_overdue=deadlines.is_overdue(Status(row["status"]), due_at, now),
        actor_id=row["actor_id"],
        detail=row["detail"],
        extra=row["extra"],
    )


def status_change(entry: Entry) -> tuple[Status | None, Status | None]:
    """The statuses before and after, where the entry changed it."""
    before, after = entry.changes.get("status", [None, None])
    return _status(before), _status(after)


def completion_outcome(entry: Entry) -> CompletionOutcome | None:
    """The outcome a completion recorded."""
    if entry.kind != EntryKind.COMPLETED:
        return None
    name = entry.changes.get("outcome", [None, None])[1]
    return CompletionOutcome[name] if name in CompletionOutcome.__members__ else None


def due_change(entry: Entry) -> tuple[datetime | None, datetime | None]:
    """The due times before and after, where the entry moved it."""
    if entry.kind != EntryKind.RESCHEDULED:
        return None, None
    before, after = entry.changes.get("due_at", [None, None])
    return moment(before), moment(after)


def _status(name: Any) -> Status | None:
    return Status[name] if isinstance(name, str) and name in Status.__members__ else None
