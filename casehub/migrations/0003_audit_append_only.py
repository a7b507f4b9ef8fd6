from django.db import migrations

# PostgreSQL refuses UPDATE and DELETE on audit events, whoever asks (short of disabling the
# trigger, which needs the table owner and shows up in the database's own logs). TRUNCATE is
# left to the owner so that test databases can be flushed; `verify_audit` catches a cut chain.
FORWARD = """
CREATE OR REPLACE FUNCTION casehub_audit_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit events are append-only (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER casehub_auditevent_append_only
    BEFORE UPDATE OR DELETE ON casehub_auditevent
    FOR EACH ROW EXECUTE FUNCTION casehub_audit_refuse_change();
"""
BACKWARD = """
DROP TRIGGER IF EXISTS casehub_auditevent_append_only ON casehub_auditevent;
DROP FUNCTION IF EXISTS casehub_audit_refuse_change();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        # params=None: the SQL is sent as is, so the "%" in RAISE is not read as a placeholder.
        schema_editor.execute(FORWARD, params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD, params=None)


class Migration(migrations.Migration):
    dependencies = [("casehub", "0002_initial")]
    operations = [migrations.RunPython(forward, backward)]
