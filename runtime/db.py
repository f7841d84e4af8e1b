"""Tortoise set-up for both backends: the SQLite file of the embedded default, or PostgreSQL."""

from typing import Any

from tortoise import Tortoise
from tortoise.backends.base.executor import EXECUTOR_CACHE
from tortoise.migrations.api import migrate as run_migrations

from runtime.settings import get_settings

MODEL_MODULES = [
    "models.organizations",
    "models.staff",
    "models.parties",
    "models.followups",
    "models.notifications",
    "models.saved_filters",
    "models.exports",
    "models.timers",
    "models.reminders",
    "models.crm_events",
]


def with_pool_size(url: str) -> str:
    """PostgreSQL URLs get the pool size setting unless they name one (Tortoise reads it
    from the URL). A worker's async actors each hold a connection for their transaction,
    so a pool smaller than its threads makes them queue (bench.reminder_lag)."""
    if not is_postgres(url) or "maxsize=" in url:
        return url
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}maxsize={get_settings().database_pool_size}"


def is_postgres(database_url: str | None = None) -> bool:
    url = database_url or get_settings().database_url
    return url.startswith(("postgres://", "postgresql://", "asyncpg://", "psycopg://"))


def tortoise_config(database_url: str | None = None) -> dict[str, Any]:
    url = with_pool_size(database_url or get_settings().database_url)
    return {
        "connections": {"default": url},
        "apps": {
            "followups": {
                "models": MODEL_MODULES,
                "default_connection": "default",
                "migrations": "models.migrations",
            }
        },
        "use_tz": True,
        "timezone": "UTC",
    }


# Read by the `tortoise` command line (`tortoise makemigrations`), see [tool.tortoise].
TORTOISE_ORM = tortoise_config()


async def migrate(database_url: str | None = None) -> None:
    """Apply every migration; safe to call on each start."""
    await run_migrations(config=tortoise_config(database_url))
    await Tortoise.close_connections()


async def connect(database_url: str | None = None) -> None:
    # Tortoise caches SQL per connection name, not per dialect: a process that moves from
    # SQLite to PostgreSQL (the test suite) would send SQLite placeholders to PostgreSQL.
    EXECUTOR_CACHE.clear()
    # The global fallback makes the context created in a lifespan task visible to request tasks.
    await Tortoise.init(config=tortoise_config(database_url), _enable_global_fallback=True)
    if not is_postgres(database_url):
        conn = Tortoise.get_connection("default")
        await conn.execute_script("PRAGMA journal_mode=WAL; PRAGMA busy_timeout=5000;")


async def disconnect() -> None:
    await Tortoise.close_connections()
