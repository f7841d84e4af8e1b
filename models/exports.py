from typing import TYPE_CHECKING, Any

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from models.organizations import Organization
    from models.staff import Staff


class Export(Model):
    """A requested download of a follow-up list: the filter is kept, the file made on download."""

    id = fields.UUIDField(primary_key=True)
    org: fields.ForeignKeyRelation["Organization"] = fields.ForeignKeyField(
        "followups.Organization", related_name=False
    )
    org_id: int
    requested_by: fields.ForeignKeyRelation["Staff"] = fields.ForeignKeyField(
        "followups.Staff", related_name=False
    )
    requested_by_id: int
    format = fields.CharField(max_length=8)
    criteria: fields.JSONField[dict[str, Any]] = fields.JSONField(default=dict)
    created_at = fields.DatetimeField(auto_now_add=True)
    expires_at = fields.DatetimeField()

    class Meta:
        table = "export"
