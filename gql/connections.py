"""Every connection the API returns, built from a page the services read.

Types live in gql/schema/; building a connection (running the list, priming loaders, making
edges and pageInfo) is done here, once for each list. Paging itself, cursors and their
validation are services.pagination's: every list pages by keyset with one cursor format.

This module imports the schema types. A type whose field is itself a connection (e.g.
Client.followUps) calls its builder through a local import inside the field, resolved at
the first call, the same way its lazy type annotation breaks the import cycle.
"""

import asyncio
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import strawberry
from strawberry import relay
from tortoise.models import Model

from gql.info import Info, selected_names
from gql.schema.common import decode_id, optional_id
from gql.schema.crm_events import EventConnection, event_from
from gql.schema.followups import (
    FollowUp,
    FollowUpConnection,
    FollowUpFilter,
    FollowUpOrder,
    criteria_from,
    ordering_from,
    selected_links,
)
from gql.schema.notifications import NotificationConnection, NotificationKind
from gql.schema.parties import PartyFilter
from gql.schema.rotting import RottingClient, RottingClientConnection
from gql.schema.rows import build, columns
from gql.schema.saved_filters import TYPE_NAME as SAVED_FILTER
from gql.schema.saved_filters import merged
from gql.schema.timelines import TimelineConnection, TimelineEntry
from services import (
    crm_events,
    followup_queries,
    notifications,
    parties,
    rotting,
    saved_filters,
    timelines,
)
from services.errors import NotFound, ValidationCode, ValidationFailed
from services.followup_queries import Criteria, Ordering
from services.pagination import Page, PageRequest
from services.timelines import EntryKind
from services.visibility import Caller

C = TypeVar("C")


def page_info(page: Page[Any]) -> relay.PageInfo:
    return relay.PageInfo(
        has_next_page=page.has_next_page,
        has_previous_page=page.has_previous_page,
        start_cursor=page.cursors[0] if page.cursors else None,
        end_cursor=page.cursors[-1] if page.cursors else None,
    )


def edges(nodes: Sequence[Any], page: Page[Any]) -> list[relay.Edge[Any]]:
    return [
        relay.Edge(node=node, cursor=cursor)
        for node, cursor in zip(nodes, page.cursors, strict=True)
    ]


# ---------------------------------------------------------------- follow-ups


async def follow_up_connection(
    info: Info,
    filter: FollowUpFilter | None,
    order_by: FollowUpOrder | None,
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
    forced: dict[str, int] | None = None,
) -> FollowUpConnection:
    criteria = criteria_from(filter, forced)
    page = PageRequest(first, after, last, before)
    return await connection_for(info, criteria, ordering_from(order_by), page)


async def connection_for(
    info: Info, criteria: Criteria, ordering: Ordering, request: PageRequest
) -> FollowUpConnection:
    """A page of follow-ups matching parsed criteria; totalCount is counted only if asked."""
    caller = info.context.require_caller()
    counting = None
    if "totalCount" in selected_names(info, ()):
        # Counted on its own connection while the page loads: a search matching thousands
        # of rows costs as long to count as the page costs to build.
        counting = asyncio.ensure_future(followup_queries.count(caller, criteria))
    try:
        page = await followup_queries.find_rows(
            caller, criteria, ordering, request, columns(FollowUp)
        )
        nodes = await follow_ups_from_rows(info, page.items, "edges", "node")
    except BaseException:
        if counting is not None:
            counting.cancel()
        raise
    return FollowUpConnection(
        edges=edges(nodes, page),
        page_info=page_info(page),
        count_rows=lambda: counting or followup_queries.count(caller, criteria),
    )


async def follow_ups_from_rows(
    info: Info, rows: list[dict[str, Any]], *path: str
) -> list[FollowUp]:
    """Follow-ups from rows a list statement read, primed in the request's loader, with the
    links the query selects at path loaded ahead (one batch per link kind)."""
    nodes = [build(FollowUp, row) for row in rows]
    info.context.loaders.follow_up.prime_many({node.id: node for node in nodes})
    await info.context.loaders.prefetch(nodes, selected_links(info, *path))
    return nodes


async def follow_ups_by_id(info: Info, ids: list[int]) -> list[FollowUp]:
    """Follow-ups in the order given, through the request's loader (hidden ones left out)."""
    nodes = await info.context.loaders.follow_up.load_many(ids)
    return [node for node in nodes if node is not None]


async def effective_filter(
    info: Info, filter: FollowUpFilter | None, saved_filter_id: strawberry.ID | None
) -> FollowUpFilter | None:
    """The filter a list or export applies: the saved preset (if any) overridden field by field.

    The preset is a reference here, like a clientId in an input: one the caller cannot see is
    a ValidationFailed on savedFilterId (BAD_USER_INPUT on a query), never "forbidden".
    """
    if saved_filter_id is None:
        return filter
    caller = info.context.require_caller()
    pk = decode_id(saved_filter_id, SAVED_FILTER, "savedFilterId")
    try:
        row = await saved_filters.get_visible(caller, pk)
    except NotFound as error:
        raise ValidationFailed(
            "savedFilterId", error.message, code=ValidationCode.NOT_FOUND_IN_ORGANIZATION
        ) from error
    return merged(row.criteria, filter)


# ---------------------------------------------------------------- other lists


async def rotting_connection(
    caller: Caller, first: int | None, after: str | None, owned_by: int | None = None
) -> RottingClientConnection:
    """A page of rotting parties as a connection (the list and the dashboard's section)."""
    page, total = await rotting.rotting_parties(caller, first, after, owned_by=owned_by)
    nodes = [RottingClient(row=item) for item in page.items]
    return RottingClientConnection(edges=edges(nodes, page), page_info=page_info(page), total=total)


async def timeline_connection(
    info: Info,
    party: str,
    party_id: int,
    kinds: list[EntryKind] | None,
    first: int | None,
    after: str | None,
) -> TimelineConnection:
    caller = info.context.require_caller()
    page = await timelines.timeline(
        caller, party, party_id, kinds, PageRequest(first=first, after=after)
    )
    nodes = [TimelineEntry(entry=entry) for entry in page.items]
    return TimelineConnection(edges=edges(nodes, page), page_info=page_info(page))


async def party_connection(
    info: Info,
    model: type[Model],
    shape: type,
    connection: Callable[..., C],
    filter: PartyFilter | None,
    order: str,
    first: int | None,
    after: str | None,
) -> C:
    """A page of a host CRM entity (clients, leads, …) in `order`, with the total."""
    caller = info.context.require_caller()
    search = parties.PartySearch()
    if filter is not None:
        search.search = filter.search
        search.owner_id = optional_id(filter.owner_id, "Staff", "ownerId")
        search.client_id = optional_id(filter.client_id, "Client", "clientId")
        search.stage = filter.stages
    page, total = await parties.list_rows(
        model, caller, search, order, PageRequest(first=first, after=after)
    )
    nodes: list[Any] = [build(shape, row) for row in page.items]
    return connection(edges=edges(nodes, page), page_info=page_info(page), total_count=total)


async def notification_connection(
    info: Info,
    first: int | None,
    after: str | None,
    unread_only: bool,
    kinds: list[NotificationKind] | None,
) -> NotificationConnection:
    """The caller's inbox, newest first, with its total and unread counts."""
    caller = info.context.require_caller()
    request = PageRequest(first=first, after=after)
    page = await notifications.inbox_page(caller, request, unread_only, kinds)
    found = await info.context.loaders.notification.load_many(page.items)
    kept = [(node, cursor) for node, cursor in zip(found, page.cursors, strict=True) if node]
    return NotificationConnection(
        edges=[relay.Edge(node=node, cursor=cursor) for node, cursor in kept],
        page_info=page_info(page),
        total_count=await notifications.inbox(caller, unread_only, kinds).count(),
        unread_count=await notifications.unread_count(caller),
    )


async def event_connection(
    info: Info, first: int | None, after: str | None, client_id: int | None = None
) -> EventConnection:
    """The organization's events (or one client's), newest first."""
    caller = info.context.require_caller()
    page = await crm_events.events_page(caller, PageRequest(first=first, after=after), client_id)
    nodes = [event_from(row) for row in page.items]
    return EventConnection(edges=edges(nodes, page), page_info=page_info(page))
