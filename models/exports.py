from tortoise import fields
from tortoise.models import Model


class Export(Model):
    """A requested download of a follow-up list: the filter is kept, the file made on download."""

    id = fields.UUIDField(primary_key=True)
    org = fields.ForeignKeyField("followups.Organization", related_name=False)
    requested_by = fields.ForeignKeyField("followups.Staff", related_name=False)
    format = fields.CharField(max_length=8)
    criteria = fields.JSONField(default=dict)
    created_at = fields.DatetimeField(auto_now_add=True)
    expires_at = fields.DatetimeField()

    class Meta:
        table = "export"
