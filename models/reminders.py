from enum import StrEnum
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from models.followups import FollowUp
    from models.organizations import Organization


class ReminderStatus(StrEnum):
    SCHEDULED = "scheduled"
    SENT = "sent"
    CANCELLED = "cancelled"
    FAILED = "failed"


class Reminder(Model):
    """N minutes before a follow-up is due, on these channels, to whoever is then its assignee."""

    id = fields.IntField(primary_key=True)
    org: fields.ForeignKeyRelation["Organization"] = fields.ForeignKeyField(
        "followups.Organization", related_name=False
    )
    org_id: int
    follow_up: fields.ForeignKeyRelation["FollowUp"] = fields.ForeignKeyField(
        "followups.FollowUp", related_name="reminders"
    )
    follow_up_id: int
    offset_minutes = fields.IntField()
    channels: fields.JSONField[list[str]] = fields.JSONField(default=list)
    # True when the assignee's defaults made it: delegation re-plans from the new assignee's.
    from_defaults = fields.BooleanField(default=False)
    fire_at = fields.DatetimeField()
    status = fields.CharEnumField(ReminderStatus, max_length=16, default=ReminderStatus.SCHEDULED)
    sent_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "reminder"
        indexes = (("follow_up_id", "offset_minutes"),)
