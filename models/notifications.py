"""The in-app inbox: a notification is a row first, then an event, then a frame."""

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class NotificationKind(StrEnum):
    REMINDER = "reminder"
    OVERDUE = "overdue"
    ASSIGNED = "assigned"
    DIGEST = "digest"
    ROTTING_CLIENT = "rotting_client"
    ISSUE_REPORTED = "issue_reported"
    AUTOMATION = "automation"


class Notification(Model):
    id = fields.IntField(primary_key=True)
    org = fields.ForeignKeyField("followups.Organization", related_name=False)
    recipient = fields.ForeignKeyField("followups.Staff", related_name="notifications")
    kind = fields.CharEnumField(NotificationKind, max_length=24)
    title = fields.CharField(max_length=200)
    body = fields.TextField(null=True)
    follow_up = fields.ForeignKeyField(
        "followups.FollowUp", related_name=False, null=True, on_delete=fields.CASCADE
    )
    client = fields.ForeignKeyField(
        "followups.Client", related_name=False, null=True, on_delete=fields.CASCADE
    )
    # Makes an effect happen once: e.g. "timer:42:staff:7". Null for one-off notices.
    dedupe_key = fields.CharField(max_length=120, null=True, unique=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    read_at = fields.DatetimeField(null=True)

    class Meta:
        table = "notification"
        indexes = (("recipient_id", "id"), ("recipient_id", "read_at"))
