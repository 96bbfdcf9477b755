from tortoise import migrations
from tortoise.migrations import operations as ops
from crm_core.sales.models import OrderStatus
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.migrations.constraints import CheckConstraint

class Migration(migrations.Migration):
    dependencies = [('crm_core', '0002_role_offered_defaults')]

    initial = False

    operations = [
        ops.CreateModel(
            name='SalesOrder',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('store', fields.ForeignKeyField('crm_core.Store', source_field='store_id', db_constraint=True, to_field='id', related_name='orders', on_delete=OnDelete.RESTRICT)),
                ('order_no', fields.CharField(max_length=64)),
                ('member_id', fields.IntField(null=True, db_index=True)),
                ('total_fen', fields.BigIntField()),
                ('refunded_fen', fields.BigIntField(default=0)),
                ('status', fields.CharEnumField(default=OrderStatus.PAID, description='PAID: paid\nPARTLY_REFUNDED: partly_refunded\nREFUNDED: refunded', enum_type=OrderStatus, max_length=16)),
                ('paid_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('request_hash', fields.CharField(max_length=64)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'sales_order', 'app': 'crm_core', 'unique_together': (('store', 'order_no'),), 'constraints': [CheckConstraint(check='total_fen >= 0', name='sales_order_total_nonneg'), CheckConstraint(check='refunded_fen >= 0 AND refunded_fen <= total_fen', name='sales_order_refund_within_total')], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='SalesOrderLine',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('order', fields.ForeignKeyField('crm_core.SalesOrder', source_field='order_id', db_constraint=True, to_field='id', related_name='lines', on_delete=OnDelete.CASCADE)),
                ('product_code', fields.CharField(max_length=64)),
                ('product_name', fields.CharField(default='', max_length=128)),
                ('quantity', fields.IntField()),
                ('unit_price_fen', fields.BigIntField()),
                ('amount_fen', fields.BigIntField()),
            ],
            options={'table': 'sales_order_line', 'app': 'crm_core', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='SalesRefund',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('order', fields.ForeignKeyField('crm_core.SalesOrder', source_field='order_id', db_constraint=True, to_field='id', related_name='refunds', on_delete=OnDelete.RESTRICT)),
                ('refund_no', fields.CharField(max_length=64)),
                ('amount_fen', fields.BigIntField()),
                ('refunded_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('request_hash', fields.CharField(max_length=64)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'sales_refund', 'app': 'crm_core', 'unique_together': (('order', 'refund_no'),), 'constraints': [CheckConstraint(check='amount_fen > 0', name='sales_refund_positive')], 'pk_attr': 'id'},
            bases=['Model'],
        ),
    ]
