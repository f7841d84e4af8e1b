"""Web push (RFC 8030) with VAPID (RFC 8292) and aes128gcm payload encryption (RFC 8291).

pywebpush's `webpush` is blocking (requests), so it runs in a worker thread. A push
service answering 404 or 410 says the subscription no longer exists (the user revoked
permission, the browser dropped it): the reason then says "gone", and
services.notifications deletes the subscription so it is not tried again.
"""

import asyncio
import json
from functools import lru_cache

import requests
from py_vapid import Vapid, Vapid01
from pywebpush import WebPushException, webpush

from runtime.settings import get_settings
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


def _push(message: OutboundMessage, key: Vapid01, subject: str, timeout: float, ttl: int) -> str:
    response = webpush(
        {
            "endpoint": message.to,
            "keys": {"p256dh": message.extra["p256dh"], "auth": message.extra["auth"]},
        },
        data=payload(message),
        vapid_private_key=key,
        vapid_claims={"sub": subject},  # a fresh dict: webpush writes aud and exp into it
        timeout=timeout,
        ttl=ttl,
        headers={"Urgency": "high"},  # reminders are time-bound: wake the device for them
    )
    assert isinstance(response, requests.Response)
    return response.headers.get("Location", "")


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
        return await asyncio.to_thread(
            _push,
            message,
            key,
            settings.vapid_subject,
            settings.push_timeout,
            settings.push_ttl_seconds,
        )
    except WebPushException as error:
        status = error.status_code
        if status in (404, 410):
            raise ChannelError(f"push subscription gone ({status})", retryable=False) from error
        retryable = status is None or status >= 500 or status == 429
        text = getattr(error.response, "text", "") or ""
        raise ChannelError(
            f"push service answered {status}: {text[:300]}".rstrip(": "), retryable
        ) from error
    except requests.RequestException as error:  # connect, read, timeout
        raise ChannelError(
            f"push service unreachable: {type(error).__name__}: {error}", retryable=True
        ) from error
    except (ValueError, KeyError, TypeError) as error:  # keys that do not decode or fit
        raise ChannelError(f"invalid push subscription keys: {error}", False) from error
