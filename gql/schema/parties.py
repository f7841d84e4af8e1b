"""The host CRM's entities as the API shows them."""

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any, ClassVar

import strawberry
from strawberry import relay

from gql.info import Info
from gql.schema.common import (
    DateTime,
    LoadedNode,
    NotFoundError,
    PermissionError,
    ValidationError,
)
from gql.schema.enums import LeadStage
from gql.schema.staff import Staff

if TYPE_CHECKING:
    from gql.schema.crm_events import EventConnection
    from gql.schema.followups import FollowUp, FollowUpConnection, FollowUpFilter
    from gql.schema.timelines import TimelineConnection, TimelineEntryKind

FollowUpRef = Annotated["FollowUp", strawberry.lazy("gql.schema.followups")]
ConnectionRef = Annotated["FollowUpConnection", strawberry.lazy("gql.schema.followups")]
FilterRef = Annotated["FollowUpFilter", strawberry.lazy("gql.schema.followups")]
TimelineRef = Annotated["TimelineConnection", strawberry.lazy("gql.schema.timelines")]
EventConnectionRef = Annotated["EventConnection", strawberry.lazy("gql.schema.crm_events")]
TimelineKindRef = Annotated["TimelineEntryKind", strawberry.lazy("gql.schema.timelines")]


def follow_ups_field(link: str) -> Any:
    """The `followUps` connection of an entity: the follow-up list with its link fixed."""

    async def follow_ups(
        root: Any,
        info: Info,
        filter: FilterRef | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> ConnectionRef:
        from gql.connections import follow_up_connection

        forced = {link: root.id}
        return await follow_up_connection(info, filter, None, first, after, None, None, forced)

    return strawberry.field(resolver=follow_ups, description="Follow-ups linked to this.")


def timeline_field(party: str) -> Any:
    """The `timeline` of a client or lead: everything that happened, newest first."""

    async def timeline(
        root: Any,
        info: Info,
        kinds: list[TimelineKindRef] | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> TimelineRef:
        from gql.connections import timeline_connection

        return await timeline_connection(info, party, root.id, kinds, first, after)

    return strawberry.field(
        resolver=timeline,
        description="Follow-ups created, contacts, notes, status changes, completions and "
        "notifications, newest first; filter by kind. Overdue follow-ups are flagged.",
    )


@strawberry.type
class Installer(LoadedNode):
    loader_name: ClassVar[str] = "installer"
    id: relay.NodeID[int]
    external_id: str | None
    name: str
    email: str | None
    phone: str | None

    follow_ups: ConnectionRef = follow_ups_field("installer_id")


@strawberry.type
class Client(LoadedNode):
    loader_name: ClassVar[str] = "client"
    id: relay.NodeID[int]
    external_id: str | None
    name: str
    email: str | None
    phone: str | None
    timezone: str
    segment: str | None
    last_contacted_at: DateTime | None
    passport_expires_on: date | None
    visa_expires_on: date | None
    created_at: DateTime
    owner_id: strawberry.Private[int | None]

    @strawberry.field
    def owner(self, info: Info) -> Staff | None:
        return info.context.loaders.now_or_later("staff", self.owner_id)

    follow_ups: ConnectionRef = follow_ups_field("client_id")
    timeline: TimelineRef = timeline_field("client_id")

    @strawberry.field(description="Events about this client, newest first.")
    async def events(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> EventConnectionRef:
        from gql.connections import event_connection

        return await event_connection(info, first, after, client_id=self.id)


@strawberry.type
class Lead(LoadedNode):
    loader_name: ClassVar[str] = "lead"
    id: relay.NodeID[int]
    external_id: str | None
    name: str
    email: str | None
    phone: str | None
    stage: LeadStage = strawberry.field(
        description="Owned by the host CRM; follow-ups never change it."
    )
    last_contacted_at: DateTime | None
    created_at: DateTime
    installer_id: strawberry.Private[int | None]
    owner_id: strawberry.Private[int | None]

    @strawberry.field
    def installer(self, info: Info) -> Installer | None:
        return info.context.loaders.now_or_later("installer", self.installer_id)

    @strawberry.field
    def owner(self, info: Info) -> Staff | None:
        return info.context.loaders.now_or_later("staff", self.owner_id)

    @strawberry.field(description="The live (not cancelled) post-delivery follow-up, if any.")
    async def primary_follow_up(self, info: Info) -> FollowUpRef | None:
        return await info.context.loaders.primary_follow_up.load(self.id)

    follow_ups: ConnectionRef = follow_ups_field("lead_id")
    timeline: TimelineRef = timeline_field("lead_id")


@strawberry.type
class Appointment(LoadedNode):
    loader_name: ClassVar[str] = "appointment"
    id: relay.NodeID[int]
    external_id: str | None
    starts_at: DateTime
    status: str
    client_id: strawberry.Private[int]

    @strawberry.field
    def client(self, info: Info) -> Client | None:
        return info.context.loaders.now_or_later("client", self.client_id)

    follow_ups: ConnectionRef = follow_ups_field("appointment_id")


@strawberry.type
class Invoice(LoadedNode):
    loader_name: ClassVar[str] = "invoice"
    id: relay.NodeID[int]
    external_id: str | None
    number: str
    amount: Decimal
    status: str
    due_on: date | None
    client_id: strawberry.Private[int]

    @strawberry.field
    def client(self, info: Info) -> Client | None:
        return info.context.loaders.now_or_later("client", self.client_id)

    follow_ups: ConnectionRef = follow_ups_field("invoice_id")


@strawberry.type
class Matter(LoadedNode):
    loader_name: ClassVar[str] = "matter"
    id: relay.NodeID[int]
    external_id: str | None
    title: str
    status: str
    client_id: strawberry.Private[int]

    @strawberry.field
    def client(self, info: Info) -> Client | None:
        return info.context.loaders.now_or_later("client", self.client_id)

    follow_ups: ConnectionRef = follow_ups_field("matter_id")


PartyError = ValidationError | NotFoundError | PermissionError

ClientPayload = Annotated[Client | PartyError, strawberry.union("ClientPayload")]
LeadPayload = Annotated[Lead | PartyError, strawberry.union("LeadPayload")]
InstallerPayload = Annotated[Installer | PartyError, strawberry.union("InstallerPayload")]
AppointmentPayload = Annotated[Appointment | PartyError, strawberry.union("AppointmentPayload")]
InvoicePayload = Annotated[Invoice | PartyError, strawberry.union("InvoicePayload")]
MatterPayload = Annotated[Matter | PartyError, strawberry.union("MatterPayload")]


@strawberry.input
class CreateClientInput:
    name: str
    email: str | None = strawberry.UNSET
    phone: str | None = strawberry.UNSET
    timezone: str | None = strawberry.field(
        default=strawberry.UNSET,
        description="IANA time zone. A new client without one is in UTC and null resets it "
        "to UTC; a repeated create that omits it keeps the current one.",
    )
    segment: str | None = strawberry.UNSET
    owner_id: strawberry.ID | None = strawberry.UNSET
    passport_expires_on: date | None = strawberry.UNSET
    visa_expires_on: date | None = strawberry.UNSET
    external_id: str | None = None


@strawberry.input
class UpdateClientInput:
    name: str | None = strawberry.UNSET
    email: str | None = strawberry.UNSET
    phone: str | None = strawberry.UNSET
    timezone: str | None = strawberry.UNSET
    segment: str | None = strawberry.UNSET
    owner_id: strawberry.ID | None = strawberry.UNSET
    passport_expires_on: date | None = strawberry.UNSET
    visa_expires_on: date | None = strawberry.UNSET


@strawberry.input
class CreateInstallerInput:
    name: str
    email: str | None = strawberry.UNSET
    phone: str | None = strawberry.UNSET
    external_id: str | None = None


@strawberry.input
class UpdateInstallerInput:
    name: str | None = strawberry.UNSET
    email: str | None = strawberry.UNSET
    phone: str | None = strawberry.UNSET


@strawberry.input
class CreateLeadInput:
    name: str
    email: str | None = strawberry.UNSET
    phone: str | None = strawberry.UNSET
    stage: LeadStage | None = strawberry.field(
        default=strawberry.UNSET,
        description="Omitted or null: NEW for a new lead; a repeated create keeps the "
        "current stage.",
    )
    installer_id: strawberry.ID | None = strawberry.UNSET
    owner_id: strawberry.ID | None = strawberry.UNSET
    external_id: str | None = None


@strawberry.input
class UpdateLeadInput:
    name: str | None = strawberry.UNSET
    email: str | None = strawberry.UNSET
    phone: str | None = strawberry.UNSET
    installer_id: strawberry.ID | None = strawberry.UNSET
    owner_id: strawberry.ID | None = strawberry.UNSET


@strawberry.input
class CreateAppointmentInput:
    client_id: strawberry.ID
    starts_at: DateTime
    status: str | None = strawberry.UNSET
    external_id: str | None = None


@strawberry.input
class UpdateAppointmentInput:
    starts_at: DateTime | None = strawberry.UNSET
    status: str | None = strawberry.UNSET


@strawberry.input
class CreateInvoiceInput:
    client_id: strawberry.ID
    number: str
    amount: Decimal
    status: str | None = strawberry.UNSET
    due_on: date | None = strawberry.UNSET
    external_id: str | None = None


@strawberry.input
class UpdateInvoiceInput:
    number: str | None = strawberry.UNSET
    amount: Decimal | None = strawberry.UNSET
    status: str | None = strawberry.UNSET
    due_on: date | None = strawberry.UNSET


@strawberry.input
class CreateMatterInput:
    client_id: strawberry.ID
    title: str
    status: str | None = strawberry.UNSET
    external_id: str | None = None


@strawberry.input
class UpdateMatterInput:
    title: str | None = strawberry.UNSET
    status: str | None = strawberry.UNSET


@strawberry.input
class PartyFilter:
    search: str | None = strawberry.field(default=None, description="Part of the name.")
    owner_id: strawberry.ID | None = None
    client_id: strawberry.ID | None = None
    stages: list[LeadStage] | None = None


@strawberry.type
class ClientConnection(relay.Connection[Client]):
    total_count: int


@strawberry.type
class LeadConnection(relay.Connection[Lead]):
    total_count: int


@strawberry.type
class InstallerConnection(relay.Connection[Installer]):
    total_count: int


@strawberry.type
class AppointmentConnection(relay.Connection[Appointment]):
    total_count: int


@strawberry.type
class InvoiceConnection(relay.Connection[Invoice]):
    total_count: int


@strawberry.type
class MatterConnection(relay.Connection[Matter]):
    total_count: int
