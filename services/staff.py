"""Staff members: who can log in, their role and their time zone."""

from dataclasses import dataclass
from typing import Any

from tortoise.exceptions import IntegrityError
from zxcvbn import zxcvbn

from models.staff import Role, Session, Staff
from runtime import clock
from services import digests, preferences, validation
from services.auth import hash_password_off_loop, password_matches
from services.errors import PermissionDenied, ValidationCode, ValidationFailed
from services.visibility import Caller, get_scoped, require_admin, scoped

MIN_PASSWORD_LENGTH = 10
# zxcvbn's 0-4 scale; 3 is "safely unguessable": not a common or breached password, nor a
# word with digits appended, nor a keyboard pattern.
MIN_PASSWORD_SCORE = 3


def _password(value: str, *known: str) -> str:
    """A password of length MIN_PASSWORD_LENGTH and zxcvbn score MIN_PASSWORD_SCORE, judged
    also against what the person's account shows (email, name)."""
    if len(value.strip()) < MIN_PASSWORD_LENGTH:
        raise ValidationFailed(
            "password",
            f"Use at least {MIN_PASSWORD_LENGTH} characters.",
            code=ValidationCode.TOO_SHORT,
        )
    if len(value) > 256:
        raise ValidationFailed(
            "password", "Use at most 256 characters.", code=ValidationCode.TOO_LONG
        )
    strength = zxcvbn(value, user_inputs=[part for part in known if part])
    if strength["score"] < MIN_PASSWORD_SCORE:
        hint = strength["feedback"]["warning"] or "It is too easy to guess."
        raise ValidationFailed(
            "password",
            f"Choose a stronger password: {hint} A few unusual words together work well.",
            code=ValidationCode.WEAK_PASSWORD,
        )
    return value


def _phone(value: str | None) -> str | None:
    """E.164: a plus and 8 to 15 digits, the form SMS providers accept."""
    text = validation.optional_text("phone", value, 20)
    if text is None:
        return None
    compact = text.replace(" ", "").replace("-", "")
    if not (compact.startswith("+") and compact[1:].isdigit() and 8 <= len(compact) - 1 <= 15):
        raise ValidationFailed(
            "phone",
            f"{value!r} is not an international number like +447700900123.",
            code=ValidationCode.INVALID_FORMAT,
        )
    return compact


async def create_staff_row(
    org_id: int,
    *,
    email: str,
    name: str,
    password: str,
    role: Role,
    timezone: str,
    phone: str | None = None,
) -> Staff:
    address = validation.email("email", email, required=True)
    if await Staff.filter(email=address).exists():
        raise ValidationFailed(
            "email", f"{address} is already in use.", code=ValidationCode.DUPLICATE
        )
    display_name = validation.required_text("name", name, 200)
    assert address is not None  # required=True
    password_hash = await hash_password_off_loop(_password(password, address, display_name))
    try:
        member = await Staff.create(
            org_id=org_id,
            email=address,
            name=display_name,
            password_hash=password_hash,
            role=role,
            timezone=validation.timezone("timezone", timezone),
            phone=_phone(phone),
        )
    except IntegrityError as error:
        raise ValidationFailed(
            "email", f"{address} is already in use.", code=ValidationCode.DUPLICATE
        ) from error
    await digests.plan(member)
    return member


async def create_staff(
    caller: Caller,
    *,
    email: str,
    name: str,
    password: str,
    role: Role,
    timezone: str,
    phone: str | None = None,
) -> Staff:
    require_admin(caller)
    return await create_staff_row(
        caller.org_id,
        email=email,
        name=name,
        password=password,
        role=role,
        timezone=timezone,
        phone=phone,
    )


@dataclass
class StaffChange:
    name: str | None = None
    timezone: str | None = None
    role: Role | None = None
    is_active: bool | None = None
    password: str | None = None
    phone: str | None = None
    current_password: str | None = None  # required to change one's own password


async def _check_current_password(member: Staff, current: str | None) -> None:
    """A stolen access token alone must not change the password."""
    if not current:
        raise ValidationFailed(
            "currentPassword",
            "Give your current password to change it.",
            code=ValidationCode.REQUIRED,
        )
    if not await password_matches(member.password_hash, current):
        raise ValidationFailed(
            "currentPassword",
            "The current password is not right.",
            code=ValidationCode.WRONG_PASSWORD,
        )


async def update_staff(caller: Caller, staff_id: int, change: StaffChange) -> Staff:
    """Anyone may edit their own name, zone and password (giving the current one); role and
    activity are the admin's. A new password ends every other session of the member."""
    member = await get_scoped(Staff, caller, staff_id, "Staff member")
    if member.id != caller.staff_id:
        require_admin(caller)
    if (change.role is not None or change.is_active is not None) and not caller.is_admin:
        raise PermissionDenied("Only an admin may change roles or deactivate staff.")
    if change.role is not None and member.id == caller.staff_id and change.role != Role.ADMIN:
        raise ValidationFailed(
            "role", "An admin cannot demote themselves.", code=ValidationCode.SELF_LOCKOUT
        )
    if change.is_active is False and member.id == caller.staff_id:
        raise ValidationFailed(
            "isActive", "You cannot deactivate yourself.", code=ValidationCode.SELF_LOCKOUT
        )
    if change.password is not None:
        _password(change.password, member.email, change.name or member.name)
        if member.id == caller.staff_id:
            await _check_current_password(member, change.current_password)
    if change.name is not None:
        member.name = validation.required_text("name", change.name, 200)
    if change.timezone is not None:
        member.timezone = validation.timezone("timezone", change.timezone)
    if change.phone is not None:
        member.phone = _phone(change.phone) if change.phone.strip() else None
    if change.role is not None:
        member.role = change.role
    if change.is_active is not None:
        member.is_active = change.is_active
    if change.password is not None:
        member.password_hash = await hash_password_off_loop(change.password)
    await member.save()
    if change.timezone is not None or change.is_active is not None:
        await digests.plan(member)  # 08:00 moves with the zone; inactive staff get none
    if change.is_active is False or change.password is not None:
        sessions = Session.filter(staff_id=member.id, revoked_at__isnull=True)
        if member.id == caller.staff_id and caller.session_id:
            sessions = sessions.exclude(id=caller.session_id)  # the one changing it goes on
        await sessions.update(revoked_at=clock.now())
    return member


async def list_staff(caller: Caller, include_inactive: bool = False) -> list[Staff]:
    query = scoped(Staff, caller)
    if not include_inactive:
        query = query.filter(is_active=True)
    return await query.order_by("name", "id")


async def active_member(caller: Caller, staff_id: int, field: str) -> Staff:
    member = await scoped(Staff, caller).get_or_none(id=staff_id)
    if member is None:
        raise ValidationFailed(
            field,
            f"There is no staff member {staff_id} here.",
            code=ValidationCode.NOT_FOUND_IN_ORGANIZATION,
        )
    if not member.is_active:
        raise ValidationFailed(
            field, f"{member.name} is no longer active.", code=ValidationCode.INACTIVE
        )
    return member


async def update_preferences(caller: Caller, changes: dict[str, Any]) -> preferences.Preferences:
    """Applies the given fields to the caller's own preferences and re-plans their digest."""
    member = await Staff.get(id=caller.staff_id)
    prefs = preferences.load(member.preferences)
    for name, value in changes.items():
        setattr(prefs, name, value)
    member.preferences = preferences.dump(preferences.check(prefs))
    await member.save(update_fields=["preferences", "updated_at"])
    await digests.plan(member)
    return prefs
