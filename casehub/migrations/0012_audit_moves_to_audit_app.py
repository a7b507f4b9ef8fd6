"""The audit trail's models now belong to the audit app (audit 0001); the tables stay."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("casehub", "0011_safety_field_group"), ("audit", "0001_initial")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="AuditEvent"), migrations.DeleteModel(name="AuditHead")]
        ),
    ]
