"""A follow-up's links agree: its appointment, invoice and matter belong to its client."""

from typing import Any

import pytest

from tests.api.helpers import create_follow_up, create_party, mutate
from tests.conftest import Api, Org

# What each kind of client-owned row needs besides its client.
OWNED = {
    "Appointment": {"startsAt": "2030-01-14T09:00:00Z"},
    "Invoice": {"number": "INV-7", "amount": "70"},
    "Matter": {"title": "Spouse visa"},
}
LINKED = "query($id: ID!) { followUp(id: $id) { client { id } appointment { id } invoice { id } matter { id } version } }"  # fmt: skip
UPDATE = "updateFollowUp(id: $id, input: $update)"


async def owned_by(api: Api, org: Org, kind: str, client_id: str) -> str:
    return await create_party(api, org.admin, kind, {"clientId": client_id, **OWNED[kind]})


async def two_clients(api: Api, org: Org) -> tuple[str, str]:
    amal = await create_party(api, org.admin, "Client", {"name": "Amal"})
    bea = await create_party(api, org.admin, "Client", {"name": "Bea"})
    return amal, bea


async def linked(api: Api, org: Org, follow_up_id: str) -> dict[str, Any]:
    return (await api.data(LINKED, {"id": follow_up_id}, org.admin))["followUp"]


async def total(api: Api, org: Org) -> int:
    data = await api.data("{ followUps { totalCount } }", token=org.admin)
    return data["followUps"]["totalCount"]


def field_of(kind: str) -> str:
    return f"{kind[0].lower()}{kind[1:]}Id"


@pytest.mark.parametrize("kind", OWNED)
async def test_a_follow_up_is_not_created_with_another_clients_row(
    api: Api, org: Org, kind: str
) -> None:
    amal, bea = await two_clients(api, org)
    beas = await owned_by(api, org, kind, bea)
    refused = await create_follow_up(api, org.admin, clientId=amal, **{field_of(kind): beas})
    assert refused["__typename"] == "ValidationError", refused
    assert refused["field"] == field_of(kind)
    assert f"{kind.lower()} belongs to another client" in refused["message"]
    assert await total(api, org) == 0


@pytest.mark.parametrize("kind", OWNED)
async def test_an_update_does_not_link_another_clients_row(api: Api, org: Org, kind: str) -> None:
    amal, bea = await two_clients(api, org)
    beas = await owned_by(api, org, kind, bea)
    created = await create_follow_up(api, org.admin, clientId=amal)
    before = await linked(api, org, created["id"])
    refused = await mutate(
        api, org.admin, UPDATE, {"id": created["id"], "update": {field_of(kind): beas}}
    )
    assert refused["__typename"] == "ValidationError", refused
    assert refused["field"] == field_of(kind)
    assert "belongs to another client" in refused["message"]
    assert await linked(api, org, created["id"]) == before


@pytest.mark.parametrize("kind", OWNED)
async def test_an_update_does_not_move_the_client_away_from_its_linked_row(
    api: Api, org: Org, kind: str
) -> None:
    amal, bea = await two_clients(api, org)
    amals = await owned_by(api, org, kind, amal)
    created = await create_follow_up(api, org.admin, clientId=amal, **{field_of(kind): amals})
    assert created["__typename"] == "FollowUp", created
    before = await linked(api, org, created["id"])
    refused = await mutate(
        api, org.admin, UPDATE, {"id": created["id"], "update": {"clientId": bea}}
    )
    assert refused["__typename"] == "ValidationError", refused
    assert refused["field"] == "clientId"
    assert f"{kind.lower()} belongs to another client" in refused["message"]
    assert field_of(kind) in refused["message"]
    assert await linked(api, org, created["id"]) == before


async def test_rows_of_two_clients_are_refused_without_a_client_link(api: Api, org: Org) -> None:
    amal, bea = await two_clients(api, org)
    invoice = await owned_by(api, org, "Invoice", amal)
    matter = await owned_by(api, org, "Matter", bea)
    refused = await create_follow_up(api, org.admin, invoiceId=invoice, matterId=matter)
    assert refused["__typename"] == "ValidationError", refused
    assert refused["field"] in ("invoiceId", "matterId")
    assert "belongs to another client" in refused["message"]
    assert await total(api, org) == 0


async def test_links_that_agree_are_stored_and_move_together(api: Api, org: Org) -> None:
    amal, bea = await two_clients(api, org)
    amals = {field_of(kind): await owned_by(api, org, kind, amal) for kind in OWNED}
    beas = {field_of(kind): await owned_by(api, org, kind, bea) for kind in OWNED}
    created = await create_follow_up(api, org.admin, clientId=amal, **amals)
    assert created["__typename"] == "FollowUp", created
    shown = await linked(api, org, created["id"])
    assert shown["client"] == {"id": amal}
    assert {name: shown[name[:-2]]["id"] for name in amals} == amals

    moved = await mutate(
        api, org.admin, UPDATE, {"id": created["id"], "update": {"clientId": bea, **beas}}
    )
    assert moved["__typename"] == "FollowUp", moved
    shown = await linked(api, org, created["id"])
    assert shown["client"] == {"id": bea}
    assert {name: shown[name[:-2]]["id"] for name in beas} == beas


async def test_a_follow_up_with_an_invoice_and_no_client_keeps_no_client(
    api: Api, org: Org
) -> None:
    """Accepted as given: the client is not derived from the invoice, and may be added."""
    amal, _ = await two_clients(api, org)
    invoice = await owned_by(api, org, "Invoice", amal)
    created = await create_follow_up(api, org.admin, invoiceId=invoice)
    assert created["__typename"] == "FollowUp", created
    assert (await linked(api, org, created["id"]))["client"] is None
    added = await mutate(
        api, org.admin, UPDATE, {"id": created["id"], "update": {"clientId": amal}}
    )
    assert added["__typename"] == "FollowUp", added
    assert (await linked(api, org, created["id"]))["client"] == {"id": amal}


async def test_a_follow_up_whose_invoice_moved_to_another_client_stays_editable(
    api: Api, org: Org
) -> None:
    """The host CRM may move an invoice (an upsert by externalId): the follow-up is not
    frozen by it, but a change to its links must mend the disagreement, not keep it."""
    amal, bea = await two_clients(api, org)
    invoice = await create_party(
        api, org.admin, "Invoice", {"clientId": amal, "externalId": "inv-7", **OWNED["Invoice"]}
    )
    created = await create_follow_up(api, org.admin, clientId=amal, invoiceId=invoice)
    moved = await create_party(
        api, org.admin, "Invoice", {"clientId": bea, "externalId": "inv-7", **OWNED["Invoice"]}
    )
    assert moved == invoice

    renamed = await mutate(
        api, org.admin, UPDATE, {"id": created["id"], "update": {"subject": "Chase the payment"}}
    )
    assert renamed["__typename"] == "FollowUp", renamed
    relinked = await mutate(
        api, org.admin, UPDATE, {"id": created["id"], "update": {"invoiceId": invoice}}
    )
    assert relinked["__typename"] == "ValidationError", relinked
    assert relinked["field"] == "invoiceId"
    mended = await mutate(
        api, org.admin, UPDATE, {"id": created["id"], "update": {"clientId": bea}}
    )
    assert mended["__typename"] == "FollowUp", mended
