"""The shortcuts of the request path (cached parse and validation, prefetched links, the
scalar fast path in gql/execution.py) change nothing a client can observe."""

from tests.api.helpers import create_follow_up, create_party
from tests.api.test_visibility_and_roles import set_staff_see_all
from tests.conftest import Api, Org

LIST = "{ followUps { totalCount edges { node { subject } } } }"


async def test_a_query_validated_for_a_caller_is_still_refused_to_an_anonymous_one(
    api: Api, org: Org
) -> None:
    await create_follow_up(api, org.admin)
    for _ in range(2):  # the second round meets the cached parse and validation
        assert (await api.data(LIST, token=org.admin))["followUps"]["totalCount"] == 1
        refused = await api.raw(LIST)
        assert refused["data"] is None
        assert refused["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
        expired = await api.raw(LIST, token="not-a-token")
        assert expired["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_links_through_fragments_and_aliases_answer_like_plain_fields(
    api: Api, org: Org
) -> None:
    staff_id, _ = await org.add_staff("Rana")
    client = await create_party(api, org.admin, "Client", {"name": "Noor Haddad"})
    await create_follow_up(
        api, org.admin, subject="With client", clientId=client, assigneeId=staff_id
    )
    await create_follow_up(api, org.admin, subject="Without client", dueAt="2030-01-01T09:00:00Z")
    query = """
      fragment Who on FollowUp { who: assignee { name } client { ...Named } }
      fragment Named on Client { name id }
      { followUps(orderBy: {field: DUE_AT, direction: ASC}) { edges { node {
          title: subject subject ...Who customer: client { name }
          ... on FollowUp { kind: type { key } type { name } }
      } } } }
    """
    nodes = [e["node"] for e in (await api.data(query, token=org.admin))["followUps"]["edges"]]
    assert [n["title"] for n in nodes] == [n["subject"] for n in nodes]
    by_subject = {n["subject"]: n for n in nodes}
    linked = by_subject["With client"]
    assert linked["who"] == {"name": "Rana"}
    assert linked["client"] == {"name": "Noor Haddad", "id": client}
    assert linked["customer"] == {"name": "Noor Haddad"}
    assert linked["kind"] == {"key": "phone_call"} and linked["type"]["name"]
    unlinked = by_subject["Without client"]
    assert unlinked["client"] is None and unlinked["customer"] is None
    me = (await api.data("{ me { name } }", token=org.admin))["me"]
    assert unlinked["who"] == me  # assigned to whoever created it


async def test_a_staff_member_who_sees_only_their_own_gets_no_one_elses_rows(
    api: Api, org: Org
) -> None:
    await set_staff_see_all(api, org, False)
    mine_id, mine_token = await org.add_staff("Own")
    await create_follow_up(api, org.admin, subject="Mine", assigneeId=mine_id)
    await create_follow_up(api, org.admin, subject="Not mine")
    query = "{ followUps { totalCount edges { node { subject assignee { name } } } } }"
    data = (await api.data(query, token=mine_token))["followUps"]
    assert data["totalCount"] == 1
    assert [e["node"] for e in data["edges"]] == [{"subject": "Mine", "assignee": {"name": "Own"}}]


async def test_every_response_says_how_long_the_server_took(api: Api, org: Org) -> None:
    for response in [
        await api.client.post("/graphql", json={"query": LIST}, headers={"Authorization": f"Bearer {org.admin}"}),
        await api.client.get("/healthz"),
    ]:  # fmt: skip
        name, _, duration = response.headers["server-timing"].partition(";dur=")
        assert name == "app"
        assert 0 < float(duration) < 60_000
