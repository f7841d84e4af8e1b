"""The fast executor (gql.execution) answers exactly as Strawberry's own execution does.

gql.execution takes shortcuts through private names of Strawberry and graphql-core. Every
query of a corpus is sent to two apps over the same data: the real one, and one whose
schema executes with Strawberry's default execution context. Their JSON must be the same.
The corpus is chosen so that every path of gql.execution runs (check with coverage).
"""

import contextlib
import copy
import json
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

import gql.app
from gql.app import create_app
from gql.schema.common import decode_id
from gql.schema.root import schema
from models.followups import FollowUp as FollowUpModel
from tests.api.helpers import create_follow_up, create_party, ghost_id, in_days, mutate
from tests.conftest import Api, Org, make_org
from tests.realtime.conftest import connect, serving


def reference_schema() -> Any:
    """Our schema, executed by Strawberry's default execution context."""
    reference = copy.copy(schema)
    reference.execution_context_class = StrawberryGraphQLCoreExecutionContext
    return reference


@pytest.fixture
async def reference(dbready: str, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Api]:
    with monkeypatch.context() as patch:
        patch.setattr(gql.app, "schema", reference_schema())
        app = create_app(manage_database=False)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as client:
        yield Api(client)


ERROR_ID = re.compile(r"\(errorId [0-9a-f]+\)")


def comparable(body: dict[str, Any]) -> dict[str, Any]:
    """The answer as a client compares it: data, and each error's message, path and code
    (an unexpected error's message carries a fresh errorId each time: left out)."""
    errors = [
        {
            "message": ERROR_ID.sub("(errorId …)", error["message"]),
            "path": error.get("path"),
            "code": error.get("extensions", {}).get("code"),
        }
        for error in body.get("errors", [])
    ]
    return json.loads(
        json.dumps({"data": body.get("data"), "errors": errors}, sort_keys=True, default=str)
    )


@dataclass
class Seeded:
    """What the corpus refers to, by global id."""

    org: Org
    staff_id: str
    staff_token: str
    ids: dict[str, str] = field(default_factory=dict)


async def seed(api: Api, org: Org) -> Seeded:
    """An organization as a team uses it: parties of every kind, follow-ups with and
    without links in every state, notes, contact attempts, reminders, an archived type."""
    staff_id, staff_token = await org.add_staff("Ines")
    await org.add_staff("Marta", role="MANAGER", timezone="Europe/Lisbon")
    seeded = Seeded(org, staff_id, staff_token)
    ids = seeded.ids
    admin = org.admin
    ids["installer"] = await create_party(api, admin, "Installer", {"name": "SunFit Roofing"})
    ids["client"] = await create_party(api, admin, "Client", {
        "name": "Amara Osei", "email": "amara@example.test", "segment": "visa",
        "visaExpiresOn": "2027-03-01", "timezone": "Africa/Accra", "ownerId": staff_id,
    })  # fmt: skip
    ids["other_client"] = await create_party(api, admin, "Client", {"name": "Bo Lindqvist"})
    ids["lead"] = await create_party(api, admin, "Lead", {
        "name": "Chen Wei", "stage": "DELIVERED", "installerId": ids["installer"],
    })  # fmt: skip
    ids["appointment"] = await create_party(api, admin, "Appointment", {
        "clientId": ids["client"], "startsAt": in_days(3), "status": "scheduled",
    })  # fmt: skip
    ids["invoice"] = await create_party(api, admin, "Invoice", {
        "clientId": ids["client"], "number": "INV-1001", "amount": "1250.50", "dueOn": "2027-01-15",
    })  # fmt: skip
    ids["matter"] = await create_party(api, admin, "Matter", {
        "clientId": ids["client"], "title": "Work permit renewal",
    })  # fmt: skip

    created = await api.data(
        'mutation { createFollowUpType(key: "site_survey", name: "Site survey", requiresContact: true)'
        " { __typename ... on FollowUpType { id } } }",
        token=admin,
    )
    ids["custom_type"] = created["createFollowUpType"]["id"]

    async def follow_up(name: str, **fields: Any) -> str:
        payload = await create_follow_up(api, admin, **fields)
        assert payload["__typename"] == "FollowUp", payload
        ids[name] = payload["id"]
        return payload["id"]

    await follow_up("appointment_call", subject="Confirm the appointment", typeKey="phone_call",
                    clientId=ids["client"], appointmentId=ids["appointment"], assigneeId=staff_id,
                    priority="HIGH", reminders=[{"offsetMinutes": 60, "channels": ["IN_APP", "EMAIL"]}])  # fmt: skip
    await follow_up("invoice_email", subject="Chase invoice INV-1001", typeKey="email",
                    clientId=ids["client"], invoiceId=ids["invoice"], dueAt=in_days(-2))  # fmt: skip
    await follow_up("matter_review", subject="Review the permit file", typeKey="document_review",
                    clientId=ids["client"], matterId=ids["matter"], notes="Passport copy missing")  # fmt: skip
    await follow_up("lead_call", subject="Call the lead back", leadId=ids["lead"],
                    installerId=ids["installer"], assigneeId=staff_id, isPrimary=True)  # fmt: skip
    await follow_up("bare", subject="Plan the quarter", typeKey="in_person_meeting", priority="LOW")
    await follow_up("survey", subject="Survey the roof", typeKey="site_survey",
                    clientId=ids["other_client"], dueAt=in_days(5))  # fmt: skip
    archived = await api.data(
        "mutation($id: ID!) { archiveFollowUpType(id: $id) { __typename } }",
        {"id": ids["custom_type"]},
        admin,
    )
    assert archived["archiveFollowUpType"]["__typename"] == "FollowUpType"

    started = await mutate(api, admin, "startFollowUp(id: $id)", {"id": ids["invoice_email"]})
    assert started["__typename"] == "FollowUp"
    logged = await mutate(api, admin, "logContactAttempt(id: $id, outcome: $outcome, notes: $notes)",
                          {"id": ids["appointment_call"], "outcome": "LEFT_MESSAGE", "notes": "Voicemail"})  # fmt: skip
    assert logged["__typename"] == "FollowUp", logged
    noted = await mutate(api, admin, "addFollowUpNote(id: $id, body: $body)",
                         {"id": ids["matter_review"], "body": "Asked for the passport copy"})  # fmt: skip
    assert noted["__typename"] == "FollowUp"
    completed = await mutate(api, admin, "completeFollowUp(id: $id, input: $input)", {
        "id": ids["lead_call"],
        "input": {"outcome": "SUCCESSFUL", "contactOutcome": "REACHED_CUSTOMER", "notes": "Booked a survey"},
    })  # fmt: skip
    assert completed["__typename"] == "FollowUp", completed
    cancelled = await mutate(api, admin, "cancelFollowUp(id: $id, reason: $reason)",
                             {"id": ids["bare"], "reason": "Merged into the review"})  # fmt: skip
    assert cancelled["__typename"] == "FollowUp"

    first_page = await api.data("{ followUps(first: 2) { pageInfo { endCursor } } }", token=admin)
    ids["cursor"] = first_page["followUps"]["pageInfo"]["endCursor"]
    # Staff see only what is theirs: their pages leave out rows and links the admin's show.
    await api.data(
        "mutation { updateOrganization(input: {staffSeeAllFollowUps: false}) { __typename } }",
        token=admin,
    )
    elsewhere = await make_org(api, "Elsewhere Ltd")
    ids["foreign_follow_up"] = (await create_follow_up(api, elsewhere.admin))["id"]
    return seeded


FOLLOW_UP = """
  id __typename subject description status priority dueAt startedAt completedAt cancelledAt
  cancelReason isPrimary contactAttemptCount lastContactedAt lastContactOutcome outcome
  notes version createdAt isOverdue
"""

LINKS = """
  type { id key name requiresContact archived }
  assignee { id name role timezone }
  createdBy { id email }
  client { id name email segment visaExpiresOn owner { id name } }
  lead { id name stage installer { id name } }
  appointment { id startsAt status client { id name } }
  invoice { id number amount dueOn status }
  matter { id title status }
  installer { id name }
"""


@dataclass
class Case:
    name: str
    query: str
    variables: dict[str, Any] = field(default_factory=dict)
    errors: bool = False  # the answer must carry errors (the corpus checks itself)
    as_staff: bool = False


def corpus(s: Seeded) -> list[Case]:
    ids = s.ids
    return [
        Case(
            "a page with every link, present and missing",
            f"{{ followUps(first: 20) {{ totalCount pageInfo {{ hasNextPage hasPreviousPage startCursor endCursor }}"
            f" edges {{ cursor node {{ {FOLLOW_UP} {LINKS} }} }} }} }}",
        ),
        Case(
            "the same page as staff, who sees less",
            f"{{ followUps {{ totalCount edges {{ node {{ {FOLLOW_UP} {LINKS} }} }} }} }}",
            as_staff=True,
        ),
        Case(
            "fragments and aliases",
            "fragment Who on Staff { id name role } "
            "fragment Card on FollowUp { id subject status owner: assignee { ...Who } maker: createdBy { ...Who } "
            " client { id name } type { key } } "
            "{ high: followUps(filter: {priority: [HIGH]}) { totalCount edges { node { ...Card } } } "
            "  rest: followUps(filter: {priority: [LOW, MEDIUM]}, orderBy: {field: CREATED_AT, direction: DESC}) "
            "  { edges { node { ...Card when: dueAt again: subject } } } }",
        ),
        Case(
            "a field selected twice through a fragment and directly",
            "fragment A on FollowUp { client { id name } subject } "
            "{ followUps { edges { node { ...A client { email segment } subject id } } } }",
        ),
        Case(
            "@include and @skip, from variables and literals",
            "query($withLinks: Boolean!, $bare: Boolean!) { followUps { edges { node {"
            " subject client @include(if: $withLinks) { name } assignee @skip(if: $withLinks) { name }"
            " type @include(if: true) { key } dueAt @skip(if: $bare) status @include(if: false) } } } }",
            {"withLinks": True, "bare": False},
        ),
        Case(
            "@include and @skip the other way round",
            "query($withLinks: Boolean!, $bare: Boolean!) { followUps { edges { node {"
            " subject client @include(if: $withLinks) { name } assignee @skip(if: $withLinks) { name }"
            " ... @include(if: $bare) { priority } } } } }",
            {"withLinks": False, "bare": True},
        ),
        Case(
            "variables in filters and pages",
            "query($f: FollowUpFilter, $first: Int, $order: FollowUpOrder) {"
            " followUps(filter: $f, first: $first, orderBy: $order) { totalCount pageInfo { hasNextPage endCursor }"
            " edges { node { subject status client { name } } } } }",
            {
                "f": {"status": ["PENDING", "IN_PROGRESS"], "clientId": ids["client"]},
                "first": 2,
                "order": {"field": "PRIORITY", "direction": "DESC"},
            },
        ),
        Case(
            "nulls in variables",
            "query($f: FollowUpFilter, $after: String) { followUps(filter: $f, after: $after, first: null)"
            " { totalCount edges { node { subject } } } }",
            {"f": None, "after": None},
        ),
        Case(
            "a second page after a cursor",
            "query($after: String) { followUps(first: 2, after: $after) { pageInfo { hasNextPage hasPreviousPage }"
            " edges { cursor node { subject client { name } } } } }",
            {"after": ids["cursor"]},
        ),
        node_case(s),
        Case(
            "followUp(id:) with its lists",
            "query($id: ID!) { followUp(id: $id) { "
            + FOLLOW_UP
            + LINKS
            + " noteEntries { id body author { name } } contactAttempts { id outcome notes }"
            " history { id action actor { name } changes { field before after } }"
            " reminders { offsetMinutes channels status fireAt } } }",
            {"id": ids["appointment_call"]},
        ),
        Case(
            "a client's connections and timeline",
            "query($id: ID!) { node(id: $id) { ... on Client { name owner { name }"
            " followUps(first: 3) { totalCount pageInfo { hasNextPage } edges { node { subject invoice { number } } } }"
            " timeline(first: 10) { edges { node { id kind at summary followUpOverdue actor { name }"
            " followUp { subject matter { title } } text contactOutcome } } } } } }",
            {"id": ids["client"]},
        ),
        Case(
            "party connections",
            "{ clients { totalCount edges { node { id name segment owner { name } } } }"
            " leads { edges { node { name stage installer { name } primaryFollowUp { subject status } } } }"
            " appointments { edges { node { startsAt client { name } } } }"
            " invoices { edges { node { number amount client { name } } } }"
            " matters { edges { node { title client { name } } } }"
            " installers { edges { node { name followUps { totalCount } } } } }",
        ),
        Case(
            "types, archived and not",
            "{ all: followUpTypes(includeArchived: true) { id key name builtIn archived archivedAt }"
            " live: followUpTypes { key } }",
        ),
        Case(
            "the workspace views",
            "{ dashboard { assignee { name } timezone pendingCount inProgressCount overdueCount"
            " today { subject } overdue { subject client { name } invoice { number } } upcomingThisWeek { subject } }"
            " followUpBoard(first: 2) { totalCount columns { status count followUps(first: 2) { edges { node { subject assignee { name } } } } } }"
            " me { id name role } organization { name staffSeeAllFollowUps overdueGraceMinutes } }",
        ),
        Case(
            "the union of a rotting list",
            "{ rottingClients { totalCount edges { node { name daysSinceLastContact"
            " party { __typename ... on Client { id name } ... on Lead { id stage } } } } } }",
        ),
        Case(
            "notifications with their follow-up",
            "{ notifications { totalCount edges { node { id kind title body readAt"
            " followUp { subject assignee { name } } deliveries { channel status } } } } }",
            as_staff=True,
        ),
        Case(
            "__typename and introspection beside data",
            '{ __typename me { __typename id } __type(name: "Priority") { enumValues { name } } }',
        ),
        Case(
            "payload unions: a refused create",
            "mutation($i: CreateFollowUpInput!) { createFollowUp(input: $i) { __typename"
            " ... on ValidationError { field message } ... on FollowUp { id } } }",
            {"i": {"subject": "", "typeKey": "phone_call", "dueAt": in_days(1)}},
        ),
        Case(
            "payload unions: an archived type",
            "mutation($i: CreateFollowUpInput!) { createFollowUp(input: $i) { __typename"
            " ... on ValidationError { field message } ... on FollowUp { id } } }",
            {"i": {"subject": "Survey again", "typeKey": "site_survey", "dueAt": in_days(1)}},
        ),
        Case(
            "payload unions: a refused transition",
            "mutation($id: ID!) { startFollowUp(id: $id) { __typename"
            " ... on TransitionError { message currentStatus } ... on FollowUp { status } } }",
            {"id": ids["lead_call"]},
        ),
        Case(
            "payload unions: a stale version",
            'mutation($id: ID!) { updateFollowUp(id: $id, input: {subject: "New"}, expectedVersion: 999) {'
            " __typename ... on ConflictError { message currentVersion } ... on FollowUp { subject } } }",
            {"id": ids["matter_review"]},
        ),
        Case(
            "payload unions: not found",
            "mutation($id: ID!) { cancelFollowUp(id: $id) { __typename ... on NotFoundError { message } } }",
            {"id": ghost_id("FollowUp")},
        ),
        Case(
            "payload unions: not allowed",
            "mutation { updateOrganization(input: {rottingDays: 3}) { __typename"
            " ... on PermissionError { message } ... on Organization { rottingDays } } }",
            as_staff=True,
        ),
        Case(
            "a bad DateTime in a variable, answered as ValidationError",
            "mutation($id: ID!, $dueAt: DateTime!) { rescheduleFollowUp(id: $id, dueAt: $dueAt) {"
            " __typename ... on ValidationError { field message } } }",
            {"id": ids["survey"], "dueAt": "next tuesday"},
        ),
        Case(
            "a bad Int in a variable",
            "query($first: Int) { followUps(first: $first) { totalCount } }",
            {"first": "ten"},
            errors=True,
        ),
        Case(
            "an Int beyond 32 bits in a variable",
            "query($first: Int) { followUps(first: $first) { totalCount } }",
            {"first": 2**40},
            errors=True,
        ),
        Case(
            "an unknown enum value in a variable",
            "query($f: FollowUpFilter) { followUps(filter: $f) { totalCount } }",
            {"f": {"priority": ["URGENT"]}},
            errors=True,
        ),
        Case(
            "a null for a required variable",
            "query($id: ID!) { followUp(id: $id) { subject } }",
            {"id": None},
            errors=True,
        ),
        Case(
            "a malformed id",
            "query($id: ID!) { followUp(id: $id) { subject } }",
            {"id": "not-an-id"},
            errors=True,
        ),
        Case(
            "an error in a nested field beside data",
            "{ followUps(first: 3) { edges { node { subject client { name followUps(first: -1) { totalCount } } } } } }",
            errors=True,
        ),
        Case(
            "an error in a nested field of a single follow-up",
            'query($id: ID!) { followUp(id: $id) { subject client { name timeline(after: "bogus") { edges { cursor } } } } }',
            {"id": ids["appointment_call"]},
            errors=True,
        ),
        Case(
            "a bad cursor at the top", '{ followUps(after: "bogus") { totalCount } }', errors=True
        ),
    ]


def node_case(s: Seeded) -> Case:
    """node(id:) of every kind, a ghost and one of another organization's rows."""
    ids = s.ids
    wanted = [
        ids["appointment_call"], ids["client"], ids["lead"], s.staff_id, ids["custom_type"],
        ids["appointment"], ids["invoice"], ids["matter"], ids["installer"],
        ids["foreign_follow_up"], ghost_id("Client"), ghost_id("Invoice"),
    ]  # fmt: skip
    variables = {f"i{n}": value for n, value in enumerate(wanted)}
    declared = ", ".join(f"${name}: ID!" for name in variables)
    nodes = " ".join(f"{name}: node(id: ${name}) {{ __typename id ...F }}" for name in variables)
    fragment = (
        "fragment F on Node { ... on FollowUp { subject client { name } }"
        " ... on Client { name email } ... on Lead { name stage } ... on Staff { name role }"
        " ... on FollowUpType { key archived } ... on Appointment { status client { name } }"
        " ... on Invoice { number amount } ... on Matter { title } ... on Installer { name } }"
    )
    return Case(
        "node(id:) of several kinds", f"query({declared}) {{ {nodes} }} {fragment}", variables
    )


async def test_every_query_of_the_corpus_answers_as_strawberry_does(
    api: Api, reference: Api, org: Org
) -> None:
    seeded = await seed(api, org)
    for case in corpus(seeded):
        token = seeded.staff_token if case.as_staff else org.admin
        ours = await api.raw(case.query, case.variables, token)
        theirs = await reference.raw(case.query, case.variables, token)
        codes = {error.get("extensions", {}).get("code") for error in ours.get("errors", [])}
        assert "INTERNAL_SERVER_ERROR" not in codes, (case.name, ours)
        assert comparable(ours) == comparable(theirs), case.name
        assert bool(ours.get("errors")) == case.errors, (case.name, ours)
        assert ours.get("data") is not None or case.errors, case.name


async def test_links_to_rows_out_of_reach_fail_in_the_same_places(
    api: Api, reference: Api, org: Org
) -> None:
    """Rows a bad import may have written: a follow-up whose type (required) and one whose
    assignee belong to another organization. The loaders find neither; the error lands at
    the same path and nulls the same parents, in a page and by id."""
    seeded = await seed(api, org)
    foreign = await FollowUpModel.get(id=_pk(seeded.ids["foreign_follow_up"]))
    await FollowUpModel.filter(id=_pk(seeded.ids["survey"])).update(type_id=foreign.type_id)
    await FollowUpModel.filter(id=_pk(seeded.ids["matter_review"])).update(
        assignee_id=foreign.assignee_id
    )
    survey = {"id": seeded.ids["survey"]}
    cases = [
        # A required link the page loaded ahead: completed at once, and it fails.
        ("{ followUps { totalCount edges { node { subject type { key } } } } }", None),
        # The same beside a link whose object completes later.
        ("{ followUps { edges { node { subject assignee { name } type { key }"
         " client { name followUps(first: 1) { totalCount } } } } } }", None),
        # A link out of reach that may be null, without the failing one.
        ("{ followUps { edges { node { subject assignee { name } } } } }", None),
        # By id: nothing loaded ahead.
        ("query($id: ID!) { followUp(id: $id) { subject assignee { name } type { key } } }", survey),
        ("query($id: ID!) { node(id: $id) { ... on FollowUp { subject type { name } } } }", survey),
    ]  # fmt: skip
    for query, variables in cases:
        ours = await api.raw(query, variables, org.admin)
        theirs = await reference.raw(query, variables, org.admin)
        assert comparable(ours) == comparable(theirs), query
        if "type {" in query:
            assert ours.get("errors"), (query, ours)


async def test_a_count_beyond_graphql_int_fails_in_the_same_places(
    api: Api, reference: Api, org: Org, dbready: str
) -> None:
    """SQLite keeps any integer in an integer column; GraphQL's Int has 32 bits. The error
    lands at the same path and the null climbs to the same nullable parent."""
    if dbready != "sqlite":
        pytest.skip("PostgreSQL's integer column holds no more than GraphQL's Int")
    seeded = await seed(api, org)
    await FollowUpModel.filter(id=_pk(seeded.ids["matter_review"])).update(
        contact_attempt_count=2**40
    )
    cases = [
        ("{ followUps { totalCount edges { node { subject contactAttemptCount } } } }", None),
        ("query($id: ID!) { followUp(id: $id) { subject contactAttemptCount } }",
         {"id": seeded.ids["matter_review"]}),
        ("query($id: ID!) { node(id: $id) { id ... on Client { name"
         " followUps { edges { node { contactAttemptCount } } } } } }", {"id": seeded.ids["client"]}),
    ]  # fmt: skip
    for query, variables in cases:
        ours = await api.raw(query, variables, org.admin)
        theirs = await reference.raw(query, variables, org.admin)
        assert comparable(ours) == comparable(theirs), query
        assert ours.get("errors"), (query, ours)


def _pk(global_id: str) -> int:
    return decode_id(global_id, "FollowUp", "id")


EVENTS = (
    "subscription($f: FollowUpFilter) { followUpEvents(filter: $f) { kind followUp {"
    f" {FOLLOW_UP} {LINKS} }} }} }}"
)
NOTIFICATIONS = (
    "subscription { notifications { id kind title body followUp { subject client { name } } } }"
)


async def test_subscription_events_answer_as_strawberry_does(
    api: Api, org: Org, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two sockets on our server share one execution of each event; a third, on the
    reference server, executes it Strawberry's way: all three receive the same. No linked
    record changes between events: only ours reads them afresh per event (for_event)."""
    seeded = await seed(api, org)
    async with contextlib.AsyncExitStack() as servers:
        ours = await servers.enter_async_context(serving())
        with monkeypatch.context() as patch:
            patch.setattr(gql.app, "schema", reference_schema())
            theirs = await servers.enter_async_context(serving())
        sockets = [await _subscribed(url, org.admin, EVENTS, {"f": None})
                   for url in (ours, ours, theirs)]  # fmt: skip
        inboxes = [await _subscribed(url, seeded.staff_token, NOTIFICATIONS, {})
                   for url in (ours, theirs)]  # fmt: skip
        await _until_live(api, org, [*sockets, *inboxes], seeded.staff_id)
        created = await create_follow_up(
            api, org.admin, subject="Welcome call", clientId=seeded.ids["client"],
            assigneeId=seeded.staff_id, dueAt=in_days(1),
        )  # fmt: skip
        await mutate(api, org.admin, "startFollowUp(id: $id)", {"id": created["id"]})
        await mutate(api, org.admin, "rescheduleFollowUp(id: $id, dueAt: $dueAt)",
                     {"id": seeded.ids["survey"], "dueAt": in_days(9)})  # fmt: skip
        events = [[await _next(socket) for _ in range(3)] for socket in sockets]
        assert events[0] == events[1] == events[2]
        kinds = [event["data"]["followUpEvents"]["kind"] for event in events[0]]
        assert kinds == ["CREATED", "STATUS_CHANGED", "UPDATED"]
        assert events[0][0]["data"]["followUpEvents"]["followUp"]["client"]["name"] == "Amara Osei"
        assert (
            events[0][2]["data"]["followUpEvents"]["followUp"]["client"]["name"] == "Bo Lindqvist"
        )
        notices = [await _next(inbox) for inbox in inboxes]
        assert notices[0] == notices[1]
        assert notices[0]["data"]["notifications"]["followUp"]["subject"] == "Welcome call"
        for client in [*sockets, *inboxes]:
            await client.socket.connection.close()


@dataclass
class Subscribed:
    """A socket with the one operation it subscribed to."""

    socket: Any
    operation: str


async def _subscribed(url: str, token: str, query: str, variables: dict[str, Any]) -> Subscribed:
    client, ack = await connect(url, token)
    assert ack["type"] == "connection_ack", ack
    return Subscribed(client, await client.subscribe(query, variables))


async def _until_live(api: Api, org: Org, clients: list[Subscribed], staff_id: str) -> None:
    """A subscription is live once something has come through it: probes until each has
    (a socket slower than the short wait simply counts at a later probe); then a marker,
    read up to on every socket, so that all start level."""
    waiting = list(clients)
    for n in range(50):
        await create_follow_up(api, org.admin, subject=f"Probe {n}", assigneeId=staff_id,
                               dueAt=(datetime.now(UTC) + timedelta(days=30)).isoformat())  # fmt: skip
        waiting = [client for client in waiting if not await _arrived(client)]
        if not waiting:
            break
    assert not waiting, "a subscription never went live"
    await create_follow_up(api, org.admin, subject="Marker", assigneeId=staff_id, dueAt=in_days(30))
    for client in clients:
        while '"Marker"' not in json.dumps(await _next(client)):
            pass


async def _arrived(client: Subscribed, seconds: float = 0.3) -> bool:
    try:
        await _next(client, seconds)
    except TimeoutError:
        return False
    return True


async def _next(client: Subscribed, seconds: float = 10.0) -> dict[str, Any]:
    message = await client.socket.receive(seconds)
    assert message["type"] == "next" and message["id"] == client.operation, message
    return message["payload"]
