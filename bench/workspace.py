"""Server time of the workspace views on the seeded database (bench/seed.py): the dashboard
for one staff member and for the whole team, a month of calendar, and analytics by staff
over a quarter.

    .venv/bin/python -m bench.workspace --database-url postgres://root@127.0.0.1:5432/followups_bench
"""

import argparse
import asyncio
import random
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from bench.queries import Case, gid, login, measure, sample_ids
from gql.app import create_app
from runtime import db

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


async def run(url: str, runs: int, only: str | None) -> None:
    ids = await sample_ids(url)
    await db.connect(url)
    app = create_app(manage_database=False)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://bench"
    ) as client:
        tokens = {"admin": await login(client, "admin@bench.example")}
        print("| query | median ms | p95 ms | min ms | max ms |")
        print("|---|---:|---:|---:|---:|")
        for case in cases(ids):
            if only and only not in case.name:
                continue
            figures = await measure(client, case, tokens, runs)
            print(f"| {case.name} | {figures['median']:.1f} | {figures['p95']:.1f} "
                  f"| {figures['min']:.1f} | {figures['max']:.1f} |")  # fmt: skip
    await db.disconnect()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", default="postgres://root@127.0.0.1:5432/followups_bench")
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--only", help="run the cases whose name contains this")
    args = parser.parse_args()
    asyncio.run(run(args.database_url, args.runs, args.only))


if __name__ == "__main__":
    main()
