"""Events (the facts automation reacts to), the webhook secret, and the closed statuses.

Invoices: "open" (the old default, an issued invoice not yet paid) becomes "sent";
"cancelled"/"canceled" becomes "void". Appointments: "canceled" becomes "cancelled",
"no-show"/"noshow" "no_show", "done" "completed". Other values stay until changed: the
closed sets (services.parties.STATUSES) refuse only new ones.
"""

from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from models.crm_events import EventKind, EventSource
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

RENAMED = (
    ("invoice", "open", "sent"),
    ("invoice", "cancelled", "void"),
    ("invoice", "canceled", "void"),
    ("appointment", "canceled", "cancelled"),
    ("appointment", "no-show", "no_show"),
    ("appointment", "noshow", "no_show"),
    ("appointment", "done", "completed"),
)


async def close_statuses(apps, schema_editor) -> None:
    for table, old, new in RENAMED:
        await schema_editor.client.execute_query(
            f"UPDATE {table} SET status = '{new}' WHERE LOWER(status) = '{old}'"
        )


async def reopen_statuses(apps, schema_editor) -> None:
    await schema_editor.client.execute_query("UPDATE invoice SET status = 'open' WHERE status = 'sent'")


class Migration(migrations.Migration):
    dependencies = [('followups', '0009_push_subscription_per_owner')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Event',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('org', fields.ForeignKeyField('followups.Organization', source_field='org_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('event_id', fields.CharField(max_length=200)),
                ('kind', fields.CharEnumField(description='CLIENT_CREATED: client_created\nCLIENT_UPDATED: client_updated\nLEAD_STAGE_CHANGED: lead_stage_changed\nAPPOINTMENT_COMPLETED: appointment_completed\nINVOICE_SENT: invoice_sent\nINVOICE_PAID: invoice_paid\nINVOICE_OVERDUE: invoice_overdue\nINBOUND_MESSAGE: inbound_message\nCALL_REACHED: call_reached\nEMAIL_OPENED: email_opened\nEMAIL_CLICKED: email_clicked\nMEETING_BOOKED: meeting_booked\nCUSTOM: custom', enum_type=EventKind, max_length=32)),
                ('occurred_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('received_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('source', fields.CharEnumField(description='API: api\nWEBHOOK: webhook\nMUTATION: mutation', enum_type=EventSource, max_length=16)),
                ('client', fields.ForeignKeyField('followups.Client', source_field='client_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('lead', fields.ForeignKeyField('followups.Lead', source_field='lead_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('appointment', fields.ForeignKeyField('followups.Appointment', source_field='appointment_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('invoice', fields.ForeignKeyField('followups.Invoice', source_field='invoice_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('channel', fields.CharField(null=True, max_length=16)),
                ('auto_reply', fields.BooleanField(default=False)),
                ('data', fields.JSONField(null=True, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
            ],
            options={'table': 'event', 'app': 'followups', 'unique_together': (('org', 'event_id'),), 'indexes': [Index(fields=['org_id', 'occurred_at']), Index(fields=['client_id', 'occurred_at'])], 'pk_attr': 'id', 'table_description': "One event, once: the organization's eventId is unique, so a replay finds the first."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='WebhookSecret',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('org', fields.ForeignKeyField('followups.Organization', source_field='org_id', unique=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('encrypted', fields.TextField(unique=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'webhook_secret', 'app': 'followups', 'pk_attr': 'id', 'table_description': "The organization's webhook signing secret, encrypted with SECRET_KEY (HMAC needs it back)."},
            bases=['Model'],
        ),
        ops.RunPython(close_statuses, reopen_statuses),
    ]
