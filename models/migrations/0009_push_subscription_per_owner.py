"""Push subscriptions are unique per owner and endpoint, not per endpoint: registering an
endpoint another organization's staff registered no longer moves theirs to the new owner."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields
from tortoise.migrations.constraints import UniqueConstraint

class Migration(migrations.Migration):
    dependencies = [('followups', '0008_analytics_indexes')]

    initial = False

    operations = [
        ops.AlterField(
            model_name='PushSubscription',
            name='endpoint',
            field=fields.CharField(max_length=500),
        ),
        ops.AddConstraint(
            model_name='PushSubscription',
            constraint=UniqueConstraint(fields=('staff', 'endpoint'), name=None),
        ),
    ]
