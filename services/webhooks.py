"""The organization's webhook secret and the signature every POST /hooks/events carries.

Signature: `Followups-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`.
The secret must be read back to compute the HMAC, so it cannot be hashed: it is stored
encrypted with a key derived from SECRET_KEY (a copy of the database alone signs nothing).
Rotating SECRET_KEY therefore needs a rotateWebhookSecret afterwards.
"""

import base64
import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from cryptography.fernet import Fernet, InvalidToken
from tortoise.transactions import in_transaction

from models.crm_events import WebhookSecret
from runtime.settings import get_settings
from services.errors import DomainError
from services.visibility import Caller, require_admin

WINDOW = timedelta(minutes=5)
HEADER = "Followups-Signature"


class SignatureRefused(DomainError):
    """The request is not provably the organization's: the message says why."""


def _fernet() -> Fernet:
    key = hashlib.sha256(f"webhook-secret:{get_settings().secret_key}".encode()).digest()
    return Fernet(base64.urlsafe_b64encode(key))


async def rotate_secret(caller: Caller) -> str:
    """A new secret for the caller's organization, returned once; the old one stops working."""
    require_admin(caller)
    secret = "whsec_" + secrets.token_urlsafe(32)
    encrypted = _fernet().encrypt(secret.encode()).decode()
    async with in_transaction():
        updated = await WebhookSecret.filter(org_id=caller.org_id).update(encrypted=encrypted)
        if not updated:
            await WebhookSecret.create(org_id=caller.org_id, encrypted=encrypted)
    return secret


async def _secret_of(org_id: int) -> str | None:
    row = await WebhookSecret.get_or_none(org_id=org_id)
    if row is None:
        return None
    try:
        return _fernet().decrypt(row.encrypted.encode()).decode()
    except InvalidToken:  # SECRET_KEY changed since: the secret must be rotated
        return None


def signature(secret: str, timestamp: int, body: bytes) -> str:
    signed = f"{timestamp}.".encode() + body
    return hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def _parsed(header: str | None) -> tuple[int, list[str]]:
    if not header:
        raise SignatureRefused(f"The {HEADER} header is missing.")
    timestamp: int | None = None
    signatures: list[str] = []
    for part in header.split(","):
        name, _, value = part.strip().partition("=")
        if name == "t" and value.isascii() and value.isdigit() and len(value) <= 12:
            timestamp = int(value)
        elif name == "v1" and value.isascii():  # compare_digest takes ASCII text only
            signatures.append(value)
    if timestamp is None or not signatures:
        raise SignatureRefused(f"The {HEADER} header needs t=<unix seconds>,v1=<hex>.")
    return timestamp, signatures


async def verify(org_id: int, header: str | None, body: bytes, now: datetime) -> None:
    """Passes a request signed by the organization's secret within the window; else refuses."""
    timestamp, given = _parsed(header)
    if abs(now.timestamp() - timestamp) > WINDOW.total_seconds():
        raise SignatureRefused("The signature's timestamp is outside the 5-minute window.")
    secret = await _secret_of(org_id)
    if secret is None:
        raise SignatureRefused("The organization has no webhook secret: rotateWebhookSecret.")
    expected = signature(secret, timestamp, body)
    # compare_digest on every candidate: the time taken says nothing about the secret.
    if not any(hmac.compare_digest(expected, candidate) for candidate in given):
        raise SignatureRefused("The signature does not match the body and the secret.")
