from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.indexes import PartialIndex

class Migration(migrations.Migration):
    dependencies = [('campaigns', '0006_ledger_indexes')]

    initial = False

    operations = [
        ops.AddIndex(
            model_name='Delivery',
            index=PartialIndex(fields=['wechat_msgid'], condition={'channel': 'template'}),
        ),
    ]
