from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from campaigns.care.models import CareType
from campaigns.sends.models import DeliveryStatus
from json import dumps, loads
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('campaigns', '0002_segment')]

    initial = False

    operations = [
        ops.CreateModel(
            name='CareSetting',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('care_type', fields.CharEnumField(unique=True, description='WELCOME: welcome\nCARD_BOUND: card_bound\nTIER_UP: tier_up\nTIER_DOWN: tier_down\nPOINTS_CHANGED: points_changed\nPURCHASE: purchase\nCOUPON_ISSUED: coupon_issued\nCOUPON_EXPIRING: coupon_expiring\nBIRTHDAY: birthday\nFESTIVAL: festival', enum_type=CareType, max_length=20)),
                ('enabled', fields.BooleanField(default=False)),
                ('text', fields.TextField(default='', unique=False)),
                ('template_id', fields.CharField(default='', max_length=64)),
                ('template_fields', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('template_url', fields.CharField(default='', max_length=255)),
                ('sms', fields.CharField(default='', max_length=300)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'campaigns_care_setting', 'app': 'campaigns', 'pk_attr': 'id', 'table_description': 'A type without a row is off; the router picks the channel among those filled in.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Delivery',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('idempotency_key', fields.CharField(unique=True, max_length=255)),
                ('intent_key', fields.CharField(db_index=True, max_length=200)),
                ('kind', fields.CharField(db_index=True, max_length=32)),
                ('member_id', fields.IntField(db_index=True)),
                ('fan_id', fields.IntField(null=True, db_index=True)),
                ('channel', fields.CharField(default='', max_length=20)),
                ('status', fields.CharEnumField(default=DeliveryStatus.QUEUED, description='QUEUED: queued\nDEFERRED: deferred\nSENDING: sending\nBATCHED: batched\nSENT: sent\nDELIVERED: delivered\nREAD: read\nFAILED: failed\nSKIPPED: skipped\nSKIPPED_OPTOUT: skipped_optout', enum_type=DeliveryStatus, max_length=16)),
                ('reason', fields.CharField(default='', max_length=64)),
                ('error_code', fields.CharField(default='', max_length=32)),
                ('error_message', fields.CharField(default='', max_length=255)),
                ('content', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('excluded', fields.CharField(default='', max_length=64)),
                ('wechat_msgid', fields.BigIntField(null=True)),
                ('sms_message_id', fields.BigIntField(null=True)),
                ('attempts', fields.IntField(default=0)),
                ('not_before', fields.DatetimeField(null=True, db_index=True, auto_now=False, auto_now_add=False)),
                ('claimed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('sent_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'campaigns_delivery', 'app': 'campaigns', 'indexes': [Index(fields=['member_id', 'channel', 'sent_at']), Index(fields=['fan_id', 'channel', 'sent_at'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Festival',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('name', fields.CharField(unique=True, max_length=32)),
                ('calendar', fields.CharField(max_length=8)),
                ('month', fields.SmallIntField()),
                ('day', fields.SmallIntField()),
                ('enabled', fields.BooleanField(default=True)),
            ],
            options={'table': 'campaigns_festival', 'app': 'campaigns', 'pk_attr': 'id'},
            bases=['Model'],
        ),
    ]
