from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from members.models import Calendar, Gender, MergeStatus, ProfileField
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('members', '0003_member_center_theme')]

    initial = False

    operations = [
        ops.CreateModel(
            name='MemberMerge',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('target_id', fields.IntField(db_index=True)),
                ('source_id', fields.IntField(db_index=True)),
                ('status', fields.CharEnumField(default=MergeStatus.DONE, description='DONE: done\nUNDONE: undone', enum_type=MergeStatus, max_length=8)),
                ('moved', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('reason', fields.CharField(default='', max_length=255)),
                ('actor_id', fields.IntField(null=True)),
                ('actor_name', fields.CharField(default='', max_length=64)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('undone_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('undone_by', fields.CharField(default='', max_length=64)),
            ],
            options={'table': 'members_merge', 'app': 'members', 'pk_attr': 'id', 'table_description': 'Member `source` merged into `target`; `moved` lists every row that moved, for the undo.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ProfileCompletion',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('member', fields.ForeignKeyField('members.Member', source_field='member_id', db_constraint=True, to_field='id', related_name='profile_completions', on_delete=OnDelete.CASCADE)),
                ('field', fields.CharEnumField(description='NAME: name\nGENDER: gender\nBIRTHDAY: birthday\nREGION: region\nADDRESS: address', enum_type=ProfileField, max_length=16)),
                ('completed_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'members_profile_completion', 'app': 'members', 'unique_together': (('member', 'field'),), 'pk_attr': 'id', 'table_description': 'A profile field completed for the first time; unique, so it earns once ever.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ProfileReward',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('field', fields.CharEnumField(unique=True, description='NAME: name\nGENDER: gender\nBIRTHDAY: birthday\nREGION: region\nADDRESS: address', enum_type=ProfileField, max_length=16)),
                ('points', fields.IntField(default=0)),
                ('coupon_template_id', fields.IntField(null=True)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'members_profile_reward', 'app': 'members', 'pk_attr': 'id', 'table_description': 'Reward per profile field; loyalty reads it (members must not depend on loyalty).'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Member',
            name='address',
            field=fields.CharField(default='', max_length=255),
        ),
        ops.AddField(
            model_name='Member',
            name='birthday',
            field=fields.DateField(null=True),
        ),
        ops.AddField(
            model_name='Member',
            name='birthday_calendar',
            field=fields.CharEnumField(default=Calendar.SOLAR, description='SOLAR: solar\nLUNAR: lunar', enum_type=Calendar, max_length=8),
        ),
        ops.AddField(
            model_name='Member',
            name='city',
            field=fields.CharField(default='', max_length=32),
        ),
        ops.AddField(
            model_name='Member',
            name='district',
            field=fields.CharField(default='', max_length=32),
        ),
        ops.AddField(
            model_name='Member',
            name='gender',
            field=fields.CharEnumField(default=Gender.UNKNOWN, description='UNKNOWN: \nMALE: male\nFEMALE: female', enum_type=Gender, max_length=8),
        ),
        ops.AddField(
            model_name='Member',
            name='lunar_birth_day',
            field=fields.SmallIntField(null=True),
        ),
        ops.AddField(
            model_name='Member',
            name='lunar_birth_month',
            field=fields.SmallIntField(null=True),
        ),
        ops.AddField(
            model_name='Member',
            name='merged_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='Member',
            name='merged_into_id',
            field=fields.IntField(null=True, db_index=True),
        ),
        ops.AddField(
            model_name='Member',
            name='province',
            field=fields.CharField(default='', max_length=32),
        ),
    ]
