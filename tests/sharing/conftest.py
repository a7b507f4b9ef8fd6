import pytest

from tests.crypto.conftest import django_db_setup  # noqa: F401
from tests.factories import make_cast


@pytest.fixture
def cast(db):
    return make_cast()
