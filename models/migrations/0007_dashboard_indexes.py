"""Indexes for the dashboard and the lists of open work.

Both databases: partial indexes over open follow-ups by due time (per assignee and for the
whole organization), so "overdue", "due today" and "this week" lists read only the rows
they return. Queries write open statuses as literals so the planners can use them.
PostgreSQL: the per-assignee index carries completed_at, so dashboard counts read only
the index. SQLite has no INCLUDE; its index stays as it was.
"""

from tortoise import migrations
from tortoise.migrations import operations as ops

OLD = "idx_follow_up_org_id_cbf9aa"  # (org_id, assignee_id, status, due_at) from 0001
NEW = "follow_up_assignee_status_due_idx"
OPEN = "status IN ('pending', 'in_progress', 'missed')"
PARTIAL = {
    "follow_up_open_assignee_due_idx": "(org_id, assignee_id, due_at)",
    "follow_up_open_due_idx": "(org_id, due_at)",
}


async def add_open_indexes(apps, schema_editor) -> None:
    for name, columns in PARTIAL.items():
        await schema_editor.client.execute_script(
            f"CREATE INDEX IF NOT EXISTS {name} ON follow_up {columns} WHERE {OPEN}"
        )


async def drop_open_indexes(apps, schema_editor) -> None:
    for name in PARTIAL:
        await schema_editor.client.execute_script(f"DROP INDEX IF EXISTS {name}")


async def add_covering_index(apps, schema_editor) -> None:
    client = schema_editor.client
    if client.capabilities.dialect != "postgres":
        return
    await client.execute_script(
        f"CREATE INDEX IF NOT EXISTS {NEW} ON follow_up "
        "(org_id, assignee_id, status, due_at) INCLUDE (completed_at)"
    )
    await client.execute_script(f"DROP INDEX IF EXISTS {OLD}")


async def restore_index(apps, schema_editor) -> None:
    client = schema_editor.client
    if client.capabilities.dialect != "postgres":
        return
    await client.execute_script(
        f"CREATE INDEX IF NOT EXISTS {OLD} ON follow_up (org_id, assignee_id, status, due_at)"
    )
    await client.execute_script(f"DROP INDEX IF EXISTS {NEW}")


class Migration(migrations.Migration):
    dependencies = [("followups", "0006_rotting_analytics")]

    operations = [
        ops.RunPython(add_covering_index, restore_index),
        ops.RunPython(add_open_indexes, drop_open_indexes),
    ]
