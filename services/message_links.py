"""Where the links in messages point, and where they land.

A message links to this service (PUBLIC_URL/follow-ups/<global id>, or PUBLIC_URL), so a
link stays valid whatever app the organization uses; the service sends the reader on to
APP_URL, a pattern with `{id}` (e.g. https://crm.example/follow-ups/{id}).
"""

from urllib.parse import quote, urlsplit, urlunsplit

from runtime.settings import get_settings
from services.global_ids import global_id

FOLLOW_UP_PATH = "/follow-ups/"


def message_link(follow_up_id: int | None) -> str:
    """The link a message carries: its follow-up, or the app itself."""
    base = get_settings().public_url.rstrip("/")
    if follow_up_id is None:
        return base
    return f"{base}{FOLLOW_UP_PATH}{quote(global_id('FollowUp', follow_up_id), safe='')}"


def landing(follow_up_global_id: str | None) -> str | None:
    """Where a message's link lands in the organization's app: APP_URL with the id, or the
    APP_URL's site for the app itself; None while APP_URL is unset."""
    pattern = get_settings().app_url
    if not pattern:
        return None
    if follow_up_global_id is None:
        parts = urlsplit(pattern)
        return urlunsplit((parts.scheme, parts.netloc, "/", "", ""))
    return pattern.replace("{id}", quote(follow_up_global_id, safe=""))
