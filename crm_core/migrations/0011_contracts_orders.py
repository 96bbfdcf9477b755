from tortoise import migrations
from tortoise.migrations import operations as ops
from crm_core.sales.contracts.models import ContractStatus
from crm_core.sales.orders.models import ContractOrderStatus
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.migrations.constraints import CheckConstraint

class Migration(migrations.Migration):
    dependencies = [('crm_core', '0010_catalog_quotes')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Contract',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('number', fields.CharField(unique=True, max_length=32)),
                ('title', fields.CharField(max_length=64)),
                ('customer', fields.ForeignKeyField('crm_core.Customer', source_field='customer_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('opportunity_id', fields.IntField(null=True)),
                ('quote_id', fields.IntField(null=True)),
                ('owner_id', fields.IntField(db_index=True)),
                ('department_id', fields.IntField(null=True, db_index=True)),
                ('status', fields.CharEnumField(default=ContractStatus.DRAFT, description='DRAFT: draft\nAPPROVED: approved\nSIGNED: signed\nEXECUTING: executing\nCOMPLETED: completed\nVOID: void', enum_type=ContractStatus, max_length=16)),
                ('subtotal_fen', fields.BigIntField()),
                ('discount_fen', fields.BigIntField(default=0)),
                ('amount_fen', fields.BigIntField()),
                ('sign_date', fields.DateField(null=True)),
                ('start_date', fields.DateField(null=True)),
                ('end_date', fields.DateField(null=True)),
                ('note', fields.CharField(default='', max_length=500)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'sales_contract', 'app': 'crm_core', 'constraints': [CheckConstraint(check='discount_fen >= 0 AND discount_fen <= subtotal_fen', name='sales_contract_discount_within_subtotal'), CheckConstraint(check='amount_fen = subtotal_fen - discount_fen', name='sales_contract_amount'), CheckConstraint(check='end_date IS NULL OR start_date IS NULL OR end_date >= start_date', name='sales_contract_period')], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ContractAttachment',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('contract', fields.ForeignKeyField('crm_core.Contract', source_field='contract_id', db_constraint=True, to_field='id', related_name='attachments', on_delete=OnDelete.RESTRICT)),
                ('name', fields.CharField(max_length=128)),
                ('content_type', fields.CharField(max_length=64)),
                ('size', fields.IntField()),
                ('sha256', fields.CharField(max_length=64)),
                ('storage_key', fields.CharField(unique=True, max_length=128)),
                ('uploaded_by_id', fields.IntField()),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'sales_contract_attachment', 'app': 'crm_core', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ContractLine',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('contract', fields.ForeignKeyField('crm_core.Contract', source_field='contract_id', db_constraint=True, to_field='id', related_name='lines', on_delete=OnDelete.CASCADE)),
                ('sku', fields.ForeignKeyField('crm_core.Sku', source_field='sku_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('sku_code', fields.CharField(max_length=64)),
                ('product_name', fields.CharField(max_length=64)),
                ('spec', fields.CharField(default='', max_length=64)),
                ('unit', fields.CharField(max_length=8)),
                ('quantity', fields.IntField()),
                ('unit_price_fen', fields.BigIntField()),
                ('discount_bp', fields.IntField(default=0)),
                ('amount_fen', fields.BigIntField()),
            ],
            options={'table': 'sales_contract_line', 'app': 'crm_core', 'constraints': [CheckConstraint(check='quantity > 0', name='sales_contract_line_quantity_positive'), CheckConstraint(check='discount_bp >= 0 AND discount_bp <= 10000', name='sales_contract_line_discount_range')], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ContractOrder',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('number', fields.CharField(unique=True, max_length=32)),
                ('contract', fields.ForeignKeyField('crm_core.Contract', source_field='contract_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('customer', fields.ForeignKeyField('crm_core.Customer', source_field='customer_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('owner_id', fields.IntField(db_index=True)),
                ('department_id', fields.IntField(null=True, db_index=True)),
                ('status', fields.CharEnumField(default=ContractOrderStatus.REVIEWING, description='REVIEWING: reviewing\nREJECTED: rejected\nTO_DELIVER: to_deliver\nPARTIAL: partial\nDELIVERED: delivered', enum_type=ContractOrderStatus, max_length=16)),
                ('amount_fen', fields.BigIntField()),
                ('note', fields.CharField(default='', max_length=500)),
                ('proof_name', fields.CharField(max_length=128)),
                ('proof_content_type', fields.CharField(max_length=64)),
                ('proof_size', fields.IntField()),
                ('proof_sha256', fields.CharField(max_length=64)),
                ('proof_key', fields.CharField(unique=True, max_length=128)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'sales_contract_order', 'app': 'crm_core', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ContractOrderLine',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('order', fields.ForeignKeyField('crm_core.ContractOrder', source_field='order_id', db_constraint=True, to_field='id', related_name='lines', on_delete=OnDelete.CASCADE)),
                ('contract_line', fields.ForeignKeyField('crm_core.ContractLine', source_field='contract_line_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('sku_code', fields.CharField(max_length=64)),
                ('product_name', fields.CharField(max_length=64)),
                ('unit', fields.CharField(max_length=8)),
                ('quantity', fields.IntField()),
                ('unit_price_fen', fields.BigIntField()),
                ('amount_fen', fields.BigIntField()),
                ('delivered_quantity', fields.IntField(default=0)),
            ],
            options={'table': 'sales_contract_order_line', 'app': 'crm_core', 'constraints': [CheckConstraint(check='quantity > 0', name='sales_contract_order_line_quantity'), CheckConstraint(check='delivered_quantity >= 0 AND delivered_quantity <= quantity', name='sales_contract_order_line_delivered_within_ordered')], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='DeliveryNote',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('number', fields.CharField(unique=True, max_length=32)),
                ('order', fields.ForeignKeyField('crm_core.ContractOrder', source_field='order_id', db_constraint=True, to_field='id', related_name='deliveries', on_delete=OnDelete.RESTRICT)),
                ('shipped_on', fields.DateField()),
                ('carrier', fields.CharField(default='', max_length=64)),
                ('tracking_number', fields.CharField(default='', max_length=64)),
                ('note', fields.CharField(default='', max_length=500)),
                ('created_by_id', fields.IntField()),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'sales_delivery_note', 'app': 'crm_core', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='DeliveryLine',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('note', fields.ForeignKeyField('crm_core.DeliveryNote', source_field='note_id', db_constraint=True, to_field='id', related_name='lines', on_delete=OnDelete.CASCADE)),
                ('order_line', fields.ForeignKeyField('crm_core.ContractOrderLine', source_field='order_line_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('quantity', fields.IntField()),
            ],
            options={'table': 'sales_delivery_line', 'app': 'crm_core', 'constraints': [CheckConstraint(check='quantity > 0', name='sales_delivery_line_quantity_positive')], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='DocumentCounter',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('prefix', fields.CharField(max_length=8)),
                ('year', fields.IntField()),
                ('last_sequence', fields.IntField()),
            ],
            options={'table': 'sales_document_counter', 'app': 'crm_core', 'unique_together': (('prefix', 'year'),), 'pk_attr': 'id', 'table_description': 'The last number drawn per prefix and year for contracts (HT), B2B orders (DD) and'},
            bases=['Model'],
        ),
    ]
