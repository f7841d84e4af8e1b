"""DataLoaders, one set per request (and per subscription event), scoped to the caller.

Every nested object loads through here, so a page of 50 costs the same statements as 5.
"""

import asyncio
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from strawberry.dataloader import DataLoader
from tortoise.models import Model

from gql.schema import crm_events as event_types
from gql.schema import followups as fu
from gql.schema import notifications as notification_types
from gql.schema import parties, staff
from gql.schema.rows import build, columns
from gql.shared_execution import SharedExecution
from models.crm_events import Event as EventModel
from models.followups import FollowUp as FollowUpModel
from models.followups import FollowUpType as FollowUpTypeModel
from models.notifications import Notification as NotificationModel
from models.staff import Staff as StaffModel
from services import followup_queries, followups, notifications, reminders
from services.followup_queries import Criteria
from services.links import LINKS
from services.visibility import (
    Caller,
    follow_up_owner,
    may_see_follow_up,
    rows_by_ids,
    scoped,
    sharing_key,
)


def _by_id(
    model: type[Model], caller: Caller, shape: type, **equal: int
) -> Callable[[list[int]], Awaitable[list[Any]]]:
    async def load(ids: list[int]) -> list[Any]:
        rows = await rows_by_ids(model, caller, list(ids), columns(shape), **equal)
        return [build(shape, rows[i]) if i in rows else None for i in ids]

    return load


def _children(
    fetch: Callable[[list[int]], Awaitable[dict[int, list[Any]]]], shape: type
) -> Callable[[list[int]], Awaitable[list[list[Any]]]]:
    async def load(ids: list[int]) -> list[list[Any]]:
        grouped = await fetch(list(ids))
        return [[build(shape, row) for row in grouped[i]] for i in ids]

    return load


def _rows_by_parent(
    fetch: Callable[[list[int]], Awaitable[dict[int, list[Any]]]],
) -> Callable[[list[int]], Awaitable[list[list[Any]]]]:
    """Child model rows per parent id, for fields that shape them themselves."""

    async def load(ids: list[int]) -> list[list[Any]]:
        grouped = await fetch(list(ids))
        return [grouped[i] for i in ids]

    return load


class Loaders:
    def __init__(self, caller: Caller | None) -> None:
        self.caller = caller
        if caller is None:
            return
        self.follow_up = DataLoader(
            _by_id(FollowUpModel, caller, fu.FollowUp, **follow_up_owner(caller))
        )
        self.follow_up_type = DataLoader(_by_id(FollowUpTypeModel, caller, fu.FollowUpType))
        self.staff = DataLoader(_by_id(StaffModel, caller, staff.Staff))
        for link in LINKS:  # the API type of a link is named as its global ids are
            shape = getattr(parties, link.type_name)
            setattr(self, link.loader, DataLoader(_by_id(link.model, caller, shape)))
        self.note_entries = DataLoader(_children(followups.note_entries, fu.FollowUpNote))
        self.contact_attempts = DataLoader(_children(followups.contact_attempts, fu.ContactAttempt))
        self.history = DataLoader(_children(followups.history, fu.FollowUpActivity))
        self.primary_follow_up = DataLoader(self._primary_follow_ups)
        self.notification = DataLoader(
            _by_id(
                NotificationModel,
                caller,
                notification_types.Notification,
                **notifications.recipient_scope(caller),
            )
        )
        self.deliveries = DataLoader(_rows_by_parent(notifications.deliveries_of))
        self.reminders = DataLoader(_rows_by_parent(reminders.reminders_of))
        self.event = DataLoader(self._events)

    def now_or_later(self, name: str, pk: int | None) -> Any:
        """The object itself when already loaded, else an awaitable of it.

        A field answered synchronously skips the executor's per-field task, which is most
        of a list page's cost once its related rows have been fetched ahead (prefetch).
        """
        if pk is None:
            return None
        loader = getattr(self, name)
        future = loader.cache_map.get(pk)
        settled = future is not None and future.done() and not future.cancelled()
        if settled and future.exception() is None:
            return future.result()
        return loader.load(pk)

    async def prefetch(self, rows: list[Any], links: dict[str, tuple[str, str]]) -> None:
        """Loads, in one batch per loader, the related objects named by links
        (loader name -> the id attribute on each row), so fields answer at once."""
        wanted: dict[str, set[int]] = {}
        for loader_name, attribute in links.values():
            ids = wanted.setdefault(loader_name, set())
            ids.update(pk for row in rows if (pk := getattr(row, attribute)) is not None)
        await asyncio.gather(
            *(getattr(self, name).load_many(sorted(ids)) for name, ids in wanted.items() if ids)
        )

    async def _events(self, ids: list[int]) -> list[Any]:
        assert self.caller is not None
        rows = await scoped(EventModel, self.caller).filter(id__in=ids)
        found = {row.id: event_types.event_from(row) for row in rows}
        return [found.get(pk) for pk in ids]

    async def _primary_follow_ups(self, lead_ids: list[int]) -> list[Any]:
        assert self.caller is not None
        ids = await followups.primary_follow_up_ids(self.caller, list(lead_ids))
        found = await self.follow_up.load_many([ids[i] for i in lead_ids if i in ids])
        by_lead = dict(zip([i for i in lead_ids if i in ids], found, strict=True))
        return [by_lead.get(i) for i in lead_ids]


@dataclass
class _SharedEvent:
    """One event's follow-up read, and what it shows each sharing key; forgotten together."""

    row: asyncio.Future[dict[int, dict[str, Any]]]
    views: dict[tuple[Any, ...], fu.FollowUpEvent] = field(default_factory=dict)
    matches: dict[tuple[Any, ...], asyncio.Future[bool]] = field(default_factory=dict)


class SharedEvents:
    """What one bus event shows its live subscribers, worked out once per process rather
    than once per socket: the follow-up is read once, and every subscriber with the same
    visibility.sharing_key receives the same FollowUpEvent, whose selection is then
    executed once per distinct query (gql.shared_execution.SharedExecution). A change broadcast
    to 2,000 sockets would otherwise be 2,000 identical queries and executions. Each
    subscriber still gets only what its caller may see."""

    def __init__(self, keep: int = 64) -> None:
        self.keep = keep  # events remembered; an older one is simply worked out again
        self.events: OrderedDict[tuple[int, int, int], _SharedEvent] = OrderedDict()

    def _shared(self, caller: Caller, event: dict[str, Any]) -> _SharedEvent:
        follow_up_id = int(event["id"])
        key = (caller.org_id, int(event["arrival"]), follow_up_id)
        shared = self.events.get(key)
        if shared is None:
            reading = rows_by_ids(FollowUpModel, caller, [follow_up_id], columns(fu.FollowUp))
            shared = self.events[key] = _SharedEvent(asyncio.ensure_future(reading))
            while len(self.events) > self.keep:
                self.events.popitem(last=False)
        return shared

    async def follow_up_event(
        self, caller: Caller, event: dict[str, Any]
    ) -> fu.FollowUpEvent | None:
        shared = self._shared(caller, event)
        row = (await asyncio.shield(shared.row)).get(int(event["id"]))
        if row is None or not may_see_follow_up(caller, row):
            return None
        view = shared.views.get(sharing_key(caller))
        if view is None:
            view = shared.views[sharing_key(caller)] = fu.FollowUpEvent(
                kind=fu.FollowUpEventKind(event["kind"]),
                follow_up=build(fu.FollowUp, row),
                shared_execution=SharedExecution(),
            )
        return view

    async def matches(self, caller: Caller, event: dict[str, Any], criteria: Criteria) -> bool:
        """Whether the event's follow-up passes a subscription's filter: one query per
        sharing key and filter, however many sockets ask."""
        shared = self._shared(caller, event)
        key = (sharing_key(caller), repr(criteria))
        checking = shared.matches.get(key)
        if checking is None:
            checking = shared.matches[key] = asyncio.ensure_future(
                followup_queries.matches(caller, criteria, int(event["id"]))
            )
        return await asyncio.shield(checking)


shared_events = SharedEvents()
