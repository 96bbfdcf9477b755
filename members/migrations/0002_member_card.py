from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('members', '0001_initial')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Member',
            name='card_bound_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='Member',
            name='card_no',
            field=fields.CharField(null=True, unique=True, max_length=16),
        ),
    ]
