from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from crm_core.org.models import DataScope, StoreStatus
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name='AuditLog',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('actor_id', fields.IntField(null=True)),
                ('actor_name', fields.CharField(default='', max_length=64)),
                ('ip', fields.CharField(default='', max_length=64)),
                ('user_agent', fields.CharField(default='', max_length=255)),
                ('action', fields.CharField(db_index=True, max_length=64)),
                ('target_type', fields.CharField(default='', max_length=64)),
                ('target_id', fields.CharField(default='', max_length=64)),
                ('before', fields.JSONField(null=True, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('after', fields.JSONField(null=True, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('reason', fields.CharField(default='', max_length=255)),
                ('prev_hash', fields.CharField(default='', max_length=64)),
                ('hash', fields.CharField(max_length=64)),
            ],
            options={'table': 'audit_log', 'app': 'crm_core', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Department',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('name', fields.CharField(max_length=64)),
                ('parent', fields.ForeignKeyField('crm_core.Department', source_field='parent_id', null=True, db_constraint=True, to_field='id', related_name='children', on_delete=OnDelete.RESTRICT)),
                ('sort_order', fields.IntField(default=0)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'org_department', 'app': 'crm_core', 'unique_together': (('parent', 'name'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Position',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('name', fields.CharField(unique=True, max_length=64)),
                ('description', fields.CharField(default='', max_length=255)),
            ],
            options={'table': 'org_position', 'app': 'crm_core', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Role',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('code', fields.CharField(unique=True, max_length=32)),
                ('name', fields.CharField(max_length=64)),
                ('description', fields.CharField(default='', max_length=255)),
                ('builtin', fields.BooleanField(default=False)),
                ('permissions', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('data_scope', fields.CharEnumField(default=DataScope.OWN, description='OWN: own\nDEPARTMENT: department\nSUBTREE: subtree\nALL: all', enum_type=DataScope, max_length=16)),
            ],
            options={'table': 'org_role', 'app': 'crm_core', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Store',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('code', fields.CharField(unique=True, max_length=32)),
                ('name', fields.CharField(max_length=64)),
                ('province', fields.CharField(default='', max_length=32)),
                ('city', fields.CharField(default='', max_length=32)),
                ('district', fields.CharField(default='', max_length=32)),
                ('address', fields.CharField(default='', max_length=255)),
                ('phone', fields.CharField(default='', max_length=32)),
                ('status', fields.CharEnumField(default=StoreStatus.OPEN, description='PREPARING: preparing\nOPEN: open\nSUSPENDED: suspended\nCLOSED: closed', enum_type=StoreStatus, max_length=16)),
                ('department', fields.ForeignKeyField('crm_core.Department', source_field='department_id', db_constraint=True, to_field='id', related_name='stores', on_delete=OnDelete.RESTRICT)),
                ('manager_id', fields.IntField(null=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'org_store', 'app': 'crm_core', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Staff',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('username', fields.CharField(unique=True, max_length=64)),
                ('name', fields.CharField(max_length=64)),
                ('phone', fields.CharField(default='', max_length=32)),
                ('email', fields.CharField(default='', max_length=128)),
                ('password_hash', fields.CharField(max_length=255)),
                ('department', fields.ForeignKeyField('crm_core.Department', source_field='department_id', null=True, db_constraint=True, to_field='id', related_name='staff', on_delete=OnDelete.RESTRICT)),
                ('position', fields.ForeignKeyField('crm_core.Position', source_field='position_id', null=True, db_constraint=True, to_field='id', related_name='staff', on_delete=OnDelete.SET_NULL)),
                ('store', fields.ForeignKeyField('crm_core.Store', source_field='store_id', null=True, db_constraint=True, to_field='id', related_name='guides', on_delete=OnDelete.SET_NULL)),
                ('is_guide', fields.BooleanField(default=False)),
                ('is_active', fields.BooleanField(default=True)),
                ('roles', fields.ManyToManyField('crm_core.Role', unique=True, db_constraint=True, through='org_staff_role', forward_key='role_id', backward_key='org_staff_id', related_name='staff', on_delete=OnDelete.CASCADE)),
                ('last_login_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'org_staff', 'app': 'crm_core', 'pk_attr': 'id'},
            bases=['Model'],
        ),
    ]
