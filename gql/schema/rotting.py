"""Rotting clients and leads as the API shows them, and the rotting settings."""

from typing import Annotated

import strawberry
from strawberry import relay

from gql.info import Info
from gql.schema.common import DateTime, PermissionError, ValidationError
from gql.schema.parties import Client, Lead
from gql.schema.staff import Staff
from services.rotting import RottingParty

ClientOrLead = Annotated[Client | Lead, strawberry.union("ClientOrLead")]


@strawberry.type(description="A client or lead nobody has contacted for too long.")
class RottingClient:
    row: strawberry.Private[RottingParty]

    @strawberry.field(description="The client or the lead.")
    def party(self, info: Info) -> ClientOrLead | None:
        return info.context.loaders.now_or_later(self.row.kind, self.row.party_id)

    @strawberry.field
    def client(self, info: Info) -> Client | None:
        if self.row.kind != "client":
            return None
        return info.context.loaders.now_or_later("client", self.row.party_id)

    @strawberry.field
    def lead(self, info: Info) -> Lead | None:
        if self.row.kind != "lead":
            return None
        return info.context.loaders.now_or_later("lead", self.row.party_id)

    @strawberry.field
    def name(self) -> str:
        return self.row.name

    @strawberry.field(description="Whole days since the last contact (or since it was added).")
    def days_since_last_contact(self) -> int:
        return self.row.days_since_last_contact

    @strawberry.field(
        description="The latest contact attempt, completed follow-up or recorded contact; "
        "null when never contacted."
    )
    def last_contacted_at(self) -> DateTime | None:
        return self.row.last_contacted_at

    @strawberry.field(description="Last contact, or when the party was added if never.")
    def neglected_since(self) -> DateTime:
        return self.row.neglected_since

    @strawberry.field(description="The threshold that applied: its segment's rule, or the org's.")
    def rotting_days(self) -> int:
        return self.row.rotting_days

    @strawberry.field
    def owner(self, info: Info) -> Staff | None:
        return info.context.loaders.now_or_later("staff", self.row.owner_id)


@strawberry.type
class RottingClientConnection(relay.Connection[RottingClient]):  # type: ignore[type-var]  # any type may be an edge's node (Relay spec); strawberry binds it to Node
    total: strawberry.Private[int]

    @strawberry.field(description="Rotting parties you may see, on all pages.")
    def total_count(self) -> int:
        return self.total


@strawberry.type(description="Clients of this segment rot after this many days.")
class RottingRule:
    segment: str
    days: int


@strawberry.type
class RottingSettings:
    rotting_days: int = strawberry.field(
        description="Days without contact before a client or lead rots (updateOrganization)."
    )
    rules: list[RottingRule] = strawberry.field(description="Per client segment, by segment.")


RottingSettingsPayload = Annotated[
    RottingSettings | ValidationError | PermissionError, strawberry.union("RottingSettingsPayload")
]
