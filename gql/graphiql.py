"""GraphiQL from the package itself (gql/static/graphiql/), so it works offline: the page
that GET /graphql gives a browser, and its scripts and styles under /graphiql/."""

from pathlib import Path

from starlette.staticfiles import StaticFiles

FOLDER = Path(__file__).parent / "static" / "graphiql"
PAGE = (FOLDER / "index.html").read_text()
ASSETS_PATH = "/graphiql"
assets = StaticFiles(directory=FOLDER)
