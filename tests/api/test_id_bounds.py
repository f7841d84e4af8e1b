"""Ids that can name nothing (too many digits, beyond a 32-bit column) are "not found" or a
typed input error, never an internal error: the database is not asked to bind them."""

from base64 import b64encode

import pytest

from tests.conftest import Api, Org


def global_id(type_name: str, pk: str) -> str:
    return b64encode(f"{type_name}:{pk}".encode()).decode()


OVERSIZED = ["2147483648", "9" * 19, "9" * 5000]


@pytest.mark.parametrize("pk", OVERSIZED)
async def test_node_with_an_id_beyond_any_row_is_null(api: Api, org: Org, pk: str) -> None:
    body = await api.raw(
        "query($id: ID!) { node(id: $id) { id } }", {"id": global_id("FollowUp", pk)}, org.admin
    )
    assert body == {"data": {"node": None}}, body


@pytest.mark.parametrize("pk", OVERSIZED)
async def test_a_link_id_beyond_any_row_is_a_validation_error(api: Api, org: Org, pk: str) -> None:
    body = await api.raw(
        "mutation($i: CreateFollowUpInput!) { createFollowUp(input: $i) {"
        " __typename ... on ValidationError { field code } } }",
        {"i": {"subject": "Call", "typeKey": "phone_call", "dueAt": "2030-01-01T09:00:00Z",
               "clientId": global_id("Client", pk)}},
        org.admin,
    )  # fmt: skip
    assert body["data"]["createFollowUp"] == {
        "__typename": "ValidationError",
        "field": "clientId",
        "code": "INVALID_ID",
    }, body


@pytest.mark.parametrize("pk", OVERSIZED)
async def test_a_message_link_beyond_any_row_is_not_found(api: Api, pk: str) -> None:
    response = await api.client.get(f"/follow-ups/{global_id('FollowUp', pk)}")
    assert response.status_code == 404
