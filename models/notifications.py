"""The in-app inbox: a notification is a row first, then an event, then a frame."""

from enum import StrEnum
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

from models.columns import optional_text

if TYPE_CHECKING:
    from models.followups import FollowUp
    from models.organizations import Organization
    from models.parties import Client
    from models.staff import Staff


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
    org: fields.ForeignKeyRelation["Organization"] = fields.ForeignKeyField(
        "followups.Organization", related_name=False
    )
    org_id: int
    recipient: fields.ForeignKeyRelation["Staff"] = fields.ForeignKeyField(
        "followups.Staff", related_name="notifications"
    )
    recipient_id: int
    kind = fields.CharEnumField(NotificationKind, max_length=24)
    title = fields.CharField(max_length=200)
    body = optional_text()
    follow_up: fields.ForeignKeyNullableRelation["FollowUp"] = fields.ForeignKeyField(
        "followups.FollowUp", related_name=False, null=True, on_delete=fields.CASCADE
    )
    follow_up_id: int | None
    client: fields.ForeignKeyNullableRelation["Client"] = fields.ForeignKeyField(
        "followups.Client", related_name=False, null=True, on_delete=fields.CASCADE
    )
    client_id: int | None
    # Makes an effect happen once: e.g. "timer:42:staff:7". Null for one-off notices.
    dedupe_key = fields.CharField(max_length=120, null=True, unique=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    read_at = fields.DatetimeField(null=True)

    class Meta:
        table = "notification"
        indexes = (("recipient_id", "id"), ("recipient_id", "read_at"))


class DeliveryStatus(StrEnum):
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


class Delivery(Model):
    """One outbound message of a notification on one channel, with its retries."""

    id = fields.IntField(primary_key=True)
    org: fields.ForeignKeyRelation["Organization"] = fields.ForeignKeyField(
        "followups.Organization", related_name=False
    )
    org_id: int
    notification: fields.ForeignKeyRelation[Notification] = fields.ForeignKeyField(
        "followups.Notification", related_name="deliveries"
    )
    notification_id: int
    channel = fields.CharField(max_length=16)
    status = fields.CharEnumField(DeliveryStatus, max_length=16, default=DeliveryStatus.QUEUED)
    attempts = fields.IntField(default=0)
    # Not before this time: quiet hours hold a message, retries back off.
    send_after = fields.DatetimeField()
    lease_until = fields.DatetimeField(null=True)
    last_error = optional_text()
    provider_id = fields.CharField(max_length=120, null=True)
    sent_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "delivery"
        unique_together = (("notification", "channel"),)
        indexes = (("status", "send_after"),)


class PushSubscription(Model):
    """A browser's or phone's web-push endpoint for a staff member."""

    id = fields.IntField(primary_key=True)
    org: fields.ForeignKeyRelation["Organization"] = fields.ForeignKeyField(
        "followups.Organization", related_name=False
    )
    org_id: int
    staff: fields.ForeignKeyRelation["Staff"] = fields.ForeignKeyField(
        "followups.Staff", related_name="push_subscriptions"
    )
    staff_id: int
    endpoint = fields.CharField(max_length=500)
    p256dh = fields.CharField(max_length=200)
    auth = fields.CharField(max_length=100)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "push_subscription"
        # Per owner: another organization registering the same endpoint must not take it over.
        unique_together = (("staff", "endpoint"),)
