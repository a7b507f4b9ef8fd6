# Erasing a case walks every model with encrypted fields, the crypto tests' own models too; their
# tables must exist whichever test directory runs first.
from tests.crypto.conftest import django_db_setup  # noqa: F401
