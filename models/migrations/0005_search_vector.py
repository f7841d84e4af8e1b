"""PostgreSQL keeps the search document as a stored column, so filtering on it does not
recompute to_tsvector for every candidate row (the expression index of 0002 did)."""

from tortoise import migrations
from tortoise.migrations import operations as ops

DOCUMENT = "to_tsvector('simple', coalesce(subject, '') || ' ' || coalesce(description, ''))"


async def add_search_vector(apps, schema_editor) -> None:
    client = schema_editor.client
    if client.capabilities.dialect != "postgres":
        return
    await client.execute_script(
        f"ALTER TABLE follow_up ADD COLUMN IF NOT EXISTS search_vector tsvector "
        f"GENERATED ALWAYS AS ({DOCUMENT}) STORED"
    )
    await client.execute_script(
        "CREATE INDEX IF NOT EXISTS follow_up_search_vector_idx ON follow_up USING GIN (search_vector)"
    )
    await client.execute_script("DROP INDEX IF EXISTS follow_up_search_idx")


async def drop_search_vector(apps, schema_editor) -> None:
    client = schema_editor.client
    if client.capabilities.dialect != "postgres":
        return
    await client.execute_script("ALTER TABLE follow_up DROP COLUMN IF EXISTS search_vector")
    await client.execute_script(f"CREATE INDEX IF NOT EXISTS follow_up_search_idx ON follow_up USING GIN ({DOCUMENT})")


class Migration(migrations.Migration):
    dependencies = [("followups", "0004_time_pipeline")]

    operations = [ops.RunPython(add_search_vector, drop_search_vector)]
