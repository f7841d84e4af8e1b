"""Staff, organizations and authentication shapes."""

from typing import Annotated, Any, ClassVar

import strawberry
from strawberry import relay

from gql.schema.common import (
    DateTime,
    LoadedNode,
    NotFoundError,
    PermissionError,
    ValidationError,
    global_id,
)
from gql.schema.enums import Role


@strawberry.type(description="A member of staff: assignee of follow-ups, recipient of reminders.")
class Staff(LoadedNode):
    loader_name: ClassVar[str] = "staff"
    id: relay.NodeID[int]
    email: str
    name: str
    role: Role
    timezone: str = strawberry.field(description="IANA zone for 'today', digests and quiet hours.")
    is_active: bool
    phone: str | None = strawberry.field(description="E.164 number for SMS and WhatsApp.")


@strawberry.type
class Organization:
    id: strawberry.ID
    name: str
    staff_see_all_follow_ups: bool = strawberry.field(
        description="False: STAFF see only follow-ups assigned to them."
    )
    mark_missed_after_hours: int | None = strawberry.field(
        description="Open follow-ups become MISSED this long after their due time; null: never."
    )
    overdue_grace_minutes: int
    rotting_days: int
    created_at: DateTime


@strawberry.type
class AuthSuccess:
    access_token: str
    refresh_token: str
    access_token_expires_at: DateTime
    staff: Staff


@strawberry.type
class AuthError:
    message: str
    retry_after_seconds: int | None = None


LoginPayload = Annotated[AuthSuccess | AuthError, strawberry.union("LoginPayload")]
StaffPayload = Annotated[
    Staff | ValidationError | NotFoundError | PermissionError, strawberry.union("StaffPayload")
]
OrganizationPayload = Annotated[
    Organization | ValidationError | PermissionError, strawberry.union("OrganizationPayload")
]


@strawberry.input
class CreateStaffInput:
    email: str
    name: str
    password: str
    role: Role = Role.STAFF
    timezone: str = "UTC"
    phone: str | None = None


@strawberry.input
class UpdateStaffInput:
    name: str | None = None
    timezone: str | None = None
    phone: str | None = None
    role: Role | None = None
    is_active: bool | None = None
    password: str | None = strawberry.field(
        default=None,
        description="At least 10 characters and not easy to guess; ends the member's other"
        " sessions.",
    )
    current_password: str | None = strawberry.field(
        default=None, description="Required to change your own password."
    )


@strawberry.input
class UpdateOrganizationInput:
    name: str | None = None
    staff_see_all_follow_ups: bool | None = None
    mark_missed_after_hours: int | None = strawberry.field(
        default=None, description="0 turns marking missed off."
    )
    overdue_grace_minutes: int | None = None
    rotting_days: int | None = None


def organization_from_model(org: Any) -> Organization:
    return Organization(
        id=strawberry.ID(global_id("Organization", org.id)),
        name=org.name,
        staff_see_all_follow_ups=org.staff_see_all_follow_ups,
        mark_missed_after_hours=org.mark_missed_after_hours,
        overdue_grace_minutes=org.overdue_grace_minutes,
        rotting_days=org.rotting_days,
        created_at=org.created_at,
    )
