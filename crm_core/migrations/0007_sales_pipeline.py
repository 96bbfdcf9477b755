from tortoise import migrations
from tortoise.migrations import operations as ops
from crm_core.customers.models import CustomerSource
from crm_core.sales.leads.models import LeadStatus
from crm_core.sales.opportunities.models import OpportunityStatus
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('crm_core', '0006_customer_pool')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Lead',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('name', fields.CharField(max_length=64)),
                ('company', fields.CharField(default='', max_length=128)),
                ('phone', fields.CharField(max_length=20)),
                ('source', fields.CharEnumField(default=CustomerSource.SELF, description='SELF: self\nREFERRAL: referral\nADVERTISING: advertising\nEXHIBITION: exhibition\nONLINE: online\nIMPORT: import\nOTHER: other', enum_type=CustomerSource, max_length=16)),
                ('status', fields.CharEnumField(default=LeadStatus.NEW, description='NEW: new\nCONTACTED: contacted\nQUALIFIED: qualified\nCONVERTED: converted\nLOST: lost', enum_type=LeadStatus, max_length=16)),
                ('note', fields.CharField(default='', max_length=500)),
                ('owner_id', fields.IntField(db_index=True)),
                ('department_id', fields.IntField(null=True)),
                ('created_by_id', fields.IntField(null=True)),
                ('customer_id', fields.IntField(null=True)),
                ('opportunity_id', fields.IntField(null=True)),
                ('converted_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'crm_lead', 'app': 'crm_core', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='LeadFollowUp',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('lead', fields.ForeignKeyField('crm_core.Lead', source_field='lead_id', db_constraint=True, to_field='id', related_name='follow_ups', on_delete=OnDelete.RESTRICT)),
                ('content', fields.TextField(unique=False)),
                ('staff_id', fields.IntField()),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'crm_lead_follow_up', 'app': 'crm_core', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='LostReason',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('name', fields.CharField(unique=True, max_length=32)),
                ('position', fields.IntField(default=0)),
                ('is_active', fields.BooleanField(default=True)),
            ],
            options={'table': 'crm_lost_reason', 'app': 'crm_core', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Stage',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('name', fields.CharField(unique=True, max_length=32)),
                ('position', fields.IntField()),
                ('probability', fields.IntField()),
                ('is_won', fields.BooleanField(default=False)),
                ('is_lost', fields.BooleanField(default=False)),
            ],
            options={'table': 'crm_opportunity_stage', 'app': 'crm_core', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Opportunity',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('customer', fields.ForeignKeyField('crm_core.Customer', source_field='customer_id', db_constraint=True, to_field='id', related_name='opportunities', on_delete=OnDelete.RESTRICT)),
                ('name', fields.CharField(max_length=128)),
                ('amount_fen', fields.BigIntField()),
                ('expected_close_date', fields.DateField()),
                ('stage', fields.ForeignKeyField('crm_core.Stage', source_field='stage_id', db_constraint=True, to_field='id', related_name='opportunities', on_delete=OnDelete.RESTRICT)),
                ('status', fields.CharEnumField(default=OpportunityStatus.OPEN, description='OPEN: open\nWON: won\nLOST: lost', enum_type=OpportunityStatus, max_length=8)),
                ('owner_id', fields.IntField(db_index=True)),
                ('department_id', fields.IntField(null=True)),
                ('created_by_id', fields.IntField(null=True)),
                ('lead_id', fields.IntField(null=True)),
                ('stage_entered_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('won_at', fields.DatetimeField(null=True, db_index=True, auto_now=False, auto_now_add=False)),
                ('lost_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('lost_reason', fields.ForeignKeyField('crm_core.LostReason', source_field='lost_reason_id', null=True, db_constraint=True, to_field='id', related_name='opportunities', on_delete=OnDelete.RESTRICT)),
                ('lost_note', fields.CharField(default='', max_length=255)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'crm_opportunity', 'app': 'crm_core', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='StageVisit',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('opportunity', fields.ForeignKeyField('crm_core.Opportunity', source_field='opportunity_id', db_constraint=True, to_field='id', related_name='visits', on_delete=OnDelete.RESTRICT)),
                ('stage', fields.ForeignKeyField('crm_core.Stage', source_field='stage_id', db_constraint=True, to_field='id', related_name='visits', on_delete=OnDelete.RESTRICT)),
                ('entered_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('left_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('by_staff_id', fields.IntField(null=True)),
            ],
            options={'table': 'crm_opportunity_stage_history', 'app': 'crm_core', 'pk_attr': 'id', 'table_description': 'One stay of an opportunity in a stage: entered, and left (NULL while it is there).'},
            bases=['Model'],
        ),
    ]
