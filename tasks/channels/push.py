"""Web push (RFC 8030) with VAPID (RFC 8292) and aes128gcm payload encryption (RFC 8291).

pywebpush encrypts and py_vapid signs; the request goes out through services.outbound's
guard (public https addresses only, checked at connect time, no redirects, bounded), so a
subscription cannot make the service call into its own network. A push service answering
404 or 410 says the subscription no longer exists (the user revoked permission, the browser
dropped it): the reason then says "gone", and services.notifications deletes the
subscription so it is not tried again. Reasons carry a status and a category, never the
response body.
"""

import json
import time
from functools import lru_cache
from urllib.parse import urlsplit

from py_vapid import Vapid, Vapid01
from pywebpush import WebPusher

from runtime.settings import get_settings
from services import outbound
from tasks.channels import ChannelError, OutboundMessage

MAX_BODY = 300  # a notification shows a line or two; payloads are limited to ~4 KB anyway


@lru_cache(maxsize=4)
def _vapid_key(key: str) -> Vapid01:
    """VAPID_PRIVATE_KEY as PEM, or base64url raw / DER (what `vapid --gen` prints); parsed
    once, not for every push."""
    if "-----BEGIN" in key:
        return Vapid.from_pem(key.encode())
    return Vapid.from_string(key)


def payload(message: OutboundMessage) -> str:
    """What the service worker receives: {title, body, url}."""
    body = " ".join(message.text.split())
    if len(body) > MAX_BODY:
        body = body[: MAX_BODY - 1] + "…"
    return json.dumps({"title": message.subject, "body": body, "url": message.extra.get("url")})


def _status_category(status: int) -> str:
    if status in (404, 410):
        return "gone"
    if status == 429:
        return "rate limited"
    if status >= 500:
        return "server error"
    return "client error" if status >= 400 else "unexpected answer"


def _request(
    message: OutboundMessage, key: Vapid01, subject: str, ttl: int
) -> tuple[dict[str, str], bytes]:
    """The encrypted body and the headers (VAPID, encoding, TTL) of one push."""
    pusher = WebPusher(
        {
            "endpoint": message.to,
            "keys": {"p256dh": message.extra["p256dh"], "auth": message.extra["auth"]},
        }
    )
    body = pusher.encode(payload(message).encode(), "aes128gcm")["body"]
    endpoint = urlsplit(message.to)
    claims = {
        "sub": subject,
        "aud": f"{endpoint.scheme}://{endpoint.netloc}",
        "exp": int(time.time()) + 12 * 3600,
    }
    headers = {
        **key.sign(claims),
        "Content-Encoding": "aes128gcm",
        "Content-Type": "application/octet-stream",
        "TTL": str(ttl),
        "Urgency": "high",  # reminders are time-bound: wake the device for them
    }
    return headers, body


async def send(message: OutboundMessage) -> str:
    """Pushes the notification; returns the push service's message URL (Location), if any."""
    settings = get_settings()
    if not settings.vapid_private_key or not settings.vapid_subject:
        raise ChannelError(
            "push is not configured (VAPID_PRIVATE_KEY, VAPID_SUBJECT)", retryable=False
        )
    try:
        key = _vapid_key(settings.vapid_private_key.get_secret_value())
    except Exception as error:  # py_vapid raises several kinds for a malformed key
        raise ChannelError(f"VAPID_PRIVATE_KEY is not a usable key: {error}", False) from error
    try:
        headers, body = _request(message, key, settings.vapid_subject, settings.push_ttl_seconds)
    except (ValueError, KeyError, TypeError) as error:  # keys that do not decode or fit
        raise ChannelError(f"invalid push subscription keys: {error}", False) from error
    try:
        response = await outbound.post(message.to, headers, body, settings.push_timeout)
    except outbound.OutboundRefused as refused:
        raise ChannelError(f"push: {refused.category}", refused.retryable) from None
    if response.status > 202:
        category = _status_category(response.status)
        retryable = category in ("server error", "rate limited")
        raise ChannelError(f"push: HTTP {response.status} ({category})", retryable)
    return response.headers.get("location", "")
