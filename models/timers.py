"""One table for everything that happens later: the time pipeline of DESIGN.md."""

from enum import StrEnum
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

from models.columns import optional_text

if TYPE_CHECKING:
    from models.organizations import Organization


class TimerKind(StrEnum):
    REMINDER = "reminder"
    OVERDUE = "overdue"
    MARK_MISSED = "mark_missed"
    DIGEST = "digest"
    ROTTING_SCAN = "rotting_scan"


class TimerStatus(StrEnum):
    SCHEDULED = "scheduled"
    CLAIMED = "claimed"
    DONE = "done"
    CANCELLED = "cancelled"
    FAILED = "failed"


class Timer(Model):
    id = fields.IntField(primary_key=True)
    org: fields.ForeignKeyNullableRelation["Organization"] = fields.ForeignKeyField(
        "followups.Organization", related_name=False, null=True
    )
    org_id: int | None
    kind = fields.CharEnumField(TimerKind, max_length=16)
    target_id = fields.IntField()
    fire_at = fields.DatetimeField()
    status = fields.CharEnumField(TimerStatus, max_length=16, default=TimerStatus.SCHEDULED)
    attempts = fields.IntField(default=0)
    # A claim is good until then: a killed worker's timers are claimed again after it.
    lease_until = fields.DatetimeField(null=True)
    dedupe_key = fields.CharField(max_length=160, unique=True)
    last_error = optional_text()
    done_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "timer"
        indexes = (("status", "fire_at"), ("status", "lease_until"), ("kind", "target_id"))
