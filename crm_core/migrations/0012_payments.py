from tortoise import migrations
from tortoise.migrations import operations as ops
from crm_core.payments.models import AccountKind, JournalKind, Method, PaymentStatus, ReceiptStatus
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index
from tortoise.migrations.constraints import CheckConstraint

class Migration(migrations.Migration):
    dependencies = [('crm_core', '0011_contracts_orders')]

    initial = False

    operations = [
        ops.CreateModel(
            name='FundAccount',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('name', fields.CharField(unique=True, max_length=32)),
                ('kind', fields.CharEnumField(description='BANK: bank\nCASH: cash\nWECHAT: wechat\nALIPAY: alipay', enum_type=AccountKind, max_length=16)),
                ('bank_name', fields.CharField(default='', max_length=64)),
                ('account_number', fields.CharField(default='', max_length=64)),
                ('opening_balance_fen', fields.BigIntField()),
                ('opened_on', fields.DateField()),
                ('balance_fen', fields.BigIntField()),
                ('is_active', fields.BooleanField(default=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'payments_fund_account', 'app': 'crm_core', 'constraints': [CheckConstraint(check='balance_fen >= 0', name='payments_account_not_overdrawn'), CheckConstraint(check='opening_balance_fen >= 0', name='payments_opening_positive')], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='JournalEntry',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('account', fields.ForeignKeyField('crm_core.FundAccount', source_field='account_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('kind', fields.CharEnumField(description='OPENING: opening\nRECEIPT: receipt\nPAYMENT: payment\nTRANSFER_OUT: transfer_out\nTRANSFER_IN: transfer_in\nADJUSTMENT: adjustment\nREVERSAL: reversal', enum_type=JournalKind, max_length=16)),
                ('amount_fen', fields.BigIntField()),
                ('balance_after_fen', fields.BigIntField()),
                ('occurred_on', fields.DateField(db_index=True)),
                ('summary', fields.CharField(default='', max_length=128)),
                ('counterparty', fields.CharField(default='', max_length=64)),
                ('receipt_id', fields.IntField(null=True, unique=True)),
                ('payment_id', fields.IntField(null=True, unique=True)),
                ('reverses_id', fields.BigIntField(null=True, unique=True)),
                ('idempotency_key', fields.CharField(unique=True, max_length=80)),
                ('request_hash', fields.CharField(max_length=64)),
                ('created_by_id', fields.IntField(null=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'payments_journal_entry', 'app': 'crm_core', 'constraints': [CheckConstraint(check='balance_after_fen >= 0', name='payments_entry_not_overdrawn'), CheckConstraint(check="amount_fen <> 0 OR kind = 'opening'", name='payments_entry_moves_money')], 'indexes': [Index(fields=['account_id', 'occurred_on'])], 'pk_attr': 'id', 'table_description': 'One money movement on one account. Never updated or deleted (a trigger refuses it);'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Proof',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('path', fields.CharField(unique=True, max_length=128)),
                ('filename', fields.CharField(max_length=128)),
                ('content_type', fields.CharField(max_length=32)),
                ('size', fields.IntField()),
                ('uploaded_by_id', fields.IntField()),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'payments_proof', 'app': 'crm_core', 'pk_attr': 'id', 'table_description': 'An uploaded proof (image or PDF) on disk under the var dir; attached to one record.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Receipt',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('customer', fields.ForeignKeyField('crm_core.Customer', source_field='customer_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('contract_id', fields.IntField(null=True, db_index=True)),
                ('plan_id', fields.IntField(null=True)),
                ('account', fields.ForeignKeyField('crm_core.FundAccount', source_field='account_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('amount_fen', fields.BigIntField()),
                ('received_on', fields.DateField()),
                ('method', fields.CharEnumField(description='BANK_TRANSFER: bank_transfer\nCASH: cash\nWECHAT: wechat\nALIPAY: alipay\nCHEQUE: cheque', enum_type=Method, max_length=16)),
                ('proof_id', fields.IntField(null=True, unique=True)),
                ('note', fields.CharField(default='', max_length=255)),
                ('status', fields.CharEnumField(default=ReceiptStatus.PENDING, description='PENDING: pending\nCONFIRMED: confirmed\nREJECTED: rejected', enum_type=ReceiptStatus, max_length=16)),
                ('reject_reason', fields.CharField(default='', max_length=255)),
                ('reviewed_by_id', fields.IntField(null=True)),
                ('reviewed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('idempotency_key', fields.CharField(unique=True, max_length=80)),
                ('request_hash', fields.CharField(max_length=64)),
                ('created_by_id', fields.IntField()),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'payments_receipt', 'app': 'crm_core', 'constraints': [CheckConstraint(check='amount_fen > 0', name='payments_receipt_positive')], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Supplier',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('name', fields.CharField(unique=True, max_length=64)),
                ('contact', fields.CharField(default='', max_length=32)),
                ('phone', fields.CharField(default='', max_length=32)),
                ('bank_name', fields.CharField(default='', max_length=64)),
                ('bank_account', fields.CharField(default='', max_length=64)),
                ('note', fields.CharField(default='', max_length=255)),
                ('is_active', fields.BooleanField(default=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'payments_supplier', 'app': 'crm_core', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='SupplierPayment',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('supplier', fields.ForeignKeyField('crm_core.Supplier', source_field='supplier_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('account', fields.ForeignKeyField('crm_core.FundAccount', source_field='account_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('amount_fen', fields.BigIntField()),
                ('due_on', fields.DateField()),
                ('purpose', fields.CharField(max_length=128)),
                ('proof_id', fields.IntField(null=True, unique=True)),
                ('status', fields.CharEnumField(default=PaymentStatus.PENDING, description='PENDING: pending\nAPPROVED: approved\nPAID: paid\nREJECTED: rejected', enum_type=PaymentStatus, max_length=16)),
                ('approval_id', fields.IntField(null=True)),
                ('paid_on', fields.DateField(null=True)),
                ('paid_by_id', fields.IntField(null=True)),
                ('idempotency_key', fields.CharField(unique=True, max_length=80)),
                ('request_hash', fields.CharField(max_length=64)),
                ('created_by_id', fields.IntField(db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'payments_supplier_payment', 'app': 'crm_core', 'constraints': [CheckConstraint(check='amount_fen > 0', name='payments_payment_positive')], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        # The journal is append-only (the function comes from 0004): corrections are reversals.
        ops.RunSQL(
            ["CREATE TRIGGER payments_journal_append_only BEFORE UPDATE OR DELETE ON "
             "payments_journal_entry FOR EACH ROW EXECUTE FUNCTION crm_core_forbid_change()"],
            reverse_sql=["DROP TRIGGER IF EXISTS payments_journal_append_only ON payments_journal_entry"],
        ),
    ]
