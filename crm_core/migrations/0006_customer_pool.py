from tortoise import migrations
from tortoise.migrations import operations as ops
from crm_core.customers.models import CustomerLevel
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('crm_core', '0005_customers')]

    initial = False

    operations = [
        ops.CreateModel(
            name='PoolReminder',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('customer', fields.ForeignKeyField('crm_core.Customer', source_field='customer_id', db_constraint=True, to_field='id', related_name='pool_reminders', on_delete=OnDelete.RESTRICT)),
                ('owner_id', fields.IntField(db_index=True)),
                ('drop_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('reason', fields.CharField(max_length=16)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'crm_pool_reminder', 'app': 'crm_core', 'unique_together': (('customer', 'owner_id', 'drop_at'),), 'pk_attr': 'id', 'table_description': 'Told to the owner one day before the customer drops (即将掉入公海).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PoolRule',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('level', fields.CharEnumField(unique=True, description='A: a\nB: b\nC: c\nD: d', enum_type=CustomerLevel, max_length=8)),
                ('enabled', fields.BooleanField(default=False)),
                ('no_follow_up_days', fields.IntField(null=True)),
                ('no_deal_days', fields.IntField(null=True)),
                ('updated_by_id', fields.IntField(null=True)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'crm_pool_rule', 'app': 'crm_core', 'pk_attr': 'id', 'table_description': 'One per level: recycle after N days without a follow-up and/or M days without a deal.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PoolSetting',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('claim_batch_max', fields.IntField(default=10)),
                ('claim_daily_quota', fields.IntField(default=20)),
                ('cooldown_days', fields.IntField(default=7)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'crm_pool_setting', 'app': 'crm_core', 'pk_attr': 'id', 'table_description': 'The one row of claim limits (id 1).'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Customer',
            name='last_deal_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='Customer',
            name='owned_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='Customer',
            name='pool_reason',
            field=fields.CharField(default='', max_length=16),
        ),
        ops.AddField(
            model_name='Customer',
            name='pooled_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='Customer',
            name='previous_owner_id',
            field=fields.IntField(null=True),
        ),
        ops.AddField(
            model_name='Customer',
            name='trashed_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='Customer',
            name='trashed_by_id',
            field=fields.IntField(null=True),
        ),
    ]
