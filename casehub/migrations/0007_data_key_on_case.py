"""Move each case's data key from a DataKey row onto the case row (crypto-perf).

Renumber at merge if another 0007 lands first. Existing keys keep their id (the ids named in
existing ciphertext headers), and are re-wrapped under the same master key with the new
associated data (key id and case uuid instead of the DataKey row's uuid); destroyed keys stay
destroyed (NULL). Re-wrapping needs the master keys, so this runs with the keys configured, as
the application does.
"""

import uuid

from django.db import migrations, models


def _keys_onto_cases(apps, schema_editor):
    from casehub.crypto.keys import key_provider

    Case = apps.get_model("casehub", "Case")
    DataKey = apps.get_model("casehub", "DataKey")
    provider = key_provider()
    for case in Case.objects.using(schema_editor.connection.alias).order_by("pk").iterator():
        data_key = DataKey.objects.using(schema_editor.connection.alias).get(pk=case.data_key_id)
        wrapped = None
        if data_key.destroyed_at is None and data_key.wrapped is not None:
            old_aad = b"casehub/datakey/v1|" + data_key.uuid.bytes
            secret = provider.unwrap(data_key.master_key_id, bytes(data_key.wrapped), aad=old_aad)
            new_aad = b"casehub/datakey/v2|" + data_key.pk.to_bytes(8, "big") + uuid.UUID(str(case.uuid)).bytes
            master_key_id, wrapped = provider.wrap(secret, aad=new_aad)
        else:
            master_key_id = data_key.master_key_id
        case.data_key_ref = data_key.pk
        case.data_key_wrapped = wrapped
        case.data_key_master_id = master_key_id
        case.save(update_fields=["data_key_ref", "data_key_wrapped", "data_key_master_id"])


class Migration(migrations.Migration):
    dependencies = [
        ("casehub", "0006_case_erasure"),
    ]

    operations = [
        migrations.AddField(model_name="case", name="data_key_ref", field=models.BigIntegerField(null=True)),
        migrations.AddField(
            model_name="case", name="data_key_wrapped", field=models.BinaryField(editable=False, null=True)
        ),
        migrations.AddField(
            model_name="case",
            name="data_key_master_id",
            field=models.CharField(default="", editable=False, max_length=16),
            preserve_default=False,
        ),
        migrations.RunPython(_keys_onto_cases, migrations.RunPython.noop, elidable=False),
        migrations.RemoveField(model_name="case", name="data_key"),
        migrations.RenameField(model_name="case", old_name="data_key_ref", new_name="data_key_id"),
        migrations.AlterField(
            model_name="case", name="data_key_id", field=models.BigIntegerField(editable=False, unique=True)
        ),
        migrations.DeleteModel(name="DataKey"),
    ]
