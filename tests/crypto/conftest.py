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
