"""Configuration from the environment: one object, read once per process."""

from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_SECRET_KEY = "followups-embedded-development-key-change-me"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    database_url: str = "sqlite://followups.sqlite3"
    redis_url: str | None = None
    secret_key: str = DEV_SECRET_KEY
    host: str = "127.0.0.1"
    port: int = 8000

    access_token_minutes: int = 15
    refresh_token_days: int = 30
    login_attempts_per_window: int = Field(10, description="failed logins per email per window")
    login_window_seconds: int = 300

    max_query_depth: int = 12
    max_aliases: int = 30
    max_tokens: int = 2000
    default_page_size: int = 50
    max_page_size: int = 200

    graphiql: bool = True

    # The time pipeline. A claim not finished within the lease is handed out again.
    lease_seconds: float = 60.0
    scheduler_poll_seconds: float = 0.25
    scheduler_look_ahead_seconds: float = 2.0

    # Websockets: graphql-transport-ws always; the legacy graphql-ws protocol only if enabled.
    legacy_graphql_ws: bool = False
    ws_keepalive_seconds: float = 15.0
    ws_session_check_seconds: float = 10.0
    ws_max_subscriptions: int = 20


@lru_cache
def get_settings() -> Settings:
    return Settings()
