"""Indexes the model layer cannot declare: full-text search and one primary follow-up per lead."""

from tortoise import migrations
from tortoise.migrations import operations as ops

# Must match services/followup_queries.py exactly so PostgreSQL can use the index.
SEARCH_DOCUMENT = "to_tsvector('simple', coalesce(subject, '') || ' ' || coalesce(description, ''))"


async def create_indexes(apps, schema_editor) -> None:
    client = schema_editor.client
    if client.capabilities.dialect == "postgres":
        await client.execute_script(
            f"CREATE INDEX IF NOT EXISTS follow_up_search_idx ON follow_up USING GIN ({SEARCH_DOCUMENT})"
        )
    # A partial unique index in both engines: at most one live primary follow-up per lead.
    await client.execute_script(
        "CREATE UNIQUE INDEX IF NOT EXISTS follow_up_one_primary_per_lead "
        "ON follow_up (lead_id) WHERE is_primary AND status <> 'cancelled'"
    )


async def drop_indexes(apps, schema_editor) -> None:
    await schema_editor.client.execute_script("DROP INDEX IF EXISTS follow_up_search_idx")
    await schema_editor.client.execute_script("DROP INDEX IF EXISTS follow_up_one_primary_per_lead")


class Migration(migrations.Migration):
    dependencies = [("followups", "0001_initial")]

    operations = [ops.RunPython(create_indexes, drop_indexes)]
