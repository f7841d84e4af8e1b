"""No N+1: a page of 50 follow-ups with their relations costs what a page of 5 costs."""

from tests.api.helpers import create_follow_up, create_party, in_days
from tests.conftest import Api, Org

PAGE = """
query($n: Int!) {
  followUps(first: $n) {
    totalCount
    edges { node {
      id subject dueAt
      type { key name }
      assignee { name }
      client { name owner { name } }
      lead { name stage }
      invoice { number amount client { name } }
    } }
  }
}
"""


async def test_a_page_of_fifty_costs_no_more_statements_than_a_page_of_five(
    api: Api, org: Org, count_statements
) -> None:
    staff_ids = [(await org.add_staff(f"Agent{n}"))[0] for n in range(3)]
    for n in range(50):
        client = await create_party(
            api, org.admin, "Client", {"name": f"Client {n}", "ownerId": staff_ids[n % 3]}
        )
        lead = await create_party(api, org.admin, "Lead", {"name": f"Lead {n}"})
        invoice = await create_party(
            api,
            org.admin,
            "Invoice",
            {"clientId": client, "number": f"INV-{n}", "amount": "120.50"},
        )
        created = await create_follow_up(
            api, org.admin, subject=f"Payment reminder {n}", typeKey="payment_follow_up",
            dueAt=in_days(n % 7), assigneeId=staff_ids[n % 3], clientId=client, leadId=lead, invoiceId=invoice,
        )  # fmt: skip
        assert created["__typename"] == "FollowUp"

    costs = {}
    for size in (5, 50):
        count_statements.count = 0
        data = await api.data(PAGE, {"n": size}, org.admin)
        assert len(data["followUps"]["edges"]) == size
        assert data["followUps"]["totalCount"] == 50
        assert all(e["node"]["invoice"]["client"]["name"] for e in data["followUps"]["edges"])
        costs[size] = count_statements.count
    print("statements per page", costs)
    assert costs[50] <= costs[5], costs
    assert costs[50] <= 12, costs  # auth, count, page ids, rows, then one per relation kind
