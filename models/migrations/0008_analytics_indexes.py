"""Indexes for completion analytics, which counts each figure by its own moment.

Both databases: follow-ups by completion time, so a window's completions (and their
durations) are read without the rest. By creation time too: PostgreSQL's index carries the
grouping columns, so "created" is counted from the index alone; SQLite has no INCLUDE.
"""

from tortoise import migrations
from tortoise.migrations import operations as ops

COMPLETED = "follow_up_completed_idx"
CREATED = "follow_up_created_idx"


async def add_indexes(apps, schema_editor) -> None:
    client = schema_editor.client
    carried = " INCLUDE (assignee_id, type_id, priority)"
    if client.capabilities.dialect != "postgres":
        carried = ""
    await client.execute_script(
        f"CREATE INDEX IF NOT EXISTS {COMPLETED} ON follow_up (org_id, completed_at)"
    )
    await client.execute_script(
        f"CREATE INDEX IF NOT EXISTS {CREATED} ON follow_up (org_id, created_at){carried}"
    )


async def drop_indexes(apps, schema_editor) -> None:
    for name in (COMPLETED, CREATED):
        await schema_editor.client.execute_script(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("followups", "0007_dashboard_indexes")]

    operations = [ops.RunPython(add_indexes, drop_indexes)]
