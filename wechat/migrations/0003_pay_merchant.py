from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('wechat', '0002_inbound_event_dispatched_at')]

    initial = False

    operations = [
        ops.CreateModel(
            name='PayMerchant',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('account', fields.OneToOneField('wechat.OfficialAccount', source_field='account_id', db_constraint=True, to_field='id', related_name='pay_merchant', on_delete=OnDelete.RESTRICT)),
                ('mch_id', fields.CharField(unique=True, max_length=32)),
                ('api_key_sealed', fields.TextField(unique=False)),
                ('send_name', fields.CharField(max_length=32)),
                ('client_ip', fields.CharField(default='127.0.0.1', max_length=45)),
                ('cert_path', fields.CharField(default='', max_length=255)),
                ('key_path', fields.CharField(default='', max_length=255)),
                ('is_active', fields.BooleanField(default=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'wechat_pay_merchant', 'app': 'wechat', 'pk_attr': 'id', 'table_description': "A WeChat Pay merchant bound to an official account: red packets go to that account's"},
            bases=['Model'],
        ),
    ]
