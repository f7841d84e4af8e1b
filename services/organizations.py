"""Organizations and their settings."""

from dataclasses import dataclass

from tortoise.transactions import in_transaction

from models.organizations import Organization
from models.staff import Role, Staff
from services import followup_types, reminders, staff
from services.errors import ValidationCode, ValidationFailed
from services.validation import required_text
from services.visibility import Caller, require_admin


async def create_organization(
    name: str, admin_email: str, admin_password: str, admin_name: str | None = None
) -> tuple[Organization, Staff]:
    """A new tenant with its first admin and the built-in follow-up types."""
    org_name = required_text("name", name, 200)
    async with in_transaction():
        org = await Organization.create(name=org_name)
        admin = await staff.create_staff_row(
            org.id,
            email=admin_email,
            name=admin_name or admin_email.split("@")[0],
            password=admin_password,
            role=Role.ADMIN,
            timezone="UTC",
        )
        await followup_types.install_built_ins(org.id)
    return org, admin


@dataclass
class SettingsChange:
    name: str | None = None
    staff_see_all_follow_ups: bool | None = None
    mark_missed_after_hours: int | None = None
    clear_mark_missed: bool = False
    overdue_grace_minutes: int | None = None
    rotting_days: int | None = None


async def get_organization(caller: Caller) -> Organization:
    return await Organization.get(id=caller.org_id)


async def update_settings(caller: Caller, change: SettingsChange) -> Organization:
    require_admin(caller)
    org = await Organization.get(id=caller.org_id)
    grace_before, missed_before = org.overdue_grace_minutes, org.mark_missed_after_hours
    if change.name is not None:
        org.name = required_text("name", change.name, 200)
    if change.staff_see_all_follow_ups is not None:
        org.staff_see_all_follow_ups = change.staff_see_all_follow_ups
    if change.clear_mark_missed:
        org.mark_missed_after_hours = None
    elif change.mark_missed_after_hours is not None:
        if not 1 <= change.mark_missed_after_hours <= 24 * 365:
            raise ValidationFailed(
                "markMissedAfterHours",
                "Give between 1 and 8760 hours.",
                code=ValidationCode.OUT_OF_RANGE,
            )
        org.mark_missed_after_hours = change.mark_missed_after_hours
    if change.overdue_grace_minutes is not None:
        if not 0 <= change.overdue_grace_minutes <= 7 * 24 * 60:
            raise ValidationFailed(
                "overdueGraceMinutes",
                "Give between 0 and 10080 minutes.",
                code=ValidationCode.OUT_OF_RANGE,
            )
        org.overdue_grace_minutes = change.overdue_grace_minutes
    if change.rotting_days is not None:
        if not 1 <= change.rotting_days <= 3650:
            raise ValidationFailed(
                "rottingDays", "Give between 1 and 3650 days.", code=ValidationCode.OUT_OF_RANGE
            )
        org.rotting_days = change.rotting_days
    grace_changed = org.overdue_grace_minutes != grace_before
    missed_changed = org.mark_missed_after_hours != missed_before
    async with in_transaction():
        await org.save()
        await reminders.replan_for_settings(org, grace_changed, missed_changed)
    return org
