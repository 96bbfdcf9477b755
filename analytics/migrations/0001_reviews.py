from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from analytics.reviews.models import Sentiment, WordKind
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name='Review',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('order_id', fields.IntField(unique=True)),
                ('member_id', fields.IntField(db_index=True)),
                ('store_id', fields.IntField(db_index=True)),
                ('guide_id', fields.IntField(null=True)),
                ('stars', fields.SmallIntField()),
                ('guide_stars', fields.SmallIntField(null=True)),
                ('sentiment', fields.CharEnumField(description='GOOD: good\nMEDIUM: medium\nBAD: bad', enum_type=Sentiment, max_length=8)),
                ('text', fields.CharField(default='', max_length=500)),
                ('pictures', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('day', fields.DateField(db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('reply', fields.CharField(default='', max_length=500)),
                ('replied_by_id', fields.IntField(null=True)),
                ('replied_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'analytics_review', 'app': 'analytics', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ReviewItem',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('review', fields.ForeignKeyField('analytics.Review', source_field='review_id', db_constraint=True, to_field='id', related_name='items', on_delete=OnDelete.CASCADE)),
                ('product_code', fields.CharField(max_length=64)),
                ('product_name', fields.CharField(default='', max_length=128)),
                ('stars', fields.SmallIntField()),
                ('sentiment', fields.CharEnumField(description='GOOD: good\nMEDIUM: medium\nBAD: bad', enum_type=Sentiment, max_length=8)),
            ],
            options={'table': 'analytics_review_item', 'app': 'analytics', 'unique_together': (('review', 'product_code'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ReviewTerm',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('review', fields.ForeignKeyField('analytics.Review', source_field='review_id', db_constraint=True, to_field='id', related_name='terms', on_delete=OnDelete.CASCADE)),
                ('term', fields.CharField(db_index=True, max_length=64)),
                ('count', fields.IntField()),
            ],
            options={'table': 'analytics_review_term', 'app': 'analytics', 'unique_together': (('review', 'term'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='SegmentWord',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('kind', fields.CharEnumField(description='DICT: dict\nSTOP: stop', enum_type=WordKind, max_length=8)),
                ('word', fields.CharField(max_length=32)),
                ('enabled', fields.BooleanField(default=True)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'analytics_segment_word', 'app': 'analytics', 'unique_together': (('kind', 'word'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='TermDaily',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('day', fields.DateField()),
                ('store_id', fields.IntField()),
                ('product_code', fields.CharField(max_length=64)),
                ('sentiment', fields.CharEnumField(description='GOOD: good\nMEDIUM: medium\nBAD: bad', enum_type=Sentiment, max_length=8)),
                ('term', fields.CharField(max_length=64)),
                ('count', fields.IntField()),
                ('reviews', fields.IntField()),
            ],
            options={'table': 'analytics_term_daily', 'app': 'analytics', 'unique_together': (('day', 'store_id', 'product_code', 'sentiment', 'term'),), 'indexes': [Index(fields=['day', 'product_code', 'sentiment'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
    ]
