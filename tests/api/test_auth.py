"""Logging in, refreshing, logging out, expiry, the login throttle and what anonymous callers may do."""

from datetime import timedelta
from typing import Any

from runtime import clock
from runtime.settings import get_settings
from tests.conftest import PASSWORD, Api, Org

LOGIN = """
mutation($e: String!, $p: String!) { r: login(email: $e, password: $p) {
  __typename
  ... on AuthSuccess { accessToken refreshToken accessTokenExpiresAt staff { id email } }
  ... on AuthError { message retryAfterSeconds }
} }
"""
REFRESH = """
mutation($t: String!) { r: refreshToken(refreshToken: $t) {
  __typename
  ... on AuthSuccess { accessToken refreshToken staff { id } }
  ... on AuthError { message }
} }
"""


async def login(api: Api, email: str, password: str = PASSWORD) -> dict[str, Any]:
    return (await api.data(LOGIN, {"e": email, "p": password}))["r"]


async def refresh(api: Api, token: str) -> dict[str, Any]:
    return (await api.data(REFRESH, {"t": token}))["r"]


async def unauthenticated(api: Api, query: str, token: str | None = None) -> str:
    """The message of a request refused for want of a valid caller."""
    body = await api.raw(query, token=token)
    assert body.get("data") is None, body
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED", body
    return body["errors"][0]["message"]


async def test_login_succeeds_with_the_right_password_only(api: Api, org: Org) -> None:
    ok = await login(api, org.admin_email.upper())  # emails are case-insensitive
    assert ok["__typename"] == "AuthSuccess"
    assert ok["staff"] == {"id": org.admin_id, "email": org.admin_email}
    me = await api.data("{ me { id } }", token=ok["accessToken"])
    assert me["me"]["id"] == org.admin_id

    wrong = await login(api, org.admin_email, "wrong-password")
    unknown = await login(api, "nobody@example.test", "wrong-password")
    assert wrong["__typename"] == unknown["__typename"] == "AuthError"
    assert wrong["message"] == unknown["message"]  # no hint which emails exist
    assert wrong["retryAfterSeconds"] is None


async def test_a_refresh_token_is_spent_once_and_reuse_ends_the_session(api: Api, org: Org) -> None:
    first = await login(api, org.admin_email)
    second = await refresh(api, first["refreshToken"])
    assert second["__typename"] == "AuthSuccess"
    assert second["staff"]["id"] == org.admin_id
    assert second["refreshToken"] != first["refreshToken"]
    assert (await api.data("{ me { id } }", token=second["accessToken"]))["me"]["id"]

    reused = await refresh(api, first["refreshToken"])
    assert reused["__typename"] == "AuthError"
    # Reuse means the old token leaked: the whole session ends, the newest tokens too.
    after_reuse = await refresh(api, second["refreshToken"])
    assert after_reuse["__typename"] == "AuthError"
    await unauthenticated(api, "{ me { id } }", second["accessToken"])
    await unauthenticated(api, "{ me { id } }", first["accessToken"])

    # Other sessions of the same person live on.
    other = await login(api, org.admin_email)
    assert (await api.data("{ me { id } }", token=other["accessToken"]))["me"]["id"]
    assert (await refresh(api, "not-a-token"))["__typename"] == "AuthError"


async def test_logout_ends_the_session_and_its_tokens(api: Api, org: Org) -> None:
    session = await login(api, org.admin_email)
    other = await login(api, org.admin_email)
    assert await api.data("mutation { logout }", token=session["accessToken"]) == {"logout": True}
    await unauthenticated(api, "{ me { id } }", session["accessToken"])
    assert (await refresh(api, session["refreshToken"]))["__typename"] == "AuthError"
    assert (await api.data("{ me { id } }", token=other["accessToken"]))["me"]["id"]


async def test_an_expired_access_token_is_unauthenticated_and_refresh_renews(
    api: Api, org: Org
) -> None:
    session = await login(api, org.admin_email)
    minutes = get_settings().access_token_minutes
    clock.travel(timedelta(minutes=minutes) - timedelta(seconds=5))
    assert (await api.data("{ me { id } }", token=session["accessToken"]))["me"]["id"]
    clock.travel(timedelta(seconds=10))
    message = await unauthenticated(api, "{ me { id } }", session["accessToken"])
    assert "expired" in message
    renewed = await refresh(api, session["refreshToken"])
    assert renewed["__typename"] == "AuthSuccess"
    assert (await api.data("{ me { id } }", token=renewed["accessToken"]))["me"]["id"]


async def test_repeated_failed_logins_are_throttled(api: Api, org: Org) -> None:
    limit = get_settings().login_attempts_per_window
    for _ in range(limit):
        failed = await login(api, org.admin_email, "wrong-password")
        assert failed["__typename"] == "AuthError"
        assert failed["retryAfterSeconds"] is None
    throttled = await login(api, org.admin_email)  # even the right password now waits
    assert throttled["__typename"] == "AuthError"
    assert 0 < throttled["retryAfterSeconds"] <= get_settings().login_window_seconds + 1
    # The throttle is per email: a colleague still logs in.
    _, colleague = await org.add_staff("Sam")
    assert (await api.data("{ me { name } }", token=colleague))["me"]["name"] == "Sam"


async def test_anonymous_callers_may_only_log_in(api: Api, org: Org) -> None:
    assert await api.data("{ __typename }") == {"__typename": "Query"}
    assert (await login(api, org.admin_email))["__typename"] == "AuthSuccess"
    assert (await refresh(api, "unknown"))["__typename"] == "AuthError"
    for query in [
        "{ me { id } }",
        "{ followUps { totalCount } }",
        "{ __schema { queryType { name } } }",
        "{ __typename me { id } }",
        "query { ...Sneaky } fragment Sneaky on Query { followUps { totalCount } }",
        "query { ... on Query { organization { name } } }",
        'mutation { createFollowUp(input: {subject: "x", typeKey: "phone_call",'
        ' dueAt: "2030-01-01T00:00:00Z"}) { __typename } }',
        "mutation { logout }",
    ]:
        message = await unauthenticated(api, query)
        assert "Log in" in message, query
    assert (await api.data("{ followUps { totalCount } }", token=org.admin))["followUps"] == {
        "totalCount": 0
    }


async def test_a_bad_token_says_why(api: Api, org: Org) -> None:
    assert "not valid" in await unauthenticated(api, "{ me { id } }", "garbage")
    forged = org.admin[:-4] + ("AAAA" if not org.admin.endswith("AAAA") else "BBBB")
    assert "not valid" in await unauthenticated(api, "{ me { id } }", forged)
    response = await api.client.post(
        "/graphql", json={"query": "{ me { id } }"}, headers={"Authorization": org.admin}
    )
    body = response.json()
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert "Bearer" in body["errors"][0]["message"]
