from tortoise import migrations
from tortoise.migrations import operations as ops

FORBID = """
CREATE OR REPLACE FUNCTION loyalty_forbid_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'table % is append-only', TG_TABLE_NAME USING ERRCODE = 'raise_exception';
END
$$ LANGUAGE plpgsql;
"""
TABLES = ("loyalty_points_entry", "loyalty_lot_allocation", "loyalty_lottery_draw")


class Migration(migrations.Migration):
    dependencies = [('loyalty', '0001_initial')]

    initial = False

    operations = [
        ops.RunSQL(
            [FORBID] + [f"CREATE TRIGGER {t}_append_only BEFORE UPDATE OR DELETE ON {t} "
                        f"FOR EACH ROW EXECUTE FUNCTION loyalty_forbid_change()" for t in TABLES],
            reverse_sql=[f"DROP TRIGGER IF EXISTS {t}_append_only ON {t}" for t in TABLES]
            + ["DROP FUNCTION IF EXISTS loyalty_forbid_change()"],
        ),
    ]
