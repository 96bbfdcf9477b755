from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('members', '0002_member_card')]

    initial = False

    operations = [
        ops.CreateModel(
            name='CenterImage',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('content', fields.BinaryField()),
                ('content_type', fields.CharField(max_length=16)),
                ('sha256', fields.CharField(max_length=64)),
                ('width', fields.IntField()),
                ('height', fields.IntField()),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'members_center_image', 'app': 'members', 'pk_attr': 'id', 'table_description': 'An uploaded logo or banner picture, kept in PostgreSQL so every web process serves it.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='CenterBanner',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('image', fields.ForeignKeyField('members.CenterImage', source_field='image_id', db_constraint=True, to_field='id', related_name='banners', on_delete=OnDelete.RESTRICT)),
                ('title', fields.CharField(default='', max_length=32)),
                ('link', fields.CharField(default='', max_length=255)),
                ('position', fields.IntField(default=0)),
                ('is_active', fields.BooleanField(default=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'members_center_banner', 'app': 'members', 'pk_attr': 'id', 'table_description': 'A slide of the home page carousel; the link is a relative path or an https URL.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='CenterTheme',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('brand_name', fields.CharField(default='会员中心', max_length=32)),
                ('primary_color', fields.CharField(default='#07c160', max_length=7)),
                ('logo', fields.ForeignKeyField('members.CenterImage', source_field='logo_id', null=True, db_constraint=True, to_field='id', related_name='themes', on_delete=OnDelete.SET_NULL)),
                ('updated_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'members_center_theme', 'app': 'members', 'pk_attr': 'id', 'table_description': "The member center's look (one row, id 1): brand name, colour and logo."},
            bases=['Model'],
        ),
    ]
