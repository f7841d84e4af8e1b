"""Entities of the host CRM that follow-ups link to; we keep only what follow-ups need."""

from enum import StrEnum
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from models.organizations import Organization
    from models.staff import Staff


class LeadStage(StrEnum):
    NEW = "new"
    QUALIFIED = "qualified"
    ASSIGNED = "assigned"
    DELIVERED = "delivered"
    INSTALLED = "installed"
    LOST = "lost"


class Client(Model):
    id = fields.IntField(primary_key=True)
    org: fields.ForeignKeyRelation["Organization"] = fields.ForeignKeyField(
        "followups.Organization", related_name=False
    )
    org_id: int
    external_id = fields.CharField(max_length=100, null=True)
    name = fields.CharField(max_length=200)
    email = fields.CharField(max_length=254, null=True)
    phone = fields.CharField(max_length=40, null=True)
    timezone = fields.CharField(max_length=64, default="UTC")
    segment = fields.CharField(max_length=64, null=True)
    owner: fields.ForeignKeyNullableRelation["Staff"] = fields.ForeignKeyField(
        "followups.Staff", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    owner_id: int | None
    last_contacted_at = fields.DatetimeField(null=True)
    passport_expires_on = fields.DateField(null=True)
    visa_expires_on = fields.DateField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "client"
        unique_together = (("org", "external_id"),)
        indexes = (("org_id", "name"),)


class Installer(Model):
    id = fields.IntField(primary_key=True)
    org: fields.ForeignKeyRelation["Organization"] = fields.ForeignKeyField(
        "followups.Organization", related_name=False
    )
    org_id: int
    external_id = fields.CharField(max_length=100, null=True)
    name = fields.CharField(max_length=200)
    email = fields.CharField(max_length=254, null=True)
    phone = fields.CharField(max_length=40, null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "installer"
        unique_together = (("org", "external_id"),)


class Lead(Model):
    id = fields.IntField(primary_key=True)
    org: fields.ForeignKeyRelation["Organization"] = fields.ForeignKeyField(
        "followups.Organization", related_name=False
    )
    org_id: int
    external_id = fields.CharField(max_length=100, null=True)
    name = fields.CharField(max_length=200)
    email = fields.CharField(max_length=254, null=True)
    phone = fields.CharField(max_length=40, null=True)
    stage = fields.CharEnumField(LeadStage, max_length=16, default=LeadStage.NEW)
    installer: fields.ForeignKeyNullableRelation[Installer] = fields.ForeignKeyField(
        "followups.Installer", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    installer_id: int | None
    owner: fields.ForeignKeyNullableRelation["Staff"] = fields.ForeignKeyField(
        "followups.Staff", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    owner_id: int | None
    last_contacted_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "lead"
        unique_together = (("org", "external_id"),)


class Appointment(Model):
    id = fields.IntField(primary_key=True)
    org: fields.ForeignKeyRelation["Organization"] = fields.ForeignKeyField(
        "followups.Organization", related_name=False
    )
    org_id: int
    external_id = fields.CharField(max_length=100, null=True)
    client: fields.ForeignKeyRelation[Client] = fields.ForeignKeyField(
        "followups.Client", related_name=False
    )
    client_id: int
    starts_at = fields.DatetimeField()
    status = fields.CharField(max_length=32, default="scheduled")
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "appointment"
        unique_together = (("org", "external_id"),)


class Invoice(Model):
    id = fields.IntField(primary_key=True)
    org: fields.ForeignKeyRelation["Organization"] = fields.ForeignKeyField(
        "followups.Organization", related_name=False
    )
    org_id: int
    external_id = fields.CharField(max_length=100, null=True)
    client: fields.ForeignKeyRelation[Client] = fields.ForeignKeyField(
        "followups.Client", related_name=False
    )
    client_id: int
    number = fields.CharField(max_length=64)
    amount = fields.DecimalField(max_digits=14, decimal_places=2)
    status = fields.CharField(max_length=32, default="sent")  # services.parties.STATUSES
    due_on = fields.DateField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "invoice"
        unique_together = (("org", "external_id"),)


class Matter(Model):
    id = fields.IntField(primary_key=True)
    org: fields.ForeignKeyRelation["Organization"] = fields.ForeignKeyField(
        "followups.Organization", related_name=False
    )
    org_id: int
    external_id = fields.CharField(max_length=100, null=True)
    client: fields.ForeignKeyRelation[Client] = fields.ForeignKeyField(
        "followups.Client", related_name=False
    )
    client_id: int
    title = fields.CharField(max_length=200)
    status = fields.CharField(max_length=32, default="open")
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "matter"
        unique_together = (("org", "external_id"),)
