"""Every connection pages the same way: keyset cursors that stay put, and refuse a bad cursor.

For each list: walking it with first/after gives every row exactly once, in the list's
order, also while rows are inserted between pages (before and after the cursor); and a
malformed cursor, or one from another list, is BAD_USER_INPUT on `after`.
"""

import base64
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest

from runtime import clock
from tests.api.helpers import create_follow_up, create_party, in_days, mutate
from tests.conftest import Api, Org

PAGE = "edges { cursor node { %s } } pageInfo { hasNextPage endCursor }"


@dataclass
class Listing:
    """One connection: how to read a page of it, and how to add a row to it."""

    query: str  # with $first and $after; the connection at data[path]
    path: tuple[str, ...]
    label: str  # the node field that tells rows apart
    token: str
    variables: dict[str, Any]

    def connection(self, data: dict[str, Any]) -> dict[str, Any]:
        for name in self.path:
            data = data[name]
        return data

    async def page(self, api: Api, after: str | None, first: int = 2) -> dict[str, Any]:
        variables = {**self.variables, "first": first, "after": after}
        return self.connection(await api.data(self.query, variables, self.token))

    async def labels(self, api: Api) -> list[Any]:
        return [edge["node"][self.label] for edge in (await self.page(api, None, 200))["edges"]]

    async def refusal(self, api: Api, after: str) -> dict[str, Any]:
        variables = {**self.variables, "first": 2, "after": after}
        body = await api.raw(self.query, variables, self.token)
        assert body.get("errors"), body
        return body["errors"][0]["extensions"]


def root(field: str, label: str, token: str, arguments: str = "") -> Listing:
    query = (
        f"query($first: Int, $after: String) {{ {field}(first: $first, after: $after{arguments})"
        f" {{ {PAGE % label} }} }}"
    )
    return Listing(query, (field,), label, token, {})


Insert = Callable[[int], Awaitable[None]]


async def follow_ups(api: Api, org: Org) -> tuple[Listing, Insert]:
    for n in range(7):
        await create_follow_up(api, org.admin, subject=f"F{n}", dueAt=in_days(10 + n))

    async def insert(n: int) -> None:
        await create_follow_up(api, org.admin, subject=f"early {n}", dueAt=in_days(1 + n / 10))
        await create_follow_up(api, org.admin, subject=f"late {n}", dueAt=in_days(100 + n))

    return root("followUps", "subject", org.admin), insert


async def client_follow_ups(api: Api, org: Org) -> tuple[Listing, Insert]:
    client = await create_party(api, org.admin, "Client", {"name": "Ama"})
    for n in range(7):
        await create_follow_up(api, org.admin, subject=f"F{n}", dueAt=in_days(10 + n), clientId=client)  # fmt: skip

    async def insert(n: int) -> None:
        await create_follow_up(api, org.admin, subject=f"early {n}", dueAt=in_days(1 + n / 10), clientId=client)  # fmt: skip
        await create_follow_up(api, org.admin, subject=f"late {n}", dueAt=in_days(100 + n), clientId=client)  # fmt: skip

    query = (
        "query($id: ID!, $first: Int, $after: String) { node(id: $id) { ... on Client {"
        f" followUps(first: $first, after: $after) {{ {PAGE % 'subject'} }} }} }} }}"
    )
    return Listing(query, ("node", "followUps"), "subject", org.admin, {"id": client}), insert


def named_party(kind: str, field: str) -> Callable[[Api, Org], Awaitable[tuple[Listing, Insert]]]:
    """Clients, leads and installers by name; invoices by number; matters by title."""

    async def make(api: Api, org: Org) -> tuple[Listing, Insert]:
        extra: dict[str, Any] = {}
        if kind in ("Invoice", "Matter"):
            extra["clientId"] = await create_party(api, org.admin, "Client", {"name": "Owner"})
        if kind == "Invoice":
            extra["amount"] = "10.00"

        async def add(value: str) -> None:
            await create_party(api, org.admin, kind, {field: value, **extra})

        for n in range(7):
            await add(f"M{n}")

        async def insert(n: int) -> None:
            await add(f"A{n}")  # sorts before every cursor
            await add(f"Z{n}")

        plural = {"Client": "clients", "Lead": "leads", "Installer": "installers"}
        plural |= {"Invoice": "invoices", "Matter": "matters"}
        return root(plural[kind], field, org.admin), insert

    return make


async def appointments(api: Api, org: Org) -> tuple[Listing, Insert]:
    client = await create_party(api, org.admin, "Client", {"name": "Owner"})

    async def add(days: float) -> None:
        await create_party(api, org.admin, "Appointment", {"clientId": client, "startsAt": in_days(days)})  # fmt: skip

    for n in range(7):
        await add(10 + n)

    async def insert(n: int) -> None:
        await add(1 + n / 10)
        await add(100 + n)

    return root("appointments", "startsAt", org.admin), insert


async def notifications(api: Api, org: Org) -> tuple[Listing, Insert]:
    colleague_id, colleague = await org.add_staff("Colleague")

    async def notify(subject: str) -> None:
        created = await create_follow_up(api, org.admin, subject=subject)
        call = "delegateFollowUp(id: $id, assigneeId: $assigneeId)"
        await mutate(api, org.admin, call, {"id": created["id"], "assigneeId": colleague_id})

    for n in range(7):
        await notify(f"F{n}")

    async def insert(n: int) -> None:
        await notify(f"new {n}")  # newest first: before every cursor

    return root("notifications", "id", colleague), insert


async def rotting_clients(api: Api, org: Org) -> tuple[Listing, Insert]:
    for n in range(7):
        await create_party(api, org.admin, "Client", {"name": f"C{n}"})
    clock.travel(timedelta(days=61))
    org.admin = await api.login(org.admin_email)

    async def insert(n: int) -> None:
        await create_party(api, org.admin, "Client", {"name": f"new {n}"})  # not rotting yet

    return root("rottingClients", "name", org.admin), insert


async def timeline(api: Api, org: Org) -> tuple[Listing, Insert]:
    client = await create_party(api, org.admin, "Client", {"name": "Ama"})
    follow_up = (await create_follow_up(api, org.admin, clientId=client))["id"]
    call = "addFollowUpNote(id: $id, body: $body)"
    for n in range(7):
        await mutate(api, org.admin, call, {"id": follow_up, "body": f"note {n}"})

    async def insert(n: int) -> None:
        await mutate(api, org.admin, call, {"id": follow_up, "body": f"new {n}"})  # newest first

    query = (
        "query($id: ID!, $first: Int, $after: String) { node(id: $id) { ... on Client {"
        f" timeline(first: $first, after: $after) {{ {PAGE % 'id'} }} }} }} }}"
    )
    return Listing(query, ("node", "timeline"), "id", org.admin, {"id": client}), insert


LISTS = {
    "followUps": follow_ups,
    "Client.followUps": client_follow_ups,
    "clients": named_party("Client", "name"),
    "leads": named_party("Lead", "name"),
    "installers": named_party("Installer", "name"),
    "invoices": named_party("Invoice", "number"),
    "matters": named_party("Matter", "title"),
    "appointments": appointments,
    "notifications": notifications,
    "rottingClients": rotting_clients,
    "Client.timeline": timeline,
}


@pytest.mark.parametrize("name", LISTS)
async def test_paging_gives_every_row_once_in_order_while_rows_are_inserted(
    api: Api, org: Org, name: str
) -> None:
    listing, insert = await LISTS[name](api, org)
    before = await listing.labels(api)
    assert len(before) >= 7
    seen: list[Any] = []
    after = None
    for n in range(20):
        page = await listing.page(api, after)
        seen += [edge["node"][listing.label] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        await insert(n)
        after = page["pageInfo"]["endCursor"]
    final = await listing.labels(api)
    assert len(seen) == len(set(seen)), seen  # no row twice
    assert set(before) <= set(seen), (before, seen)  # no row left out
    assert seen == [label for label in final if label in set(seen)]  # in the list's order


def _tampered(cursor: str) -> list[str]:
    """A real cursor with its last value (the row id) out of any column's range, or a
    string the database cannot hold."""
    values = json.loads(base64.urlsafe_b64decode(cursor))
    out = []
    for replacement in (2**40, -(2**63), "a\x00b", 1.5, None, True):
        changed = [*values[:-1], replacement]
        out.append(base64.urlsafe_b64encode(json.dumps(changed).encode()).decode())
    return out


def _encoded(value: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode()


@pytest.mark.parametrize("name", LISTS)
async def test_a_malformed_or_foreign_cursor_is_bad_user_input(
    api: Api, org: Org, name: str
) -> None:
    listing, _ = await LISTS[name](api, org)
    own = (await listing.page(api, None))["pageInfo"]["endCursor"]
    # A cursor some other list gave out: a position in another order means nothing here.
    other_name = "notifications" if name != "notifications" else "clients"
    other, _ = await LISTS[other_name](api, org)
    foreign = (await other.page(api, None))["pageInfo"]["endCursor"]
    cursors = [
        "not a cursor",
        "bm9wZQ==",  # base64 of "nope"
        _encoded({"a": 1}),
        _encoded([]),
        _encoded([1]),
        _encoded(["x", "y", "z", "w"]),
        _encoded(2**70),
        foreign,
        *_tampered(own),
    ]
    for cursor in cursors:
        assert await listing.refusal(api, cursor) == {
            "code": "BAD_USER_INPUT",
            "field": "after",
        }, (name, base64.urlsafe_b64decode(cursor + "==") if cursor != "not a cursor" else cursor)
