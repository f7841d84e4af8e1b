from tortoise import fields
from tortoise.models import Model


class Organization(Model):
    """A tenant. Every other row belongs to exactly one."""

    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=200)
    staff_see_all_follow_ups = fields.BooleanField(default=True)
    mark_missed_after_hours = fields.IntField(null=True)
    overdue_grace_minutes = fields.IntField(default=0)
    rotting_days = fields.IntField(default=60)
    # Round robin of the rotting scan: the member its last unowned party went to.
    rotting_round_robin_after = fields.IntField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "organization"


class RottingRule(Model):
    """Days without contact before a client of this segment counts as neglected."""

    id = fields.IntField(primary_key=True)
    org: fields.ForeignKeyRelation[Organization] = fields.ForeignKeyField(
        "followups.Organization", related_name="rotting_rules"
    )
    org_id: int
    segment = fields.CharField(max_length=64)
    days = fields.IntField()

    class Meta:
        table = "rotting_rule"
        unique_together = (("org", "segment"),)
