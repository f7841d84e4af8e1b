"""Finding 7: log lines. A 1 MB email at login wrote 2 MB of log per request, and the
access log kept export tokens and, for a login sent by GET, the password."""

import logging
from urllib.parse import quote

import pytest

from runtime import logs
from tests.conftest import Api

FORMAT = logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s")


CLIENT_LOGGERS = ("httpx", "httpcore")  # the test's own HTTP client, not the server


def written(caplog: pytest.LogCaptureFixture) -> str:
    records = [r for r in caplog.records if not r.name.startswith(CLIENT_LOGGERS)]
    return "\n".join(FORMAT.format(record) for record in records)


async def test_a_login_with_a_900_kb_email_writes_under_10_kb_of_log(
    api: Api, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    logging.getLogger("tortoise").setLevel(logging.INFO)  # SQL statements are not ours
    email = "a" * 900_000 + "@example.test"  # a body within MAX_BODY_BYTES
    body = await api.raw(
        "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { __typename } }",
        {"e": email, "p": "not-the-password"},
    )
    assert body["data"] or body["errors"]
    await api.raw("{ __typename }", {"e": email})  # an unused variable, as large
    assert len(written(caplog)) < 10_000


async def test_a_password_or_token_in_a_query_string_never_reaches_the_log(
    api: Api, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    login = 'mutation { login(email: "a@b.test", password: "hunter2-secret") { __typename } }'
    await api.client.get(f"/graphql?query={quote(login)}")
    await api.client.get("/exports/1.csv?token=export-secret-token")
    assert "hunter2-secret" not in written(caplog)
    assert "export-secret-token" not in written(caplog)


def uvicorn_access_record(path: str) -> logging.LogRecord:
    """A record as uvicorn's access logger makes it (uvicorn/protocols/http/h11_impl.py)."""
    return logging.getLogger("uvicorn.access").makeRecord(
        "uvicorn.access", logging.INFO, "h11_impl.py", 1,
        '%s - "%s %s HTTP/%s" %d', ("127.0.0.1:5000", "GET", path, "1.1", 200), None,
    )  # fmt: skip


@pytest.mark.parametrize(
    "path",
    [
        "/exports/7.csv?token=export-secret-token",
        "/graphql?query=mutation%7Blogin(email%3A%22a%40b%22%2Cpassword%3A%22hunter2%22)%7D",
        "/graphql?variables=%7B%22p%22%3A%22hunter2%22%7D&access_token=export-secret-token",
        "/x?refresh_token=export-secret-token&password=hunter2",
    ],
)
def test_the_access_log_strips_secrets_from_query_strings(path: str) -> None:
    logs.install()
    line = uvicorn_access_record(path).getMessage()
    assert "hunter2" not in line and "export-secret-token" not in line
    assert line.startswith('127.0.0.1:5000 - "GET /') and line.endswith('HTTP/1.1" 200')
    assert "[redacted]" in line


def test_the_access_log_keeps_paths_and_harmless_parameters() -> None:
    logs.install()
    line = uvicorn_access_record("/graphql?operationName=Inbox").getMessage()
    assert "GET /graphql?operationName=Inbox HTTP/1.1" in line
