from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name='Member',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('name', fields.CharField(default='', max_length=64)),
                ('phone', fields.CharField(null=True, unique=True, max_length=32)),
                ('first_store_id', fields.IntField(null=True, db_index=True)),
                ('first_guide_id', fields.IntField(null=True, db_index=True)),
                ('first_channel', fields.CharField(default='', max_length=64)),
                ('first_touch_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('last_store_id', fields.IntField(null=True)),
                ('last_guide_id', fields.IntField(null=True)),
                ('last_channel', fields.CharField(default='', max_length=64)),
                ('last_touch_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'members_member', 'app': 'members', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='MemberIdentity',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('member', fields.ForeignKeyField('members.Member', source_field='member_id', db_constraint=True, to_field='id', related_name='identities', on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharField(max_length=16)),
                ('appid', fields.CharField(default='', max_length=32)),
                ('value', fields.CharField(max_length=64)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'members_identity', 'app': 'members', 'unique_together': (('kind', 'appid', 'value'),), 'pk_attr': 'id', 'table_description': "An openid is per appid; a unionid spans the brand's accounts (appid left empty)."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='MemberTouch',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('member', fields.ForeignKeyField('members.Member', source_field='member_id', db_constraint=True, to_field='id', related_name='touches', on_delete=OnDelete.CASCADE)),
                ('event_id', fields.BigIntField(unique=True)),
                ('kind', fields.CharField(max_length=16)),
                ('store_id', fields.IntField(null=True)),
                ('guide_id', fields.IntField(null=True)),
                ('channel', fields.CharField(default='', max_length=64)),
                ('qrcode_id', fields.IntField(null=True)),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'members_touch', 'app': 'members', 'pk_attr': 'id', 'table_description': 'One attributed touch (follow or scan), unique per inbound event so a retry adds nothing.'},
            bases=['Model'],
        ),
    ]
