from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from campaigns.mass.models import CampaignStatus, ChannelPlan
from campaigns.sends.models import DeliveryStatus
from json import dumps, loads
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('campaigns', '0003_sends_and_care')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Campaign',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('name', fields.CharField(max_length=64)),
                ('segment_id', fields.IntField()),
                ('segment_name', fields.CharField(default='', max_length=64)),
                ('plan', fields.CharEnumField(description='AUTO: auto\nMASS: mass\nTEMPLATE: template\nCUSTOMER_SERVICE: customer_service\nSMS: sms', enum_type=ChannelPlan, max_length=20)),
                ('content', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('status', fields.CharEnumField(default=CampaignStatus.DRAFT, description='DRAFT: draft\nSCHEDULED: scheduled\nFREEZING: freezing\nRUNNING: running\nDONE: done\nCANCELLED: cancelled\nFAILED: failed', enum_type=CampaignStatus, max_length=16)),
                ('scheduled_at', fields.DatetimeField(null=True, db_index=True, auto_now=False, auto_now_add=False)),
                ('recipients', fields.IntField(default=0)),
                ('error', fields.CharField(default='', max_length=255)),
                ('started_by_id', fields.IntField(null=True)),
                ('started_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('finished_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('cancelled_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_by_id', fields.IntField(null=True)),
                ('created_by_name', fields.CharField(default='', max_length=64)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'campaigns_campaign', 'app': 'campaigns', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='MassJob',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('campaign_id', fields.IntField(db_index=True)),
                ('account_id', fields.IntField()),
                ('batch_no', fields.IntField()),
                ('clientmsgid', fields.CharField(unique=True, max_length=64)),
                ('msg_id', fields.BigIntField(null=True, db_index=True)),
                ('size', fields.IntField()),
                ('status', fields.CharField(default='submitted', max_length=16)),
                ('wechat_status', fields.CharField(default='', max_length=64)),
                ('total_count', fields.IntField(null=True)),
                ('filter_count', fields.IntField(null=True)),
                ('sent_count', fields.IntField(null=True)),
                ('error_count', fields.IntField(null=True)),
                ('error_code', fields.CharField(default='', max_length=32)),
                ('submitted_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('finished_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'campaigns_mass_job', 'app': 'campaigns', 'pk_attr': 'id', 'table_description': 'One WeChat mass send (2..10 000 openids of one account) and its MASSSENDJOBFINISH.'},
            bases=['Model'],
        ),
        ops.AlterField(
            model_name='Delivery',
            name='status',
            field=fields.CharEnumField(default=DeliveryStatus.QUEUED, description='QUEUED: queued\nDEFERRED: deferred\nSENDING: sending\nBATCHED: batched\nSENT: sent\nDELIVERED: delivered\nREAD: read\nFAILED: failed\nSKIPPED: skipped\nSKIPPED_OPTOUT: skipped_optout\nCANCELLED: cancelled', enum_type=DeliveryStatus, max_length=16),
        ),
        ops.AddField(
            model_name='Delivery',
            name='batch_no',
            field=fields.IntField(null=True),
        ),
        ops.AddField(
            model_name='Delivery',
            name='campaign_id',
            field=fields.IntField(null=True),
        ),
        ops.AddField(
            model_name='Delivery',
            name='clicked_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='Delivery',
            name='delivered_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddIndex(
            model_name='Delivery',
            index=Index(fields=['campaign_id', 'status']),
        ),
        ops.AddIndex(
            model_name='Delivery',
            index=Index(fields=['campaign_id', 'batch_no']),
        ),
    ]
