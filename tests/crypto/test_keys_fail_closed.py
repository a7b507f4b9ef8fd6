import base64

import pytest

from casehub.crypto.errors import DecryptionError
from tests.crypto.factories import a_case, a_record, reloaded

pytestmark = pytest.mark.django_db

OTHER = base64.b64encode(b"z" * 32).decode()


def test_a_wrong_master_key_fails_closed(cast, settings):
    from casehub.crypto.keys import parse_master_keys

    record = a_record(a_case(cast.owner.organization), name="x")
    settings.CASEHUB_MASTER_KEYS = parse_master_keys(f"test1:{OTHER}")
    with pytest.raises(DecryptionError, match="cannot be decrypted"):
        _ = reloaded(record).name


def test_a_missing_master_key_fails_closed(cast, settings):
    from casehub.crypto.keys import parse_master_keys

    record = a_record(a_case(cast.owner.organization), name="x")
    settings.CASEHUB_MASTER_KEYS = parse_master_keys(f"other:{OTHER}")
    with pytest.raises(DecryptionError, match="not configured"):
        _ = reloaded(record).name


def test_a_missing_data_key_row_fails_closed(cast):
    from casehub.crypto import aead
    from tests.crypto.models import SealedRecord

    record = a_record(a_case(cast.owner.organization), name="x")
    raw = bytearray(SealedRecord.objects.values_list("name", flat=True).get(pk=record.pk))
    raw[1:9] = (999_999).to_bytes(8, "big")
    SealedRecord.objects.filter(pk=record.pk).update(name=bytes(raw))
    assert aead.key_id_of(bytes(raw)) == 999_999
    with pytest.raises(DecryptionError, match="does not exist"):
        _ = reloaded(record).name
