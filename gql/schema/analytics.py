"""Completion analytics and workload as the API shows them."""

from datetime import date

import strawberry

from gql.info import Info
from gql.schema.common import DateTime, global_id
from gql.schema.enums import CompletionOutcome, Priority, SatisfactionOutcome
from gql.schema.followups import FollowUpType
from gql.schema.staff import Staff
from services.analytics import Figures, GroupBy, Report
from services.workload import MemberLoad, WeekLoad

AnalyticsGroupBy = GroupBy
strawberry.enum(AnalyticsGroupBy, name="AnalyticsGroupBy")


@strawberry.type
class OutcomeShare:
    outcome: CompletionOutcome
    count: int
    rate: float = strawberry.field(description="Share of the completions.")


@strawberry.type
class SatisfactionCount:
    outcome: SatisfactionOutcome
    count: int


@strawberry.type(description="Figures of one group (or the totals); see followUpAnalytics.")
class AnalyticsRow:
    figures: strawberry.Private[Figures]
    group_by: strawberry.Private[GroupBy | None]  # None: the totals row

    @strawberry.field(
        description="Stable key: the staff id ('unassigned'), type key, priority, week start "
        "date (YYYY-MM-DD), or 'total'."
    )
    def key(self) -> str:
        key = self.figures.key
        if self.group_by is None:
            return "total"
        if self.group_by == GroupBy.STAFF:
            return global_id("Staff", key) if key else "unassigned"
        if self.group_by == GroupBy.TYPE:
            return self.figures.code or str(key)
        if self.group_by == GroupBy.PRIORITY:
            return key.name
        return key.isoformat()

    @strawberry.field(description="Staff name, type name, priority, week start date or 'All'.")
    def label(self) -> str:
        return self.figures.label

    @strawberry.field
    async def staff(self, info: Info) -> Staff | None:
        if self.group_by != GroupBy.STAFF or not self.figures.key:
            return None
        return await info.context.loaders.staff.load(self.figures.key)

    @strawberry.field
    async def type(self, info: Info) -> FollowUpType | None:
        if self.group_by != GroupBy.TYPE:
            return None
        return await info.context.loaders.follow_up_type.load(self.figures.key)

    @strawberry.field
    def priority(self) -> Priority | None:
        return self.figures.key if self.group_by == GroupBy.PRIORITY else None

    @strawberry.field(description="Monday of the week, in your zone.")
    def week_start(self) -> date | None:
        return self.figures.key if self.group_by == GroupBy.WEEK else None

    @strawberry.field(description="Created in the window.")
    def created(self) -> int:
        return self.figures.created

    @strawberry.field(description="Completed or closed with an issue, completedAt in the window.")
    def completed(self) -> int:
        return self.figures.completed

    @strawberry.field(description="Of those completed, by their due time.")
    def completed_on_time(self) -> int:
        return self.figures.completed_on_time

    @strawberry.field(description="MISSED, due in the window.")
    def missed(self) -> int:
        return self.figures.missed

    @strawberry.field(description="Cancelled in the window.")
    def cancelled(self) -> int:
        return self.figures.cancelled

    @strawberry.field(description="Due in the window, not cancelled.")
    def due(self) -> int:
        return self.figures.due

    @strawberry.field(description="Of those due in the window, completed or closed (by now).")
    def due_completed(self) -> int:
        return self.figures.due_completed

    @strawberry.field(description="dueCompleted / due.")
    def completion_rate(self) -> float:
        return self.figures.completion_rate

    @strawberry.field(description="completedOnTime / completed.")
    def on_time_rate(self) -> float:
        return self.figures.on_time_rate

    @strawberry.field(description="Median hours from creation to completion; null: none.")
    def median_time_to_complete_hours(self) -> float | None:
        return self.figures.median_hours

    @strawberry.field(description="90th percentile hours from creation to completion.")
    def p90_time_to_complete_hours(self) -> float | None:
        return self.figures.p90_hours

    @strawberry.field(description="Contact attempts of the completed follow-ups per completion.")
    def contact_attempts_per_completion(self) -> float:
        return self.figures.contact_attempts_per_completion

    @strawberry.field(description="Completions per outcome, every outcome listed.")
    def success_rate_by_outcome(self) -> list[OutcomeShare]:
        return [
            OutcomeShare(
                outcome=outcome,
                count=self.figures.outcomes.get(outcome, 0),
                rate=self.figures.outcome_rate(outcome),
            )
            for outcome in CompletionOutcome
        ]

    @strawberry.field(description="Completions per satisfaction recorded.")
    def satisfaction_mix(self) -> list[SatisfactionCount]:
        return [
            SatisfactionCount(outcome=outcome, count=self.figures.satisfaction.get(outcome, 0))
            for outcome in SatisfactionOutcome
        ]

    @strawberry.field(description="Completions with hasIssue / completed.")
    def issue_rate(self) -> float:
        return self.figures.issue_rate


@strawberry.type
class FollowUpAnalytics:
    report: strawberry.Private[Report]

    @strawberry.field(name="from")
    def from_(self) -> DateTime:
        return self.report.starts

    @strawberry.field
    def to(self) -> DateTime:
        return self.report.ends

    @strawberry.field
    def group_by(self) -> AnalyticsGroupBy:
        return self.report.group_by

    @strawberry.field(description="The zone weeks are computed in (yours).")
    def timezone(self) -> str:
        return self.report.timezone

    @strawberry.field(description="One row per group; for WEEK every week, empty ones too.")
    def groups(self) -> list[AnalyticsRow]:
        return [AnalyticsRow(figures=f, group_by=self.report.group_by) for f in self.report.groups]

    @strawberry.field
    def totals(self) -> AnalyticsRow:
        return AnalyticsRow(figures=self.report.totals, group_by=None)


# ---------------------------------------------------------------- workload


@strawberry.type
class WorkloadWeek:
    week_start: date = strawberry.field(description="Monday, in your zone.")
    starts_at: DateTime = strawberry.field(description="Now, for this week.")
    ends_at: DateTime
    count: int = strawberry.field(description="Open follow-ups due in the week.")
    high_priority_count: int


def workload_week(week: WeekLoad) -> WorkloadWeek:
    return WorkloadWeek(
        week_start=week.week_start,
        starts_at=week.starts,
        ends_at=week.ends,
        count=week.count,
        high_priority_count=week.high_priority,
    )


@strawberry.type
class StaffWorkload:
    load: strawberry.Private[MemberLoad]

    @strawberry.field
    async def staff(self, info: Info) -> Staff:
        return await info.context.loaders.staff.load(self.load.staff_id)

    @strawberry.field(description="Open and due before now.")
    def overdue(self) -> int:
        return self.load.overdue

    @strawberry.field
    def weeks(self) -> list[WorkloadWeek]:
        return [workload_week(week) for week in self.load.weeks]

    @strawberry.field(description="Open and due after the last week.")
    def later(self) -> int:
        return self.load.later

    @strawberry.field(description="overdue + weeks + later: every open follow-up.")
    def open_count(self) -> int:
        return self.load.open_total


@strawberry.type(description="Open follow-ups per active member and week ahead.")
class Workload:
    timezone: str
    members: list[StaffWorkload]
