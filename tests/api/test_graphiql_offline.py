"""GraphiQL works without internet: the page and every file it loads come from this service."""

from html.parser import HTMLParser
from urllib.parse import urlsplit

import httpx

from gql.app import create_app

CONTENT_TYPES = {".js": "javascript", ".css": "text/css"}


class Assets(HTMLParser):
    """The addresses a page loads: every <script src> and <link href>."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        wanted = {"script": "src", "link": "href"}.get(tag)
        for name, value in attrs:
            if name == wanted and value:
                self.urls.append(value)


async def test_graphiql_and_every_file_it_loads_come_from_the_service() -> None:
    app = create_app(manage_database=False)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as client:
        page = await client.get("/graphql", headers={"Accept": "text/html"})
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        assets = Assets()
        assets.feed(page.text)
        scripts = [url for url in assets.urls if url.endswith(".js")]
        assert any("graphiql" in url for url in scripts) and len(scripts) >= 3
        for url in assets.urls:
            parts = urlsplit(url)
            assert not parts.scheme and not parts.netloc, f"{url} is not served here"
            answer = await client.get(url)
            assert answer.status_code == 200, url
            suffix = parts.path[parts.path.rindex(".") :]
            assert CONTENT_TYPES[suffix] in answer.headers["content-type"], url
            assert len(answer.content) > 0
        assert (await client.get("/graphiql/nothing-here.js")).status_code == 404
