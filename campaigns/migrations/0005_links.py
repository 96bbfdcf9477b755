from tortoise import migrations
from tortoise.migrations import operations as ops
from campaigns.sends.models import DeliveryStatus
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('campaigns', '0004_mass_campaigns')]

    initial = False

    operations = [
        ops.CreateModel(
            name='LinkClick',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('link_id', fields.IntField(db_index=True)),
                ('delivery_id', fields.BigIntField(null=True)),
                ('campaign_id', fields.IntField(null=True, db_index=True)),
                ('clicked_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('user_agent', fields.CharField(default='', max_length=255)),
            ],
            options={'table': 'campaigns_link_click', 'app': 'campaigns', 'pk_attr': 'id', 'table_description': 'One visit of a tracked link (append-only).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='TrackedLink',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('key', fields.CharField(unique=True, max_length=80)),
                ('code', fields.CharField(unique=True, max_length=16)),
                ('url', fields.TextField(unique=False)),
                ('delivery_id', fields.BigIntField(null=True, db_index=True)),
                ('campaign_id', fields.IntField(null=True, db_index=True)),
                ('clicks', fields.IntField(default=0)),
                ('first_clicked_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'campaigns_link', 'app': 'campaigns', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.AlterField(
            model_name='Delivery',
            name='status',
            field=fields.CharEnumField(default=DeliveryStatus.QUEUED, description='QUEUED: queued\nDEFERRED: deferred\nSENDING: sending\nBATCHED: batched\nSENT: sent\nDELIVERED: delivered\nREAD: read\nCLICKED: clicked\nFAILED: failed\nSKIPPED: skipped\nSKIPPED_OPTOUT: skipped_optout\nCANCELLED: cancelled', enum_type=DeliveryStatus, max_length=16),
        ),
    ]
