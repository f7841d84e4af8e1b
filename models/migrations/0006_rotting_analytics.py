"""The rotting scan: its round-robin position per organization, and its timer kind."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from models.timers import TimerKind
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('followups', '0005_search_vector')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Organization',
            name='rotting_round_robin_after',
            field=fields.IntField(null=True),
        ),
        ops.AlterField(
            model_name='Timer',
            name='kind',
            field=fields.CharEnumField(description='REMINDER: reminder\nOVERDUE: overdue\nMARK_MISSED: mark_missed\nDIGEST: digest\nROTTING_SCAN: rotting_scan', enum_type=TimerKind, max_length=16),
        ),
    ]
