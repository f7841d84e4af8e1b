"""Configuration from the environment: one object, read once per process."""

from functools import lru_cache
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_SECRET_KEY = "followups-embedded-development-key-change-me"


class UnsafeConfiguration(RuntimeError):
    """Production mode refuses to start with settings that are only safe on a laptop."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    followups_env: Literal["development", "production"] = Field(
        "development",
        description="production: no development key, GraphiQL, introspection "
        "or suggestions unless enabled",
    )

    database_url: str = "sqlite://followups.sqlite3"
    database_pool_size: int = Field(
        16,
        description="most PostgreSQL connections per process; the pool grows to it as needed "
        "(a maxsize= in DATABASE_URL wins)",
    )
    redis_url: str | None = None
    secret_key: str = DEV_SECRET_KEY
    host: str = "127.0.0.1"
    port: int = 8000

    # argon2id cost; the defaults are argon2-cffi's (RFC 9106 low-memory). Tests lower them.
    password_hash_time_cost: int = 3
    password_hash_memory_kib: int = 65536
    access_token_minutes: int = 15
    refresh_token_days: int = 30
    password_hash_threads: int = Field(2, description="argon2 runs in a pool this big")
    login_attempts_per_window: int = Field(
        10, description="failed logins per email and client address per window"
    )
    login_window_seconds: int = 300
    login_account_attempts_per_hour: int = Field(100, description="per email, any address")
    login_address_attempts_per_hour: int = Field(100, description="per address, any email")
    login_throttle_max_keys: int = Field(100_000, description="throttle entries kept (LRU)")

    max_query_depth: int = 12
    max_aliases: int = 30
    max_tokens: int = 2000
    max_body_bytes: int = Field(1_000_000, description="largest HTTP request body (413)")
    max_document_chars: int = Field(100_000, description="longest GraphQL document, before lexing")
    max_fields: int = Field(
        500, description="fields and fragment spreads per document, counted before validation"
    )
    cors_origins: str = Field(
        "", description="comma-separated origins allowed by CORS and for websockets; empty: none"
    )
    default_page_size: int = 50
    max_page_size: int = 200

    graphiql: bool | None = Field(None, description="unset: on except in production")
    introspection: bool | None = Field(None, description="unset: on except in production")

    # The time pipeline. A claim not finished within the lease is handed out again.
    lease_seconds: float = 60.0
    scheduler_poll_seconds: float = 0.25
    scheduler_look_ahead_seconds: float = 2.0

    # Websockets: graphql-transport-ws always; the legacy graphql-ws protocol only if enabled.
    legacy_graphql_ws: bool = False
    ws_keepalive_seconds: float = 15.0
    ws_session_check_seconds: float = 10.0
    ws_max_subscriptions: int = 20
    # The API freezes its long-lived heap and collects all of it at this interval (runtime.heap).
    full_collection_seconds: float = Field(600.0, gt=0)

    # Outbound channels (tasks/channels/). A channel whose settings are missing is off: its
    # deliveries fail at once with "<channel> is not configured", visible on the delivery.
    # Where people open the app: links in messages are {public_url}/follow-ups/<global id>,
    # which this service redirects to app_url (services/message_links).
    public_url: str = "http://127.0.0.1:8000"
    app_url: str | None = Field(
        None,
        description="the organization's app: a pattern with {id}, the follow-up's global id "
        "(https://crm.example/follow-ups/{id}); unset: links open GraphiQL on the follow-up",
    )
    # Email over SMTP. No host: email is off.
    smtp_host: str | None = None
    smtp_port: int | None = Field(
        None, description="unset: 465 with SMTP_USE_TLS, 587 with SMTP_STARTTLS=true, else 25"
    )
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_use_tls: bool = Field(False, description="TLS from the first byte (port 465)")
    smtp_starttls: bool | None = Field(None, description="unset: STARTTLS when offered")
    smtp_from: str = "Followups <followups@localhost>"
    smtp_timeout: float = 30.0
    # SMS and WhatsApp through a provider with Twilio's REST API.
    sms_api_base_url: str = "https://api.twilio.com"
    sms_account_sid: str | None = None
    sms_auth_token: SecretStr | None = None
    sms_from_number: str | None = Field(None, description="E.164 sender for SMS")
    whatsapp_from_number: str | None = Field(None, description="E.164 WhatsApp sender")
    sms_timeout: float = 15.0
    # Web push (VAPID). The public key is what browsers subscribe with (query vapidPublicKey).
    vapid_private_key: SecretStr | None = Field(None, description="base64url raw key, DER or PEM")
    vapid_public_key: str | None = None
    vapid_subject: str | None = Field(None, description="mailto:you@example.com or https URL")
    push_timeout: float = 15.0
    push_ttl_seconds: int = Field(12 * 3600, description="how long a push service keeps it")
    # URLs called on a user's behalf (services/outbound.py): https to public addresses only.
    outbound_allow_http: bool = Field(False, description="also allow http:// (tests only)")
    outbound_test_allowed_addresses: str = Field(
        "", description="ip:port pairs let through despite being internal (tests only)"
    )
    outbound_timeout: float = 10.0
    outbound_max_response_bytes: int = 65536

    @property
    def production(self) -> bool:
        return self.followups_env == "production"

    @property
    def graphiql_enabled(self) -> bool:
        return self.graphiql if self.graphiql is not None else not self.production

    @property
    def introspection_enabled(self) -> bool:
        return self.introspection if self.introspection is not None else not self.production

    @property
    def allowed_origins(self) -> list[str]:
        return [origin.strip() for origin in self.cors_origins.split(",") if origin.strip()]

    def refuse_unsafe(self) -> None:
        """Raises UnsafeConfiguration in production mode with the development secret key."""
        if self.production and self.secret_key == DEV_SECRET_KEY:
            raise UnsafeConfiguration(
                "FOLLOWUPS_ENV=production refuses the development SECRET_KEY: set SECRET_KEY "
                "to a long random value (e.g. `python -c 'import secrets; "
                "print(secrets.token_urlsafe(48))'`)"
            )


@lru_cache
def get_settings() -> Settings:
    return Settings()
