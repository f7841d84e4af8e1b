"""Follow-up types: the built-in catalogue every organization starts with, plus custom ones."""

import re
from typing import cast

from models.followups import FollowUpType
from runtime import clock
from services import validation
from services.errors import ValidationCode, ValidationFailed
from services.visibility import Caller, get_scoped, require_admin, scoped

# key, name, requires_contact: contact types need a logged contact attempt to complete.
BUILT_IN_TYPES: tuple[tuple[str, str, bool], ...] = (
    ("phone_call", "Phone call", True),
    ("email", "Email", True),
    ("sms_whatsapp", "SMS / WhatsApp", True),
    ("video_call", "Video call", True),
    ("in_person_meeting", "In-person meeting", True),
    ("document_review", "Document review", False),
    ("application_status_check", "Application status check", False),
    ("payment_follow_up", "Payment follow-up", True),
    ("visa_status_update", "Visa status update", True),
    ("service_follow_up", "Service follow-up", True),
    ("test_score_review", "Test score review", False),
    ("compliance_check", "Compliance check", False),
    ("customer_check", "Customer check", True),
)
KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]{1,63}$")


async def install_built_ins(org_id: int) -> None:
    keys = await FollowUpType.filter(org_id=org_id).values_list("key", flat=True)
    existing = set(cast(list[str], keys))  # tortoise types flat values as tuples
    await FollowUpType.bulk_create(
        [
            FollowUpType(org_id=org_id, key=key, name=name, requires_contact=contact, built_in=True)
            for key, name, contact in BUILT_IN_TYPES
            if key not in existing
        ]
    )


async def list_types(caller: Caller, include_archived: bool = False) -> list[FollowUpType]:
    query = scoped(FollowUpType, caller)
    if not include_archived:
        query = query.filter(archived_at__isnull=True)
    return await query.order_by("built_in", "name")


async def active_type_by_key(caller: Caller, key: str, field: str = "typeKey") -> FollowUpType:
    row = await scoped(FollowUpType, caller).get_or_none(key=key)
    if row is None:
        raise ValidationFailed(
            field,
            f"There is no follow-up type with key {key!r}.",
            code=ValidationCode.NOT_FOUND_IN_ORGANIZATION,
        )
    if row.archived_at is not None:
        raise ValidationFailed(
            field,
            f"The follow-up type {key!r} is archived: choose another or restore it.",
            code=ValidationCode.ARCHIVED,
        )
    return row


async def create_type(caller: Caller, key: str, name: str, requires_contact: bool) -> FollowUpType:
    require_admin(caller)
    key = key.strip().lower()
    if not KEY_PATTERN.match(key):
        raise ValidationFailed(
            "key",
            "key must be 2-64 lowercase letters, digits or _, starting with a letter.",
            code=ValidationCode.INVALID_FORMAT,
        )
    name = validation.required_text("name", name, 100)
    if await scoped(FollowUpType, caller).filter(key=key).exists():
        raise ValidationFailed(
            "key",
            f"A follow-up type with key {key!r} exists already.",
            code=ValidationCode.DUPLICATE,
        )
    return await FollowUpType.create(
        org_id=caller.org_id, key=key, name=name, requires_contact=requires_contact
    )


async def update_type(
    caller: Caller, type_id: int, name: str | None, requires_contact: bool | None
) -> FollowUpType:
    require_admin(caller)
    row = await get_scoped(FollowUpType, caller, type_id, "Follow-up type")
    if name is not None:
        row.name = validation.required_text("name", name, 100)
    if requires_contact is not None:
        if row.built_in:
            raise ValidationFailed(
                "requiresContact",
                "A built-in type keeps its contact rule.",
                code=ValidationCode.BUILT_IN,
            )
        row.requires_contact = requires_contact
    await row.save()
    return row


async def set_archived(caller: Caller, type_id: int, archived: bool) -> FollowUpType:
    """Archived types stay on existing follow-ups but cannot be chosen for new ones."""
    require_admin(caller)
    row = await get_scoped(FollowUpType, caller, type_id, "Follow-up type")
    if row.built_in and archived and row.key == "customer_check":
        raise ValidationFailed(
            "id",
            "The customer check type is needed for post-delivery checks.",
            code=ValidationCode.BUILT_IN,
        )
    row.archived_at = clock.now() if archived else None
    await row.save(update_fields=["archived_at"])
    return row
