"""Error codes a client can branch on, the query limits, masking, and GET requests."""

import logging
from typing import Any

import pytest

from runtime.settings import get_settings
from services import followups
from tests.api.helpers import create_follow_up, mutate
from tests.conftest import Api, Org


def only_error(body: dict[str, Any]) -> dict[str, Any]:
    assert body.get("data") is None, body
    assert len(body["errors"]) == 1, body
    return body["errors"][0]


async def test_a_query_deeper_than_the_limit_is_too_complex(api: Api, org: Org) -> None:
    depth = get_settings().max_query_depth
    # followUp(1) > client(2) > followUps(3) > edges(4) > node(5) > client(6) > …
    nested = "id"
    levels = 1
    while levels <= depth:
        nested = f"client {{ followUps {{ edges {{ node {{ {nested} }} }} }} }}"
        levels += 4
    query = f'query Deep {{ followUp(id: "x") {{ {nested} }} }}'
    error = only_error(await api.raw(query, token=org.admin))
    assert error["extensions"]["code"] == "QUERY_TOO_COMPLEX"
    assert f"exceeds maximum operation depth of {depth}" in error["message"]

    shallow = await api.raw("{ followUps { edges { node { client { name } } } } }", token=org.admin)
    assert "errors" not in shallow


async def test_too_many_aliases_is_too_complex(api: Api, org: Org) -> None:
    allowed = get_settings().max_aliases
    many = " ".join(f"a{n}: __typename" for n in range(allowed + 1))
    error = only_error(await api.raw(f"{{ {many} }}", token=org.admin))
    assert error["extensions"]["code"] == "QUERY_TOO_COMPLEX"
    assert f"{allowed + 1} aliases found. Allowed: {allowed}" in error["message"]
    fine = " ".join(f"a{n}: __typename" for n in range(allowed))
    assert len(await api.data(f"{{ {fine} }}", token=org.admin)) == allowed


async def test_too_many_tokens_is_too_complex(api: Api, org: Org) -> None:
    limit = get_settings().max_tokens
    huge = "{ " + " ".join(["__typename"] * (limit + 10)) + " }"
    error = only_error(await api.raw(huge, token=org.admin))
    assert error["extensions"]["code"] == "QUERY_TOO_COMPLEX"
    assert f"more than {limit} tokens" in error["message"]


async def test_an_invalid_query_is_bad_user_input(api: Api, org: Org) -> None:
    for query in [
        "{ followUps { nope } }",
        "{ followUps(",
        'query { followUp(id: 1, x: "y") { id } }',
    ]:
        error = (await api.raw(query, token=org.admin))["errors"][0]
        assert error["extensions"]["code"] == "BAD_USER_INPUT", (query, error)


async def test_an_unexpected_failure_is_masked_with_an_error_id(
    api: Api, org: Org, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    created = await create_follow_up(api, org.admin)

    async def broken(*_: Any) -> None:
        raise RuntimeError("database password is hunter2")

    monkeypatch.setattr(followups, "start", broken)
    with caplog.at_level(logging.ERROR, logger="followups.api"):
        body = await api.raw(
            "mutation($id: ID!) { startFollowUp(id: $id) { __typename } }",
            {"id": created["id"]},
            org.admin,
        )
    error = only_error(body)
    assert error["extensions"]["code"] == "INTERNAL_SERVER_ERROR"
    error_id = error["extensions"]["errorId"]
    assert error_id and error_id in error["message"]
    assert set(error["extensions"]) == {"code", "errorId"}
    text = str(body)
    assert "hunter2" not in text
    assert "RuntimeError" not in text
    assert "Traceback" not in text and "stacktrace" not in text
    # The log line carries the id and the real cause, for whoever reads the logs.
    logged = [r for r in caplog.records if error_id in r.getMessage()]
    assert logged and logged[0].exc_info is not None
    assert "hunter2" in str(logged[0].exc_info[1])

    monkeypatch.undo()
    still = await api.data(
        "query($id: ID!) { followUp(id: $id) { status } }", {"id": created["id"]}, org.admin
    )
    assert still["followUp"]["status"] == "PENDING"


async def test_a_domain_error_outside_a_payload_keeps_its_code(api: Api, org: Org) -> None:
    body = await api.raw('{ followUps(filter: {clientId: "bad"}) { totalCount } }', token=org.admin)
    assert only_error(body)["extensions"] == {"code": "BAD_USER_INPUT", "field": "clientId"}


async def test_get_runs_queries_and_refuses_mutations(api: Api, org: Org) -> None:
    headers = {"Authorization": f"Bearer {org.admin}"}
    response = await api.client.get("/graphql", params={"query": "{ me { id } }"}, headers=headers)
    assert response.status_code == 200
    assert response.json() == {"data": {"me": {"id": org.admin_id}}}

    mutation = (
        'mutation { createFollowUp(input: {subject: "Via GET", typeKey: "phone_call",'
        ' dueAt: "2030-01-01T00:00:00Z"}) { __typename } }'
    )
    refused = await api.client.get("/graphql", params={"query": mutation}, headers=headers)
    assert refused.status_code in (400, 405)
    assert "GET" in refused.text
    assert "Via GET" not in refused.text
    listed = await api.data("{ followUps { totalCount } }", token=org.admin)
    assert listed["followUps"]["totalCount"] == 0

    anonymous = await api.client.get("/graphql", params={"query": "{ me { id } }"})
    assert anonymous.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_payload_errors_are_members_not_top_level_errors(api: Api, org: Org) -> None:
    created = await create_follow_up(api, org.admin)
    await mutate(api, org.admin, "cancelFollowUp(id: $id)", {"id": created["id"]})
    body = await api.raw(
        "mutation($id: ID!) { startFollowUp(id: $id) { __typename"
        " ... on TransitionError { currentStatus } } }",
        {"id": created["id"]},
        org.admin,
    )
    assert "errors" not in body
    assert body["data"]["startFollowUp"] == {
        "__typename": "TransitionError",
        "currentStatus": "CANCELLED",
    }
