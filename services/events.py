"""Events for live clients, published only once the change that caused them is committed."""

import contextlib
import contextvars
import logging
from collections.abc import AsyncIterator
from typing import Any

from tortoise.transactions import in_transaction

from runtime.bus import get_bus, org_channel

log = logging.getLogger("followups.events")

_pending: contextvars.ContextVar[list[tuple[int, dict[str, Any]]] | None] = contextvars.ContextVar(
    "pending_events", default=None
)


@contextlib.asynccontextmanager
async def transaction() -> AsyncIterator[None]:
    """A database transaction whose events go out after commit (and not at all on rollback)."""
    outer = _pending.get()
    if outer is not None:  # nested: the outermost transaction publishes
        async with in_transaction():
            yield
        return
    events: list[tuple[int, dict[str, Any]]] = []
    token = _pending.set(events)
    try:
        async with in_transaction():
            yield
    finally:
        _pending.reset(token)
    for org_id, message in events:
        await publish_now(org_id, message)


def emit(org_id: int, message: dict[str, Any]) -> None:
    """Queues an event for after commit; outside a transaction it is an error of ours."""
    events = _pending.get()
    if events is None:
        raise RuntimeError("emit() outside events.transaction()")
    events.append((org_id, message))


async def emit_after_commit(org_id: int, message: dict[str, Any]) -> None:
    """Inside events.transaction(): after its commit; outside one: now (already committed)."""
    if _pending.get() is None:
        await publish_now(org_id, message)
    else:
        emit(org_id, message)


async def publish_now(org_id: int, message: dict[str, Any]) -> None:
    try:
        await get_bus().publish(org_channel(org_id), message)
    except Exception:  # live events are best effort: the database has the truth
        log.exception("could not publish %s", message.get("type"))


def follow_up_event(
    kind: str, follow_up_id: int, assignee_id: int | None, previous_assignee_id: int | None
) -> dict[str, Any]:
    return {
        "type": "follow_up",
        "kind": kind,
        "id": follow_up_id,
        "assignee": assignee_id,
        "previous_assignee": previous_assignee_id,
    }


def notification_event(notification_id: int, recipient_id: int) -> dict[str, Any]:
    return {"type": "notification", "id": notification_id, "recipient": recipient_id}
