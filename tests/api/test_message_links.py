"""The links in messages open something: GET /follow-ups/<global id> and GET / lead on to
the organization's app (APP_URL) or, without one, to GraphiQL on the follow-up."""

import json
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest

from runtime.settings import get_settings
from services import message_links
from services.global_ids import global_id
from tests.conftest import Api


@pytest.fixture
def app_url(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("APP_URL", "https://crm.example/follow-ups/{id}?from=followups")
    get_settings.cache_clear()
    yield
    monkeypatch.delenv("APP_URL")
    get_settings.cache_clear()


def path_of(link: str) -> str:
    return urlsplit(link).path


async def test_a_follow_up_link_lands_where_app_url_says(api: Api, app_url: None) -> None:
    link = message_links.message_link(42)
    answer = await api.client.get(path_of(link))
    assert answer.status_code == 302
    assert answer.headers["location"] == (
        f"https://crm.example/follow-ups/{global_id('FollowUp', 42).replace('=', '%3D')}"
        "?from=followups"
    )
    home = await api.client.get(path_of(message_links.message_link(None)) or "/")
    assert (home.status_code, home.headers["location"]) == (302, "https://crm.example/")


async def test_without_app_url_a_link_opens_graphiql_on_the_follow_up(api: Api) -> None:
    answer = await api.client.get(path_of(message_links.message_link(42)))
    assert answer.status_code == 302
    target = urlsplit(answer.headers["location"])
    assert target.path == "/graphql" and "+" not in target.query
    asked = parse_qs(target.query)
    assert json.loads(asked["variables"][0]) == {"id": global_id("FollowUp", 42)}
    assert "followUp(id: $id)" in asked["q"][0]
    page = await api.client.get(answer.headers["location"], headers={"Accept": "text/html"})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")


@pytest.mark.parametrize(
    "garbage",
    [
        "nonsense", "%FF%FE", global_id("Client", 42), global_id("FollowUp", 0) + "x",
        "Rm9sbG93VXA6YWJj",  # FollowUp:abc
        "a/b/c", "x" * 5000, "Rm9sbG93VXA6NDI=%00",
    ],
)  # fmt: skip
async def test_a_garbage_link_is_not_found(api: Api, app_url: None, garbage: str) -> None:
    answer = await api.client.get(f"/follow-ups/{garbage}")
    assert answer.status_code == 404
