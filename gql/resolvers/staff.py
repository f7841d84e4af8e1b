"""Authentication, staff and organization settings."""

import strawberry

from gql.info import Info
from gql.resolvers.payloads import payload
from gql.schema.common import decode_id
from gql.schema.rows import build
from gql.schema.staff import (
    AuthError,
    AuthSuccess,
    CreateStaffInput,
    LoginPayload,
    Organization,
    OrganizationPayload,
    Staff,
    StaffPayload,
    UpdateOrganizationInput,
    UpdateStaffInput,
    organization_from_model,
)
from services import auth, organizations, staff
from services.auth import Tokens
from services.errors import AuthenticationFailed, RateLimited
from services.organizations import SettingsChange


def _auth_success(tokens: Tokens) -> AuthSuccess:
    return AuthSuccess(
        access_token=tokens.access_token,
        refresh_token=tokens.refresh_token,
        access_token_expires_at=tokens.access_expires_at,
        staff=build(Staff, tokens.staff),
    )


def _client_address(info: Info) -> str:
    """The caller's IP as the server sees it (behind a proxy: uvicorn --proxy-headers)."""
    client = getattr(info.context.request, "client", None)
    return client.host if client else ""


@strawberry.type
class StaffQuery:
    @strawberry.field(description="The logged-in staff member.")
    async def me(self, info: Info) -> Staff:
        caller = info.context.require_caller()
        return await info.context.loaders.staff.load(caller.staff_id)

    @strawberry.field(description="Staff of your organization, by name.")
    async def staff_members(self, info: Info, include_inactive: bool = False) -> list[Staff]:
        caller = info.context.require_caller()
        return [build(Staff, row) for row in await staff.list_staff(caller, include_inactive)]

    @strawberry.field
    async def organization(self, info: Info) -> Organization:
        caller = info.context.require_caller()
        return organization_from_model(await organizations.get_organization(caller))


@strawberry.type
class StaffMutation:
    @strawberry.mutation
    async def login(self, info: Info, email: str, password: str) -> LoginPayload:
        try:
            return _auth_success(await auth.login(email, password, _client_address(info)))
        except RateLimited as error:
            return AuthError(message=error.message, retry_after_seconds=error.retry_after_seconds)
        except AuthenticationFailed as error:
            return AuthError(message=error.message)

    @strawberry.mutation(description="Spends a refresh token for a new pair.")
    async def refresh_token(self, refresh_token: str) -> LoginPayload:
        try:
            return _auth_success(await auth.refresh(refresh_token))
        except AuthenticationFailed as error:
            return AuthError(message=error.message)

    @strawberry.mutation(
        description="Ends this session: its refresh and access tokens stop working."
    )
    async def logout(self, info: Info) -> bool:
        await auth.logout(info.context.require_caller())
        return True

    @strawberry.mutation
    async def create_staff(self, info: Info, input: CreateStaffInput) -> StaffPayload:
        caller = info.context.require_caller()
        return await payload(
            lambda: staff.create_staff(
                caller,
                email=input.email,
                name=input.name,
                password=input.password,
                role=input.role,
                timezone=input.timezone,
                phone=input.phone,
            ),
            lambda row: build(Staff, row),
        )

    @strawberry.mutation
    async def update_staff(
        self, info: Info, id: strawberry.ID, input: UpdateStaffInput
    ) -> StaffPayload:
        caller = info.context.require_caller()
        change = staff.StaffChange(
            name=input.name,
            timezone=input.timezone,
            phone=input.phone,
            role=input.role,
            is_active=input.is_active,
            password=input.password,
            current_password=input.current_password,
        )
        return await payload(
            lambda: staff.update_staff(caller, decode_id(id, "Staff", "id"), change),
            lambda row: build(Staff, row),
        )

    @strawberry.mutation
    async def update_organization(
        self, info: Info, input: UpdateOrganizationInput
    ) -> OrganizationPayload:
        caller = info.context.require_caller()
        change = SettingsChange(
            name=input.name,
            staff_see_all_follow_ups=input.staff_see_all_follow_ups,
            mark_missed_after_hours=input.mark_missed_after_hours or None,
            clear_mark_missed=input.mark_missed_after_hours == 0,
            overdue_grace_minutes=input.overdue_grace_minutes,
            rotting_days=input.rotting_days,
        )
        return await payload(
            lambda: organizations.update_settings(caller, change), organization_from_model
        )
