from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from models.followups import (
    CompletionOutcome,
    ContactOutcome,
    Priority,
    SatisfactionOutcome,
    Status,
)
from models.parties import LeadStage
from models.staff import Role
from tortoise.fields.base import OnDelete
from uuid import uuid4
from tortoise import fields
from tortoise.indexes import Index


class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name="Organization",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                ("name", fields.CharField(max_length=200)),
                ("staff_see_all_follow_ups", fields.BooleanField(default=True)),
                ("mark_missed_after_hours", fields.IntField(null=True)),
                ("overdue_grace_minutes", fields.IntField(default=0)),
                ("rotting_days", fields.IntField(default=60)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("updated_at", fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={
                "table": "organization",
                "app": "followups",
                "pk_attr": "id",
                "table_description": "A tenant. Every other row belongs to exactly one.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="FollowUpType",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "org",
                    fields.ForeignKeyField(
                        "followups.Organization",
                        source_field="org_id",
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("key", fields.CharField(max_length=64)),
                ("name", fields.CharField(max_length=100)),
                ("requires_contact", fields.BooleanField(default=False)),
                ("built_in", fields.BooleanField(default=False)),
                (
                    "archived_at",
                    fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
                ),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "follow_up_type",
                "app": "followups",
                "unique_together": (("org", "key"),),
                "pk_attr": "id",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Installer",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "org",
                    fields.ForeignKeyField(
                        "followups.Organization",
                        source_field="org_id",
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("external_id", fields.CharField(null=True, max_length=100)),
                ("name", fields.CharField(max_length=200)),
                ("email", fields.CharField(null=True, max_length=254)),
                ("phone", fields.CharField(null=True, max_length=40)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("updated_at", fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={
                "table": "installer",
                "app": "followups",
                "unique_together": (("org", "external_id"),),
                "pk_attr": "id",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Staff",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "org",
                    fields.ForeignKeyField(
                        "followups.Organization",
                        source_field="org_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="staff",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("email", fields.CharField(unique=True, max_length=254)),
                ("name", fields.CharField(max_length=200)),
                (
                    "role",
                    fields.CharEnumField(
                        default=Role.STAFF,
                        description="ADMIN: admin\nMANAGER: manager\nSTAFF: staff",
                        enum_type=Role,
                        max_length=16,
                    ),
                ),
                ("timezone", fields.CharField(default="UTC", max_length=64)),
                ("password_hash", fields.CharField(max_length=200)),
                ("is_active", fields.BooleanField(default=True)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("updated_at", fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={"table": "staff", "app": "followups", "pk_attr": "id"},
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Client",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "org",
                    fields.ForeignKeyField(
                        "followups.Organization",
                        source_field="org_id",
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("external_id", fields.CharField(null=True, max_length=100)),
                ("name", fields.CharField(max_length=200)),
                ("email", fields.CharField(null=True, max_length=254)),
                ("phone", fields.CharField(null=True, max_length=40)),
                ("timezone", fields.CharField(default="UTC", max_length=64)),
                ("segment", fields.CharField(null=True, max_length=64)),
                (
                    "owner",
                    fields.ForeignKeyField(
                        "followups.Staff",
                        source_field="owner_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                (
                    "last_contacted_at",
                    fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
                ),
                ("passport_expires_on", fields.DateField(null=True)),
                ("visa_expires_on", fields.DateField(null=True)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("updated_at", fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={
                "table": "client",
                "app": "followups",
                "unique_together": (("org", "external_id"),),
                "indexes": [Index(fields=["org_id", "name"])],
                "pk_attr": "id",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Appointment",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "org",
                    fields.ForeignKeyField(
                        "followups.Organization",
                        source_field="org_id",
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("external_id", fields.CharField(null=True, max_length=100)),
                (
                    "client",
                    fields.ForeignKeyField(
                        "followups.Client",
                        source_field="client_id",
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("starts_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("status", fields.CharField(default="scheduled", max_length=32)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("updated_at", fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={
                "table": "appointment",
                "app": "followups",
                "unique_together": (("org", "external_id"),),
                "pk_attr": "id",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Invoice",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "org",
                    fields.ForeignKeyField(
                        "followups.Organization",
                        source_field="org_id",
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("external_id", fields.CharField(null=True, max_length=100)),
                (
                    "client",
                    fields.ForeignKeyField(
                        "followups.Client",
                        source_field="client_id",
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("number", fields.CharField(max_length=64)),
                ("amount", fields.DecimalField(max_digits=14, decimal_places=2)),
                ("status", fields.CharField(default="open", max_length=32)),
                ("due_on", fields.DateField(null=True)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("updated_at", fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={
                "table": "invoice",
                "app": "followups",
                "unique_together": (("org", "external_id"),),
                "pk_attr": "id",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Lead",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "org",
                    fields.ForeignKeyField(
                        "followups.Organization",
                        source_field="org_id",
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("external_id", fields.CharField(null=True, max_length=100)),
                ("name", fields.CharField(max_length=200)),
                ("email", fields.CharField(null=True, max_length=254)),
                ("phone", fields.CharField(null=True, max_length=40)),
                (
                    "stage",
                    fields.CharEnumField(
                        default=LeadStage.NEW,
                        description="NEW: new\nQUALIFIED: qualified\nASSIGNED: assigned\nDELIVERED: delivered\nINSTALLED: installed\nLOST: lost",
                        enum_type=LeadStage,
                        max_length=16,
                    ),
                ),
                (
                    "installer",
                    fields.ForeignKeyField(
                        "followups.Installer",
                        source_field="installer_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                (
                    "owner",
                    fields.ForeignKeyField(
                        "followups.Staff",
                        source_field="owner_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                (
                    "last_contacted_at",
                    fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
                ),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("updated_at", fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={
                "table": "lead",
                "app": "followups",
                "unique_together": (("org", "external_id"),),
                "pk_attr": "id",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Matter",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "org",
                    fields.ForeignKeyField(
                        "followups.Organization",
                        source_field="org_id",
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("external_id", fields.CharField(null=True, max_length=100)),
                (
                    "client",
                    fields.ForeignKeyField(
                        "followups.Client",
                        source_field="client_id",
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("title", fields.CharField(max_length=200)),
                ("status", fields.CharField(default="open", max_length=32)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("updated_at", fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={
                "table": "matter",
                "app": "followups",
                "unique_together": (("org", "external_id"),),
                "pk_attr": "id",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="FollowUp",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "org",
                    fields.ForeignKeyField(
                        "followups.Organization",
                        source_field="org_id",
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "type",
                    fields.ForeignKeyField(
                        "followups.FollowUpType",
                        source_field="type_id",
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("subject", fields.CharField(max_length=200)),
                ("description", fields.TextField(null=True, unique=False)),
                (
                    "status",
                    fields.CharEnumField(
                        default=Status.PENDING,
                        description="PENDING: pending\nIN_PROGRESS: in_progress\nCOMPLETED: completed\nCLOSED_WITH_ISSUE: closed_with_issue\nMISSED: missed\nCANCELLED: cancelled",
                        enum_type=Status,
                        max_length=24,
                    ),
                ),
                (
                    "priority",
                    fields.IntEnumField(
                        default=Priority.MEDIUM,
                        description="HIGH: 1\nMEDIUM: 2\nLOW: 3",
                        enum_type=Priority,
                        generated=False,
                    ),
                ),
                ("due_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("started_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                (
                    "completed_at",
                    fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
                ),
                (
                    "cancelled_at",
                    fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
                ),
                ("cancel_reason", fields.TextField(null=True, unique=False)),
                (
                    "assignee",
                    fields.ForeignKeyField(
                        "followups.Staff",
                        source_field="assignee_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                (
                    "created_by",
                    fields.ForeignKeyField(
                        "followups.Staff",
                        source_field="created_by_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                (
                    "client",
                    fields.ForeignKeyField(
                        "followups.Client",
                        source_field="client_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                (
                    "lead",
                    fields.ForeignKeyField(
                        "followups.Lead",
                        source_field="lead_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                (
                    "appointment",
                    fields.ForeignKeyField(
                        "followups.Appointment",
                        source_field="appointment_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                (
                    "invoice",
                    fields.ForeignKeyField(
                        "followups.Invoice",
                        source_field="invoice_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                (
                    "matter",
                    fields.ForeignKeyField(
                        "followups.Matter",
                        source_field="matter_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                (
                    "installer",
                    fields.ForeignKeyField(
                        "followups.Installer",
                        source_field="installer_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("is_primary", fields.BooleanField(default=False)),
                ("contact_attempt_count", fields.IntField(default=0)),
                (
                    "last_contacted_at",
                    fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
                ),
                ("last_contacted_by_email", fields.CharField(null=True, max_length=254)),
                (
                    "last_contact_outcome",
                    fields.CharEnumField(
                        null=True,
                        description="ATTEMPTED: attempted\nLEFT_MESSAGE: left_message\nNO_RESPONSE: no_response\nREACHED_CUSTOMER: reached_customer",
                        enum_type=ContactOutcome,
                        max_length=24,
                    ),
                ),
                (
                    "outcome",
                    fields.CharEnumField(
                        null=True,
                        description="SUCCESSFUL: successful\nNO_RESPONSE: no_response\nRESCHEDULED: rescheduled\nUNSUCCESSFUL: unsuccessful",
                        enum_type=CompletionOutcome,
                        max_length=24,
                    ),
                ),
                (
                    "satisfaction_outcome",
                    fields.CharEnumField(
                        null=True,
                        description="SATISFIED: satisfied\nMIXED: mixed\nUNSATISFIED: unsatisfied",
                        enum_type=SatisfactionOutcome,
                        max_length=16,
                    ),
                ),
                ("has_issue", fields.BooleanField(default=False)),
                ("issue_summary", fields.TextField(null=True, unique=False)),
                ("issue_resolved", fields.BooleanField(null=True)),
                ("referral_opportunity", fields.BooleanField(null=True)),
                ("notes", fields.TextField(null=True, unique=False)),
                ("idempotency_key", fields.CharField(null=True, max_length=100)),
                ("version", fields.IntField(default=1)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("updated_at", fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={
                "table": "follow_up",
                "app": "followups",
                "unique_together": (("org", "idempotency_key"),),
                "indexes": [
                    Index(fields=["org_id", "assignee_id", "status", "due_at"]),
                    Index(fields=["org_id", "status", "due_at"]),
                    Index(fields=["org_id", "due_at"]),
                    Index(fields=["client_id", "due_at"]),
                    Index(fields=["lead_id", "due_at"]),
                ],
                "pk_attr": "id",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="ContactAttempt",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "org",
                    fields.ForeignKeyField(
                        "followups.Organization",
                        source_field="org_id",
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "follow_up",
                    fields.ForeignKeyField(
                        "followups.FollowUp",
                        source_field="follow_up_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="contact_attempts",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "outcome",
                    fields.CharEnumField(
                        description="ATTEMPTED: attempted\nLEFT_MESSAGE: left_message\nNO_RESPONSE: no_response\nREACHED_CUSTOMER: reached_customer",
                        enum_type=ContactOutcome,
                        max_length=24,
                    ),
                ),
                ("notes", fields.TextField(null=True, unique=False)),
                (
                    "staff",
                    fields.ForeignKeyField(
                        "followups.Staff",
                        source_field="staff_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("staff_email", fields.CharField(null=True, max_length=254)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "contact_attempt",
                "app": "followups",
                "indexes": [Index(fields=["follow_up_id", "created_at"])],
                "pk_attr": "id",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="FollowUpActivity",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "org",
                    fields.ForeignKeyField(
                        "followups.Organization",
                        source_field="org_id",
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "follow_up",
                    fields.ForeignKeyField(
                        "followups.FollowUp",
                        source_field="follow_up_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="activities",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "actor",
                    fields.ForeignKeyField(
                        "followups.Staff",
                        source_field="actor_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("action", fields.CharField(max_length=32)),
                (
                    "changes",
                    fields.JSONField(
                        default=dict,
                        encoder=functools.partial(dumps, separators=(",", ":")),
                        decoder=loads,
                    ),
                ),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "follow_up_activity",
                "app": "followups",
                "indexes": [Index(fields=["follow_up_id", "created_at"])],
                "pk_attr": "id",
                "table_description": "Audit trail: who changed what on a follow-up, with the values before and after.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="FollowUpNote",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "org",
                    fields.ForeignKeyField(
                        "followups.Organization",
                        source_field="org_id",
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "follow_up",
                    fields.ForeignKeyField(
                        "followups.FollowUp",
                        source_field="follow_up_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="note_entries",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "author",
                    fields.ForeignKeyField(
                        "followups.Staff",
                        source_field="author_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("body", fields.TextField(unique=False)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "follow_up_note",
                "app": "followups",
                "indexes": [Index(fields=["follow_up_id", "created_at"])],
                "pk_attr": "id",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Session",
            fields=[
                (
                    "id",
                    fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True),
                ),
                (
                    "org",
                    fields.ForeignKeyField(
                        "followups.Organization",
                        source_field="org_id",
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "staff",
                    fields.ForeignKeyField(
                        "followups.Staff",
                        source_field="staff_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="sessions",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("expires_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("revoked_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "session",
                "app": "followups",
                "pk_attr": "id",
                "table_description": "One login. Access tokens name it, so logging out revokes them too.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="RefreshToken",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "session",
                    fields.ForeignKeyField(
                        "followups.Session",
                        source_field="session_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="refresh_tokens",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("token_hash", fields.CharField(unique=True, max_length=64)),
                ("used_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "refresh_token",
                "app": "followups",
                "pk_attr": "id",
                "table_description": "A single-use refresh token: presenting a used one again revokes its session.",
            },
            bases=["Model"],
        ),
    ]
