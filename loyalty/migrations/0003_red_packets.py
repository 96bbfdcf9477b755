from tortoise import migrations
from tortoise.migrations import operations as ops
from loyalty.redpackets.models import RedPacketSource, RedPacketStatus
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index
from tortoise.migrations.constraints import CheckConstraint

class Migration(migrations.Migration):
    dependencies = [('loyalty', '0002_append_only_ledger'), ('members', '0002_member_card')]

    initial = False

    operations = [
        ops.CreateModel(
            name='RedPacket',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('member', fields.ForeignKeyField('members.Member', source_field='member_id', db_constraint=True, to_field='id', related_name='red_packets', on_delete=OnDelete.RESTRICT)),
                ('source', fields.CharEnumField(description='CHECKIN: checkin\nLOTTERY: lottery\nMALL: mall', enum_type=RedPacketSource, max_length=16)),
                ('source_id', fields.IntField()),
                ('day', fields.DateField()),
                ('amount_fen', fields.IntField()),
                ('act_name', fields.CharField(max_length=32)),
                ('wishing', fields.CharField(max_length=128)),
                ('status', fields.CharEnumField(default=RedPacketStatus.PENDING, description='PENDING: pending\nSENT: sent\nFAILED: failed\nUNKNOWN: unknown', enum_type=RedPacketStatus, max_length=16)),
                ('mch_billno', fields.CharField(null=True, unique=True, max_length=28)),
                ('merchant_id', fields.IntField(null=True)),
                ('openid', fields.CharField(default='', max_length=64)),
                ('send_listid', fields.CharField(default='', max_length=64)),
                ('wechat_status', fields.CharField(default='', max_length=16)),
                ('err_code', fields.CharField(default='', max_length=32)),
                ('err_message', fields.CharField(default='', max_length=255)),
                ('attempts', fields.IntField(default=0)),
                ('lease_until', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('sent_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('updated_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'loyalty_red_packet', 'app': 'loyalty', 'unique_together': (('source', 'source_id'),), 'constraints': [CheckConstraint(check='amount_fen > 0', name='loyalty_red_packet_amount_positive')], 'indexes': [Index(fields=['status', 'created_at'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Checkin',
            name='red_packet_fen',
            field=fields.IntField(default=0),
        ),
        ops.AddField(
            model_name='StreakReward',
            name='red_packet_fen',
            field=fields.IntField(default=0),
        ),
    ]
