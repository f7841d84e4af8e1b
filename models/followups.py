"""The follow-up aggregate: types, the record itself and its history rows."""

from enum import IntEnum, StrEnum
from typing import TYPE_CHECKING, Any

from tortoise import fields
from tortoise.models import Model

from models.columns import optional_enum, optional_text

if TYPE_CHECKING:
    from models.organizations import Organization
    from models.parties import Appointment, Client, Installer, Invoice, Lead, Matter
    from models.staff import Staff


class Status(StrEnum):
    PENDING = "pending"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    CLOSED_WITH_ISSUE = "closed_with_issue"
    MISSED = "missed"
    CANCELLED = "cancelled"


OPEN_STATUSES = (Status.PENDING, Status.IN_PROGRESS, Status.MISSED)
# Work that was done: completed, or closed with the customer's issue still open.
DONE_STATUSES = (Status.COMPLETED, Status.CLOSED_WITH_ISSUE)


class Priority(IntEnum):
    """Stored as a rank so that ordering by priority puts HIGH first."""

    HIGH = 1
    MEDIUM = 2
    LOW = 3


class ContactOutcome(StrEnum):
    ATTEMPTED = "attempted"
    LEFT_MESSAGE = "left_message"
    NO_RESPONSE = "no_response"
    REACHED_CUSTOMER = "reached_customer"


class SatisfactionOutcome(StrEnum):
    SATISFIED = "satisfied"
    MIXED = "mixed"
    UNSATISFIED = "unsatisfied"


class CompletionOutcome(StrEnum):
    SUCCESSFUL = "successful"
    NO_RESPONSE = "no_response"
    RESCHEDULED = "rescheduled"
    UNSUCCESSFUL = "unsuccessful"


class Origin(StrEnum):
    """What created a follow-up: a person, or one of the service's own mechanisms."""

    MANUAL = "manual"
    ROTTING_SCAN = "rotting_scan"
    AUTOMATION = "automation"
    SEQUENCE = "sequence"
    RECURRENCE = "recurrence"


class FollowUpType(Model):
    id = fields.IntField(primary_key=True)
    org: fields.ForeignKeyRelation["Organization"] = fields.ForeignKeyField(
        "followups.Organization", related_name=False
    )
    org_id: int
    key = fields.CharField(max_length=64)
    name = fields.CharField(max_length=100)
    requires_contact = fields.BooleanField(default=False)
    built_in = fields.BooleanField(default=False)
    archived_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "follow_up_type"
        unique_together = (("org", "key"),)


class FollowUp(Model):
    id = fields.IntField(primary_key=True)
    org: fields.ForeignKeyRelation["Organization"] = fields.ForeignKeyField(
        "followups.Organization", related_name=False
    )
    org_id: int
    type: fields.ForeignKeyRelation[FollowUpType] = fields.ForeignKeyField(
        "followups.FollowUpType", related_name=False
    )
    type_id: int
    subject = fields.CharField(max_length=200)
    description = optional_text()
    status = fields.CharEnumField(Status, max_length=24, default=Status.PENDING)
    priority = fields.IntEnumField(Priority, default=Priority.MEDIUM)
    due_at = fields.DatetimeField()
    started_at = fields.DatetimeField(null=True)
    completed_at = fields.DatetimeField(null=True)
    cancelled_at = fields.DatetimeField(null=True)
    cancel_reason = optional_text()
    assignee: fields.ForeignKeyNullableRelation["Staff"] = fields.ForeignKeyField(
        "followups.Staff", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    assignee_id: int | None
    created_by: fields.ForeignKeyNullableRelation["Staff"] = fields.ForeignKeyField(
        "followups.Staff", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    created_by_id: int | None
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
    matter: fields.ForeignKeyNullableRelation["Matter"] = fields.ForeignKeyField(
        "followups.Matter", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    matter_id: int | None
    installer: fields.ForeignKeyNullableRelation["Installer"] = fields.ForeignKeyField(
        "followups.Installer", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    installer_id: int | None
    is_primary = fields.BooleanField(default=False)
    contact_attempt_count = fields.IntField(default=0)
    last_contacted_at = fields.DatetimeField(null=True)
    last_contacted_by_email = fields.CharField(max_length=254, null=True)
    last_contact_outcome = optional_enum(ContactOutcome, 24)
    outcome = optional_enum(CompletionOutcome, 24)
    satisfaction_outcome = optional_enum(SatisfactionOutcome, 16)
    has_issue = fields.BooleanField(default=False)
    issue_summary = optional_text()
    issue_resolved = fields.BooleanField(null=True)
    referral_opportunity = fields.BooleanField(null=True)
    notes = optional_text()
    idempotency_key = fields.CharField(max_length=100, null=True)
    origin = fields.CharEnumField(Origin, max_length=16, default=Origin.MANUAL)
    version = fields.IntField(default=1)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "follow_up"
        unique_together = (("org", "idempotency_key"),)
        indexes = (
            ("org_id", "assignee_id", "status", "due_at"),
            ("org_id", "status", "due_at"),
            ("org_id", "due_at"),
            ("client_id", "due_at"),
            ("lead_id", "due_at"),
        )


class ContactAttempt(Model):
    id = fields.IntField(primary_key=True)
    org: fields.ForeignKeyRelation["Organization"] = fields.ForeignKeyField(
        "followups.Organization", related_name=False
    )
    org_id: int
    follow_up: fields.ForeignKeyRelation[FollowUp] = fields.ForeignKeyField(
        "followups.FollowUp", related_name="contact_attempts"
    )
    follow_up_id: int
    outcome = fields.CharEnumField(ContactOutcome, max_length=24)
    notes = optional_text()
    staff: fields.ForeignKeyNullableRelation["Staff"] = fields.ForeignKeyField(
        "followups.Staff", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    staff_id: int | None
    staff_email = fields.CharField(max_length=254, null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "contact_attempt"
        indexes = (("follow_up_id", "created_at"),)


class FollowUpNote(Model):
    id = fields.IntField(primary_key=True)
    org: fields.ForeignKeyRelation["Organization"] = fields.ForeignKeyField(
        "followups.Organization", related_name=False
    )
    org_id: int
    follow_up: fields.ForeignKeyRelation[FollowUp] = fields.ForeignKeyField(
        "followups.FollowUp", related_name="note_entries"
    )
    follow_up_id: int
    author: fields.ForeignKeyNullableRelation["Staff"] = fields.ForeignKeyField(
        "followups.Staff", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    author_id: int | None
    body = fields.TextField()
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "follow_up_note"
        indexes = (("follow_up_id", "created_at"),)


class FollowUpActivity(Model):
    """Audit trail: who changed what on a follow-up, with the values before and after."""

    id = fields.IntField(primary_key=True)
    org: fields.ForeignKeyRelation["Organization"] = fields.ForeignKeyField(
        "followups.Organization", related_name=False
    )
    org_id: int
    follow_up: fields.ForeignKeyRelation[FollowUp] = fields.ForeignKeyField(
        "followups.FollowUp", related_name="activities"
    )
    follow_up_id: int
    actor: fields.ForeignKeyNullableRelation["Staff"] = fields.ForeignKeyField(
        "followups.Staff", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    actor_id: int | None
    action = fields.CharField(max_length=32)
    changes: fields.JSONField[dict[str, Any]] = fields.JSONField(default=dict)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "follow_up_activity"
        indexes = (("follow_up_id", "created_at"),)
