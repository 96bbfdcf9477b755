from tortoise import fields, migrations
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    """The inbox's read marker: inbound messages after it are the conversation's unread ones."""

    dependencies = [('wechat', '0004_undispatched_event_index')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Fan',
            name='read_message_id',
            field=fields.BigIntField(null=True),
        ),
    ]
