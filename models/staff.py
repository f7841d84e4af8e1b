from enum import StrEnum
from typing import TYPE_CHECKING, Any

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from models.organizations import Organization


class Role(StrEnum):
    ADMIN = "admin"
    MANAGER = "manager"
    STAFF = "staff"


class Staff(Model):
    id = fields.IntField(primary_key=True)
    org: fields.ForeignKeyRelation["Organization"] = fields.ForeignKeyField(
        "followups.Organization", related_name="staff"
    )
    org_id: int
    email = fields.CharField(max_length=254, unique=True)
    name = fields.CharField(max_length=200)
    role = fields.CharEnumField(Role, max_length=16, default=Role.STAFF)
    timezone = fields.CharField(max_length=64, default="UTC")
    password_hash = fields.CharField(max_length=200)
    is_active = fields.BooleanField(default=True)
    phone = fields.CharField(max_length=40, null=True)
    # Notification preferences: see services/preferences.py for the shape and defaults.
    preferences: fields.JSONField[dict[str, Any]] = fields.JSONField(default=dict)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "staff"


class Session(Model):
    """One login. Access tokens name it, so logging out revokes them too."""

    id = fields.UUIDField(primary_key=True)
    org: fields.ForeignKeyRelation["Organization"] = fields.ForeignKeyField(
        "followups.Organization", related_name=False
    )
    org_id: int
    staff: fields.ForeignKeyRelation[Staff] = fields.ForeignKeyField(
        "followups.Staff", related_name="sessions"
    )
    staff_id: int
    expires_at = fields.DatetimeField()
    revoked_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "session"


class RefreshToken(Model):
    """A single-use refresh token: presenting a used one again revokes its session."""

    id = fields.IntField(primary_key=True)
    session: fields.ForeignKeyRelation[Session] = fields.ForeignKeyField(
        "followups.Session", related_name="refresh_tokens"
    )
    session_id: int
    token_hash = fields.CharField(max_length=64, unique=True)
    used_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "refresh_token"
