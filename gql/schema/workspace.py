"""The dashboard, calendar and board as the SPA reads them."""

from datetime import date

import strawberry

from gql.connections import (
    connection_for,
    follow_ups_by_id,
    follow_ups_from_rows,
    rotting_connection,
)
from gql.info import Info
from gql.schema.common import DateTime
from gql.schema.enums import FollowUpStatus
from gql.schema.followups import FollowUp, FollowUpConnection
from gql.schema.rotting import RottingClientConnection
from gql.schema.rows import columns
from gql.schema.staff import Staff
from services import workspace
from services.followup_queries import Criteria, Ordering
from services.pagination import PageRequest
from services.workspace import DashboardCounts, DashboardScope


@strawberry.type(description="What needs doing, for one person or the whole team, in your zone.")
class Dashboard:
    scope: strawberry.Private[DashboardScope]
    counts: strawberry.Private[DashboardCounts]

    @strawberry.field(description="Whose dashboard this is; null for the whole team.")
    async def assignee(self, info: Info) -> Staff | None:
        if self.scope.assignee_ids is None:
            return None
        return await info.context.loaders.staff.load(self.scope.assignee_ids[0])

    @strawberry.field(description="The zone 'today' and 'this week' are computed in (yours).")
    def timezone(self) -> str:
        return str(self.scope.zone)

    @strawberry.field(description="Open follow-ups due today, soonest first.")
    async def today(self, info: Info, first: int | None = None) -> list[FollowUp]:
        return await self._list(info, "today", first)

    @strawberry.field(description="Open follow-ups past their due time, longest overdue first.")
    async def overdue(self, info: Info, first: int | None = None) -> list[FollowUp]:
        return await self._list(info, "overdue", first)

    @strawberry.field(description="Open follow-ups due after today and before next Monday.")
    async def upcoming_this_week(self, info: Info, first: int | None = None) -> list[FollowUp]:
        return await self._list(info, "upcoming", first)

    @strawberry.field
    def pending_count(self) -> int:
        return self.counts.pending

    @strawberry.field
    def in_progress_count(self) -> int:
        return self.counts.in_progress

    @strawberry.field
    def missed_count(self) -> int:
        return self.counts.missed

    @strawberry.field(description="Open and past their due time.")
    def overdue_count(self) -> int:
        return self.counts.overdue

    @strawberry.field(description="Open and due today.")
    def due_today_count(self) -> int:
        return self.counts.due_today

    @strawberry.field
    def completed_today_count(self) -> int:
        return self.counts.completed_today

    @strawberry.field(description="Completed or closed since Monday 00:00 in your zone.")
    def completed_this_week_count(self) -> int:
        return self.counts.completed_this_week

    @strawberry.field(description="Length of the window the rates are computed over.")
    def window_days(self) -> int:
        return self.scope.window_days

    @strawberry.field
    def window_starts_at(self) -> DateTime:
        return self.scope.window_starts

    @strawberry.field(description="Follow-ups due in the window, cancelled ones aside.")
    def due_in_window_count(self) -> int:
        return self.counts.due_in_window

    @strawberry.field(description="Of those due in the window, the share completed (0 to 1).")
    def completion_rate(self) -> float:
        return self.counts.completion_rate

    @strawberry.field(description="Of those completed, the share completed by the due time.")
    def on_time_rate(self) -> float:
        return self.counts.on_time_rate

    @strawberry.field(
        description="Clients and leads needing attention: the assignee's own, or the team's."
    )
    async def rotting_clients(
        self, info: Info, first: int | None = 5, after: str | None = None
    ) -> RottingClientConnection:
        caller = info.context.require_caller()
        owner = None if self.scope.assignee_ids is None else self.scope.assignee_ids[0]
        return await rotting_connection(caller, first, after, owned_by=owner)

    async def _list(self, info: Info, section: str, first: int | None) -> list[FollowUp]:
        caller = info.context.require_caller()
        page = await workspace.dashboard_list(caller, self.scope, section, first, columns(FollowUp))
        return await follow_ups_from_rows(info, page.items)


@strawberry.type(description="One day of the calendar, in your zone.")
class CalendarDay:
    date: date
    starts_at: DateTime
    ends_at: DateTime
    count: int
    open_count: int
    overdue_count: int
    completed_count: int
    follow_up_ids: strawberry.Private[list[int]]

    @strawberry.field(description="The day's first follow-ups (perDay of them), by due time.")
    async def follow_ups(self, info: Info) -> list[FollowUp]:
        return await follow_ups_by_id(info, self.follow_up_ids)

    @strawberry.field(description="More follow-ups fall on this day than are listed.")
    def has_more(self) -> bool:
        return self.count > len(self.follow_up_ids)


@strawberry.type
class FollowUpCalendar:
    timezone: str
    days: list[CalendarDay]

    @strawberry.field(description="Follow-ups in the whole range.")
    def total_count(self) -> int:
        return sum(day.count for day in self.days)


def calendar_day(day: workspace.CalendarDay) -> CalendarDay:
    return CalendarDay(
        date=day.day.day,
        starts_at=day.day.starts,
        ends_at=day.day.ends,
        count=day.count,
        open_count=day.open_count,
        overdue_count=day.overdue_count,
        completed_count=day.done_count,
        follow_up_ids=day.follow_up_ids,
    )


@strawberry.type(description="A kanban column: one status, its count and its first page.")
class BoardColumn:
    status: FollowUpStatus
    count: int
    criteria: strawberry.Private[Criteria]
    ordering: strawberry.Private[Ordering]
    page_size: strawberry.Private[int | None]

    @strawberry.field(description="The column's cards; page on with `after`.")
    async def follow_ups(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> FollowUpConnection:
        size = first if first is not None else self.page_size
        return await connection_for(
            info, self.criteria, self.ordering, PageRequest(first=size, after=after)
        )


@strawberry.type
class FollowUpBoard:
    columns: list[BoardColumn]

    @strawberry.field
    def total_count(self) -> int:
        return sum(column.count for column in self.columns)
