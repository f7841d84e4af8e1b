"""Create (upsert by externalId), update and list the host CRM's entities."""

from collections.abc import Callable
from typing import Any

import strawberry

from gql.connections import party_connection
from gql.info import Info
from gql.resolvers.payloads import payload
from gql.schema import parties as api
from gql.schema.common import decode_id, optional_datetime, optional_id
from gql.schema.enums import LeadStage
from gql.schema.rows import build
from models import parties as models
from services import parties
from services.unset import UNSET

UPSERT = (
    "Creates {}, or updates the one with this externalId: a repeated create changes only "
    "the fields it gives, and null clears an optional one."
)


def _given(value: Any, convert: Callable[[Any], Any] = lambda v: v) -> Any:
    return UNSET if value is strawberry.UNSET else convert(value)


def _staff_id(field: str) -> Callable[[Any], int | None]:
    return lambda value: optional_id(value, "Staff", field)


def _client_data(input: Any) -> parties.ClientData:
    return parties.ClientData(
        name=_given(input.name),
        email=_given(input.email),
        phone=_given(input.phone),
        timezone=_given(input.timezone),
        segment=_given(input.segment),
        owner_id=_given(input.owner_id, _staff_id("ownerId")),
        passport_expires_on=_given(input.passport_expires_on),
        visa_expires_on=_given(input.visa_expires_on),
    )


def _installer_data(input: Any) -> parties.InstallerData:
    return parties.InstallerData(
        name=_given(input.name), email=_given(input.email), phone=_given(input.phone)
    )


def _lead_data(input: Any) -> parties.LeadData:
    return parties.LeadData(
        name=_given(input.name),
        email=_given(input.email),
        phone=_given(input.phone),
        stage=_given(getattr(input, "stage", strawberry.UNSET)),
        installer_id=_given(
            input.installer_id, lambda v: optional_id(v, "Installer", "installerId")
        ),
        owner_id=_given(input.owner_id, _staff_id("ownerId")),
    )


def _client_ref(value: Any) -> int | None:
    return optional_id(value, "Client", "clientId")


def _appointment_data(input: Any) -> parties.AppointmentData:
    return parties.AppointmentData(
        client_id=_given(getattr(input, "client_id", strawberry.UNSET), _client_ref),
        starts_at=_given(input.starts_at, lambda v: optional_datetime(v, "startsAt")),
        status=_given(input.status),
    )


def _invoice_data(input: Any) -> parties.InvoiceData:
    return parties.InvoiceData(
        client_id=_given(getattr(input, "client_id", strawberry.UNSET), _client_ref),
        number=_given(input.number),
        amount=_given(input.amount),
        status=_given(input.status),
        due_on=_given(input.due_on),
    )


def _matter_data(input: Any) -> parties.MatterData:
    return parties.MatterData(
        client_id=_given(getattr(input, "client_id", strawberry.UNSET), _client_ref),
        title=_given(input.title),
        status=_given(input.status),
    )


async def _upsert(
    info: Info,
    model: type,
    shape: type,
    data: Callable[[], Any],
    external_id: str | None,
) -> Any:
    caller = info.context.require_caller()
    return await payload(
        lambda: parties.upsert(model, caller, data(), external_id),
        lambda row: build(shape, row),
    )


async def _update(
    info: Info, model: type, shape: type, id: strawberry.ID, data: Callable[[], Any]
) -> Any:
    caller = info.context.require_caller()
    name = shape.__name__
    return await payload(
        lambda: parties.update(model, caller, decode_id(id, name, "id"), data(), name),
        lambda row: build(shape, row),
    )


@strawberry.type
class PartiesQuery:
    @strawberry.field
    async def clients(
        self,
        info: Info,
        filter: api.PartyFilter | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> api.ClientConnection:
        return await party_connection(
            info, models.Client, api.Client, api.ClientConnection, filter, "name", first, after
        )

    @strawberry.field
    async def leads(
        self,
        info: Info,
        filter: api.PartyFilter | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> api.LeadConnection:
        return await party_connection(
            info, models.Lead, api.Lead, api.LeadConnection, filter, "name", first, after
        )

    @strawberry.field
    async def installers(
        self,
        info: Info,
        filter: api.PartyFilter | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> api.InstallerConnection:
        return await party_connection(
            info,
            models.Installer,
            api.Installer,
            api.InstallerConnection,
            filter,
            "name",
            first,
            after,
        )

    @strawberry.field
    async def appointments(
        self,
        info: Info,
        filter: api.PartyFilter | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> api.AppointmentConnection:
        return await party_connection(
            info,
            models.Appointment,
            api.Appointment,
            api.AppointmentConnection,
            filter,
            "starts_at",
            first,
            after,
        )

    @strawberry.field
    async def invoices(
        self,
        info: Info,
        filter: api.PartyFilter | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> api.InvoiceConnection:
        return await party_connection(
            info, models.Invoice, api.Invoice, api.InvoiceConnection, filter, "number", first, after
        )

    @strawberry.field
    async def matters(
        self,
        info: Info,
        filter: api.PartyFilter | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> api.MatterConnection:
        return await party_connection(
            info, models.Matter, api.Matter, api.MatterConnection, filter, "title", first, after
        )


@strawberry.type
class PartiesMutation:
    @strawberry.mutation(description=UPSERT.format("a client"))
    async def create_client(self, info: Info, input: api.CreateClientInput) -> api.ClientPayload:
        return await _upsert(
            info, models.Client, api.Client, lambda: _client_data(input), input.external_id
        )

    @strawberry.mutation
    async def update_client(
        self, info: Info, id: strawberry.ID, input: api.UpdateClientInput
    ) -> api.ClientPayload:
        return await _update(info, models.Client, api.Client, id, lambda: _client_data(input))

    @strawberry.mutation(description=UPSERT.format("a lead"))
    async def create_lead(self, info: Info, input: api.CreateLeadInput) -> api.LeadPayload:
        return await _upsert(
            info, models.Lead, api.Lead, lambda: _lead_data(input), input.external_id
        )

    @strawberry.mutation
    async def update_lead(
        self, info: Info, id: strawberry.ID, input: api.UpdateLeadInput
    ) -> api.LeadPayload:
        return await _update(info, models.Lead, api.Lead, id, lambda: _lead_data(input))

    @strawberry.mutation(description="The host CRM reports a lead's lifecycle stage.")
    async def set_lead_stage(
        self, info: Info, id: strawberry.ID, stage: LeadStage
    ) -> api.LeadPayload:
        caller = info.context.require_caller()
        return await payload(
            lambda: parties.set_lead_stage(caller, decode_id(id, "Lead", "id"), stage),
            lambda row: build(api.Lead, row),
        )

    @strawberry.mutation(description=UPSERT.format("an installer"))
    async def create_installer(
        self, info: Info, input: api.CreateInstallerInput
    ) -> api.InstallerPayload:
        return await _upsert(
            info, models.Installer, api.Installer, lambda: _installer_data(input), input.external_id
        )

    @strawberry.mutation
    async def update_installer(
        self, info: Info, id: strawberry.ID, input: api.UpdateInstallerInput
    ) -> api.InstallerPayload:
        return await _update(
            info, models.Installer, api.Installer, id, lambda: _installer_data(input)
        )

    @strawberry.mutation(description=UPSERT.format("an appointment"))
    async def create_appointment(
        self, info: Info, input: api.CreateAppointmentInput
    ) -> api.AppointmentPayload:
        return await _upsert(
            info,
            models.Appointment,
            api.Appointment,
            lambda: _appointment_data(input),
            input.external_id,
        )

    @strawberry.mutation
    async def update_appointment(
        self, info: Info, id: strawberry.ID, input: api.UpdateAppointmentInput
    ) -> api.AppointmentPayload:
        return await _update(
            info, models.Appointment, api.Appointment, id, lambda: _appointment_data(input)
        )

    @strawberry.mutation(description=UPSERT.format("an invoice"))
    async def create_invoice(self, info: Info, input: api.CreateInvoiceInput) -> api.InvoicePayload:
        return await _upsert(
            info, models.Invoice, api.Invoice, lambda: _invoice_data(input), input.external_id
        )

    @strawberry.mutation
    async def update_invoice(
        self, info: Info, id: strawberry.ID, input: api.UpdateInvoiceInput
    ) -> api.InvoicePayload:
        return await _update(info, models.Invoice, api.Invoice, id, lambda: _invoice_data(input))

    @strawberry.mutation(description=UPSERT.format("a matter"))
    async def create_matter(self, info: Info, input: api.CreateMatterInput) -> api.MatterPayload:
        return await _upsert(
            info, models.Matter, api.Matter, lambda: _matter_data(input), input.external_id
        )

    @strawberry.mutation
    async def update_matter(
        self, info: Info, id: strawberry.ID, input: api.UpdateMatterInput
    ) -> api.MatterPayload:
        return await _update(info, models.Matter, api.Matter, id, lambda: _matter_data(input))
