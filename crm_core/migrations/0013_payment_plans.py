from tortoise import migrations
from tortoise.migrations import operations as ops
from crm_core.payments.models import ReminderKind
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index
from tortoise.migrations.constraints import CheckConstraint

class Migration(migrations.Migration):
    dependencies = [('crm_core', '0012_payments')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Instalment',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('contract', fields.ForeignKeyField('crm_core.Contract', source_field='contract_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('due_on', fields.DateField()),
                ('amount_fen', fields.BigIntField()),
                ('note', fields.CharField(default='', max_length=128)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'payments_instalment', 'app': 'crm_core', 'constraints': [CheckConstraint(check='amount_fen > 0', name='payments_instalment_positive')], 'indexes': [Index(fields=['contract_id', 'due_on'])], 'pk_attr': 'id', 'table_description': "One instalment of a contract's payment plan (回款计划). Its number (第 N 期) is its place"},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PlanReminder',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('instalment', fields.ForeignKeyField('crm_core.Instalment', source_field='instalment_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('contract_id', fields.IntField()),
                ('owner_id', fields.IntField(db_index=True)),
                ('kind', fields.CharEnumField(description='DUE_SOON: due_soon\nOVERDUE: overdue', enum_type=ReminderKind, max_length=16)),
                ('day', fields.DateField()),
                ('due_on', fields.DateField()),
                ('outstanding_fen', fields.BigIntField()),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'payments_plan_reminder', 'app': 'crm_core', 'unique_together': (('instalment_id', 'day'),), 'pk_attr': 'id', 'table_description': 'A reminder the daily beat recorded for an unpaid instalment: one per instalment per day.'},
            bases=['Model'],
        ),
    ]
