"""Migration 0010 closes the invoice and appointment statuses: stored rows move with it.

Runs in a child process, on its own SQLite file: migrating closes Tortoise's connections,
which the suite's shared database needs.
"""

import subprocess
import sys
from pathlib import Path

SCRIPT = """
import asyncio, sqlite3, sys
from tortoise import Tortoise
from tortoise.migrations.api import migrate
from runtime.db import tortoise_config

url, path = sys.argv[1], sys.argv[2]

async def main():
    await migrate(config=tortoise_config(url), target="followups.0009_push_subscription_per_owner")
    await Tortoise.close_connections()
    db = sqlite3.connect(path)
    db.executescript('''
        INSERT INTO organization (id, name, staff_see_all_follow_ups, overdue_grace_minutes,
            rotting_days, created_at, updated_at) VALUES (1, 'Acme', 1, 0, 60, '2026-01-01', '2026-01-01');
        INSERT INTO client (id, org_id, name, timezone, created_at, updated_at)
            VALUES (1, 1, 'Bo', 'UTC', '2026-01-01', '2026-01-01');
        INSERT INTO invoice (id, org_id, client_id, number, amount, status, created_at, updated_at)
            VALUES (1, 1, 1, 'I-1', 5, 'open', '2026-01-01', '2026-01-01'),
                   (2, 1, 1, 'I-2', 5, 'Cancelled', '2026-01-01', '2026-01-01'),
                   (3, 1, 1, 'I-3', 5, 'paid', '2026-01-01', '2026-01-01');
        INSERT INTO appointment (id, org_id, client_id, starts_at, status, created_at, updated_at)
            VALUES (1, 1, 1, '2026-01-02', 'canceled', '2026-01-01', '2026-01-01'),
                   (2, 1, 1, '2026-01-02', 'no-show', '2026-01-01', '2026-01-01');
    ''')
    db.commit()
    await migrate(config=tortoise_config(url))
    await Tortoise.close_connections()
    for table in ("invoice", "appointment"):
        print(table, [row[0] for row in db.execute(f"SELECT status FROM {table} ORDER BY id")])

asyncio.run(main())
"""


def test_stored_statuses_move_into_the_closed_sets(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    root = Path(__file__).resolve().parent.parent.parent
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, f"sqlite://{path}", str(path)],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "invoice ['sent', 'void', 'paid']",
        "appointment ['cancelled', 'no_show']",
    ]
