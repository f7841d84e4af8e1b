"""Finding 8: "Did you mean 'followUps'?" told anonymous callers the schema that
introspection refuses them. No suggestions for them, and none for anyone in production."""

from tests.conftest import Api, Org, make_org
from tests.security.conftest import AppClient, Configure

TYPO = "{ followUpz(first: 1) { totalCount } }"


def messages(body: dict) -> str:
    return " ".join(error["message"] for error in body["errors"])


async def test_an_anonymous_typo_gets_no_suggestion_of_schema_fields(api: Api) -> None:
    body = await api.raw(TYPO)
    assert body["errors"]
    assert "followUps" not in messages(body) and "Did you mean" not in messages(body)
    mutation = await api.raw('mutation { logn(email: "a@b.test", password: "x") { __typename } }')
    assert "Did you mean" not in messages(mutation)


async def test_a_signed_in_developer_still_gets_suggestions(api: Api, org: Org) -> None:
    assert "Did you mean 'followUp' or 'followUps'?" in messages(
        await api.raw(TYPO, token=org.admin)
    )


async def test_production_gives_no_suggestions_even_to_staff(
    configure: Configure, app_client: AppClient
) -> None:
    configure(FOLLOWUPS_ENV="production", SECRET_KEY="a-production-key-" + "x" * 32)
    async with app_client() as client:
        org = await make_org(Api(client))
        body = await org.api.raw(TYPO, token=org.admin)
    assert body["errors"] and "Did you mean" not in messages(body)
