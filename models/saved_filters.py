from typing import TYPE_CHECKING, Any

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from models.organizations import Organization
    from models.staff import Staff


class SavedFilter(Model):
    """A named follow-up filter, private to its owner or shared with the organization."""

    id = fields.IntField(primary_key=True)
    org: fields.ForeignKeyRelation["Organization"] = fields.ForeignKeyField(
        "followups.Organization", related_name=False
    )
    org_id: int
    owner: fields.ForeignKeyRelation["Staff"] = fields.ForeignKeyField(
        "followups.Staff", related_name=False
    )
    owner_id: int
    name = fields.CharField(max_length=100)
    criteria: fields.JSONField[dict[str, Any]] = fields.JSONField(default=dict)
    shared = fields.BooleanField(default=False)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "saved_filter"
        indexes = (("org_id", "owner_id"),)
