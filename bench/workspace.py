"""Server time of the workspace views on the seeded database (bench/seed.py): the dashboard
for one staff member and for the whole team, a month of calendar, and analytics by staff
over a quarter.

    .venv/bin/python -m bench.workspace --database-url postgres://root@127.0.0.1:5432/followups_bench
"""

import random
from datetime import UTC, datetime, timedelta
from typing import Any

from bench import queries
from bench.queries import Case, gid

LISTED = "id subject dueAt status priority client { name } assignee { name }"
COUNTS = """pendingCount inProgressCount overdueCount dueTodayCount completedTodayCount
  completedThisWeekCount completionRate onTimeRate"""
DASHBOARD = f"""query($a: ID, $team: Boolean) {{ dashboard(assigneeId: $a, team: $team) {{
  {COUNTS} today(first: 20) {{ {LISTED} }} overdue(first: 20) {{ {LISTED} }}
  upcomingThisWeek(first: 20) {{ {LISTED} }} }} }}"""
CALENDAR = """query($from: Date!, $to: Date!, $f: FollowUpFilter) {
  followUpCalendar(from: $from, to: $to, filter: $f, perDay: 5) { totalCount
    days { date count openCount overdueCount completedCount followUps { id subject dueAt } } } }"""
ANALYTICS = """query($from: DateTime!, $to: DateTime!) {
  followUpAnalytics(from: $from, to: $to, groupBy: STAFF) {
    groups { label created completed completedOnTime missed cancelled completionRate onTimeRate
           medianTimeToCompleteHours p90TimeToCompleteHours contactAttemptsPerCompletion
           issueRate }
  } }"""


def cases(ids: dict[str, list[int]]) -> list[Case]:
    def one_staff(rng: random.Random) -> dict[str, Any]:
        return {"a": gid("Staff", rng.choice(ids["staff"][1:]))}

    def team(rng: random.Random) -> dict[str, Any]:
        return {"team": True}

    def month(rng: random.Random) -> dict[str, Any]:
        start = datetime.now(UTC).date().replace(day=1)
        end = (start + timedelta(days=32)).replace(day=1) - timedelta(days=1)
        staff = gid("Staff", rng.choice(ids["staff"][1:]))
        return {"from": start.isoformat(), "to": end.isoformat(), "f": {"assigneeIds": [staff]}}

    def team_month(rng: random.Random) -> dict[str, Any]:
        variables = month(rng)
        variables.pop("f")
        return variables

    def quarter(rng: random.Random) -> dict[str, Any]:
        end = datetime.now(UTC)
        return {"from": (end - timedelta(days=91)).isoformat(), "to": end.isoformat()}

    return [
        Case("dashboard, one staff member", DASHBOARD, one_staff, "admin"),
        Case("dashboard, the whole team", DASHBOARD, team, "admin"),
        Case("calendar, one staff member's month", CALENDAR, month, "admin"),
        Case("calendar, the team's month", CALENDAR, team_month, "admin"),
        Case("analytics by staff, a quarter", ANALYTICS, quarter, "admin"),
    ]


if __name__ == "__main__":
    queries.main(__doc__, cases, default_runs=100)
