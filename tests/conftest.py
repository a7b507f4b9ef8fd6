import pytest
from django.core.cache import cache
from django.db import connection, connections

from casehub.celery import app as celery_app
from tests.crypto.models import TEST_MODELS
from tests.factories import make_cast

# Unit tests run tasks in-process; tests marked `worker` switch to a real worker themselves.
celery_app.conf.task_always_eager = True
celery_app.conf.task_eager_propagates = True


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database, plus the crypto test models' tables (they have no migrations).

    Every run gets them, whatever it collects: the models are registered as soon as any test
    imports them, and erasure walks every registered model with encrypted fields.
    """
    with django_db_blocker.unblock():
        existing = set(connection.introspection.table_names())
        with connection.schema_editor() as editor:
            for model in TEST_MODELS:
                if model._meta.db_table not in existing:
                    editor.create_model(model)


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def cast(db):
    return make_cast()


@pytest.fixture
def chromium_page(live_server, monkeypatch):
    """A page in headless Chromium, for tests marked `browser` (helpers in tests/browser.py)."""
    from tests import browser

    browser.require_chromium()
    # Playwright's sync API runs an event loop in this thread; the ORM calls the test makes
    # between page actions are still plain synchronous code.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with browser.chromium_context() as context:
        try:
            yield context.pages[0] if context.pages else context.new_page()
        finally:
            # While the loop runs, Django hands this thread other connections than outside it
            # (asgiref's context-local storage). Close them here, in that context, or they stay
            # open and keep the test database from being dropped.
            connections.close_all()


@pytest.fixture(scope="module")
def celery_worker(django_db_setup):
    """A real Celery worker on the test database, for tests marked `worker` (helpers in tests/worker.py)."""
    from tests import worker

    worker.require_worker()
    with worker.running_worker() as running:
        yield running


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
