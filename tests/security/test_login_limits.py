"""Login as an amplifier and as a way to lock others out: aliases, the event loop, the
throttle's memory, and failures from an attacker's address."""

import asyncio
import threading
import time
from collections.abc import AsyncIterator, Callable

import httpx
import pytest

from gql.app import create_app
from runtime.settings import get_settings
from services import auth
from tests.conftest import PASSWORD, Api, Org

LOGIN = (
    "r{n}: login(email: $e, password: $p) {{ __typename"
    " ... on AuthError {{ message retryAfterSeconds }} }}"
)


def _aliased_logins(count: int) -> str:
    fields = " ".join(LOGIN.format(n=n) for n in range(count))
    return f"mutation($e: String!, $p: String!) {{ {fields} }}"


async def test_thirty_login_aliases_get_one_clear_error_and_no_password_check(
    api: Api, org: Org
) -> None:
    body = await api.raw(_aliased_logins(30), {"e": org.admin_email, "p": "guess-number-one"})
    assert body.get("data") is None
    [error] = body["errors"]
    assert error["extensions"]["code"] == "QUERY_TOO_COMPLEX"
    assert "Only one 'login' per request" in error["message"]
    assert len(auth.throttle) == 0  # no attempt was made, so none failed


async def test_a_login_with_an_email_of_a_million_characters_is_an_ordinary_failure(
    api: Api,
) -> None:
    body = await api.raw(_aliased_logins(1), {"e": "a" * 900_000 + "@x.test", "p": "guess"})
    assert body == {
        "data": {"r0": {"__typename": "AuthError", "message": "Email or password is wrong.",
                        "retryAfterSeconds": None}}
    }, str(body)[:500]  # fmt: skip


async def test_two_refresh_token_aliases_are_refused_too(api: Api) -> None:
    fields = " ".join(f"r{n}: refreshToken(refreshToken: $t) {{ __typename }}" for n in range(2))
    body = await api.raw(f"mutation($t: String!) {{ {fields} }}", {"t": "x"})
    assert [e["extensions"]["code"] for e in body["errors"]] == ["QUERY_TOO_COMPLEX"]


async def test_concurrent_logins_check_passwords_in_a_bounded_pool_off_the_event_loop(
    org: Org,
) -> None:
    """Twenty logins at once: argon2 runs in the pool's threads (no more of them than
    PASSWORD_HASH_THREADS), not in the event loop's thread."""
    attempts = [
        auth.login(org.admin_email, f"wrong-password-{n}", f"203.0.113.{n}") for n in range(20)
    ]
    results = await asyncio.gather(*attempts, return_exceptions=True)
    assert all(isinstance(result, auth.AuthenticationFailed) for result in results)
    pool_threads = [t for t in threading.enumerate() if t.name.startswith("argon2")]
    assert 1 <= len(pool_threads) <= get_settings().password_hash_threads


async def test_the_throttle_stays_bounded_after_ten_thousand_distinct_emails(
    configure: Callable[..., None],
) -> None:
    configure(login_throttle_max_keys=1000)
    throttle = auth.LoginThrottle()
    huge = "x" * 1_000_000
    for n in range(10_000):
        throttle.failed(f"{n}{huge if n == 0 else ''}@example.test", "198.51.100.7")
    assert len(throttle) <= 1000
    assert all(len(key) == 16 for key in throttle._failures)  # hashed, not the 1 MB email


@pytest.fixture
async def from_address(api: Api) -> AsyncIterator[Callable[[str], Api]]:
    """Clients of the same app that connect from a given IP address."""
    app = create_app(manage_database=False)
    clients: list[httpx.AsyncClient] = []

    def client(address: str) -> Api:
        transport = httpx.ASGITransport(app=app, client=(address, 40000))
        clients.append(httpx.AsyncClient(transport=transport, base_url="http://test"))
        return Api(clients[-1])

    yield client
    for opened in clients:
        await opened.aclose()


async def test_an_attacker_failing_twenty_times_does_not_lock_the_owner_out(
    from_address: Callable[[str], Api], org: Org
) -> None:
    attacker = from_address("203.0.113.66")
    owner = from_address("198.51.100.20")
    query = _aliased_logins(1)
    answers = [
        (await attacker.data(query, {"e": org.admin_email, "p": f"guess-{n}"}))["r0"]
        for n in range(20)
    ]
    assert answers[0]["__typename"] == "AuthError"
    assert answers[-1]["retryAfterSeconds"] is not None  # the attacker is slowed down
    started = time.monotonic()
    assert await owner.login(org.admin_email, PASSWORD)
    assert time.monotonic() - started < 30
