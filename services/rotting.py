"""Rotting clients and leads: parties nobody has been in touch with for too long.

A party (client, or lead that is not LOST) is rotting when

- its neglect clock — the latest of its contact attempts (on any follow-up linked to it),
  its completed or closed follow-ups' `completed_at` and its own `last_contacted_at`
  (kept by contact attempts, and by the host CRM) or, when it was never contacted, the
  moment it was added (`created_at`) — is more than N days old, where N is the
  organization's `rotting_days`, or the `RottingRule` of the client's segment (leads have
  no segment and use the organization's figure); and
- it has no open follow-up (PENDING, IN_PROGRESS or MISSED): someone is on it already.

The rule is one SQL query, computed by the database on SQLite and PostgreSQL alike. The
daily scan gives each rotting party one HIGH priority follow-up through the ordinary
creation path (reminders, events, activity log), origin ROTTING_SCAN, plus a
ROTTING_CLIENT notice. Migration 0003's partial unique indexes allow one open rotting
follow-up per client and per lead, so concurrent scans cannot duplicate one.
"""

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from enum import Enum
from typing import Any, cast

from tortoise.exceptions import IntegrityError

from models.followups import DONE_STATUSES, OPEN_STATUSES, Origin, Priority
from models.notifications import NotificationKind
from models.organizations import Organization, RottingRule
from models.parties import LeadStage
from models.staff import Role, Staff
from models.timers import Timer, TimerKind
from runtime import clock
from services import events, followups, notifications, timers, wording
from services.deadlines import status_in
from services.errors import ValidationCode, ValidationFailed
from services.followups import FollowUpDraft
from services.notifications import Notice
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
from services.sql import Sql, fetch_rows, moment
from services.validation import required_text
from services.visibility import Caller, require_admin, require_manager

log = logging.getLogger("followups.rotting")

FOLLOW_UP_TYPE = "customer_check"  # built in, and needs a contact attempt to complete
DUE_AFTER = timedelta(days=1)  # the reconnect follow-up falls due a day after the scan
SCAN_HOUR_UTC = 6  # organizations have no zone of their own: the daily scan runs at 06:00 UTC
STALE_AFTER = timedelta(hours=12)  # after an outage, a late scan still runs the same day
MAX_DAYS = 3650


@dataclass(frozen=True)
class RottingParty:
    kind: str  # "client" | "lead"
    party_id: int
    name: str
    owner_id: int | None
    last_contacted_at: datetime | None  # None: never contacted
    neglected_since: datetime  # last contact, or when the party was added
    rotting_days: int  # the threshold that applied (segment rule or organization)
    days_since_last_contact: int


# ---------------------------------------------------------------- the rule, in SQL


def _greatest(sql: Sql, *values: str) -> str:
    """The latest non-null value; SQLite's max() of several arguments is NULL if any is."""
    if sql.postgres:
        return f"GREATEST({', '.join(values)})"
    rotated = [values[i:] + values[:i] for i in range(len(values))]
    return "max(" + ", ".join(f"coalesce({', '.join(r)})" for r in rotated) + ")"


def _older_than_days(sql: Sql, column: str, days: str, now: str) -> str:
    if sql.postgres:
        return f"{column} < {now} - {days} * interval '1 day'"
    return f"julianday({column}) < julianday({now}) - {days}"


def _party_select(sql: Sql, kind: str, org: str, owner: str | None, lost: str) -> str:
    """One party kind with its neglect clock; parties with an open follow-up are left out."""
    alias, link = ("c", "client_id") if kind == "client" else ("l", "lead_id")
    table = "client" if kind == "client" else "lead"
    last_attempt = (
        "(SELECT max(ca.created_at) FROM contact_attempt ca "
        f"JOIN follow_up fa ON fa.id = ca.follow_up_id WHERE fa.{link} = {alias}.id)"
    )
    last_done = (
        f"(SELECT max(fd.completed_at) FROM follow_up fd WHERE fd.{link} = {alias}.id "
        f"AND {status_in(DONE_STATUSES, 'fd.status')})"
    )
    last_contact = _greatest(sql, f"{alias}.last_contacted_at", last_attempt, last_done)
    if kind == "client":
        threshold = "coalesce(r.days, o.rotting_days)"
        rule = (
            f"LEFT JOIN rotting_rule r ON r.org_id = {alias}.org_id AND r.segment = {alias}.segment"
        )
        extra = ""
    else:
        threshold, rule = "o.rotting_days", ""
        extra = f" AND {alias}.stage <> {lost}"
    mine = f" AND {alias}.owner_id = {owner}" if owner is not None else ""
    return (
        f"SELECT '{kind}' AS kind, {alias}.id AS id, {alias}.name AS name, "
        f"{alias}.owner_id AS owner_id, {alias}.created_at AS created_at, "
        f"{threshold} AS threshold, {last_contact} AS last_contact "
        f"FROM {table} {alias} JOIN organization o ON o.id = {alias}.org_id {rule} "
        f"WHERE {alias}.org_id = {org}{mine}{extra} AND NOT EXISTS (SELECT 1 FROM follow_up fo "
        f"WHERE fo.{link} = {alias}.id AND {status_in(OPEN_STATUSES, 'fo.status')})"
    )


async def _query(
    org_id: int,
    owner_id: int | None,
    now: datetime,
    after: tuple[Any, ...] | None,
    limit: int | None,
    descending: bool = False,
) -> list[dict[str, Any]]:
    """Rotting parties, most neglected first, with the total count: one statement."""
    sql = Sql()
    org = sql.bind(org_id)
    owner = sql.bind(owner_id) if owner_id is not None else None
    lost = sql.bind(LeadStage.LOST)
    moment = sql.bind_typed(now, "timestamptz")
    parties = " UNION ALL ".join(
        _party_select(sql, kind, org, owner, lost) for kind in ("client", "lead")
    )
    older = _older_than_days(sql, "m.since", "m.threshold", moment)
    query = (
        f"WITH parties AS ({parties}), "
        "measured AS (SELECT p.*, coalesce(p.last_contact, p.created_at) AS since FROM parties p), "
        f"rotting AS (SELECT m.*, count(*) OVER () AS total FROM measured m WHERE {older}) "
        "SELECT kind, id, name, owner_id, threshold, last_contact, since, total FROM rotting"
    )
    if after is not None:
        since, kind, last_id = after
        binds = [
            sql.bind_typed(since, "timestamptz"),
            sql.bind_typed(kind, "text"),
            sql.bind(last_id),
        ]
        query += f" WHERE {after_sql(['since', 'kind', 'id'], binds, descending)}"
    direction = "DESC" if descending else "ASC"
    query += f" ORDER BY since {direction}, kind {direction}, id {direction}"
    if limit is not None:
        query += f" LIMIT {sql.bind(limit)}"
    return await fetch_rows(query, sql.values)


def _party(row: dict[str, Any], now: datetime) -> RottingParty:
    since = cast(datetime, moment(row["since"]))
    return RottingParty(
        kind=row["kind"],
        party_id=int(row["id"]),
        name=row["name"],
        owner_id=row["owner_id"],
        last_contacted_at=moment(row["last_contact"]),
        neglected_since=since,
        rotting_days=int(row["threshold"]),
        days_since_last_contact=(now - since) // timedelta(days=1),
    )


class PartyKind(Enum):
    CLIENT = "client"
    LEAD = "lead"


KEYSET = Keyset("rotting", (moment_key, enum_key(PartyKind), integer_key))


async def rotting_parties(
    caller: Caller,
    first: int | None = None,
    after: str | None = None,
    owned_by: int | None = None,
) -> tuple[Page[RottingParty], int]:
    """A page of rotting parties the caller may see, most neglected first, and the total.

    Managers and admins see the whole organization (or one owner's, with `owned_by`);
    staff see the parties they own (an unowned party is the team's to share out, so it
    shows to managers only).
    """
    owner_id = owned_by if caller.is_manager else caller.staff_id
    now = clock.now()
    totals: list[int] = []

    async def fetch(position: tuple[Any, ...] | None, descending: bool, limit: int) -> list[Any]:
        rows = await _query(caller.org_id, owner_id, now, position, limit, descending)
        totals.extend(int(row["total"]) for row in rows[:1])
        return [_party(row, now) for row in rows]

    page = await keyset_page(
        PageRequest(first=first, after=after),
        KEYSET,
        fetch,
        lambda party: [party.neglected_since, party.kind, party.party_id],
    )
    total = totals[0] if totals else await _count_without_page(caller, owner_id, now)
    return page, total


async def _count_without_page(caller: Caller, owner_id: int | None, now: datetime) -> int:
    """The total when a page came back empty (past the end, or first: 0)."""
    rows = await _query(caller.org_id, owner_id, now, None, 1)
    return int(rows[0]["total"]) if rows else 0


# ---------------------------------------------------------------- the scan


@dataclass(frozen=True)
class ScanResult:
    created: int
    skipped: int  # an open rotting follow-up appeared meanwhile (a concurrent scan)


def _system_caller(org_id: int) -> Caller:
    """The scan acts as nobody: created_by and the activity log's actor stay empty. The
    assignee hears of it through the scan's ROTTING_CLIENT notice alone."""
    return Caller(
        staff_id=cast(int, None),
        org_id=org_id,
        role=Role.ADMIN,
        email="rotting-scan",
        name="Rotting scan",
        timezone="UTC",
        staff_see_all_follow_ups=True,
    )


@dataclass(frozen=True)
class Assignable:
    """Who a scan may give reconnects to, read once per scan: the active members, and the
    round-robin's turn order (STAFF; managers and admins only if there are no STAFF)."""

    active: frozenset[int]
    turns: list[int]


async def assignable(org_id: int) -> Assignable:
    members = (
        await Staff.filter(org_id=org_id, is_active=True).order_by("id").values_list("id", "role")
    )
    staff_only = [pk for pk, role in members if role == Role.STAFF]
    return Assignable(frozenset(pk for pk, _ in members), staff_only or [pk for pk, _ in members])


async def _round_robin(org_id: int, owner_id: int | None, members: Assignable) -> int | None:
    """The party's active owner, else the next member in turn after the last one given an
    unowned party. The position is kept on the organization row, locked, so it carries over
    between runs and scanners."""
    if owner_id is not None and owner_id in members.active:
        return owner_id
    candidates = members.turns
    if not candidates:
        return None
    org = await Organization.filter(id=org_id).select_for_update().get()
    last = org.rotting_round_robin_after or 0
    chosen = next((c for c in candidates if c > last), candidates[0])
    await Organization.filter(id=org_id).update(rotting_round_robin_after=chosen)
    return chosen


def _subject(party: RottingParty) -> str:
    return f"Reconnect with {party.name} — no contact in {wording.count(party.days_since_last_contact, 'day')}"


async def _reconnect(org_id: int, party: RottingParty, members: Assignable) -> bool:
    """One reconnect follow-up and its notice, in one transaction; False if one is open."""
    try:
        async with events.transaction():
            assignee_id = await _round_robin(org_id, party.owner_id, members)
            if assignee_id is None:
                return False
            when = (
                f"last contact {party.last_contacted_at:%d %b %Y}"
                if party.last_contacted_at
                else f"never contacted since {party.neglected_since:%d %b %Y}"
            )
            draft = FollowUpDraft(
                subject=_subject(party)[: followups.SUBJECT_MAX],
                type_key=FOLLOW_UP_TYPE,
                due_at=clock.now() + DUE_AFTER,
                description=(
                    f"No contact attempt or completed follow-up for "
                    f"{wording.count(party.days_since_last_contact, 'day')} ({when}); this "
                    f"{party.kind} counts as rotting after {wording.count(party.rotting_days, 'day')}."
                ),
                priority=Priority.HIGH,
                assignee_id=assignee_id,
                links={f"{party.kind}_id": party.party_id},
                origin=Origin.ROTTING_SCAN,
            )
            follow_up = await followups.create_follow_up(_system_caller(org_id), draft)
            await notifications.notify(
                Notice(
                    org_id=org_id,
                    recipient_id=assignee_id,
                    kind=NotificationKind.ROTTING_CLIENT,
                    title=_subject(party),
                    body=draft.description,
                    follow_up_id=follow_up.id,
                    client_id=party.party_id if party.kind == "client" else None,
                    dedupe_key=f"rotting:{follow_up.id}",
                )
            )
    except IntegrityError:
        # Migration 0003's "one open rotting follow-up" index: a concurrent scan was first.
        return False
    return True


async def scan(org_id: int) -> ScanResult:
    """Gives every rotting party of the organization one reconnect follow-up.

    The query already leaves out parties with an open follow-up, so a second run creates
    nothing; the unique index settles a race between two runs.
    """
    now = clock.now()
    rows = await _query(org_id, None, now, None, None)
    members = await assignable(org_id)
    created = skipped = 0
    for row in rows:
        if await _reconnect(org_id, _party(row, now), members):
            created += 1
        else:
            skipped += 1
    return ScanResult(created, skipped)


async def scan_all() -> str:
    """`followups run rotting-scan`: every organization, now."""
    created = skipped = 0
    org_ids = await Organization.all().order_by("id").values_list("id", flat=True)
    for org_id in org_ids:
        result = await scan(cast(int, org_id))
        created += result.created
        skipped += result.skipped
    return f"rotting-scan: {len(org_ids)} organization(s), {created} follow-up(s) created, {skipped} skipped"


# ---------------------------------------------------------------- daily, on the time pipeline


def next_scan_at(after: datetime) -> datetime:
    """The first SCAN_HOUR_UTC strictly after `after`."""
    moment = datetime.combine(after.astimezone(UTC).date(), time(SCAN_HOUR_UTC), UTC)
    return moment if moment > after else moment + timedelta(days=1)


def _dedupe_key(org_id: int, at: datetime) -> str:
    return f"rotting-scan:{org_id}:{at.astimezone(UTC).date().isoformat()}"


async def plan(org_id: int, after: datetime | None = None) -> Timer:
    """The organization's next daily scan after `after` (default now)."""
    at = next_scan_at(after or clock.now())
    return await timers.schedule(
        TimerKind.ROTTING_SCAN, org_id, at, _dedupe_key(org_id, at), org_id
    )


async def fire(timer: timers.DueTimer) -> None:
    """The timer's daily scan of one organization, then the next day's timer."""
    if not await Organization.filter(id=timer.target_id).exists():
        return
    if clock.now() - timer.fire_at <= STALE_AFTER:
        await scan(timer.target_id)
    await plan(timer.target_id, max(timer.fire_at, clock.now()))


async def ensure_planned() -> int:
    """Plans the daily scan of every organization that has none live (new ones, upgrades)."""
    planned = await Timer.filter(kind=TimerKind.ROTTING_SCAN, status__in=timers.LIVE).values_list(
        "target_id", flat=True
    )
    missing = await Organization.exclude(id__in=list(planned)).values_list("id", flat=True)
    for org_id in missing:
        await plan(cast(int, org_id))
    return len(missing)


# ---------------------------------------------------------------- settings


async def rules(caller: Caller) -> list[RottingRule]:
    require_manager(caller)
    return await RottingRule.filter(org_id=caller.org_id).order_by("segment")


async def set_rule(caller: Caller, segment: str, days: int | None) -> list[RottingRule]:
    """Sets (or with days None, removes) the threshold of one client segment; admins only."""
    require_admin(caller)
    segment = required_text("segment", segment, 64)
    if days is None:
        await RottingRule.filter(org_id=caller.org_id, segment=segment).delete()
    else:
        if not 1 <= days <= MAX_DAYS:
            raise ValidationFailed(
                "days", f"Give between 1 and {MAX_DAYS} days.", code=ValidationCode.OUT_OF_RANGE
            )
        await RottingRule.update_or_create(
            org_id=caller.org_id, segment=segment, defaults={"days": days}
        )
    return await rules(caller)
