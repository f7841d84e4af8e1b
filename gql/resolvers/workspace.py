"""Dashboard, calendar and board queries: parse arguments, call services, shape the view."""

from datetime import date
from typing import Annotated

import strawberry

from gql.info import Info
from gql.schema.common import optional_id
from gql.schema.followups import FollowUpFilter, FollowUpOrder, criteria_from, ordering_from
from gql.schema.workspace import (
    BoardColumn,
    Dashboard,
    FollowUpBoard,
    FollowUpCalendar,
    calendar_day,
)
from services import workspace


@strawberry.type
class WorkspaceQuery:
    @strawberry.field(
        description="Your dashboard; managers may ask for anyone's (assigneeId) or the team's."
    )
    async def dashboard(
        self,
        info: Info,
        assignee_id: strawberry.ID | None = None,
        team: bool = False,
        window_days: Annotated[
            int, strawberry.argument(description="Days back the rates cover.")
        ] = 30,
    ) -> Dashboard:
        caller = info.context.require_caller()
        assignee = optional_id(assignee_id, "Staff", "assigneeId")
        scope = await workspace.dashboard_scope(caller, assignee, team, window_days)
        counts = await workspace.dashboard_counts(caller, scope)
        return Dashboard(scope=scope, counts=counts)

    @strawberry.field(description="Days from `from` to `to` (inclusive, your zone) with counts.")
    async def follow_up_calendar(
        self,
        info: Info,
        from_: Annotated[date, strawberry.argument(name="from")],
        to: date,
        filter: FollowUpFilter | None = None,
        per_day: Annotated[int, strawberry.argument(description="Follow-ups listed per day.")] = 20,
    ) -> FollowUpCalendar:
        caller = info.context.require_caller()
        days = await workspace.calendar(caller, from_, to, criteria_from(filter), per_day)
        return FollowUpCalendar(timezone=caller.timezone, days=[calendar_day(day) for day in days])

    @strawberry.field(description="One column per status with its count and first page.")
    async def follow_up_board(
        self,
        info: Info,
        filter: FollowUpFilter | None = None,
        order_by: FollowUpOrder | None = None,
        first: Annotated[int | None, strawberry.argument(description="Cards per column.")] = 20,
    ) -> FollowUpBoard:
        caller = info.context.require_caller()
        criteria = criteria_from(filter)
        counts = await workspace.board_counts(caller, criteria)
        columns = [
            BoardColumn(
                status=status,
                count=counts.get(status, 0),
                criteria=criteria.only_statuses([status]),
                ordering=ordering_from(order_by),
                page_size=first,
            )
            for status in workspace.board_statuses(criteria)
        ]
        return FollowUpBoard(columns=columns)
