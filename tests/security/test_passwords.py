"""Passwords: weak ones refused, a stolen access token cannot change one, and a change ends
the other sessions."""

from typing import Any

import pytest

from tests.conftest import PASSWORD, Api, Org

UPDATE = """
mutation($id: ID!, $i: UpdateStaffInput!) { updateStaff(id: $id, input: $i) {
  __typename ... on ValidationError { field code } } }
"""
CREATE = """
mutation($i: CreateStaffInput!) { createStaff(input: $i) {
  __typename ... on ValidationError { field code } } }
"""
REFRESH = """
mutation($t: String!) { refreshToken(refreshToken: $t) { __typename } }
"""
NEW_PASSWORD = "violet-tundra-lantern-42"


async def _login(api: Api, email: str, password: str = PASSWORD) -> dict[str, Any]:
    data = await api.data(
        "mutation($e: String!, $p: String!) { login(email: $e, password: $p) {"
        " ... on AuthSuccess { accessToken refreshToken } } }",
        {"e": email, "p": password},
    )
    return data["login"]


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("12345678", "TOO_SHORT"),
        ("password", "TOO_SHORT"),
        (" " * 8, "TOO_SHORT"),
        (" " * 12, "TOO_SHORT"),
        ("password123", "WEAK_PASSWORD"),
        ("qwertyuiop12", "WEAK_PASSWORD"),
        ("1234567890", "WEAK_PASSWORD"),
    ],
)
async def test_weak_passwords_are_refused(api: Api, org: Org, password: str, code: str) -> None:
    staff = {"email": "weak@example.test", "name": "Weak", "password": password}
    created = await api.data(CREATE, {"i": staff}, org.admin)
    assert created["createStaff"] == {"__typename": "ValidationError", "field": "password",
                                      "code": code}  # fmt: skip
    changed = await api.data(UPDATE, {"id": org.admin_id, "i": {"password": password,
                             "currentPassword": PASSWORD}}, org.admin)  # fmt: skip
    assert changed["updateStaff"]["code"] == code


async def test_a_stolen_access_token_cannot_change_the_password_without_the_current_one(
    api: Api, org: Org
) -> None:
    missing = await api.data(UPDATE, {"id": org.admin_id, "i": {"password": NEW_PASSWORD}},
                             org.admin)  # fmt: skip
    assert missing["updateStaff"] == {"__typename": "ValidationError",
                                      "field": "currentPassword", "code": "REQUIRED"}  # fmt: skip
    wrong = await api.data(UPDATE, {"id": org.admin_id, "i": {"password": NEW_PASSWORD,
                           "currentPassword": "not-the-password"}}, org.admin)  # fmt: skip
    assert wrong["updateStaff"]["code"] == "WRONG_PASSWORD"
    assert await _login(api, org.admin_email)  # the old password still works
    assert (await _login(api, org.admin_email, NEW_PASSWORD)) == {}


async def test_changing_the_password_ends_the_other_sessions(api: Api, org: Org) -> None:
    other = await _login(api, org.admin_email)  # e.g. the device an attacker holds
    changed = await api.data(UPDATE, {"id": org.admin_id, "i": {"password": NEW_PASSWORD,
                             "currentPassword": PASSWORD}}, org.admin)  # fmt: skip
    assert changed["updateStaff"]["__typename"] == "Staff"

    refused = await api.raw("{ me { id } }", token=other["accessToken"])
    assert refused["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    spent = await api.data(REFRESH, {"t": other["refreshToken"]})
    assert spent["refreshToken"]["__typename"] == "AuthError"
    assert await api.data("{ me { id } }", token=org.admin)  # the session that changed it
    assert (await _login(api, org.admin_email, NEW_PASSWORD))["accessToken"]
