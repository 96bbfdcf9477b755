from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from crm_core.catalog.models import FieldKind, SaleStatus
from crm_core.sales.quotes.models import QuoteStatus
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.migrations.constraints import CheckConstraint

class Migration(migrations.Migration):
    dependencies = [('crm_core', '0009_member_links')]

    initial = False

    operations = [
        ops.CreateModel(
            name='ProductCategory',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('name', fields.CharField(max_length=32)),
                ('parent', fields.ForeignKeyField('crm_core.ProductCategory', source_field='parent_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('position', fields.IntField(default=0)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'catalog_category', 'app': 'crm_core', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='CustomField',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('key', fields.CharField(unique=True, max_length=32)),
                ('label', fields.CharField(max_length=32)),
                ('kind', fields.CharEnumField(description='TEXT: text\nNUMBER: number\nDATE: date\nSELECT: select\nBOOL: bool', enum_type=FieldKind, max_length=16)),
                ('options', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('required', fields.BooleanField(default=False)),
                ('category', fields.ForeignKeyField('crm_core.ProductCategory', source_field='category_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'catalog_custom_field', 'app': 'crm_core', 'pk_attr': 'id', 'table_description': "A product attribute defined for every product (no category) or one category's."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Product',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('name', fields.CharField(max_length=64)),
                ('category', fields.ForeignKeyField('crm_core.ProductCategory', source_field='category_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('unit', fields.CharField(default='件', max_length=8)),
                ('description', fields.CharField(default='', max_length=500)),
                ('status', fields.CharEnumField(default=SaleStatus.ON_SALE, description='ON_SALE: on_sale\nOFF_SALE: off_sale', enum_type=SaleStatus, max_length=16)),
                ('custom', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'catalog_product', 'app': 'crm_core', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Quote',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('number', fields.CharField(unique=True, max_length=32)),
                ('customer', fields.ForeignKeyField('crm_core.Customer', source_field='customer_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('owner_id', fields.IntField(db_index=True)),
                ('department_id', fields.IntField(null=True, db_index=True)),
                ('status', fields.CharEnumField(default=QuoteStatus.DRAFT, description='DRAFT: draft\nSENT: sent\nACCEPTED: accepted\nREJECTED: rejected\nEXPIRED: expired', enum_type=QuoteStatus, max_length=16)),
                ('valid_until', fields.DateField()),
                ('subtotal_fen', fields.BigIntField()),
                ('discount_fen', fields.BigIntField(default=0)),
                ('total_fen', fields.BigIntField()),
                ('note', fields.CharField(default='', max_length=500)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'sales_quote', 'app': 'crm_core', 'constraints': [CheckConstraint(check='discount_fen >= 0 AND discount_fen <= subtotal_fen', name='sales_quote_discount_within_subtotal'), CheckConstraint(check='total_fen = subtotal_fen - discount_fen', name='sales_quote_total')], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='QuoteCounter',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('prefix', fields.CharField(max_length=8)),
                ('year', fields.IntField()),
                ('last_sequence', fields.IntField()),
            ],
            options={'table': 'sales_quote_counter', 'app': 'crm_core', 'unique_together': (('prefix', 'year'),), 'pk_attr': 'id', 'table_description': "The last number drawn per prefix and year; bumped by an upsert in the quote's own"},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='QuoteTemplate',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('number_prefix', fields.CharField(default='BJ', max_length=8)),
                ('title', fields.CharField(default='报价单', max_length=32)),
                ('company_name', fields.CharField(default='', max_length=64)),
                ('company_address', fields.CharField(default='', max_length=128)),
                ('company_phone', fields.CharField(default='', max_length=32)),
                ('header_note', fields.CharField(default='', max_length=500)),
                ('footer_note', fields.CharField(default='', max_length=500)),
                ('terms', fields.TextField(default='', unique=False)),
                ('columns', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('updated_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'sales_quote_template', 'app': 'crm_core', 'pk_attr': 'id', 'table_description': 'The print template: structured fields only, never code (one row, id 1).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Sku',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('product', fields.ForeignKeyField('crm_core.Product', source_field='product_id', db_constraint=True, to_field='id', related_name='skus', on_delete=OnDelete.RESTRICT)),
                ('code', fields.CharField(unique=True, max_length=64)),
                ('spec', fields.CharField(default='', max_length=64)),
                ('price_fen', fields.BigIntField()),
                ('status', fields.CharEnumField(default=SaleStatus.ON_SALE, description='ON_SALE: on_sale\nOFF_SALE: off_sale', enum_type=SaleStatus, max_length=16)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'catalog_sku', 'app': 'crm_core', 'constraints': [CheckConstraint(check='price_fen >= 0', name='catalog_sku_price_nonneg')], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='QuoteLine',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('quote', fields.ForeignKeyField('crm_core.Quote', source_field='quote_id', db_constraint=True, to_field='id', related_name='lines', on_delete=OnDelete.CASCADE)),
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
            options={'table': 'sales_quote_line', 'app': 'crm_core', 'constraints': [CheckConstraint(check='quantity > 0', name='sales_quote_line_quantity_positive'), CheckConstraint(check='discount_bp >= 0 AND discount_bp <= 10000', name='sales_quote_line_discount_range')], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='TillCode',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('code', fields.CharField(unique=True, max_length=64)),
                ('sku', fields.ForeignKeyField('crm_core.Sku', source_field='sku_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'catalog_till_code', 'app': 'crm_core', 'pk_attr': 'id', 'table_description': "A till's product code that is not the SKU's own code (a till code equal to a SKU code"},
            bases=['Model'],
        ),
    ]
