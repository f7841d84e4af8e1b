"""Tenancy: another organization's id is "not found" everywhere, and changes nothing.

The table of attempts below is checked against the schema itself: every Query and Mutation
argument that carries an ID (directly or inside an input object) must have an attempt, so a
new field taking an id cannot slip by without a tenancy test.
"""

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from graphql import GraphQLID, GraphQLInputObjectType, GraphQLNamedType, get_named_type

from gql.schema.root import schema
from services import links as follow_up_links
from tests.api.helpers import create_follow_up, create_party, ghost_id
from tests.conftest import Api, Org, make_org

SECRET = "Zanzibar-secret"  # every text of the victim's rows carries it; no response may
DUE = "2030-03-05T10:00:00+00:00"

PAYLOAD_ERRORS = (
    "__typename ... on ValidationError { message field } ... on NotFoundError { message }"
    " ... on PermissionError { message }"
)
LINKS = {link.api_name: link.type_name for link in follow_up_links.LINKS}
FOLLOW_UP_FILTER_IDS = {"assigneeIds": "Staff", **LINKS}


# ---------------------------------------------------------------- the two organizations


@dataclass
class World:
    """The victim organization's objects (by type name) and the attacker's own objects."""

    victim: Org
    attacker: Org
    victim_staff_token: str
    ids: dict[str, str] = field(default_factory=dict)  # victim's, by type name
    own: dict[str, str] = field(default_factory=dict)  # attacker's, by type name


async def build_world(api: Api) -> World:
    victim = await make_org(api, f"{SECRET} Org")
    attacker = await make_org(api, "Attacker Org")
    bo_id, bo = await victim.add_staff("Bo")
    world = World(victim, attacker, bo)
    ids = world.ids
    ids["Staff"] = bo_id
    ids["Installer"] = await create_party(
        api, victim.admin, "Installer", {"name": f"{SECRET} installer"}
    )
    ids["Client"] = await create_party(
        api, victim.admin, "Client", {"name": f"{SECRET} client", "ownerId": bo_id}
    )
    ids["Lead"] = await create_party(
        api, victim.admin, "Lead",
        {"name": f"{SECRET} lead", "stage": "DELIVERED", "installerId": ids["Installer"], "ownerId": bo_id},
    )  # fmt: skip
    ids["Appointment"] = await create_party(
        api, victim.admin, "Appointment", {"clientId": ids["Client"], "startsAt": DUE}
    )
    ids["Invoice"] = await create_party(
        api, victim.admin, "Invoice",
        {"clientId": ids["Client"], "number": f"{SECRET}-1", "amount": "99.50"},
    )  # fmt: skip
    ids["Matter"] = await create_party(
        api, victim.admin, "Matter", {"clientId": ids["Client"], "title": f"{SECRET} matter"}
    )
    custom = await api.data(
        'mutation { t: createFollowUpType(key: "zanzibar_check", name: "Zanzibar-secret check")'
        " { __typename ... on FollowUpType { id } } }",
        token=victim.admin,
    )
    ids["FollowUpType"] = custom["t"]["id"]
    created = await create_follow_up(
        api, victim.admin, subject=f"{SECRET} call", description=f"{SECRET} details",
        dueAt=DUE, assigneeId=bo_id, **{name: ids[kind] for name, kind in LINKS.items()},
    )  # fmt: skip
    assert created["__typename"] == "FollowUp", created
    ids["FollowUp"] = created["id"]
    inbox = await api.data("{ notifications { edges { node { id } } } }", token=bo)
    assert len(inbox["notifications"]["edges"]) == 1, inbox  # "assigned to you"
    ids["Notification"] = inbox["notifications"]["edges"][0]["node"]["id"]

    saved = await api.data(
        f'mutation {{ s: saveFollowUpFilter(input: {{name: "{SECRET} view", shared: true,'
        f' filter: {{clientId: "{ids["Client"]}", search: "{SECRET}"}}}})'
        " { __typename ... on SavedFollowUpFilter { id } } }",
        token=victim.admin,
    )
    ids["SavedFollowUpFilter"] = saved["s"]["id"]
    events = await api.data("{ events(first: 1) { edges { node { id } } } }", token=victim.admin)
    ids["Event"] = events["events"]["edges"][0]["node"]["id"]

    own = world.own
    own["Staff"] = attacker.admin_id
    own["Client"] = await create_party(api, attacker.admin, "Client", {"name": "Own client"})
    own["Lead"] = await create_party(api, attacker.admin, "Lead", {"name": "Own lead"})
    mine = await create_follow_up(api, attacker.admin, subject="Own call", dueAt=DUE)
    own["FollowUp"] = mine["id"]
    mine_saved = await api.data(
        'mutation { s: saveFollowUpFilter(input: {name: "Own view", filter: {overdue: true}})'
        " { __typename ... on SavedFollowUpFilter { id } } }",
        token=attacker.admin,
    )
    own["SavedFollowUpFilter"] = mine_saved["s"]["id"]
    return world


VICTIM_STATE = """
query($f: ID!) {
  followUp(id: $f) {
    subject description status priority dueAt version notes hasIssue contactAttemptCount
    assignee { id } client { id } lead { id } appointment { id } invoice { id } matter { id }
    installer { id } type { key } noteEntries { body } reminders { offsetMinutes status }
    history { action }
  }
  followUps { totalCount }
  staffMembers(includeInactive: true) { id name role isActive timezone }
  followUpTypes(includeArchived: true) { id key name archived requiresContact }
  organization { name staffSeeAllFollowUps }
  clients { edges { node { id name owner { id } } } }
  leads { edges { node { id name stage installer { id } owner { id } } } }
  installers { edges { node { id name } } }
  appointments { edges { node { id startsAt status client { id } } } }
  invoices { edges { node { id number amount status client { id } } } }
  matters { edges { node { id title status client { id } } } }
  savedFollowUpFilters { id name shared filter }
}
"""

ATTACKER_STATE = """
query($f: ID!) {
  followUp(id: $f) { subject version client { id } lead { id } assignee { id } }
  followUps { totalCount }
  staffMembers(includeInactive: true) { id }
  followUpTypes(includeArchived: true) { id }
  clients { totalCount edges { node { name owner { id } } } }
  leads { totalCount edges { node { name installer { id } owner { id } } } }
  installers { totalCount } appointments { totalCount } invoices { totalCount }
  matters { totalCount }
  savedFollowUpFilters { name filter }
}
"""


async def state(api: Api, world: World) -> dict[str, Any]:
    """What both organizations look like to their own people."""
    victim = await api.data(VICTIM_STATE, {"f": world.ids["FollowUp"]}, world.victim.admin)
    inbox = await api.data(
        "{ notifications { unreadCount edges { node { id readAt } } } }",
        token=world.victim_staff_token,
    )
    attacker = await api.data(ATTACKER_STATE, {"f": world.own["FollowUp"]}, world.attacker.admin)
    return {"victim": victim, "inbox": inbox, "attacker": attacker}


# ---------------------------------------------------------------- the attempts


@dataclass
class Attempt:
    """One way of using another organization's id, as the attacker's admin."""

    covers: tuple[str, ...]  # "Mutation.delegateFollowUp.assigneeId"
    document: str  # the result aliased `r`; the probed id is $probe
    probe: str  # the type of the probed id
    variables: Callable[[World], dict[str, Any]] = lambda world: {}
    expect: str = "NotFoundError"  # or "ValidationError:<field>", "null", "empty",
    #                                 "BAD_USER_INPUT:<field>", "zero"
    owner_finds: bool = False  # the victim's admin finds their row with the same request


def mutation(name: str, arguments: str, declared: str, probe: str, **options: Any) -> Attempt:
    covers = options.pop("covers", (f"Mutation.{name}.id",))
    return Attempt(
        covers=covers,
        document=f"mutation({declared}) {{ r: {name}({arguments}) {{ {PAYLOAD_ERRORS} }} }}",
        probe=probe,
        **options,
    )


def own(kind: str) -> Callable[[World], dict[str, Any]]:
    return lambda world: {"own": world.own[kind]}


def follow_up_actions() -> list[Attempt]:
    """Every follow-up mutation on the victim's follow-up."""
    calls = {
        "updateFollowUp": 'id: $probe, input: {subject: "Hacked"}',
        "startFollowUp": "id: $probe",
        "logContactAttempt": "id: $probe, outcome: ATTEMPTED",
        "completeFollowUp": (
            "id: $probe, input: {outcome: SUCCESSFUL, contactOutcome: REACHED_CUSTOMER}"
        ),
        "resolveFollowUpIssue": 'id: $probe, notes: "Hacked"',
        "cancelFollowUp": 'id: $probe, reason: "Hacked"',
        "rescheduleFollowUp": 'id: $probe, dueAt: "2031-01-01T00:00:00Z"',
        "setFollowUpReminders": "id: $probe, reminders: []",
        "addFollowUpNote": 'id: $probe, body: "Hacked"',
    }
    return [
        mutation(name, arguments, "$probe: ID!", "FollowUp") for name, arguments in calls.items()
    ] + [
        mutation(
            "delegateFollowUp",
            "id: $probe, assigneeId: $own",
            "$probe: ID!, $own: ID!",
            "FollowUp",
            variables=own("Staff"),
        )
    ]


def reference_attempts() -> list[Attempt]:
    """The victim's ids given as references inside the attacker's own creates and updates."""
    attempts = []
    for name, kind in {"assigneeId": "Staff", **LINKS}.items():
        attempts.append(
            mutation(
                "createFollowUp",
                f'input: {{subject: "Mine", typeKey: "phone_call", dueAt: "{DUE}", {name}: $probe}}',
                "$probe: ID!",
                kind,
                covers=(f"Mutation.createFollowUp.input.{name}",),
                expect=f"ValidationError:{name}",
            )
        )
    for name, kind in LINKS.items():
        attempts.append(
            mutation(
                "updateFollowUp",
                f"id: $own, input: {{{name}: $probe}}",
                "$probe: ID!, $own: ID!",
                kind,
                covers=(f"Mutation.updateFollowUp.input.{name}",),
                variables=own("FollowUp"),
                expect=f"ValidationError:{name}",
            )
        )
    attempts.append(
        mutation(
            "delegateFollowUp",
            "id: $own, assigneeId: $probe",
            "$probe: ID!, $own: ID!",
            "Staff",
            covers=("Mutation.delegateFollowUp.assigneeId",),
            variables=own("FollowUp"),
            expect="ValidationError:assigneeId",
        )
    )
    creates = {
        ("createClient", "ownerId"): ('{name: "Mine", ownerId: $probe}', "Staff"),
        ("createLead", "ownerId"): ('{name: "Mine", ownerId: $probe}', "Staff"),
        ("createLead", "installerId"): ('{name: "Mine", installerId: $probe}', "Installer"),
        ("createAppointment", "clientId"): (f'{{clientId: $probe, startsAt: "{DUE}"}}', "Client"),
        ("createInvoice", "clientId"): ('{clientId: $probe, number: "M-1", amount: "1"}', "Client"),
        ("createMatter", "clientId"): ('{clientId: $probe, title: "Mine"}', "Client"),
    }  # fmt: skip
    for (name, argument), (value, kind) in creates.items():
        attempts.append(
            mutation(
                name,
                f"input: {value}",
                "$probe: ID!",
                kind,
                covers=(f"Mutation.{name}.input.{argument}",),
                expect=f"ValidationError:{argument}",
            )
        )
    for argument in ("clientId", "leadId", "appointmentId", "invoiceId"):
        attempts.append(
            mutation(
                "recordEvent",
                f'input: {{eventId: "probe-{argument}", kind: CUSTOM, {argument}: $probe}}',
                "$probe: ID!",
                LINKS[argument],
                covers=(f"Mutation.recordEvent.input.{argument}",),
                expect=f"ValidationError:{argument}",
            )
        )
    updates = {
        ("updateClient", "ownerId"): ("Client", "Staff"),
        ("updateLead", "ownerId"): ("Lead", "Staff"),
        ("updateLead", "installerId"): ("Lead", "Installer"),
    }
    for (name, argument), (target, kind) in updates.items():
        attempts.append(
            mutation(
                name,
                f"id: $own, input: {{{argument}: $probe}}",
                "$probe: ID!, $own: ID!",
                kind,
                covers=(f"Mutation.{name}.input.{argument}",),
                variables=own(target),
                expect=f"ValidationError:{argument}",
            )
        )
    return attempts


def entity_attempts() -> list[Attempt]:
    """Updates of the victim's own staff, types and CRM entities by id."""
    targets = {
        "updateStaff": ('input: {name: "Hacked", role: ADMIN}', "Staff"),
        "updateFollowUpType": ('name: "Hacked"', "FollowUpType"),
        "archiveFollowUpType": ("archived: true", "FollowUpType"),
        "updateClient": ('input: {name: "Hacked"}', "Client"),
        "updateLead": ('input: {name: "Hacked"}', "Lead"),
        "setLeadStage": ("stage: LOST", "Lead"),
        "updateInstaller": ('input: {name: "Hacked"}', "Installer"),
        "updateAppointment": ('input: {status: "cancelled"}', "Appointment"),
        "updateInvoice": ('input: {status: "paid"}', "Invoice"),
        "updateMatter": ('input: {title: "Hacked"}', "Matter"),
    }
    return [
        mutation(name, f"id: $probe, {arguments}", "$probe: ID!", kind)
        for name, (arguments, kind) in targets.items()
    ] + [
        Attempt(
            covers=("Mutation.markNotificationsRead.ids",),
            document="mutation($probe: ID!) { r: markNotificationsRead(ids: [$probe]) }",
            probe="Notification",
            expect="zero",
        )
    ]


def query_attempts() -> list[Attempt]:
    attempts = [
        Attempt(
            covers=("Query.node.id",),
            document="query($probe: ID!) { r: node(id: $probe) { __typename id } }",
            probe=kind,
            expect="null",
        )
        for kind in (
            "FollowUp", "Client", "Lead", "Installer", "Appointment", "Invoice", "Matter",
            "Staff", "FollowUpType", "Notification", "Event",
        )
    ]  # fmt: skip
    attempts.append(
        Attempt(
            covers=("Query.followUp.id",),
            document="query($probe: ID!) { r: followUp(id: $probe) { subject } }",
            probe="FollowUp",
            expect="null",
        )
    )
    lists = {
        "followUps": "followUps(filter: {F}) { totalCount edges { node { subject } } }",
        "followUpCalendar": (
            'followUpCalendar(from: "2030-03-01", to: "2030-03-31", filter: {F})'
            " { totalCount days { followUps { subject } } }"
        ),
        "followUpBoard": (
            "followUpBoard(filter: {F})"
            " { totalCount columns { followUps { edges { node { subject } } } } }"
        ),
    }
    for query, selection in lists.items():
        for name, kind in FOLLOW_UP_FILTER_IDS.items():
            value = "[$probe]" if name == "assigneeIds" else "$probe"
            attempts.append(
                Attempt(
                    covers=(f"Query.{query}.filter.{name}",),
                    document="query($probe: ID!) { r: "
                    + selection.replace("{F}", f"{{{name}: {value}}}")
                    + " }",
                    probe=kind,
                    expect="empty",
                    owner_finds=True,
                )
            )
    party_lists = {
        "clients": {"ownerId": "Staff"},
        "leads": {"ownerId": "Staff"},
        "installers": {},
        "appointments": {"clientId": "Client"},
        "invoices": {"clientId": "Client"},
        "matters": {"clientId": "Client"},
    }
    for query, applicable in party_lists.items():
        for name, kind in (("ownerId", "Staff"), ("clientId", "Client")):
            attempts.append(
                Attempt(
                    covers=(f"Query.{query}.filter.{name}",),
                    document=f"query($probe: ID!) {{ r: {query}(filter: {{{name}: $probe}})"
                    " { totalCount edges { node { id } } } }",
                    probe=kind,
                    # A filter the list does not have is refused the same for every id.
                    expect="empty" if name in applicable else f"BAD_USER_INPUT:{name}",
                    owner_finds=name in applicable,
                )
            )
    attempts.append(
        Attempt(
            covers=("Query.dashboard.assigneeId",),
            document="query($probe: ID!) { r: dashboard(assigneeId: $probe) { pendingCount } }",
            probe="Staff",
            expect="BAD_USER_INPUT:assigneeId",
        )
    )
    return attempts


BULK_RESULT = (
    "__typename ... on BulkUpdateResult { succeeded failed results { result {"
    f" {PAYLOAD_ERRORS} }} }} }} ... on ValidationError {{ message field }}"
)


def workspace_attempts() -> list[Attempt]:
    """Saved filters, bulk changes and exports: by id, and ids inside their filters."""
    attempts = [
        mutation("renameFollowUpFilter", 'id: $probe, name: "Hacked"', "$probe: ID!",
                 "SavedFollowUpFilter"),
        mutation("updateFollowUpFilter", "id: $probe, input: {shared: false, filter: {}}",
                 "$probe: ID!", "SavedFollowUpFilter"),
        mutation("deleteFollowUpFilter", "id: $probe", "$probe: ID!", "SavedFollowUpFilter"),
        Attempt(
            covers=("Query.followUps.savedFilterId",),
            document="query($probe: ID!) { r: followUps(savedFilterId: $probe) { totalCount } }",
            probe="SavedFollowUpFilter",
            expect="BAD_USER_INPUT:savedFilterId",
        ),
        mutation("exportFollowUps", "savedFilterId: $probe", "$probe: ID!", "SavedFollowUpFilter",
                 covers=("Mutation.exportFollowUps.savedFilterId",),
                 expect="ValidationError:savedFilterId"),
        Attempt(
            covers=("Mutation.bulkUpdateFollowUps.ids",),
            document="mutation($probe: ID!) { r: bulkUpdateFollowUps(ids: [$probe],"
            f' input: {{cancel: {{reason: "Hacked"}}}}) {{ {BULK_RESULT} }} }}',
            probe="FollowUp",
            expect="items:NotFoundError",
        ),
        Attempt(
            covers=("Mutation.bulkUpdateFollowUps.input.assigneeId",),
            document="mutation($probe: ID!, $own: ID!) { r: bulkUpdateFollowUps(ids: [$own],"
            f" input: {{assigneeId: $probe}}) {{ {BULK_RESULT} }} }}",
            probe="Staff",
            variables=own("FollowUp"),
            expect="items:ValidationError:assigneeId",
        ),
    ]  # fmt: skip
    for name, kind in FOLLOW_UP_FILTER_IDS.items():
        value = "[$probe]" if name == "assigneeIds" else "$probe"
        attempts += [
            mutation("saveFollowUpFilter", f'input: {{name: "Peek", filter: {{{name}: {value}}}}}',
                     "$probe: ID!", kind, covers=(f"Mutation.saveFollowUpFilter.input.filter.{name}",),
                     expect=f"ValidationError:{name}"),
            mutation("updateFollowUpFilter", f"id: $own, input: {{filter: {{{name}: {value}}}}}",
                     "$probe: ID!, $own: ID!", kind, variables=own("SavedFollowUpFilter"),
                     covers=(f"Mutation.updateFollowUpFilter.input.filter.{name}",),
                     expect=f"ValidationError:{name}"),
            mutation("exportFollowUps", f"filter: {{{name}: {value}}}", "$probe: ID!", kind,
                     covers=(f"Mutation.exportFollowUps.filter.{name}",),
                     expect=f"ValidationError:{name}"),
        ]  # fmt: skip
    return attempts


ATTEMPTS = (
    query_attempts()
    + follow_up_actions()
    + reference_attempts()
    + entity_attempts()
    + workspace_attempts()
)


# ---------------------------------------------------------------- checking one attempt


def _without_messages(value: Any) -> Any:
    """A response with its prose left out: messages name the pk, which differs by design."""
    if isinstance(value, dict):
        return {
            k: _without_messages(v) for k, v in value.items() if k not in ("message", "locations")
        }
    if isinstance(value, list):
        return [_without_messages(v) for v in value]
    return value


def _problems(attempt: Attempt, body: dict[str, Any]) -> list[str]:
    text = json.dumps(body)
    problems = []
    if SECRET in text:
        problems.append("leaks the victim's data")
    if "PermissionError" in text or "FORBIDDEN" in text:
        problems.append("says forbidden instead of not found")
    kind, _, field_name = attempt.expect.partition(":")
    errors = body.get("errors") or []
    if kind == "BAD_USER_INPUT":
        extensions = errors[0]["extensions"] if errors else {}
        if extensions.get("code") != "BAD_USER_INPUT" or extensions.get("field") != field_name:
            problems.append(f"expected BAD_USER_INPUT on {field_name}")
        return problems
    if errors:
        return [*problems, f"unexpected errors {errors}"]
    result = body["data"]["r"]
    if kind == "items":  # a bulk result: every item refused with that error
        item_kind, _, item_field = field_name.partition(":")
        items = [item["result"] for item in result.get("results", [])]
        wrong = [
            item
            for item in items
            if item["__typename"] != item_kind or (item_field and item.get("field") != item_field)
        ]
        if result["__typename"] != "BulkUpdateResult" or not items or wrong:
            problems.append(f"expected every item to be {field_name}")
        return problems
    if kind == "null" and result is not None:
        problems.append("expected null")
    elif kind == "zero" and result != 0:
        problems.append("expected 0 rows changed")
    elif kind == "empty" and result["totalCount"] != 0:
        problems.append("expected an empty list")
    elif kind == "NotFoundError" and result["__typename"] != "NotFoundError":
        problems.append("expected NotFoundError")
    elif kind == "ValidationError" and (
        result["__typename"] != "ValidationError" or result["field"] != field_name
    ):
        problems.append(f"expected ValidationError on {field_name}")
    return problems


async def _attempt(api: Api, world: World, attempt: Attempt) -> list[str]:
    variables = attempt.variables(world)
    real = await api.raw(
        attempt.document, {**variables, "probe": world.ids[attempt.probe]}, world.attacker.admin
    )
    problems = _problems(attempt, real)
    ghost = await api.raw(
        attempt.document, {**variables, "probe": ghost_id(attempt.probe)}, world.attacker.admin
    )
    if _without_messages(real) != _without_messages(ghost):
        problems.append(f"differs from a nonexistent id: {ghost}")
    if attempt.owner_finds:
        mine = await api.data(
            attempt.document, {"probe": world.ids[attempt.probe]}, world.victim.admin
        )
        if mine["r"]["totalCount"] < 1:
            problems.append("the victim's own admin does not find the row either (vacuous)")
    return [f"{attempt.covers[0]} ({attempt.probe}): {p} -> {real}" for p in problems]


# ---------------------------------------------------------------- the tests


async def test_another_organizations_ids_are_not_found_and_change_nothing(api: Api) -> None:
    world = await build_world(api)
    before = await state(api, world)
    assert SECRET in json.dumps(before["victim"])  # the snapshot does see the victim's rows

    problems = []
    for attempt in ATTEMPTS:
        problems += await _attempt(api, world, attempt)
    assert not problems, "\n".join(problems)

    after = await state(api, world)
    assert after == before


async def test_a_custom_type_of_another_organization_is_unknown(api: Api) -> None:
    world = await build_world(api)
    refused = await create_follow_up(api, world.attacker.admin, typeKey="zanzibar_check")
    assert refused["__typename"] == "ValidationError"
    assert refused["field"] == "typeKey"
    listed = await api.data("{ followUpTypes { key } }", token=world.attacker.admin)
    assert "zanzibar_check" not in {row["key"] for row in listed["followUpTypes"]}


async def test_lists_never_show_another_organizations_rows(api: Api) -> None:
    world = await build_world(api)
    data = await api.data(
        "{ followUps { totalCount edges { node { id } } } clients { totalCount }"
        " leads { totalCount } installers { totalCount } appointments { totalCount }"
        " invoices { totalCount } matters { totalCount } staffMembers { id }"
        " notifications { totalCount } events { edges { node { kind client { id } } } } }",
        token=world.attacker.admin,
    )
    assert data["followUps"]["edges"] == [{"node": {"id": world.own["FollowUp"]}}]
    assert data["followUps"]["totalCount"] == 1
    assert [data[name]["totalCount"] for name in ("clients", "leads")] == [1, 1]
    for name in ("installers", "appointments", "invoices", "matters", "notifications"):
        assert data[name]["totalCount"] == 0, name
    assert data["staffMembers"] == [{"id": world.attacker.admin_id}]
    assert data["events"]["edges"] == [  # the attacker's own client's creation only
        {"node": {"kind": "CLIENT_CREATED", "client": {"id": world.own["Client"]}}}
    ]


# ---------------------------------------------------------------- the schema is the checklist


def _id_paths(kind: Any, prefix: str, seen: tuple[str, ...] = ()) -> list[str]:
    named: GraphQLNamedType = get_named_type(kind)
    if named is GraphQLID:
        return [prefix]
    if isinstance(named, GraphQLInputObjectType) and named.name not in seen:
        return [
            path
            for name, input_field in named.fields.items()
            for path in _id_paths(input_field.type, f"{prefix}.{name}", (*seen, named.name))
        ]
    return []


def schema_id_arguments() -> set[str]:
    """Every "Root.field.argument[.inputField…]" of Query and Mutation that carries an ID."""
    graphql_schema = schema._schema
    found = set()
    for root in (graphql_schema.query_type, graphql_schema.mutation_type):
        assert root is not None
        for name, root_field in root.fields.items():
            for argument, definition in root_field.args.items():
                found.update(_id_paths(definition.type, f"{root.name}.{name}.{argument}"))
    return found


def test_every_id_argument_of_the_schema_has_a_tenancy_attempt() -> None:
    covered = {path for attempt in ATTEMPTS for path in attempt.covers}
    missing = sorted(schema_id_arguments() - covered)
    assert not missing, (
        "These arguments take an id but have no cross-organization attempt in "
        f"tests/api/test_tenancy.py: {missing}"
    )
    stale = sorted(covered - schema_id_arguments())
    assert not stale, f"Attempts for arguments the schema no longer has: {stale}"


def test_the_id_checklist_is_not_empty() -> None:
    """Guards the checklist itself: the walk over the schema finds ids at every depth."""
    paths = schema_id_arguments()
    assert "Mutation.delegateFollowUp.assigneeId" in paths
    assert "Query.followUps.filter.assigneeIds" in paths
    assert "Mutation.createFollowUp.input.clientId" in paths
    assert all(re.match(r"^(Query|Mutation)\.\w+\.\w+", p) for p in paths)
