"""Create (upsert by externalId), update and list the host CRM's entities."""

from collections.abc import Callable
from typing import Any

import strawberry
from strawberry import relay
from tortoise.models import Model

from gql.info import Info
from gql.resolvers.payloads import payload
from gql.schema import parties as api
from gql.schema.common import datetime_input, decode_id, optional_id
from gql.schema.enums import LeadStage
from gql.schema.rows import build
from models import parties as models
from services import parties
from services.errors import ValidationFailed
from services.pagination import PageRequest, decode_cursor, encode_cursor
from services.unset import UNSET


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


def _client_ref(value: Any) -> int:
    return decode_id(value, "Client", "clientId")


def _appointment_data(input: Any) -> parties.AppointmentData:
    return parties.AppointmentData(
        client_id=_given(getattr(input, "client_id", strawberry.UNSET), _client_ref),
        starts_at=_given(input.starts_at, lambda v: datetime_input(v, "startsAt")),
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
    required: tuple[str, ...],
) -> Any:
    caller = info.context.require_caller()
    return await payload(
        lambda: parties.upsert(model, caller, data(), external_id, required),
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


async def _list(
    info: Info,
    model: type[Model],
    shape: type,
    connection: type,
    filter: api.PartyFilter | None,
    order: str,
    first: int | None,
    after: str | None,
) -> Any:
    """Offset pages: these lists are short and browsed by name, not streamed by time."""
    caller = info.context.require_caller()
    size = PageRequest(first=first).size()
    offset = 0
    if after is not None:
        values = decode_cursor(after, "after")
        if len(values) != 1 or not isinstance(values[0], int) or values[0] < 0:
            raise ValidationFailed("after", "The cursor is not one this API gave out.")
        offset = values[0] + 1
    search = parties.PartySearch()
    if filter is not None:
        search.search = filter.search
        search.owner_id = optional_id(filter.owner_id, "Staff", "ownerId")
        search.client_id = optional_id(filter.client_id, "Client", "clientId")
        search.stage = filter.stages
    rows, total = await parties.list_rows(model, caller, search, order, offset, size)
    edges: list[relay.Edge[Any]] = [
        relay.Edge(node=build(shape, row), cursor=encode_cursor([offset + index]))
        for index, row in enumerate(rows)
    ]
    return connection(
        edges=edges,
        page_info=relay.PageInfo(
            has_next_page=offset + len(rows) < total,
            has_previous_page=offset > 0,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        total_count=total,
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
        return await _list(
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
        return await _list(
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
        return await _list(
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
        return await _list(
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
        return await _list(
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
        return await _list(
            info, models.Matter, api.Matter, api.MatterConnection, filter, "title", first, after
        )


@strawberry.type
class PartiesMutation:
    @strawberry.mutation(description="Creates a client, or updates the one with this externalId.")
    async def create_client(self, info: Info, input: api.CreateClientInput) -> api.ClientPayload:
        return await _upsert(
            info,
            models.Client,
            api.Client,
            lambda: _client_data(input),
            input.external_id,
            ("name",),
        )

    @strawberry.mutation
    async def update_client(
        self, info: Info, id: strawberry.ID, input: api.UpdateClientInput
    ) -> api.ClientPayload:
        return await _update(info, models.Client, api.Client, id, lambda: _client_data(input))

    @strawberry.mutation(description="Creates a lead, or updates the one with this externalId.")
    async def create_lead(self, info: Info, input: api.CreateLeadInput) -> api.LeadPayload:
        return await _upsert(
            info, models.Lead, api.Lead, lambda: _lead_data(input), input.external_id, ("name",)
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

    @strawberry.mutation
    async def create_installer(
        self, info: Info, input: api.CreateInstallerInput
    ) -> api.InstallerPayload:
        return await _upsert(
            info,
            models.Installer,
            api.Installer,
            lambda: _installer_data(input),
            input.external_id,
            ("name",),
        )

    @strawberry.mutation
    async def update_installer(
        self, info: Info, id: strawberry.ID, input: api.UpdateInstallerInput
    ) -> api.InstallerPayload:
        return await _update(
            info, models.Installer, api.Installer, id, lambda: _installer_data(input)
        )

    @strawberry.mutation
    async def create_appointment(
        self, info: Info, input: api.CreateAppointmentInput
    ) -> api.AppointmentPayload:
        return await _upsert(
            info,
            models.Appointment,
            api.Appointment,
            lambda: _appointment_data(input),
            input.external_id,
            ("client_id", "starts_at"),
        )

    @strawberry.mutation
    async def update_appointment(
        self, info: Info, id: strawberry.ID, input: api.UpdateAppointmentInput
    ) -> api.AppointmentPayload:
        return await _update(
            info, models.Appointment, api.Appointment, id, lambda: _appointment_data(input)
        )

    @strawberry.mutation
    async def create_invoice(self, info: Info, input: api.CreateInvoiceInput) -> api.InvoicePayload:
        return await _upsert(
            info,
            models.Invoice,
            api.Invoice,
            lambda: _invoice_data(input),
            input.external_id,
            ("client_id", "number", "amount"),
        )

    @strawberry.mutation
    async def update_invoice(
        self, info: Info, id: strawberry.ID, input: api.UpdateInvoiceInput
    ) -> api.InvoicePayload:
        return await _update(info, models.Invoice, api.Invoice, id, lambda: _invoice_data(input))

    @strawberry.mutation
    async def create_matter(self, info: Info, input: api.CreateMatterInput) -> api.MatterPayload:
        return await _upsert(
            info,
            models.Matter,
            api.Matter,
            lambda: _matter_data(input),
            input.external_id,
            ("client_id", "title"),
        )

    @strawberry.mutation
    async def update_matter(
        self, info: Info, id: strawberry.ID, input: api.UpdateMatterInput
    ) -> api.MatterPayload:
        return await _update(info, models.Matter, api.Matter, id, lambda: _matter_data(input))
