"""Finding follow-ups: every filter, the orderings, text search and Relay pagination."""

from typing import Any

from tests.api.helpers import create_follow_up, create_party, mutate
from tests.conftest import Api, Org

LIST = """
query($f: FollowUpFilter, $o: FollowUpOrder, $first: Int, $after: String, $last: Int, $before: String) {
  followUps(filter: $f, orderBy: $o, first: $first, after: $after, last: $last, before: $before) {
    totalCount
    edges { cursor node { subject } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}
"""


async def listing(api: Api, token: str, **variables: Any) -> dict[str, Any]:
    return (await api.data(LIST, variables, token))["followUps"]


async def subjects(api: Api, token: str, **variables: Any) -> list[str]:
    connection = await listing(api, token, **variables)
    found = [edge["node"]["subject"] for edge in connection["edges"]]
    assert connection["totalCount"] == len(found), connection
    return found


async def refused(api: Api, token: str, **variables: Any) -> dict[str, Any]:
    body = await api.raw(LIST, variables, token)
    assert body["data"] is None, body
    return body["errors"][0]["extensions"]


async def catalogue(api: Api, org: Org) -> dict[str, str]:
    """Six follow-ups, each told apart by a filter; the links and the people they name."""
    sam_id, _ = await org.add_staff("Sam")
    ids = {"sam": sam_id}
    ids["client"] = await create_party(api, org.admin, "Client", {"name": "Amal"})
    ids["lead"] = await create_party(api, org.admin, "Lead", {"name": "Roof lead"})
    ids["installer"] = await create_party(api, org.admin, "Installer", {"name": "Sunfit"})
    ids["appointment"] = await create_party(
        api, org.admin, "Appointment", {"clientId": ids["client"], "startsAt": "2030-01-14T09:00:00Z"}
    )  # fmt: skip
    ids["invoice"] = await create_party(
        api, org.admin, "Invoice", {"clientId": ids["client"], "number": "INV-7", "amount": "70"}
    )
    ids["matter"] = await create_party(
        api, org.admin, "Matter", {"clientId": ids["client"], "title": "Spouse visa"}
    )
    rows = [
        dict(subject="Passport renewal call", typeKey="phone_call", priority="HIGH",
             dueAt="2030-01-10T09:00:00Z", assigneeId=sam_id, clientId=ids["client"]),
        dict(subject="Visa document review", typeKey="document_review", priority="LOW",
             dueAt="2030-01-20T09:00:00Z", leadId=ids["lead"], description="Check the bank statements"),
        dict(subject="Invoice payment chase", typeKey="payment_follow_up",
             dueAt="2030-01-15T09:00:00Z", invoiceId=ids["invoice"], installerId=ids["installer"],
             appointmentId=ids["appointment"], matterId=ids["matter"]),
        dict(subject="Satisfaction check", typeKey="customer_check", dueAt="2030-01-12T09:00:00Z"),
        dict(subject="Overdue call", typeKey="phone_call", dueAt="2020-01-01T09:00:00Z"),
        dict(subject="Cancelled call", typeKey="phone_call", dueAt="2020-01-02T09:00:00Z"),
    ]  # fmt: skip
    for row in rows:
        created = await create_follow_up(api, org.admin, reminders=[], **row)
        assert created["__typename"] == "FollowUp", created
        ids[row["subject"]] = created["id"]
    closed = await mutate(
        api, org.admin, "completeFollowUp(id: $id, input: $input)",
        {"id": ids["Satisfaction check"], "input": {
            "outcome": "UNSUCCESSFUL", "contactOutcome": "REACHED_CUSTOMER",
            "satisfactionOutcome": "UNSATISFIED", "hasIssue": True, "issueSummary": "Leaking roof"}},
    )  # fmt: skip
    assert closed["status"] == "CLOSED_WITH_ISSUE"
    cancelled = await mutate(
        api, org.admin, "cancelFollowUp(id: $id)", {"id": ids["Cancelled call"]}
    )
    assert cancelled["status"] == "CANCELLED"
    return ids


BY_DUE = [
    "Overdue call", "Cancelled call", "Passport renewal call", "Satisfaction check",
    "Invoice payment chase", "Visa document review",
]  # fmt: skip


async def test_every_filter_field_selects_its_follow_ups(api: Api, org: Org) -> None:
    ids = await catalogue(api, org)
    cases: list[tuple[dict[str, Any], list[str]]] = [
        ({}, BY_DUE),
        ({"status": ["PENDING"]},
         ["Overdue call", "Passport renewal call", "Invoice payment chase", "Visa document review"]),
        ({"status": ["CANCELLED", "CLOSED_WITH_ISSUE"]}, ["Cancelled call", "Satisfaction check"]),
        ({"status": []}, []),
        ({"typeKeys": ["phone_call"]}, ["Overdue call", "Cancelled call", "Passport renewal call"]),
        ({"typeKeys": ["document_review", "customer_check"]},
         ["Satisfaction check", "Visa document review"]),
        ({"typeKeys": ["no_such_type"]}, []),
        ({"priority": ["HIGH"]}, ["Passport renewal call"]),
        ({"priority": ["LOW", "HIGH"]}, ["Passport renewal call", "Visa document review"]),
        ({"dueAfter": "2030-01-12T09:00:00Z"},
         ["Satisfaction check", "Invoice payment chase", "Visa document review"]),
        ({"dueBefore": "2030-01-12T09:00:00Z"},
         ["Overdue call", "Cancelled call", "Passport renewal call"]),
        ({"dueAfter": "2030-01-11T00:00:00+02:00", "dueBefore": "2030-01-16T00:00:00Z"},
         ["Satisfaction check", "Invoice payment chase"]),
        ({"overdue": True}, ["Overdue call"]),
        ({"overdue": False}, BY_DUE[1:]),
        ({"assigneeIds": [ids["sam"]]}, ["Passport renewal call"]),
        ({"assigneeIds": [ids["sam"], org.admin_id]}, BY_DUE),
        ({"clientId": ids["client"]}, ["Passport renewal call"]),
        ({"leadId": ids["lead"]}, ["Visa document review"]),
        ({"appointmentId": ids["appointment"]}, ["Invoice payment chase"]),
        ({"invoiceId": ids["invoice"]}, ["Invoice payment chase"]),
        ({"matterId": ids["matter"]}, ["Invoice payment chase"]),
        ({"installerId": ids["installer"]}, ["Invoice payment chase"]),
        ({"hasIssue": True}, ["Satisfaction check"]),
        ({"hasIssue": False}, [s for s in BY_DUE if s != "Satisfaction check"]),
        ({"issueResolved": False}, ["Satisfaction check"]),
        ({"issueResolved": True}, []),
        ({"satisfaction": ["UNSATISFIED", "MIXED"]}, ["Satisfaction check"]),
        ({"satisfaction": ["SATISFIED"]}, []),
        ({"status": ["PENDING"], "typeKeys": ["phone_call"]},
         ["Overdue call", "Passport renewal call"]),
    ]  # fmt: skip
    for filter_, expected in cases:
        assert await subjects(api, org.admin, f=filter_) == expected, filter_

    resolved = await mutate(
        api, org.admin, "resolveFollowUpIssue(id: $id)", {"id": ids["Satisfaction check"]}
    )
    assert resolved["issueResolved"] is True
    assert await subjects(api, org.admin, f={"issueResolved": True}) == ["Satisfaction check"]
    assert await subjects(api, org.admin, f={"issueResolved": False}) == []


async def test_search_matches_word_prefixes_in_subject_and_description(api: Api, org: Org) -> None:
    await catalogue(api, org)
    cases = [
        ("passport", ["Passport renewal call"]),
        ("PASS", ["Passport renewal call"]),  # a prefix, any case
        ("call passport", ["Passport renewal call"]),  # every word, any order
        ("renewal  call!", ["Passport renewal call"]),  # punctuation and spaces are not words
        ("bank statements", ["Visa document review"]),  # the description counts
        ("statem", ["Visa document review"]),
        ("call", ["Overdue call", "Cancelled call", "Passport renewal call"]),
        ("passport bank", []),  # words from two different follow-ups
        ("zanzibar", []),
        ("", BY_DUE),
        ("%", BY_DUE),  # no words: no search
    ]
    for text, expected in cases:
        assert await subjects(api, org.admin, f={"search": text}) == expected, text
    combined = await subjects(api, org.admin, f={"search": "call", "overdue": True})
    assert combined == ["Overdue call"]


async def test_each_ordering_and_direction(api: Api, org: Org) -> None:
    await catalogue(api, org)
    created = [
        "Passport renewal call", "Visa document review", "Invoice payment chase",
        "Satisfaction check", "Overdue call", "Cancelled call",
    ]  # fmt: skip
    by_priority = [
        "Passport renewal call",  # HIGH, then MEDIUM by id, then LOW
        "Invoice payment chase", "Satisfaction check", "Overdue call", "Cancelled call",
        "Visa document review",
    ]  # fmt: skip
    updated = [
        "Passport renewal call", "Visa document review", "Invoice payment chase", "Overdue call",
        "Satisfaction check", "Cancelled call",
    ]  # fmt: skip
    cases = {
        None: BY_DUE,
        ("DUE_AT", "ASC"): BY_DUE,
        ("DUE_AT", "DESC"): BY_DUE[::-1],
        ("PRIORITY", "ASC"): by_priority,
        ("PRIORITY", "DESC"): by_priority[::-1],
        ("CREATED_AT", "ASC"): created,
        ("CREATED_AT", "DESC"): created[::-1],
        ("UPDATED_AT", "ASC"): updated,
        ("UPDATED_AT", "DESC"): updated[::-1],
    }
    for order, expected in cases.items():
        o = None if order is None else {"field": order[0], "direction": order[1]}
        assert await subjects(api, org.admin, o=o) == expected, order
        # Paging two at a time walks the same order, forwards and backwards.
        forwards, after = [], None
        while True:
            page = await listing(api, org.admin, o=o, first=2, after=after)
            forwards += [edge["node"]["subject"] for edge in page["edges"]]
            if not page["pageInfo"]["hasNextPage"]:
                break
            after = page["pageInfo"]["endCursor"]
        assert forwards == expected, order
        backwards: list[str] = []
        before = None
        while True:
            page = await listing(api, org.admin, o=o, last=2, before=before)
            backwards = [edge["node"]["subject"] for edge in page["edges"]] + backwards
            if not page["pageInfo"]["hasPreviousPage"]:
                break
            before = page["pageInfo"]["startCursor"]
        assert backwards == expected, order


async def test_relay_pages_forwards_and_backwards(api: Api, org: Org) -> None:
    await catalogue(api, org)
    first = await listing(api, org.admin, first=2)
    assert [e["node"]["subject"] for e in first["edges"]] == BY_DUE[:2]
    assert first["totalCount"] == 6
    assert first["pageInfo"]["hasNextPage"] is True
    assert first["pageInfo"]["hasPreviousPage"] is False
    assert first["pageInfo"]["startCursor"] == first["edges"][0]["cursor"]
    assert first["pageInfo"]["endCursor"] == first["edges"][1]["cursor"]

    second = await listing(api, org.admin, first=2, after=first["pageInfo"]["endCursor"])
    assert [e["node"]["subject"] for e in second["edges"]] == BY_DUE[2:4]
    assert second["totalCount"] == 6
    assert second["pageInfo"]["hasPreviousPage"] is True
    assert second["pageInfo"]["hasNextPage"] is True

    third = await listing(api, org.admin, first=2, after=second["pageInfo"]["endCursor"])
    assert [e["node"]["subject"] for e in third["edges"]] == BY_DUE[4:]
    assert third["pageInfo"]["hasNextPage"] is False

    # A new row due earlier than the cursor does not shift the pages after it.
    await create_follow_up(api, org.admin, subject="Early bird", dueAt="2019-01-01T00:00:00Z")
    again = await listing(api, org.admin, first=2, after=first["pageInfo"]["endCursor"])
    assert [e["node"]["subject"] for e in again["edges"]] == BY_DUE[2:4]
    assert again["totalCount"] == 7

    last = await listing(api, org.admin, last=2)
    assert [e["node"]["subject"] for e in last["edges"]] == BY_DUE[4:]
    assert last["pageInfo"]["hasPreviousPage"] is True
    assert last["pageInfo"]["hasNextPage"] is False
    previous = await listing(api, org.admin, last=2, before=last["pageInfo"]["startCursor"])
    assert [e["node"]["subject"] for e in previous["edges"]] == BY_DUE[2:4]
    assert previous["pageInfo"]["hasNextPage"] is True

    filtered = await listing(api, org.admin, f={"typeKeys": ["phone_call"]}, first=1)
    assert filtered["totalCount"] == 4  # with the early bird
    assert len(filtered["edges"]) == 1
    empty = await listing(api, org.admin, first=0)
    assert empty["edges"] == []
    assert empty["totalCount"] == 7


async def test_page_size_defaults_to_50_and_is_capped_at_200(api: Api, org: Org) -> None:
    for n in range(51):
        created = await create_follow_up(
            api, org.admin, subject=f"Call {n:02}", dueAt=f"2030-02-01T{n // 60:02}:{n % 60:02}:00Z",
            reminders=[],
        )  # fmt: skip
        assert created["__typename"] == "FollowUp"
    page = await listing(api, org.admin)
    assert len(page["edges"]) == 50
    assert page["totalCount"] == 51
    assert page["pageInfo"]["hasNextPage"] is True
    rest = await listing(api, org.admin, after=page["pageInfo"]["endCursor"])
    assert [e["node"]["subject"] for e in rest["edges"]] == ["Call 50"]
    assert len((await listing(api, org.admin, first=200))["edges"]) == 51
    assert len((await listing(api, org.admin, last=200))["edges"]) == 51

    assert await refused(api, org.admin, first=201) == {"code": "BAD_USER_INPUT", "field": "first"}
    assert await refused(api, org.admin, last=201) == {"code": "BAD_USER_INPUT", "field": "last"}


async def test_bad_connection_arguments_are_bad_user_input(api: Api, org: Org) -> None:
    await create_follow_up(api, org.admin)
    cursor = (await listing(api, org.admin, first=1))["pageInfo"]["endCursor"]
    cases: list[tuple[dict[str, Any], str]] = [
        ({"first": -1}, "first"),
        ({"last": -1}, "last"),
        ({"first": 1, "last": 1}, "first"),
        ({"after": "not a cursor"}, "after"),
        ({"last": 1, "before": "bm9wZQ=="}, "before"),  # base64 of "nope": not one of ours
        ({"first": 1, "before": cursor}, "before"),  # would page forwards, ignoring it
        ({"before": cursor}, "before"),
        ({"last": 1, "after": cursor}, "after"),  # would page backwards, ignoring it
        ({"after": cursor, "o": {"field": "PRIORITY"}}, "after"),  # a due-time cursor
    ]
    for variables, field_name in cases:
        assert await refused(api, org.admin, **variables) == {
            "code": "BAD_USER_INPUT",
            "field": field_name,
        }, variables
