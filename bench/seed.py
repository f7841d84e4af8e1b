"""Seeds a PostgreSQL database at benchmark size: one organization, 50 staff, 20,000
clients and 200,000 follow-ups across types, statuses and dates.

    .venv/bin/python -m bench.seed --database-url postgres://root@127.0.0.1:5432/followups_bench

Rows go in with COPY: ORM creates would take longer than the benchmark itself.
"""

import argparse
import asyncio
import random
import time
from datetime import UTC, datetime, timedelta

import asyncpg

from runtime import db
from services.auth import hash_password
from services.organizations import create_organization

PASSWORD = "bench-pass-phrase-123"
ZONES = [
    "Europe/London",
    "America/New_York",
    "Australia/Sydney",
    "Asia/Kolkata",
    "UTC",
    "America/Los_Angeles",
]
TOPICS = [
    "passport renewal", "visa application", "document checklist", "payment reminder",
    "invoice overdue", "installation check", "quote follow-up", "test score review",
    "compliance documents", "appointment summary", "bank statements", "biometrics booking",
    "solar panel service", "warranty question", "referral thank-you", "onboarding call",
]  # fmt: skip
VERBS = ["Call about", "Email about", "Send", "Review", "Check", "Chase", "Confirm", "Discuss"]
FIRST = [
    "Amara",
    "Ben",
    "Chen",
    "Dana",
    "Elif",
    "Farid",
    "Grace",
    "Hugo",
    "Ines",
    "Jon",
    "Kemi",
    "Liam",
]
LAST = ["Osei", "Smith", "Wang", "Kaur", "Yilmaz", "Haddad", "Novak", "Silva", "Brown", "Ito"]
STATUSES = [
    ("pending", 45),
    ("in_progress", 15),
    ("completed", 28),
    ("closed_with_issue", 3),
    ("missed", 4),
    ("cancelled", 5),
]


async def recreate(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    admin = await asyncpg.connect(url.rsplit("/", 1)[0] + "/postgres")
    await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    await admin.execute(f'CREATE DATABASE "{name}"')
    await admin.close()


async def seed(url: str, staff_count: int, clients: int, follow_ups: int) -> None:
    started = time.monotonic()
    await db.migrate(url)
    await db.connect(url)
    org, admin = await create_organization(
        "Bench Consultancy", "admin@bench.example", PASSWORD, "Bench Admin"
    )
    await db.disconnect()
    conn = await asyncpg.connect(url)
    rng = random.Random(7)
    now = datetime.now(UTC)
    password_hash = hash_password(PASSWORD)
    staff_rows = [
        (org.id, f"staff{n}@bench.example", f"{rng.choice(FIRST)} {rng.choice(LAST)} {n}",
         "manager" if n < 4 else "staff", rng.choice(ZONES), password_hash, True, "{}", now, now)
        for n in range(1, staff_count)
    ]  # fmt: skip
    await conn.copy_records_to_table(
        "staff", records=staff_rows,
        columns=["org_id", "email", "name", "role", "timezone", "password_hash", "is_active", "preferences", "created_at", "updated_at"],
    )  # fmt: skip
    staff_ids = [
        r["id"] for r in await conn.fetch("SELECT id FROM staff WHERE org_id = $1", org.id)
    ]
    client_rows = [
        (org.id, f"C{n}", f"{rng.choice(FIRST)} {rng.choice(LAST)}", f"client{n}@example.com", rng.choice(ZONES),
         rng.choice(staff_ids), rng.choice(["gold", "standard", None]), now - timedelta(days=rng.randint(0, 400)), now, now)
        for n in range(clients)
    ]  # fmt: skip
    await conn.copy_records_to_table(
        "client", records=client_rows,
        columns=["org_id", "external_id", "name", "email", "timezone", "owner_id", "segment", "last_contacted_at", "created_at", "updated_at"],
    )  # fmt: skip
    client_ids = [
        r["id"] for r in await conn.fetch("SELECT id FROM client WHERE org_id = $1", org.id)
    ]
    lead_rows = [
        (
            org.id,
            f"L{n}",
            f"Lead {n}",
            rng.choice(["new", "qualified", "assigned", "delivered", "installed"]),
            now,
            now,
        )
        for n in range(3000)
    ]
    await conn.copy_records_to_table(
        "lead",
        records=lead_rows,
        columns=["org_id", "external_id", "name", "stage", "created_at", "updated_at"],
    )
    lead_ids = [r["id"] for r in await conn.fetch("SELECT id FROM lead WHERE org_id = $1", org.id)]
    invoice_rows = [
        (
            org.id,
            f"I{n}",
            rng.choice(client_ids),
            f"INV-{n:05d}",
            rng.randint(100, 5000),
            "open",
            now,
            now,
        )
        for n in range(5000)
    ]
    await conn.copy_records_to_table(
        "invoice",
        records=invoice_rows,
        columns=[
            "org_id",
            "external_id",
            "client_id",
            "number",
            "amount",
            "status",
            "created_at",
            "updated_at",
        ],
    )
    invoice_ids = [
        r["id"] for r in await conn.fetch("SELECT id FROM invoice WHERE org_id = $1", org.id)
    ]
    types = {
        r["key"]: r["id"]
        for r in await conn.fetch("SELECT key, id FROM follow_up_type WHERE org_id = $1", org.id)
    }
    statuses = [s for s, weight in STATUSES for _ in range(weight)]
    rows = []
    for n in range(follow_ups):
        status = rng.choice(statuses)
        due = now + timedelta(minutes=rng.randint(-180 * 24 * 60, 90 * 24 * 60))
        created = min(due, now) - timedelta(days=rng.randint(1, 30))
        done = status in ("completed", "closed_with_issue")
        completed = (due + timedelta(hours=rng.randint(-48, 72))) if done else None
        topic = rng.choice(TOPICS)
        rows.append((
            org.id, types[rng.choice(list(types))], f"{rng.choice(VERBS)} {topic}", f"Follow up with the client on {topic} ({n}).",
            status, rng.choice([1, 2, 2, 3]), due, rng.choice(staff_ids), admin.id, rng.choice(client_ids),
            rng.choice(lead_ids) if n % 10 == 0 else None, rng.choice(invoice_ids) if n % 8 == 0 else None,
            rng.randint(1, 3) if done else rng.randint(0, 1), completed, completed and completed > due,
            status == "closed_with_issue", False, "manual", 1, created, created,
        ))  # fmt: skip
    columns = [
        "org_id", "type_id", "subject", "description", "status", "priority", "due_at", "assignee_id", "created_by_id",
        "client_id", "lead_id", "invoice_id", "contact_attempt_count", "completed_at", "referral_opportunity",
        "has_issue", "is_primary", "origin", "version", "created_at", "updated_at",
    ]  # fmt: skip
    for start in range(0, len(rows), 50_000):
        await conn.copy_records_to_table(
            "follow_up", records=rows[start : start + 50_000], columns=columns
        )
    # What autovacuum would do soon after a bulk load: statistics for the planner and the
    # visibility map that lets counts read only the index.
    await conn.execute("VACUUM ANALYZE")
    await conn.close()
    print(f"seeded organization {org.id}: {staff_count} staff, {clients} clients, {follow_ups} follow-ups "
          f"in {time.monotonic() - started:.1f} s; log in as admin@bench.example or staff1@bench.example / {PASSWORD}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", default="postgres://root@127.0.0.1:5432/followups_bench")
    parser.add_argument("--staff", type=int, default=50)
    parser.add_argument("--clients", type=int, default=20_000)
    parser.add_argument("--follow-ups", type=int, default=200_000)
    args = parser.parse_args()
    asyncio.run(_run(args))


async def _run(args: argparse.Namespace) -> None:
    await recreate(args.database_url)
    await seed(args.database_url, args.staff, args.clients, args.follow_ups)


if __name__ == "__main__":
    main()
