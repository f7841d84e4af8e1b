"""Timers: schedule, cancel, claim with a lease, finish. The scheduler and actors use these.

A claim is a lease: if the worker that holds it dies or the broker forgets the message,
the lease runs out and the timer is claimed again. Effects are keyed by the timer, so a
second run changes nothing.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from tortoise import Tortoise, timezone
from tortoise.expressions import F, Q
from tortoise.transactions import in_transaction

from models.timers import Timer, TimerKind, TimerStatus
from runtime import clock
from runtime.settings import get_settings
from services.sql import Sql, fetch_rows, moment

LIVE = (TimerStatus.SCHEDULED, TimerStatus.CLAIMED)
MAX_ATTEMPTS = 8


def lease() -> timedelta:
    return timedelta(seconds=get_settings().lease_seconds)


@dataclass(frozen=True)
class Claim:
    timer_id: int
    kind: TimerKind
    fire_at: datetime


async def schedule(
    kind: TimerKind, target_id: int, fire_at: datetime, dedupe_key: str, org_id: int | None
) -> Timer:
    """Creates the timer once per dedupe key; a cancelled one is scheduled again."""
    timer, created = await Timer.get_or_create(
        dedupe_key=dedupe_key,
        defaults={"kind": kind, "target_id": target_id, "fire_at": fire_at, "org_id": org_id},
    )
    if not created and timer.status == TimerStatus.CANCELLED:
        timer.status = TimerStatus.SCHEDULED
        timer.fire_at = fire_at
        timer.attempts = 0
        timer.lease_until = None
        await timer.save(
            update_fields=["status", "fire_at", "attempts", "lease_until", "updated_at"]
        )
    return timer


async def cancel(kind: TimerKind, target_id: int) -> int:
    return await Timer.filter(kind=kind, target_id=target_id, status__in=LIVE).update(
        status=TimerStatus.CANCELLED, lease_until=None
    )


async def claim_due(horizon: datetime, limit: int = 500) -> list[Claim]:
    """Claims timers due before `horizon`, and those whose lease ran out, in one statement."""
    now = clock.now()
    conn = Tortoise.get_connection("default")
    postgres = conn.capabilities.dialect == "postgres"
    if postgres:
        query = (
            "UPDATE timer SET status = 'claimed', attempts = attempts + 1, updated_at = $1, "
            "lease_until = GREATEST(fire_at, $1) + $2 * interval '1 second' "
            "WHERE id IN (SELECT id FROM timer WHERE (status = 'scheduled' AND fire_at <= $3) "
            "OR (status = 'claimed' AND lease_until < $1) ORDER BY fire_at LIMIT $4 "
            "FOR UPDATE SKIP LOCKED) RETURNING id, kind, fire_at"
        )
        rows = await conn.execute_query_dict(
            query, [now, get_settings().lease_seconds, horizon, limit]
        )
        return [Claim(r["id"], TimerKind(r["kind"]), r["fire_at"]) for r in rows]
    # SQLite has one writer at a time, so the update is atomic without row locks.
    async with in_transaction():
        rows = (
            await Timer.filter(_due_or_expired(now, horizon))
            .order_by("fire_at")
            .limit(limit)
            .values("id", "kind", "fire_at")
        )
        claims = [Claim(r["id"], TimerKind(r["kind"]), r["fire_at"]) for r in rows]
        for claim in claims:
            await Timer.filter(id=claim.timer_id).update(
                status=TimerStatus.CLAIMED,
                lease_until=max(claim.fire_at, now) + lease(),
                attempts=F("attempts") + 1,
            )
    return claims


def _due_or_expired(now: datetime, horizon: datetime) -> Q:
    return Q(status=TimerStatus.SCHEDULED, fire_at__lte=horizon) | Q(
        status=TimerStatus.CLAIMED, lease_until__lt=now
    )


@dataclass(frozen=True)
class DueTimer:
    """A claimed timer, locked for its actor: what the handlers act on."""

    id: int
    kind: TimerKind
    target_id: int
    fire_at: datetime
    dedupe_key: str


async def lock_claimed(timer_id: int) -> DueTimer | None:
    """Inside a transaction: the timer, locked, if it is still ours to act on.

    This and finish() run for every timer that fires, so they are hand-written statements."""
    sql = Sql()
    lock = " FOR UPDATE" if sql.postgres else ""  # SQLite: the transaction is the only writer
    rows = await fetch_rows(
        "SELECT id, kind, target_id, fire_at, dedupe_key, status FROM timer "
        f"WHERE id = {sql.bind(timer_id)}{lock}",
        sql.values,
    )
    if not rows or rows[0]["status"] != TimerStatus.CLAIMED.value:
        return None
    row = rows[0]
    fire_at = moment(row["fire_at"])
    assert fire_at is not None
    return DueTimer(row["id"], TimerKind(row["kind"]), row["target_id"], fire_at, row["dedupe_key"])


async def finish(timer: DueTimer) -> None:
    sql = Sql()
    await fetch_rows(
        f"UPDATE timer SET status = {sql.bind(TimerStatus.DONE)}, done_at = {sql.bind(clock.now())}, "
        f"lease_until = NULL, updated_at = {sql.bind(timezone.now())} WHERE id = {sql.bind(timer.id)}",
        sql.values,
    )


async def failed(timer_id: int, error: str) -> None:
    """After an error: claimed again when the lease runs out, until attempts are used up."""
    timer = await Timer.get_or_none(id=timer_id)
    if timer is None or timer.status != TimerStatus.CLAIMED:
        return
    timer.last_error = error[:2000]
    if timer.attempts >= MAX_ATTEMPTS:
        timer.status = TimerStatus.FAILED
        timer.lease_until = None
    else:
        backoff = timedelta(seconds=min(2**timer.attempts, 300))
        timer.lease_until = clock.now() + backoff
    await timer.save(update_fields=["last_error", "status", "lease_until", "updated_at"])
