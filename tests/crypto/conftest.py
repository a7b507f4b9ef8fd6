import pytest
from django.db import connection

from casehub.crypto.keyring import data_key_scope
from tests.crypto.models import TEST_MODELS


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database, plus the crypto test models' tables (they have no migrations).

    Overriding django_db_setup (rather than an autouse fixture) creates them only when a test
    here uses the database, before any test transaction opens.
    """
    with django_db_blocker.unblock():
        existing = set(connection.introspection.table_names())
        with connection.schema_editor() as editor:
            for model in TEST_MODELS:
                if model._meta.db_table not in existing:
                    editor.create_model(model)


@pytest.fixture(autouse=True)
def _fresh_data_key_cache():
    # Every test starts and ends with no unwrapped data key, as a request does.
    with data_key_scope():
        yield


@pytest.fixture
def decrypts(monkeypatch):
    """A list that grows by one for every AES-GCM decryption under a data key (field values, file chunks).

    Data keys unwrapped from here on are wrapped in a counter; the cache is emptied so that
    keys unwrapped earlier are unwrapped again through it.
    """
    from casehub.crypto import keyring

    calls: list[int] = []
    real = keyring.AESGCM

    class CountingAESGCM:
        def __init__(self, key):
            self._aead = real(key)

        def encrypt(self, nonce, data, associated_data):
            return self._aead.encrypt(nonce, data, associated_data)

        def decrypt(self, nonce, data, associated_data):
            calls.append(1)
            return self._aead.decrypt(nonce, data, associated_data)

    monkeypatch.setattr(keyring, "AESGCM", CountingAESGCM)
    keyring.clear_data_keys()
    return calls
