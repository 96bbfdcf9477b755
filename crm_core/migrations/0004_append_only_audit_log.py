from tortoise import migrations
from tortoise.migrations import operations as ops

# A row-level trigger: TRUNCATE (tests, a deliberate purge by the owner) is not affected.
FORBID = """
CREATE OR REPLACE FUNCTION crm_core_forbid_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'table % is append-only', TG_TABLE_NAME USING ERRCODE = 'raise_exception';
END
$$ LANGUAGE plpgsql;
"""


class Migration(migrations.Migration):
    dependencies = [('crm_core', '0003_sales_orders')]

    initial = False

    operations = [
        ops.RunSQL(
            [FORBID, "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log "
                     "FOR EACH ROW EXECUTE FUNCTION crm_core_forbid_change()"],
            reverse_sql=["DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log",
                         "DROP FUNCTION IF EXISTS crm_core_forbid_change()"],
        ),
    ]
