from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from crm_core.member_links.models import LinkHow
from json import dumps, loads
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('crm_core', '0008_approvals')]

    initial = False

    operations = [
        ops.CreateModel(
            name='LinkBlock',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('customer_id', fields.IntField()),
                ('member_id', fields.IntField(db_index=True)),
                ('blocked_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('blocked_by_id', fields.IntField(null=True)),
            ],
            options={'table': 'crm_member_link_block', 'app': 'crm_core', 'unique_together': (('customer_id', 'member_id'),), 'pk_attr': 'id', 'table_description': 'A pair staff unlinked: automatic runs leave it alone until a manual link or a forced run.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='LinkConflict',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('member_id', fields.IntField(unique=True)),
                ('phone', fields.CharField(max_length=20)),
                ('customer_ids', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('found_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('resolved_at', fields.DatetimeField(null=True, db_index=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'crm_member_link_conflict', 'app': 'crm_core', 'pk_attr': 'id', 'table_description': 'A verified phone several customers share: no automatic link, staff choose.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='MemberLink',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('customer_id', fields.IntField(unique=True)),
                ('member_id', fields.IntField(unique=True)),
                ('how', fields.CharEnumField(description='AUTO: auto\nMANUAL: manual', enum_type=LinkHow, max_length=8)),
                ('linked_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('linked_by_id', fields.IntField(null=True)),
            ],
            options={'table': 'crm_member_link', 'app': 'crm_core', 'pk_attr': 'id'},
            bases=['Model'],
        ),
    ]
