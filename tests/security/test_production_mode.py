"""Finding 12 (part): FOLLOWUPS_ENV=production refuses the development SECRET_KEY and turns
GraphiQL and introspection off unless settings turn them on."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from gql.app import create_app
from runtime.settings import UnsafeConfiguration
from tests.conftest import Api, make_org
from tests.security.conftest import AppClient, Configure

FOLLOWUPS = str(Path(sys.executable).with_name("followups"))
PRODUCTION_KEY = "a-production-key-" + "x" * 32
INTROSPECTION = "{ __schema { queryType { name } } }"


def test_production_refuses_to_build_the_app_with_the_development_key(
    configure: Configure,
) -> None:
    configure(FOLLOWUPS_ENV="production")  # on SQLite too, not only PostgreSQL
    with pytest.raises(UnsafeConfiguration, match="SECRET_KEY"):
        create_app(manage_database=False)


def test_followups_serve_refuses_to_start_with_the_development_key(tmp_path: Path) -> None:
    env = {**os.environ, "FOLLOWUPS_ENV": "production", "PORT": "0"}
    env["DATABASE_URL"] = f"sqlite://{tmp_path / 'prod.sqlite3'}"
    env.pop("SECRET_KEY", None)
    env.pop("REDIS_URL", None)
    done = subprocess.run(
        [FOLLOWUPS, "serve"], env=env, cwd=tmp_path, capture_output=True, text=True,
        timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode != 0
    assert "production refuses the development SECRET_KEY" in done.stderr


async def test_production_hides_graphiql_and_introspection_from_an_admin(
    configure: Configure, app_client: AppClient
) -> None:
    configure(FOLLOWUPS_ENV="production", SECRET_KEY=PRODUCTION_KEY)
    async with app_client() as client:
        org = await make_org(Api(client))
        page = await client.get("/graphql", headers={"accept": "text/html"})
        refused = await org.api.raw(INTROSPECTION, token=org.admin)
        plain = await org.api.data("{ __typename me { id } }", token=org.admin)
    assert "graphiql" not in page.text.lower()
    assert refused["errors"] and refused.get("data") is None
    assert "introspection" in refused["errors"][0]["message"].lower()
    assert plain["me"]["id"]


async def test_production_shows_graphiql_and_introspection_when_settings_say_so(
    configure: Configure, app_client: AppClient
) -> None:
    configure(
        FOLLOWUPS_ENV="production", SECRET_KEY=PRODUCTION_KEY, GRAPHIQL="true",
        INTROSPECTION="true",
    )  # fmt: skip
    async with app_client() as client:
        org = await make_org(Api(client))
        page = await client.get("/graphql", headers={"accept": "text/html"})
        schema = await org.api.data(INTROSPECTION, token=org.admin)
    assert "graphiql" in page.text.lower()
    assert schema["__schema"]["queryType"]["name"] == "Query"
