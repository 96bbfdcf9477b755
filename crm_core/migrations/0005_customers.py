from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from crm_core.customers.models import CustomerKind, CustomerLevel, CustomerSource, FollowUpKind
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('crm_core', '0004_append_only_audit_log')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Customer',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('kind', fields.CharEnumField(default=CustomerKind.PERSON, description='PERSON: person\nCOMPANY: company', enum_type=CustomerKind, max_length=16)),
                ('name', fields.CharField(max_length=64)),
                ('name_key', fields.CharField(max_length=64)),
                ('phone', fields.CharField(max_length=20)),
                ('level', fields.CharEnumField(default=CustomerLevel.C, description='A: a\nB: b\nC: c\nD: d', enum_type=CustomerLevel, max_length=8)),
                ('source', fields.CharEnumField(default=CustomerSource.SELF, description='SELF: self\nREFERRAL: referral\nADVERTISING: advertising\nEXHIBITION: exhibition\nONLINE: online\nIMPORT: import\nOTHER: other', enum_type=CustomerSource, max_length=16)),
                ('industry', fields.CharField(default='', max_length=64)),
                ('address', fields.CharField(default='', max_length=255)),
                ('tags', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('owner_id', fields.IntField(null=True, db_index=True)),
                ('department_id', fields.IntField(null=True, db_index=True)),
                ('created_by_id', fields.IntField(null=True)),
                ('member_id', fields.IntField(null=True, db_index=True)),
                ('last_followed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('next_contact_at', fields.DatetimeField(null=True, db_index=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'crm_customer', 'app': 'crm_core', 'unique_together': (('phone', 'name_key'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Contact',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('customer', fields.ForeignKeyField('crm_core.Customer', source_field='customer_id', db_constraint=True, to_field='id', related_name='contacts', on_delete=OnDelete.RESTRICT)),
                ('name', fields.CharField(max_length=64)),
                ('phone', fields.CharField(default='', max_length=20)),
                ('title', fields.CharField(default='', max_length=64)),
                ('is_primary', fields.BooleanField(default=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'crm_contact', 'app': 'crm_core', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='FollowUp',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('customer', fields.ForeignKeyField('crm_core.Customer', source_field='customer_id', db_constraint=True, to_field='id', related_name='follow_ups', on_delete=OnDelete.RESTRICT)),
                ('kind', fields.CharEnumField(description='CALL: call\nVISIT: visit\nWECHAT: wechat\nNOTE: note', enum_type=FollowUpKind, max_length=16)),
                ('content', fields.TextField(unique=False)),
                ('next_contact_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('staff_id', fields.IntField()),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'crm_follow_up', 'app': 'crm_core', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='TransferRecord',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('customer', fields.ForeignKeyField('crm_core.Customer', source_field='customer_id', db_constraint=True, to_field='id', related_name='transfers', on_delete=OnDelete.RESTRICT)),
                ('from_staff_id', fields.IntField(null=True)),
                ('to_staff_id', fields.IntField(null=True)),
                ('by_staff_id', fields.IntField(null=True)),
                ('reason', fields.CharField(default='', max_length=255)),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'crm_customer_transfer', 'app': 'crm_core', 'pk_attr': 'id'},
            bases=['Model'],
        ),
    ]
