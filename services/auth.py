"""Passwords, sessions and tokens.

Access tokens are short-lived JWTs naming their session, so revoking the session
(logout, refresh-token reuse) ends them too. Refresh tokens are opaque, stored hashed
and single use. argon2 runs in a thread pool of PASSWORD_HASH_THREADS, never on the
event loop: a burst of logins waits for the pool instead of stalling every other request.
"""

import asyncio
import hashlib
import secrets
import time
import uuid
from collections import OrderedDict, deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any, cast

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from tortoise.transactions import in_transaction

from models.staff import RefreshToken, Role, Session, Staff
from runtime import clock
from runtime.settings import get_settings
from services.errors import AuthenticationFailed, RateLimited
from services.sql import Sql, fetch_rows, moment
from services.visibility import Caller

EMAIL_MAX = 254  # the staff.email column

ALGORITHM = "HS256"


@lru_cache
def _hasher() -> PasswordHasher:
    settings = get_settings()
    return PasswordHasher(
        time_cost=settings.password_hash_time_cost,
        memory_cost=settings.password_hash_memory_kib,
    )


@lru_cache
def _dummy_hash() -> str:
    """Verified against when the email is unknown, so both paths cost the same."""
    return _hasher().hash("not-a-real-password")


@lru_cache
def _hash_pool() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(
        max_workers=get_settings().password_hash_threads, thread_name_prefix="argon2"
    )


def hash_password(password: str) -> str:
    return _hasher().hash(password)


async def hash_password_off_loop(password: str) -> str:
    return await asyncio.get_running_loop().run_in_executor(_hash_pool(), hash_password, password)


def _password_matches(password_hash: str, password: str) -> bool:
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


async def password_matches(password_hash: str, password: str) -> bool:
    """The argon2 check, in the bounded pool."""
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(_hash_pool(), _password_matches, password_hash, password)


def _token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class Tokens:
    access_token: str
    refresh_token: str
    access_expires_at: datetime
    staff: Staff


def _throttle_key(*parts: str) -> bytes:
    """A fixed-size key however long the email: memory does not grow with the input."""
    return hashlib.blake2b("\0".join(parts).encode(errors="replace"), digest_size=16).digest()


class LoginThrottle:
    """Failed logins in sliding windows, kept per process (README "Login limits").

    Three limits: per account and client address (the fast one: an attacker elsewhere does
    not lock the owner out), per account from anywhere (slower: bounds guessing spread over
    many addresses), and per address across accounts (password spraying). Keys are hashed
    and the least recently used are forgotten past LOGIN_THROTTLE_MAX_KEYS, so the memory
    stays bounded whatever emails are sent.
    """

    def __init__(self) -> None:
        self._failures: OrderedDict[bytes, deque[float]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._failures)

    def _limits(self, email: str, address: str) -> list[tuple[bytes, int, int]]:
        settings = get_settings()
        hour = 3600
        return [
            (
                _throttle_key("pair", email, address),
                settings.login_attempts_per_window,
                settings.login_window_seconds,
            ),
            (_throttle_key("account", email), settings.login_account_attempts_per_hour, hour),
            (_throttle_key("address", address), settings.login_address_attempts_per_hour, hour),
        ]

    def check(self, email: str, address: str) -> None:
        now = time.monotonic()
        for key, limit, seconds in self._limits(email, address):
            window = self._failures.get(key)
            if window is None:
                continue
            while window and window[0] < now - seconds:
                window.popleft()
            if len(window) >= limit:
                retry = int(window[0] + seconds - now) + 1
                raise RateLimited("Too many failed logins; try again later.", retry)

    def failed(self, email: str, address: str) -> None:
        now = time.monotonic()
        for key, limit, _ in self._limits(email, address):
            window = self._failures.get(key)
            if window is None or window.maxlen != limit:
                window = self._failures[key] = deque(window or (), maxlen=limit)
            window.append(now)
            self._failures.move_to_end(key)
        while len(self._failures) > get_settings().login_throttle_max_keys:
            self._failures.popitem(last=False)

    def succeeded(self, email: str, address: str) -> None:
        """Clears this address's failures for the account; the slower limits keep counting."""
        self._failures.pop(_throttle_key("pair", email, address), None)


throttle = LoginThrottle()


def _access_token(staff: Staff, session_id: uuid.UUID) -> tuple[str, datetime]:
    settings = get_settings()
    issued = clock.now()
    expires = issued + timedelta(minutes=settings.access_token_minutes)
    claims = {
        "sub": str(staff.id),
        "org": staff.org_id,
        "sid": str(session_id),
        "iat": int(issued.timestamp()),
        "exp": int(expires.timestamp()),
    }
    return jwt.encode(claims, settings.secret_key, algorithm=ALGORITHM), expires


async def _issue_refresh_token(session: Session) -> str:
    token = secrets.token_urlsafe(32)
    await RefreshToken.create(session=session, token_hash=_token_digest(token))
    return token


async def login(email: str, password: str, client_address: str = "") -> Tokens:
    """client_address is the caller's IP: the fast failure limit is per account and address."""
    address = email.strip().lower()
    throttle.check(address, client_address)
    # An address longer than any stored one names nobody (and the column refuses to bind it).
    fits = len(address) <= EMAIL_MAX
    staff = await Staff.get_or_none(email=address, is_active=True) if fits else None
    if staff is not None:
        known_hash = staff.password_hash
    else:  # made once, in the pool too
        known_hash = await asyncio.get_running_loop().run_in_executor(_hash_pool(), _dummy_hash)
    if not await password_matches(known_hash, password) or staff is None:
        throttle.failed(address, client_address)
        raise AuthenticationFailed("Email or password is wrong.")
    throttle.succeeded(address, client_address)
    expires = clock.now() + timedelta(days=get_settings().refresh_token_days)
    async with in_transaction():
        session = await Session.create(
            id=uuid.uuid4(), org_id=staff.org_id, staff=staff, expires_at=expires
        )
        refresh = await _issue_refresh_token(session)
    access, access_expires = _access_token(staff, session.id)
    return Tokens(access, refresh, access_expires, staff)


async def refresh(refresh_token: str) -> Tokens:
    """Rotates the token: the presented one is spent, a reused one revokes the whole session."""
    row = await RefreshToken.get_or_none(token_hash=_token_digest(refresh_token))
    if row is None:
        raise AuthenticationFailed("The refresh token is not valid.")
    if row.used_at is not None:
        # Not inside the transaction below: raising there would roll the revocation back.
        await Session.filter(id=row.session_id, revoked_at__isnull=True).update(
            revoked_at=clock.now()
        )
        raise AuthenticationFailed("The refresh token was already used; the session is ended.")
    async with in_transaction():
        session = await Session.get(id=row.session_id).select_related("staff")
        now = clock.now()
        if session.revoked_at or session.expires_at <= now or not session.staff.is_active:
            raise AuthenticationFailed("The session has ended; log in again.")
        updated = await RefreshToken.filter(id=row.id, used_at__isnull=True).update(used_at=now)
        if updated != 1:
            raise AuthenticationFailed("The refresh token was already used.")
        new_refresh = await _issue_refresh_token(session)
    access, access_expires = _access_token(session.staff, session.id)
    return Tokens(access, new_refresh, access_expires, session.staff)


async def logout(caller: Caller) -> None:
    if caller.session_id:
        await Session.filter(id=caller.session_id, revoked_at__isnull=True).update(
            revoked_at=clock.now()
        )


async def authenticate(access_token: str) -> Caller:
    """The caller behind a bearer token, or AuthenticationFailed saying why not."""
    try:
        claims = jwt.decode(
            access_token,
            get_settings().secret_key,
            algorithms=[ALGORITHM],
            options={"require": ["exp", "sub", "sid"], "verify_exp": False, "verify_iat": False},
        )
    except jwt.PyJWTError as error:
        raise AuthenticationFailed("The access token is not valid.") from error
    if claims["exp"] <= clock.now().timestamp():
        raise AuthenticationFailed("The access token has expired.")
    return await caller_for_session(
        claims["sid"], claims["sub"], token_expires_at=datetime.fromtimestamp(claims["exp"], UTC)
    )


async def caller_for_session(
    session_id: str,
    staff_id: str,
    token_expires_at: datetime | None = None,
    until_session_expires: bool = False,
) -> Caller:
    """The caller a signed token speaks for, while its session is not revoked and its staff
    member active; with until_session_expires, also not past the session's own expiry (a
    download link outlives its access token, not the login)."""
    row = await _session_row(session_id, staff_id)
    if (
        row is None
        or row["revoked_at"] is not None
        or not row["is_active"]
        or (until_session_expires and cast(datetime, moment(row["expires_at"])) <= clock.now())
    ):
        raise AuthenticationFailed("The session has ended; log in again.")
    return Caller(
        staff_id=row["staff_id"],
        org_id=row["org_id"],
        role=Role(row["role"]),
        email=row["email"],
        name=row["name"],
        timezone=row["timezone"],
        staff_see_all_follow_ups=bool(row["staff_see_all_follow_ups"]),
        session_id=str(row["id"]),
        token_expires_at=token_expires_at,
    )


async def _session_row(session_id: str, staff_id: str) -> dict[str, Any] | None:
    """The session with its staff and organization settings, in one hand-written statement:
    every request pays this, and a Tortoise values() join took longer to build than to run."""
    try:
        session_uuid = uuid.UUID(session_id)
        staff_pk = int(staff_id)
    except (TypeError, ValueError) as error:
        raise AuthenticationFailed("The access token is not valid.") from error
    sql = Sql()
    rows = await fetch_rows(
        "SELECT s.id, s.revoked_at, s.expires_at, s.staff_id, st.org_id, st.role, st.email, st.name, "
        "st.timezone, st.is_active, o.staff_see_all_follow_ups "
        "FROM session s JOIN staff st ON st.id = s.staff_id "
        "JOIN organization o ON o.id = st.org_id "
        f"WHERE s.id = {sql.bind(session_uuid if sql.postgres else str(session_uuid))} "
        f"AND s.staff_id = {sql.bind(staff_pk)}",
        sql.values,
    )
    return rows[0] if rows else None


async def session_active(session_id: str | None) -> bool:
    """Whether a session may still act: not revoked, not expired, its staff still active."""
    if session_id is None:
        return False
    session = await Session.filter(id=session_id).select_related("staff").first()
    return (
        session is not None
        and session.revoked_at is None
        and session.expires_at > clock.now()
        and session.staff.is_active
    )
