"""Completion analytics and workload: parse arguments, call services, shape the report."""

from typing import Annotated

import strawberry

from gql.info import Info
from gql.schema.analytics import (
    AnalyticsGroupBy,
    FollowUpAnalytics,
    StaffWorkload,
    Workload,
)
from gql.schema.common import DateTime, datetime_input
from services import analytics, workload


@strawberry.type
class AnalyticsQuery:
    @strawberry.field(
        description="Created, completed, on time, missed and cancelled follow-ups in [from, to), "
        "with rates, completion times, outcomes and satisfaction, per group and in total. "
        "Managers and admins see everyone; staff their own follow-ups."
    )
    async def follow_up_analytics(
        self,
        info: Info,
        from_: Annotated[DateTime, strawberry.argument(name="from")],
        to: DateTime,
        group_by: AnalyticsGroupBy,
    ) -> FollowUpAnalytics:
        caller = info.context.require_caller()
        report = await analytics.follow_up_analytics(
            caller, datetime_input(from_, "from"), datetime_input(to, "to"), group_by
        )
        return FollowUpAnalytics(report=report)

    @strawberry.field(
        description="Open follow-ups per active member: overdue, per week ahead (your zone, "
        "this week first) and later. Managers and admins see everyone; staff themselves."
    )
    async def workload(self, info: Info, weeks: int = 4) -> Workload:
        caller = info.context.require_caller()
        result = await workload.workload(caller, weeks)
        return Workload(
            timezone=result.timezone,
            members=[StaffWorkload(load=member) for member in result.members],
        )
