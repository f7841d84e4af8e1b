"""recordEvent, the events list and the webhook secret."""

import strawberry

from gql.connections import event_connection
from gql.info import Info
from gql.resolvers.payloads import payload
from gql.schema import crm_events as api
from gql.schema.common import optional_datetime, optional_id
from services import crm_events, webhooks


def event_input(input: api.RecordEventInput) -> crm_events.EventInput:
    return crm_events.EventInput(
        event_id=input.event_id,
        kind=input.kind,
        occurred_at=optional_datetime(input.occurred_at, "occurredAt"),
        client_id=optional_id(input.client_id, "Client", "clientId"),
        lead_id=optional_id(input.lead_id, "Lead", "leadId"),
        appointment_id=optional_id(input.appointment_id, "Appointment", "appointmentId"),
        invoice_id=optional_id(input.invoice_id, "Invoice", "invoiceId"),
        channel=None if input.channel is None else input.channel.value,
        auto_reply=input.auto_reply,
        data=input.data,
    )


@strawberry.type
class CrmEventsQuery:
    @strawberry.field(description="The organization's events, newest first.")
    async def events(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> api.EventConnection:
        return await event_connection(info, first, after)


@strawberry.type
class CrmEventsMutation:
    @strawberry.mutation(
        description="Records an event from your CRM; an eventId already seen returns the first "
        "event and changes nothing."
    )
    async def record_event(self, info: Info, input: api.RecordEventInput) -> api.EventPayload:
        caller = info.context.require_caller()

        async def record() -> crm_events.Recorded:
            return await crm_events.record_event(caller, event_input(input))

        return await payload(record, lambda recorded: api.event_from(recorded.event))

    @strawberry.mutation(
        description="Admins: a new secret for signing POST /hooks/events, shown only now; "
        "the previous one stops working."
    )
    async def rotate_webhook_secret(self, info: Info) -> str:
        return await webhooks.rotate_secret(info.context.require_caller())
