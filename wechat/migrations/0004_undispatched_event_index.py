from tortoise import migrations
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    """The relay's sweep looks for events not yet handed to workers; 0002 declared an index on
    dispatched_at that the built-in migrations never created. A partial index on id covers the
    sweep (WHERE dispatched_at IS NULL ORDER BY id) and stays as small as the backlog."""

    dependencies = [('wechat', '0003_pay_merchant')]

    initial = False

    operations = [
        ops.RunSQL(
            "CREATE INDEX IF NOT EXISTS wechat_inbound_event_undispatched "
            "ON wechat_inbound_event (id) WHERE dispatched_at IS NULL",
            reverse_sql="DROP INDEX IF EXISTS wechat_inbound_event_undispatched",
        ),
    ]
