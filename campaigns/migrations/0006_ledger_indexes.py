from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('campaigns', '0005_links')]

    initial = False

    operations = [
        ops.RemoveIndex(
            model_name='Delivery',
            name=None,
            fields=['campaign_id', 'batch_no'],
        ),
        ops.AlterField(
            model_name='Delivery',
            name='fan_id',
            field=fields.IntField(null=True),
        ),
        ops.AlterField(
            model_name='Delivery',
            name='intent_key',
            field=fields.CharField(max_length=200),
        ),
        ops.AlterField(
            model_name='Delivery',
            name='kind',
            field=fields.CharField(max_length=32),
        ),
        ops.AlterField(
            model_name='Delivery',
            name='member_id',
            field=fields.IntField(),
        ),
        ops.AlterField(
            model_name='Delivery',
            name='not_before',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddIndex(
            model_name='Delivery',
            index=Index(fields=['status', 'not_before']),
        ),
    ]
