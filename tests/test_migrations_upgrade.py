"""Migrations after the current release can run while the old code still serves (docs/upgrade.md).

During a deploy the new release's migrations run first, then the processes restart on the new
code: for that while, the old code reads and writes the migrated schema. So a migration adds
(a NOT NULL column with a database default, which old INSERTs leave out), and never renames or
drops in the same release; those wait for a later release whose previous one stopped using them.
"""

from pathlib import Path

from django.db import migrations, models
from django.db.migrations.loader import MigrationLoader

ROOT = Path(__file__).resolve().parent.parent
# The last migration of each app as released (bump when a release is cut). Later ones are checked.
RELEASED = {
    "audit": "0001",
    "orgs": "0007",
    "notifications": "0004",
    "directory": "0001",
    "casehub": "0013",
    "sharing": "0003",
    "referrals": "0009",
}
# Reviewed exceptions, "app.migration": why the old code cannot notice (e.g. "nothing reads it since 1.4").
CONTRACTIONS_REVIEWED: dict[str, str] = {}

DESTRUCTIVE = (
    migrations.RemoveField,
    migrations.RenameField,
    migrations.RenameModel,
    migrations.DeleteModel,
    migrations.RemoveConstraint,
)


def unsafe_operations(migration) -> list[str]:
    """What in one migration the previous release's code could trip over."""
    problems = []
    for operation in migration.operations:
        if isinstance(operation, DESTRUCTIVE):
            problems.append(f"{type(operation).__name__} ({operation.describe()}): contract in a later release")
        elif isinstance(operation, migrations.AddField):
            field = operation.field
            required = not field.null and not isinstance(field, models.ManyToManyField)
            if required and field.db_default is models.NOT_PROVIDED:
                problems.append(f"AddField {operation.model_name}.{operation.name}: NOT NULL without db_default")
    return problems


def unreleased_migrations():
    """Our apps' migrations after RELEASED (a new app's are all unreleased)."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    for (app, name), migration in sorted(loader.disk_migrations.items()):
        ours = (ROOT / migration.__module__.split(".")[0]).is_dir()
        if ours and name[:4] > RELEASED.get(app, "0000"):
            yield f"{app}.{name}", migration


def test_migrations_after_the_release_leave_the_old_code_working():
    problems = [
        f"{label}: {problem}"
        for label, migration in unreleased_migrations()
        if label not in CONTRACTIONS_REVIEWED
        for problem in unsafe_operations(migration)
    ]
    assert problems == [], "\n".join(problems)


def test_a_not_null_column_without_a_database_default_is_caught():
    migration = migrations.Migration("0099_x", "orgs")
    migration.operations = [migrations.AddField("user", "shoe_size", models.IntegerField(default=0))]

    assert unsafe_operations(migration) == ["AddField user.shoe_size: NOT NULL without db_default"]


def test_a_not_null_column_with_a_database_default_passes():
    migration = migrations.Migration("0099_x", "orgs")
    migration.operations = [migrations.AddField("user", "shoe_size", models.IntegerField(default=0, db_default=0))]

    assert unsafe_operations(migration) == []


def test_a_rename_in_the_same_release_is_caught():
    migration = migrations.Migration("0099_x", "orgs")
    migration.operations = [migrations.RenameField("user", "email", "address")]

    assert unsafe_operations(migration)[0].startswith("RenameField")
