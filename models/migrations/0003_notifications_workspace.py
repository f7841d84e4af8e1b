from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from models.followups import Origin
from models.notifications import NotificationKind
from tortoise.fields.base import OnDelete
from uuid import uuid4
from tortoise import fields
from tortoise.indexes import Index

OPEN = "('pending', 'in_progress', 'missed')"


async def one_open_rotting_follow_up(apps, schema_editor) -> None:
    """At most one open rotting-scan follow-up per client and per lead, whatever races."""
    for column in ("client_id", "lead_id"):
        await schema_editor.client.execute_script(
            f"CREATE UNIQUE INDEX IF NOT EXISTS follow_up_one_open_rotting_{column} "
            f"ON follow_up ({column}) WHERE origin = 'rotting_scan' AND status IN {OPEN}"
        )


async def drop_rotting_indexes(apps, schema_editor) -> None:
    for column in ("client_id", "lead_id"):
        await schema_editor.client.execute_script(
            f"DROP INDEX IF EXISTS follow_up_one_open_rotting_{column}"
        )


class Migration(migrations.Migration):
    dependencies = [('followups', '0002_search_and_primary')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Export',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('org', fields.ForeignKeyField('followups.Organization', source_field='org_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('requested_by', fields.ForeignKeyField('followups.Staff', source_field='requested_by_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('format', fields.CharField(max_length=8)),
                ('criteria', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'export', 'app': 'followups', 'pk_attr': 'id', 'table_description': 'A requested download of a follow-up list: the filter is kept, the file made on download.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Notification',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('org', fields.ForeignKeyField('followups.Organization', source_field='org_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('recipient', fields.ForeignKeyField('followups.Staff', source_field='recipient_id', db_constraint=True, to_field='id', related_name='notifications', on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharEnumField(description='REMINDER: reminder\nOVERDUE: overdue\nASSIGNED: assigned\nDIGEST: digest\nROTTING_CLIENT: rotting_client\nISSUE_REPORTED: issue_reported\nAUTOMATION: automation', enum_type=NotificationKind, max_length=24)),
                ('title', fields.CharField(max_length=200)),
                ('body', fields.TextField(null=True, unique=False)),
                ('follow_up', fields.ForeignKeyField('followups.FollowUp', source_field='follow_up_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('client', fields.ForeignKeyField('followups.Client', source_field='client_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('dedupe_key', fields.CharField(null=True, unique=True, max_length=120)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('read_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'notification', 'app': 'followups', 'indexes': [Index(fields=['recipient_id', 'id']), Index(fields=['recipient_id', 'read_at'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='RottingRule',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('org', fields.ForeignKeyField('followups.Organization', source_field='org_id', db_constraint=True, to_field='id', related_name='rotting_rules', on_delete=OnDelete.CASCADE)),
                ('segment', fields.CharField(max_length=64)),
                ('days', fields.IntField()),
            ],
            options={'table': 'rotting_rule', 'app': 'followups', 'unique_together': (('org', 'segment'),), 'pk_attr': 'id', 'table_description': 'Days without contact before a client of this segment counts as neglected.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='SavedFilter',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('org', fields.ForeignKeyField('followups.Organization', source_field='org_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('owner', fields.ForeignKeyField('followups.Staff', source_field='owner_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('name', fields.CharField(max_length=100)),
                ('criteria', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('shared', fields.BooleanField(default=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'saved_filter', 'app': 'followups', 'indexes': [Index(fields=['org_id', 'owner_id'])], 'pk_attr': 'id', 'table_description': 'A named follow-up filter, private to its owner or shared with the organization.'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='FollowUp',
            name='origin',
            field=fields.CharEnumField(default=Origin.MANUAL, description='MANUAL: manual\nROTTING_SCAN: rotting_scan\nAUTOMATION: automation\nSEQUENCE: sequence\nRECURRENCE: recurrence', enum_type=Origin, max_length=16),
        ),
        ops.RunPython(one_open_rotting_follow_up, drop_rotting_indexes),
    ]
