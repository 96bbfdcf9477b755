from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('wechat', '0005_fan_read_message')]

    initial = False

    operations = [
        ops.CreateModel(
            name='MessageTemplate',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('account', fields.ForeignKeyField('wechat.OfficialAccount', source_field='account_id', db_constraint=True, to_field='id', related_name='message_templates', on_delete=OnDelete.CASCADE)),
                ('template_id', fields.CharField(max_length=64)),
                ('title', fields.CharField(max_length=64)),
                ('primary_industry', fields.CharField(default='', max_length=64)),
                ('deputy_industry', fields.CharField(default='', max_length=64)),
                ('content', fields.TextField(unique=False)),
                ('example', fields.TextField(default='', unique=False)),
                ('synced_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'wechat_message_template', 'app': 'wechat', 'unique_together': (('account', 'template_id'),), 'pk_attr': 'id', 'table_description': 'A private template message of an account, as WeChat last listed it (synced on demand).'},
            bases=['Model'],
        ),
    ]
