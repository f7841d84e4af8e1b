"""A repeated create with the same externalId changes only the fields it gives.

The host CRM replays its events and sends what changed: an omitted field keeps its value,
an explicit null clears an optional one. The host owns these records: when it moves an
appointment, invoice or matter to another client (of the same organization), so do we.
"""

from typing import Any

from tests.api.helpers import create_party
from tests.conftest import Api, Org, make_org

ERRORS = "... on ValidationError { message field } ... on NotFoundError { message }"
STARTS = "2030-03-05T10:00:00+00:00"
LATER = "2030-03-06T15:30:00+00:00"


async def create(api: Api, token: str, kind: str, values: dict[str, Any], shown: str) -> Any:
    """Runs create<kind> and returns the payload: the row's `shown` fields, or an error."""
    data = await api.data(
        f"mutation($i: Create{kind}Input!) {{ r: create{kind}(input: $i) {{"
        f" __typename ... on {kind} {{ id {shown} }} {ERRORS} }} }}",
        {"i": values},
        token,
    )
    return data["r"]


async def created(api: Api, token: str, kind: str, values: dict[str, Any], shown: str) -> Any:
    row = await create(api, token, kind, values, shown)
    assert row["__typename"] == kind, row
    return row


async def two_clients(api: Api, org: Org) -> tuple[str, str]:
    first = await create_party(api, org.admin, "Client", {"name": "Ada Client"})
    second = await create_party(api, org.admin, "Client", {"name": "Bo Client"})
    return first, second


CLIENT = "name email phone timezone segment passportExpiresOn visaExpiresOn owner { id }"


async def test_a_repeated_create_client_changes_only_what_it_gives(api: Api, org: Org) -> None:
    full = {
        "externalId": "crm-client-1",
        "name": "Ada Lovelace",
        "email": "ada@example.test",
        "phone": "+44 20 7946 0000",
        "timezone": "Europe/London",
        "segment": "vip",
        "ownerId": org.admin_id,
        "passportExpiresOn": "2031-01-31",
        "visaExpiresOn": "2030-06-30",
    }
    first = await created(api, org.admin, "Client", full, CLIENT)

    again = await created(
        api, org.admin, "Client", {"externalId": "crm-client-1", "name": "Ada King"}, CLIENT
    )

    assert again["id"] == first["id"]
    assert again == {**first, "name": "Ada King"}
    assert again["timezone"] == "Europe/London"

    cleared = await created(
        api,
        org.admin,
        "Client",
        {"externalId": "crm-client-1", "name": "Ada King", "email": None, "visaExpiresOn": None},
        CLIENT,
    )
    assert cleared == {**again, "email": None, "visaExpiresOn": None}


async def test_a_new_client_without_timezone_is_in_utc(api: Api, org: Org) -> None:
    fresh = await created(api, org.admin, "Client", {"name": "No Zone", "externalId": "z"}, CLIENT)
    assert fresh["timezone"] == "UTC"
    zoned = await created(
        api, org.admin, "Client", {"name": "No Zone", "externalId": "z", "timezone": "Asia/Tokyo"},
        CLIENT,
    )  # fmt: skip
    reset = await created(
        api, org.admin, "Client", {"name": "No Zone", "externalId": "z", "timezone": None}, CLIENT
    )
    assert (zoned["timezone"], reset["timezone"]) == ("Asia/Tokyo", "UTC")


INSTALLER = "name email phone"


async def test_a_repeated_create_installer_changes_only_what_it_gives(api: Api, org: Org) -> None:
    full = {
        "externalId": "crm-installer-1",
        "name": "Bright Installs",
        "email": "bright@example.test",
        "phone": "+1 555 0100",
    }
    first = await created(api, org.admin, "Installer", full, INSTALLER)

    again = await created(
        api,
        org.admin,
        "Installer",
        {"externalId": "crm-installer-1", "name": "Bright Installs Ltd"},
        INSTALLER,
    )

    assert again == {**first, "name": "Bright Installs Ltd"}
    cleared = await created(
        api,
        org.admin,
        "Installer",
        {"externalId": "crm-installer-1", "name": "Bright Installs Ltd", "phone": None},
        INSTALLER,
    )
    assert cleared == {**again, "phone": None}


LEAD = "name email phone stage installer { id } owner { id }"


async def test_a_repeated_create_lead_changes_only_what_it_gives(api: Api, org: Org) -> None:
    installer = await create_party(api, org.admin, "Installer", {"name": "Bright Installs"})
    full = {
        "externalId": "crm-lead-1",
        "name": "Cy Lead",
        "email": "cy@example.test",
        "phone": "+1 555 0101",
        "stage": "QUALIFIED",
        "installerId": installer,
        "ownerId": org.admin_id,
    }
    first = await created(api, org.admin, "Lead", full, LEAD)

    again = await created(
        api, org.admin, "Lead", {"externalId": "crm-lead-1", "name": "Cy Lead"}, LEAD
    )

    assert again == first
    assert again["stage"] == "QUALIFIED"
    cleared = await created(
        api,
        org.admin,
        "Lead",
        {"externalId": "crm-lead-1", "name": "Cy Lead", "installerId": None, "email": None},
        LEAD,
    )
    assert cleared == {**first, "installer": None, "email": None}


async def test_a_new_lead_without_a_stage_is_new(api: Api, org: Org) -> None:
    fresh = await created(api, org.admin, "Lead", {"name": "Di Lead", "externalId": "d"}, LEAD)
    assert fresh["stage"] == "NEW"


APPOINTMENT = "startsAt status client { id }"


async def test_a_repeated_create_appointment_changes_only_what_it_gives(api: Api, org: Org) -> None:
    client, other_client = await two_clients(api, org)
    full = {
        "externalId": "crm-appt-1",
        "clientId": client,
        "startsAt": STARTS,
        "status": "completed",
    }
    first = await created(api, org.admin, "Appointment", full, APPOINTMENT)

    again = await created(
        api,
        org.admin,
        "Appointment",
        {"externalId": "crm-appt-1", "clientId": client, "startsAt": LATER},
        APPOINTMENT,
    )

    assert again["id"] == first["id"]
    assert (again["status"], again["client"]) == ("completed", {"id": client})
    moved = await create(
        api,
        org.admin,
        "Appointment",
        {"externalId": "crm-appt-1", "clientId": other_client, "startsAt": LATER},
        APPOINTMENT,
    )
    assert (moved["__typename"], moved["client"]) == ("Appointment", {"id": other_client}), moved
    assert moved["status"] == "completed"


INVOICE = "number amount status dueOn client { id }"


async def test_a_repeated_create_invoice_changes_only_what_it_gives(api: Api, org: Org) -> None:
    client, other_client = await two_clients(api, org)
    full = {
        "externalId": "crm-inv-1",
        "clientId": client,
        "number": "INV-1",
        "amount": "120.50",
        "status": "sent",
        "dueOn": "2030-04-01",
    }
    first = await created(api, org.admin, "Invoice", full, INVOICE)

    again = await created(
        api,
        org.admin,
        "Invoice",
        {"externalId": "crm-inv-1", "clientId": client, "number": "INV-1", "amount": "99.00"},
        INVOICE,
    )

    assert again["id"] == first["id"]
    assert (again["status"], again["dueOn"]) == ("sent", "2030-04-01")
    cleared = await created(
        api,
        org.admin,
        "Invoice",
        {**full, "dueOn": None},
        INVOICE,
    )
    assert cleared["dueOn"] is None
    moved = await create(api, org.admin, "Invoice", {**full, "clientId": other_client}, INVOICE)
    assert (moved["__typename"], moved["client"]) == ("Invoice", {"id": other_client}), moved


MATTER = "title status client { id }"


async def test_a_repeated_create_matter_changes_only_what_it_gives(api: Api, org: Org) -> None:
    client, other_client = await two_clients(api, org)
    full = {"externalId": "crm-matter-1", "clientId": client, "title": "Visa", "status": "won"}
    first = await created(api, org.admin, "Matter", full, MATTER)

    again = await created(
        api,
        org.admin,
        "Matter",
        {"externalId": "crm-matter-1", "clientId": client, "title": "Visa renewal"},
        MATTER,
    )

    assert again == {**first, "title": "Visa renewal"}
    moved = await create(
        api,
        org.admin,
        "Matter",
        {"externalId": "crm-matter-1", "clientId": other_client, "title": "Visa"},
        MATTER,
    )
    assert (moved["__typename"], moved["client"]) == ("Matter", {"id": other_client}), moved
    assert (moved["id"], moved["status"]) == (first["id"], "won")


async def test_a_repeated_create_may_not_name_another_organizations_client(
    api: Api, org: Org
) -> None:
    client = await create_party(api, org.admin, "Client", {"name": "Ada Client"})
    stranger = await make_org(api, "Stranger Org")
    theirs = await create_party(api, stranger.admin, "Client", {"name": "Their client"})
    full = {"externalId": "crm-matter-2", "clientId": client, "title": "Visa"}
    await created(api, org.admin, "Matter", full, MATTER)

    refused = await create(api, org.admin, "Matter", {**full, "clientId": theirs}, MATTER)

    assert (refused["__typename"], refused["field"]) == ("ValidationError", "clientId"), refused
    assert "no client" in refused["message"]


async def test_blank_required_fields_are_refused_on_create_and_repeat(api: Api, org: Org) -> None:
    blank = await create(api, org.admin, "Client", {"name": "  "}, CLIENT)
    assert (blank["__typename"], blank["field"]) == ("ValidationError", "name"), blank
    await created(api, org.admin, "Client", {"name": "Ada", "externalId": "r"}, CLIENT)
    blank_again = await create(api, org.admin, "Client", {"name": "", "externalId": "r"}, CLIENT)
    assert (blank_again["__typename"], blank_again["field"]) == ("ValidationError", "name")


async def test_a_null_start_is_refused_not_an_internal_error(api: Api, org: Org) -> None:
    client = await create_party(api, org.admin, "Client", {"name": "Ada Client"})
    appointment = await created(
        api, org.admin, "Appointment", {"clientId": client, "startsAt": STARTS}, APPOINTMENT
    )
    data = await api.data(
        "mutation($id: ID!) { r: updateAppointment(id: $id, input: {startsAt: null}) {"
        f" __typename {ERRORS} }} }}",
        {"id": appointment["id"]},
        org.admin,
    )
    assert (data["r"]["__typename"], data["r"]["field"]) == ("ValidationError", "startsAt")
