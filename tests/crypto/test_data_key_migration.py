"""Migration 0007 moves each DataKey row onto its case: ids kept, keys re-wrapped, erased keys stay erased."""

import uuid

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from casehub.crypto import aead, keyring
from casehub.crypto.keys import key_provider

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.long]

BEFORE = [("casehub", "0006_case_erasure")]
AFTER = [("casehub", "0007_data_key_on_case")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def migrate_to_latest():
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_existing_data_keys_move_onto_their_cases_and_still_open_their_values():
    old_apps = migrate(BEFORE)
    try:
        DataKey = old_apps.get_model("casehub", "DataKey")
        Case = old_apps.get_model("casehub", "Case")
        Organization = old_apps.get_model("orgs", "Organization")
        organization = Organization.objects.create(name="Org", kind="ngo", country="MX")
        provider = key_provider()
        secret = b"K" * 32
        live = DataKey(uuid=uuid.uuid4())
        live.master_key_id, live.wrapped = provider.wrap(secret, aad=b"casehub/datakey/v1|" + live.uuid.bytes)
        live.save()
        erased = DataKey.objects.create(
            uuid=uuid.uuid4(), master_key_id="test1", wrapped=None, destroyed_at="2026-01-01T00:00Z"
        )
        live_case = Case.objects.create(uuid=uuid.uuid4(), organization=organization, case_number="C-1", data_key=live)
        erased_case = Case.objects.create(
            uuid=uuid.uuid4(), organization=organization, case_number="C-2", data_key=erased
        )
        # A value sealed under the old key, as a field would have stored it.
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        sealed = aead.seal(AESGCM(secret), key_id=live.pk, context=b"ctx", plaintext=b"kept")

        new_apps = migrate(AFTER)
        NewCase = new_apps.get_model("casehub", "Case")
        moved = NewCase.objects.get(pk=live_case.pk)
        assert moved.data_key_id == live.pk  # the id named in existing ciphertext headers
        assert moved.data_key_master_id == "test1"
        assert NewCase.objects.get(pk=erased_case.pk).data_key_wrapped is None
        keyring.clear_data_keys()
        assert aead.open_value(keyring.aead_for(live.pk), sealed, context=b"ctx") == b"kept"
        with pytest.raises(keyring.DataKeyDestroyed):
            keyring.aead_for(erased.pk)
    finally:
        migrate_to_latest()
        keyring.clear_data_keys()
