"""What happened in the host CRM (or here): the facts automation reacts to, kept for the record."""

from enum import StrEnum
from typing import TYPE_CHECKING, Any

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from models.organizations import Organization
    from models.parties import Appointment, Client, Invoice, Lead


class EventKind(StrEnum):
    CLIENT_CREATED = "client_created"
    CLIENT_UPDATED = "client_updated"
    LEAD_STAGE_CHANGED = "lead_stage_changed"
    APPOINTMENT_COMPLETED = "appointment_completed"
    INVOICE_SENT = "invoice_sent"
    INVOICE_PAID = "invoice_paid"
    INVOICE_OVERDUE = "invoice_overdue"
    INBOUND_MESSAGE = "inbound_message"
    CALL_REACHED = "call_reached"
    EMAIL_OPENED = "email_opened"
    EMAIL_CLICKED = "email_clicked"
    MEETING_BOOKED = "meeting_booked"
    CUSTOM = "custom"


class EventSource(StrEnum):
    API = "api"  # recordEvent
    WEBHOOK = "webhook"  # POST /hooks/events
    MUTATION = "mutation"  # emitted by an entity mutation here


class Event(Model):
    """One event, once: the organization's eventId is unique, so a replay finds the first."""

    id = fields.IntField(primary_key=True)
    org: fields.ForeignKeyRelation["Organization"] = fields.ForeignKeyField(
        "followups.Organization", related_name=False
    )
    org_id: int
    event_id = fields.CharField(max_length=200)
    kind = fields.CharEnumField(EventKind, max_length=32)
    occurred_at = fields.DatetimeField()
    received_at = fields.DatetimeField()
    source = fields.CharEnumField(EventSource, max_length=16)
    client: fields.ForeignKeyNullableRelation["Client"] = fields.ForeignKeyField(
        "followups.Client", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    client_id: int | None
    lead: fields.ForeignKeyNullableRelation["Lead"] = fields.ForeignKeyField(
        "followups.Lead", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    lead_id: int | None
    appointment: fields.ForeignKeyNullableRelation["Appointment"] = fields.ForeignKeyField(
        "followups.Appointment", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    appointment_id: int | None
    invoice: fields.ForeignKeyNullableRelation["Invoice"] = fields.ForeignKeyField(
        "followups.Invoice", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    invoice_id: int | None
    channel = fields.CharField(max_length=16, null=True)
    auto_reply = fields.BooleanField(default=False)
    data: fields.JSONField[Any] = fields.JSONField(null=True)

    class Meta:
        table = "event"
        unique_together = (("org", "event_id"),)
        indexes = (("org_id", "occurred_at"), ("client_id", "occurred_at"))


class WebhookSecret(Model):
    """The organization's webhook signing secret, encrypted with SECRET_KEY (HMAC needs it back)."""

    id = fields.IntField(primary_key=True)
    org: fields.ForeignKeyRelation["Organization"] = fields.ForeignKeyField(
        "followups.Organization", related_name=False, unique=True
    )
    org_id: int
    encrypted = fields.TextField()
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "webhook_secret"
