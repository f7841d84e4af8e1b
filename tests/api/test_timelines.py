"""A client's and a lead's timeline: one stream over everything that happened, newest first."""

from base64 import b64decode
from typing import Any

from services import events, followups
from tests.api.helpers import create_follow_up, create_party, in_days, mutate
from tests.conftest import Api, Org

TIMELINE = """
query($id: ID!, $kinds: [TimelineEntryKind!], $first: Int, $after: String) {
  node(id: $id) { ... on %s {
    timeline(kinds: $kinds, first: $first, after: $after) {
      edges { cursor node {
        kind summary text contactOutcome completionOutcome fromStatus toStatus
        notificationKind title followUpOverdue previousDueAt newDueAt
        followUp { subject } actor { name }
      } }
      pageInfo { hasNextPage endCursor }
    }
  } }
}
"""


async def timeline(api: Api, token: str, party_id: str, kind: str = "Client", **args: Any) -> Any:
    data = await api.data(TIMELINE % kind, {"id": party_id, **args}, token)
    return data["node"]["timeline"]


def kinds_of(connection: Any) -> list[tuple[str, str | None]]:
    return [(e["node"]["kind"], e["node"]["followUp"]["subject"]) for e in connection["edges"]]


async def test_a_client_timeline_tells_the_whole_story_newest_first(api: Api, org: Org) -> None:
    kofi_id, _ = await org.add_staff("Kofi")
    client = await create_party(api, org.admin, "Client", {"name": "Ama Mensah"})
    other = await create_party(api, org.admin, "Client", {"name": "Someone Else"})
    visa = (await create_follow_up(api, org.admin, subject="Visa check", clientId=client))["id"]
    await mutate(
        api, org.admin, "logContactAttempt(id: $id, outcome: $outcome, notes: $notes)",
        {"id": visa, "outcome": "LEFT_MESSAGE", "notes": "Voicemail"},
    )  # fmt: skip
    await mutate(api, org.admin, "addFollowUpNote(id: $id, body: $body)", {"id": visa, "body": "Prefers mornings"})  # fmt: skip
    await mutate(
        api, org.admin, "completeFollowUp(id: $id, input: $input)",
        {"id": visa, "input": {"outcome": "SUCCESSFUL", "contactOutcome": "REACHED_CUSTOMER"}},
    )  # fmt: skip
    fees = (await create_follow_up(api, org.admin, subject="Fees due", clientId=client, dueAt=in_days(-1)))["id"]  # fmt: skip
    await mutate(api, org.admin, "delegateFollowUp(id: $id, assigneeId: $assigneeId)", {"id": fees, "assigneeId": kofi_id})  # fmt: skip
    await create_follow_up(api, org.admin, subject="Not this client", clientId=other)

    story = await timeline(api, org.admin, client)
    assert kinds_of(story) == [
        ("NOTIFICATION", "Fees due"),  # Kofi is told it is his now
        ("REASSIGNED", "Fees due"),
        ("FOLLOW_UP_CREATED", "Fees due"),
        ("STATUS_CHANGED", "Visa check"),  # the completion's IN_PROGRESS -> COMPLETED
        ("COMPLETED", "Visa check"),
        ("CONTACT_ATTEMPT", "Visa check"),  # logged with the completion
        ("NOTE", "Visa check"),
        ("STATUS_CHANGED", "Visa check"),  # the attempt began the work
        ("CONTACT_ATTEMPT", "Visa check"),
        ("FOLLOW_UP_CREATED", "Visa check"),
    ]
    nodes = [edge["node"] for edge in story["edges"]]
    assert nodes[0]["notificationKind"] == "ASSIGNED" and nodes[0]["actor"] == {"name": "Kofi"}
    assert all(node["followUpOverdue"] for node in nodes[:3])
    assert not any(node["followUpOverdue"] for node in nodes[3:])
    completed = nodes[4]
    assert completed["completionOutcome"] == "SUCCESSFUL"
    assert (completed["fromStatus"], completed["toStatus"]) == ("IN_PROGRESS", "COMPLETED")
    assert nodes[6]["text"] == "Prefers mornings"
    assert (nodes[7]["fromStatus"], nodes[7]["toStatus"]) == ("PENDING", "IN_PROGRESS")
    assert (nodes[8]["contactOutcome"], nodes[8]["text"]) == ("LEFT_MESSAGE", "Voicemail")
    assert nodes[9]["summary"] == "Follow-up created: Visa check"


async def test_a_timeline_filters_by_kind_and_pages_without_gaps(api: Api, org: Org) -> None:
    client = await create_party(api, org.admin, "Client", {"name": "Ama Mensah"})
    follow_up = (await create_follow_up(api, org.admin, subject="Visa check", clientId=client))["id"]  # fmt: skip
    for n in range(5):
        await mutate(api, org.admin, "addFollowUpNote(id: $id, body: $body)", {"id": follow_up, "body": f"note {n}"})  # fmt: skip
    await mutate(api, org.admin, "rescheduleFollowUp(id: $id, dueAt: $dueAt)", {"id": follow_up, "dueAt": in_days(5)})  # fmt: skip

    only = await timeline(api, org.admin, client, kinds=["RESCHEDULED"])
    [moved] = [edge["node"] for edge in only["edges"]]
    assert moved["previousDueAt"] < moved["newDueAt"]

    seen: list[str] = []
    after = None
    while True:
        page = await timeline(api, org.admin, client, kinds=["NOTE"], first=2, after=after)
        seen += [edge["node"]["text"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == [f"note {n}" for n in reversed(range(5))]


async def test_a_lead_timeline_and_staff_who_see_only_their_own(api: Api, org: Org) -> None:
    await api.data(
        "mutation { updateOrganization(input: {staffSeeAllFollowUps: false}) { __typename } }",
        token=org.admin,
    )
    kofi_id, kofi = await org.add_staff("Kofi")
    lead = await create_party(api, org.admin, "Lead", {"name": "Roof job"})
    await create_follow_up(api, org.admin, subject="Admin's call", leadId=lead)
    await create_follow_up(api, org.admin, subject="Kofi's call", leadId=lead, assigneeId=kofi_id)

    everything = await timeline(api, org.admin, lead, kind="Lead", kinds=["FOLLOW_UP_CREATED"])
    assert [s for _, s in kinds_of(everything)] == ["Kofi's call", "Admin's call"]
    own = await timeline(api, kofi, lead, kind="Lead")
    assert {subject for _, subject in kinds_of(own)} == {"Kofi's call"}


async def test_every_status_change_is_a_status_changed_entry_whatever_caused_it(
    api: Api, org: Org
) -> None:
    client = await create_party(api, org.admin, "Client", {"name": "Ama Mensah"})
    call = (await create_follow_up(api, org.admin, subject="Call", clientId=client))["id"]
    await mutate(
        api, org.admin, "logContactAttempt(id: $id, outcome: $outcome)",
        {"id": call, "outcome": "ATTEMPTED"},
    )  # fmt: skip
    await mutate(
        api, org.admin, "completeFollowUp(id: $id, input: $input)",
        {"id": call, "input": {"outcome": "SUCCESSFUL", "contactOutcome": "REACHED_CUSTOMER"}},
    )  # fmt: skip
    visit = (await create_follow_up(api, org.admin, subject="Visit", clientId=client))["id"]
    await api.data(  # the organization marks missed follow-ups (read when the timer fires)
        "mutation { updateOrganization(input: {markMissedAfterHours: 24}) { __typename } }",
        token=org.admin,
    )
    async with events.transaction():  # as the timer actor runs it
        assert await followups.mark_missed(int(b64decode(visit).decode().split(":")[1]))
    await mutate(api, org.admin, "rescheduleFollowUp(id: $id, dueAt: $dueAt)", {"id": visit, "dueAt": in_days(3)})  # fmt: skip

    changes = await timeline(api, org.admin, client, kinds=["STATUS_CHANGED"])
    assert [
        (e["node"]["followUp"]["subject"], e["node"]["fromStatus"], e["node"]["toStatus"])
        for e in changes["edges"]
    ] == [
        ("Visit", "MISSED", "PENDING"),  # the reschedule
        ("Visit", "PENDING", "MISSED"),
        ("Call", "IN_PROGRESS", "COMPLETED"),  # the completion
        ("Call", "PENDING", "IN_PROGRESS"),  # the contact attempt began the work
    ]
    everything = await timeline(api, org.admin, client)
    # The completion and the reschedule keep their own entries beside the status change.
    assert sum(e["node"]["kind"] == "COMPLETED" for e in everything["edges"]) == 1
    assert sum(e["node"]["kind"] == "RESCHEDULED" for e in everything["edges"]) == 1
