from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('campaigns', '0001_initial')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Segment',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('name', fields.CharField(unique=True, max_length=64)),
                ('description', fields.CharField(default='', max_length=255)),
                ('rule', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('member_count', fields.IntField(default=0)),
                ('counted_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_by_id', fields.IntField(null=True)),
                ('created_by_name', fields.CharField(default='', max_length=64)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'campaigns_segment', 'app': 'campaigns', 'pk_attr': 'id'},
            bases=['Model'],
        ),
    ]
