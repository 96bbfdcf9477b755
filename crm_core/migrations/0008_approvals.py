from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from crm_core.approvals.models import ActionKind, RequestStatus, StepStatus
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

# One open (pending or returned) request per record: two submissions at once end as one.
OPEN_INDEX = (
    "CREATE UNIQUE INDEX approval_request_open ON approval_request (kind, record_id) "
    "WHERE status IN ('pending', 'returned')"
)


class Migration(migrations.Migration):
    dependencies = [('crm_core', '0007_sales_pipeline')]

    initial = False

    operations = [
        ops.CreateModel(
            name='ApprovalFlow',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('kind', fields.CharField(unique=True, max_length=32)),
                ('steps', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('remind_after_hours', fields.IntField(default=24)),
                ('updated_by_id', fields.IntField(null=True)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'approval_flow', 'app': 'crm_core', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ApprovalRequest',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('kind', fields.CharField(max_length=32)),
                ('record_id', fields.IntField()),
                ('title', fields.CharField(max_length=128)),
                ('amount_fen', fields.BigIntField(default=0)),
                ('reason', fields.CharField(default='', max_length=255)),
                ('requester_id', fields.IntField(db_index=True)),
                ('requester_department_id', fields.IntField(null=True)),
                ('status', fields.CharEnumField(default=RequestStatus.PENDING, description='PENDING: pending\nAPPROVED: approved\nREJECTED: rejected\nRETURNED: returned\nWITHDRAWN: withdrawn', enum_type=RequestStatus, max_length=16)),
                ('current_step', fields.IntField(default=0)),
                ('version', fields.IntField(default=0)),
                ('locks_record', fields.BooleanField(default=True)),
                ('step_started_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('last_reminded_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('submitted_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('decided_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'approval_request', 'app': 'crm_core', 'indexes': [Index(fields=['kind', 'record_id'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ApprovalAction',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('request', fields.ForeignKeyField('crm_core.ApprovalRequest', source_field='request_id', db_constraint=True, to_field='id', related_name='actions', on_delete=OnDelete.CASCADE)),
                ('step_seq', fields.IntField(default=0)),
                ('action', fields.CharEnumField(description='SUBMIT: submit\nAPPROVE: approve\nREJECT: reject\nRETURN: return\nDELEGATE: delegate\nWITHDRAW: withdraw\nRESUBMIT: resubmit\nREMIND: remind', enum_type=ActionKind, max_length=16)),
                ('actor_id', fields.IntField(null=True)),
                ('target_id', fields.IntField(null=True)),
                ('comment', fields.CharField(default='', max_length=255)),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'approval_action', 'app': 'crm_core', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ApprovalReminder',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('request', fields.ForeignKeyField('crm_core.ApprovalRequest', source_field='request_id', db_constraint=True, to_field='id', related_name='reminders', on_delete=OnDelete.CASCADE)),
                ('step_seq', fields.IntField()),
                ('approver_id', fields.IntField(db_index=True)),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'approval_reminder', 'app': 'crm_core', 'pk_attr': 'id', 'table_description': 'A reminder to the approver of a step pending too long: their 审批中心 shows it.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ApprovalStep',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('request', fields.ForeignKeyField('crm_core.ApprovalRequest', source_field='request_id', db_constraint=True, to_field='id', related_name='steps', on_delete=OnDelete.CASCADE)),
                ('seq', fields.IntField()),
                ('name', fields.CharField(max_length=64)),
                ('approver_id', fields.IntField(null=True, db_index=True)),
                ('assigned_id', fields.IntField(null=True)),
                ('status', fields.CharEnumField(default=StepStatus.WAITING, description='WAITING: waiting\nPENDING: pending\nAPPROVED: approved\nREJECTED: rejected\nRETURNED: returned\nSKIPPED: skipped\nCANCELLED: cancelled', enum_type=StepStatus, max_length=16)),
                ('comment', fields.CharField(default='', max_length=255)),
                ('decided_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'approval_step', 'app': 'crm_core', 'unique_together': (('request', 'seq'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Customer',
            name='credit_limit_fen',
            field=fields.BigIntField(default=0),
        ),
        ops.RunSQL([OPEN_INDEX], reverse_sql=["DROP INDEX IF EXISTS approval_request_open"]),
    ]
