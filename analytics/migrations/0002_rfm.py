from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('analytics', '0001_reviews')]

    operations = [
        ops.CreateModel(
            name='MemberRfm',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('member_id', fields.IntField(unique=True)),
                ('store_id', fields.IntField(null=True)),
                ('recency_days', fields.IntField()),
                ('frequency', fields.IntField()),
                ('monetary_fen', fields.BigIntField()),
                ('r_score', fields.SmallIntField()),
                ('f_score', fields.SmallIntField()),
                ('m_score', fields.SmallIntField()),
                ('rfm_class', fields.CharField(max_length=24)),
                ('last_purchase_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('interval_days', fields.IntField(null=True)),
                ('churned', fields.BooleanField()),
                ('churn_risk', fields.BooleanField()),
                ('computed_on', fields.DateField()),
            ],
            options={'table': 'analytics_rfm', 'app': 'analytics', 'pk_attr': 'id'},
            bases=['Model'],
        ),
    ]
