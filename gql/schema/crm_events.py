"""Events from the host CRM (and the entity mutations) as the API shows them."""

from typing import TYPE_CHECKING, Annotated, Any, ClassVar

import strawberry
from strawberry import relay
from strawberry.scalars import JSON

from gql.info import Info
from gql.schema.common import DateTime, LoadedNode, NotFoundError, PermissionError, ValidationError
from gql.schema.notifications import Channel
from models.crm_events import EventKind as EventKindModel
from models.crm_events import EventSource as EventSourceModel

if TYPE_CHECKING:
    from gql.schema.parties import Appointment, Client, Invoice, Lead

ClientRef = Annotated["Client", strawberry.lazy("gql.schema.parties")]
LeadRef = Annotated["Lead", strawberry.lazy("gql.schema.parties")]
AppointmentRef = Annotated["Appointment", strawberry.lazy("gql.schema.parties")]
InvoiceRef = Annotated["Invoice", strawberry.lazy("gql.schema.parties")]

EventKind = EventKindModel
strawberry.enum(EventKind, name="EventKind")
EventSource = EventSourceModel
strawberry.enum(
    EventSource,
    name="EventSource",
    description="Where an event came from: recordEvent, the webhook, or an entity mutation.",
)


@strawberry.type(description="Something that happened to a client, lead, appointment or invoice.")
class Event(LoadedNode):
    loader_name: ClassVar[str] = "event"
    id: relay.NodeID[int]
    event_id: str = strawberry.field(description="The sender's id: unique in the organization.")
    kind: EventKind
    occurred_at: DateTime
    received_at: DateTime
    source: EventSource
    auto_reply: bool = strawberry.field(
        description="An out-of-office or other automatic reply: never an exit."
    )
    data: JSON | None
    channel_value: strawberry.Private[str | None]
    client_id: strawberry.Private[int | None]
    lead_id: strawberry.Private[int | None]
    appointment_id: strawberry.Private[int | None]
    invoice_id: strawberry.Private[int | None]

    @strawberry.field
    def channel(self) -> Channel | None:
        return None if self.channel_value is None else Channel(self.channel_value)

    @strawberry.field
    def client(self, info: Info) -> ClientRef | None:
        return info.context.loaders.now_or_later("client", self.client_id)

    @strawberry.field
    def lead(self, info: Info) -> LeadRef | None:
        return info.context.loaders.now_or_later("lead", self.lead_id)

    @strawberry.field
    def appointment(self, info: Info) -> AppointmentRef | None:
        return info.context.loaders.now_or_later("appointment", self.appointment_id)

    @strawberry.field
    def invoice(self, info: Info) -> InvoiceRef | None:
        return info.context.loaders.now_or_later("invoice", self.invoice_id)


def event_from(row: Any) -> Event:
    return Event(
        id=row.id,
        event_id=row.event_id,
        kind=row.kind,
        occurred_at=row.occurred_at,
        received_at=row.received_at,
        source=row.source,
        auto_reply=row.auto_reply,
        data=row.data,
        channel_value=row.channel,
        client_id=row.client_id,
        lead_id=row.lead_id,
        appointment_id=row.appointment_id,
        invoice_id=row.invoice_id,
    )


@strawberry.type
class EventConnection(relay.Connection[Event]):
    pass


@strawberry.input
class RecordEventInput:
    event_id: str = strawberry.field(
        description="Your id for the event: a repeat returns the first event, changing nothing."
    )
    kind: EventKind
    occurred_at: DateTime | None = strawberry.field(
        default=None, description="When it happened; default now. At most 5 minutes ahead."
    )
    client_id: strawberry.ID | None = None
    lead_id: strawberry.ID | None = None
    appointment_id: strawberry.ID | None = None
    invoice_id: strawberry.ID | None = None
    channel: Channel | None = None
    auto_reply: bool = strawberry.field(
        default=False,
        description="An out-of-office or other automatic reply: never an exit.",
    )
    data: JSON | None = strawberry.field(default=None, description="Up to 16 KB of JSON.")


EventPayload = Annotated[
    Event | ValidationError | NotFoundError | PermissionError, strawberry.union("EventPayload")
]
