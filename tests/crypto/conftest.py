import pytest

from casehub.crypto.keyring import data_key_scope


@pytest.fixture(autouse=True)
def _fresh_data_key_cache():
    # Every test starts and ends with no unwrapped data key, as a request does.
    with data_key_scope():
        yield
