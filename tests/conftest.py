import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.db import connection, connections
from django.utils import translation
from pytest_django.plugin import blocking_manager_key

from config.celery import app as celery_app
from tests.crypto.models import TEST_MODELS
from tests.factories import cast_from_keys, cast_keys, make_cast, module_world

# Pages link static files by plain name, as without collectstatic (tests/test_static_files.py
# collects them and serves the hashed names); nothing collected, nothing for WhiteNoise to scan.
# Set before any fixture: the live server's handler is made once per session.
django_settings.STORAGES = {
    **django_settings.STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
django_settings.STATIC_ROOT = None

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
    # A request in another language leaves that language active in the thread: the next test,
    # in any order, starts in the default language again.
    translation.activate(django_settings.LANGUAGE_CODE)


def _taxonomy_loaded() -> None:
    """Load the taxonomy the data migration loads, if a flush emptied it."""
    import importlib

    from directory.models import TaxonomyTerm

    if not TaxonomyTerm.objects.exists():
        importlib.import_module("referrals.migrations.0002_taxonomy_terms").create_terms(TaxonomyTerm.objects)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """The long modules first, each still in its random place among them: xdist hands out modules
    in this order, so the last ones to run are short and both workers finish close together."""
    items.sort(key=lambda item: not (item.get_closest_marker("long") or item.get_closest_marker("browser")))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """A transactional test (live server, real worker) ends with a flush that empties every table,
    the taxonomy a data migration loaded included: once its fixtures are torn down, load it again,
    so the next test finds it in any order and on any xdist worker."""
    result = yield
    marker = item.get_closest_marker("django_db")
    transactional = "transactional_db" in getattr(item, "fixturenames", ()) or (
        marker and marker.kwargs.get("transaction")
    )
    # After the session's last test the test database is gone already: nothing to load it into.
    if transactional and nextitem is not None:
        with item.config.stash[blocking_manager_key].unblock():
            _taxonomy_loaded()
    return result


@pytest.fixture(scope="module")
def module_cast(django_db_setup, django_db_blocker):
    """The cast made once per test module, in a transaction rolled back after its last test."""
    with module_world(django_db_blocker, make_cast) as made:
        yield cast_keys(made)


@pytest.fixture
def cast(module_cast, db):
    """The cast as the test starts: fresh instances; whatever the test writes rolls back with it."""
    return cast_from_keys(module_cast)


@pytest.fixture
def committed_cast(transactional_db):
    """The cast for a transactional test (a live server, a worker, concurrent writers), which
    must commit it; such a module overrides ``cast`` with this."""
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
