from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('wechat', '0001_initial')]

    initial = False

    operations = [
        ops.AddField(
            model_name='InboundEvent',
            name='dispatched_at',
            field=fields.DatetimeField(null=True, db_index=True, auto_now=False, auto_now_add=False),
        ),
    ]
