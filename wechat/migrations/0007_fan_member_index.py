from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('wechat', '0006_message_template')]

    initial = False

    operations = [
        ops.AlterField(
            model_name='Fan',
            name='member_id',
            field=fields.IntField(null=True, db_index=True),
        ),
    ]
