import pytest
from django.core.cache import cache

from casehub.celery import app as celery_app
from tests.factories import make_cast

# Unit tests run tasks in-process; tests marked `worker` switch to a real worker themselves.
celery_app.conf.task_always_eager = True
celery_app.conf.task_eager_propagates = True


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
