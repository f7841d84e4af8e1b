"""Finding 2: one anonymous request must not stall the server. The body is refused while it
is read, the document before it is lexed, a wide document before it is validated."""

import time
from collections.abc import AsyncIterator

from gql.errors import QUERY_TOO_COMPLEX
from runtime.settings import get_settings
from tests.conftest import Api, Org

MB = 1_000_000


async def test_a_30_mb_body_is_refused_while_read_and_healthz_answers_meanwhile(
    api: Api,
) -> None:
    sent: list[int] = []
    healthz: list[tuple[int, float]] = []

    async def upload() -> AsyncIterator[bytes]:
        yield b'{"query": "{__typename}#'
        for chunk in range(30):
            sent.append(chunk)
            if chunk == 0:  # the server answers others while this upload is under way
                answer = await api.client.get("/healthz")
                healthz.append((answer.status_code, time.monotonic()))
            yield b"c" * MB
        yield b'"}'

    response = await api.client.post(
        "/graphql", content=upload(), headers={"content-type": "application/json"}
    )
    finished = time.monotonic()
    assert response.status_code == 413
    assert "errors" in response.json()
    assert len(sent) <= 2, f"read {len(sent)} MB of a body limited to 1 MB"
    assert healthz and healthz[0][0] == 200 and healthz[0][1] < finished


async def test_a_30_mb_body_with_its_length_is_refused_before_it_is_read(api: Api) -> None:
    read: list[int] = []

    async def upload() -> AsyncIterator[bytes]:
        for chunk in range(30):
            read.append(chunk)
            yield b"c" * MB

    response = await api.client.post(
        "/graphql",
        content=upload(),
        headers={"content-type": "application/json", "content-length": str(30 * MB)},
    )
    assert response.status_code == 413
    assert read == []


async def test_a_document_of_comments_is_refused_before_it_is_lexed(api: Api) -> None:
    body = await api.raw("{ __typename }#" + "c" * 900_000)  # a body under its limit
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == QUERY_TOO_COMPLEX


async def test_2000_duplicate_fields_are_refused_before_validation(api: Api, org: Org) -> None:
    fields = " ".join(["id"] * 1990)  # 2,000 tokens in all: within MAX_TOKENS
    started = time.perf_counter()
    body = await api.raw(f"{{ me {{ {fields} }} }}", token=org.admin)
    wide = time.perf_counter() - started
    assert body["errors"][0]["extensions"]["code"] == QUERY_TOO_COMPLEX
    assert "1991 fields" in body["errors"][0]["message"]

    started = time.perf_counter()
    narrow = await api.data(f"{{ me {{ {' '.join(['id'] * 20)} }} }}", token=org.admin)
    assert narrow["me"]["id"]
    # Refusing 2,000 fields costs little beside answering 20 (it took 0.8 s to validate).
    assert wide < 50 * (time.perf_counter() - started)


async def test_a_document_at_the_field_limit_still_runs(api: Api, org: Org) -> None:
    fields = " ".join(["id"] * (get_settings().max_fields - 1))
    assert (await api.data(f"{{ me {{ {fields} }} }}", token=org.admin))["me"]["id"]
