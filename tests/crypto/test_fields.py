import datetime

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from casehub.crypto import aead
from casehub.crypto.errors import DecryptionError, EncryptedFieldMisuse
from casehub.crypto.fields import encrypted_values_update
from casehub.crypto.keyring import cached_data_key_count, clear_data_keys
from tests.crypto.factories import a_case, a_record, reloaded
from tests.crypto.models import SealedRecord

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(cast):
    return a_case(cast.owner.organization)


def stored(record, field: str) -> bytes:
    return bytes(SealedRecord.objects.filter(pk=record.pk).values_list(field, flat=True).get())


def test_text_round_trips(case):
    assert reloaded(a_record(case, name="Ana María")).name == "Ana María"


def test_long_text_round_trips(case):
    assert reloaded(a_record(case, narrative="x" * 100_000)).narrative == "x" * 100_000


def test_a_date_round_trips(case):
    assert reloaded(a_record(case, born_on=datetime.date(1999, 2, 3))).born_on == datetime.date(1999, 2, 3)


def test_json_round_trips(case):
    assert reloaded(a_record(case, details={"needs": ["shelter"], "n": 2})).details == {"needs": ["shelter"], "n": 2}


def test_none_is_stored_as_null(case):
    record = a_record(case)
    assert SealedRecord.objects.filter(pk=record.pk).values_list("name", flat=True).get() is None


def test_an_empty_string_is_not_confused_with_null(case):
    assert reloaded(a_record(case, name="")).name == ""


def test_the_database_holds_versioned_ciphertext_not_plaintext(case):
    raw = stored(a_record(case, name="Sentinel Name"), "name")
    assert raw[0] == aead.VERSION
    assert aead.key_id_of(raw) == case.data_key_id
    assert b"Sentinel" not in raw
    assert len(raw) == len("Sentinel Name") + aead.OVERHEAD


def test_the_same_value_encrypts_differently_each_time(case):
    assert stored(a_record(case, name="same"), "name") != stored(a_record(case, name="same"), "name")


def test_listing_records_reading_only_plain_fields_decrypts_nothing(case, decrypts):
    SealedRecord.objects.bulk_create(
        [SealedRecord(case=case, code=f"R{i}", name="n", phone="p", narrative="t", details={}) for i in range(1000)]
    )
    clear_data_keys()
    codes = [record.code for record in SealedRecord.objects.all()]
    assert len(codes) == 1000
    assert decrypts == []
    assert cached_data_key_count() == 0  # nor unwrapped any data key


def test_reading_a_field_decrypts_it_once(case, decrypts):
    record = reloaded(a_record(case, name="once"))
    assert (record.name, record.name) == ("once", "once")
    assert len(decrypts) == 1


def test_saving_an_unread_record_keeps_its_ciphertexts(case):
    record = a_record(case, name="kept")
    before = stored(record, "name")
    fresh = reloaded(record)
    fresh.code = "X"
    fresh.save()
    assert stored(record, "name") == before


def test_a_deferred_field_is_fetched_and_decrypted_on_access(case):
    record = a_record(case, name="later")
    assert SealedRecord.objects.only("code").get(pk=record.pk).name == "later"


def test_a_json_value_changed_in_place_is_saved(case):
    record = reloaded(a_record(case, details={"a": 1}))
    record.details["a"] = 2
    record.save()
    assert reloaded(record).details == {"a": 2}


def test_a_value_copied_to_another_row_is_detected(case):
    first, second = a_record(case, name="first"), a_record(case, name="second")
    SealedRecord.objects.filter(pk=second.pk).update(name=stored(first, "name"))
    with pytest.raises(DecryptionError, match=f"SealedRecord.name for record {second.uuid}"):
        _ = reloaded(second).name


def test_a_value_copied_to_another_field_is_detected(case):
    record = a_record(case, name="name", phone="phone")
    SealedRecord.objects.filter(pk=record.pk).update(phone=stored(record, "name"))
    with pytest.raises(DecryptionError, match="SealedRecord.phone"):
        _ = reloaded(record).phone


def test_a_flipped_bit_is_detected(case):
    record = a_record(case, name="intact")
    raw = bytearray(stored(record, "name"))
    raw[-20] ^= 0x01
    SealedRecord.objects.filter(pk=record.pk).update(name=bytes(raw))
    with pytest.raises(DecryptionError):
        _ = reloaded(record).name


def test_a_value_moved_between_cases_is_detected(cast, case):
    other = a_case(cast.owner.organization)
    record, foreign = a_record(case, name="mine"), a_record(other, name="theirs")
    SealedRecord.objects.filter(pk=record.pk).update(name=stored(foreign, "name"))
    with pytest.raises(DecryptionError):
        _ = reloaded(record).name


@pytest.mark.parametrize("length", [aead.HEADER_BYTES, aead.HEADER_BYTES + 5, aead.OVERHEAD - 1])
def test_a_value_cut_short_is_refused_while_its_key_is_unwrapped(case, length):
    record = a_record(case, name="whole")
    _ = reloaded(record).name  # the case's data key is now unwrapped for this request
    SealedRecord.objects.filter(pk=record.pk).update(name=stored(record, "name")[:length])
    with pytest.raises(DecryptionError, match="SealedRecord.name"):
        _ = reloaded(record).name


def test_an_unknown_format_version_is_refused(case):
    record = a_record(case, name="v1")
    SealedRecord.objects.filter(pk=record.pk).update(name=b"\x02" + stored(record, "name")[1:])
    with pytest.raises(DecryptionError, match="unknown format"):
        _ = reloaded(record).name


def test_a_decryption_error_prints_neither_plaintext_nor_ciphertext(case):
    record = a_record(case, name="Secret Person")
    raw = stored(record, "name")
    SealedRecord.objects.filter(pk=record.pk).update(phone=raw)
    with pytest.raises(DecryptionError) as caught:
        _ = reloaded(record).phone
    message = str(caught.value)
    assert "Secret" not in message
    assert raw.hex() not in message and repr(raw) not in message


def test_queryset_update_with_plaintext_is_refused(case):
    a_record(case, name="x")
    with pytest.raises(EncryptedFieldMisuse, match="unencrypted"):
        SealedRecord.objects.update(name="plain")


def test_queryset_update_to_null_is_allowed(case):
    record = a_record(case, name="x")
    SealedRecord.objects.update(name=None)
    assert reloaded(record).name is None


def test_bulk_update_of_an_encrypted_field_is_refused(case):
    record = reloaded(a_record(case, name="x"))
    record.name = "y"
    with pytest.raises(EncryptedFieldMisuse):
        SealedRecord.objects.bulk_update([record], ["name"])


def test_a_refused_update_writes_nothing(case):
    record = a_record(case, name="x")
    before = stored(record, "name")
    with pytest.raises(EncryptedFieldMisuse), transaction.atomic():
        SealedRecord.objects.update(name="plain")
    assert stored(record, "name") == before


def test_filtering_by_an_encrypted_value_is_refused(case):
    with pytest.raises(EncryptedFieldMisuse, match="blind index"):
        SealedRecord.objects.filter(name="x")


def test_a_text_lookup_on_an_encrypted_field_is_refused(case):
    with pytest.raises(EncryptedFieldMisuse):
        SealedRecord.objects.filter(name__icontains="x")


def test_isnull_works_on_an_encrypted_field(case):
    a_record(case, name="x")
    a_record(case)
    assert SealedRecord.objects.filter(name__isnull=True).count() == 1


def test_the_safe_update_helper_encrypts(case):
    record = a_record(case, name="x")
    encrypted_values_update(record, name="y")
    assert reloaded(record).name == "y"


def test_a_text_longer_than_its_maximum_is_refused(case):
    with pytest.raises(ValueError, match="longer than 200"):
        a_record(case, name="x" * 201)


def test_a_text_of_exactly_its_maximum_is_stored(case):
    assert reloaded(a_record(case, name="é" * 200)).name == "é" * 200


def test_bulk_create_encrypts(case):
    SealedRecord.objects.bulk_create([SealedRecord(case=case, name="bulk")])
    assert SealedRecord.objects.get().name == "bulk"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="UNNEST batches are PostgreSQL's")
def test_bulk_create_of_encrypted_records_is_one_unnest_insert_on_postgresql(case):
    records = [SealedRecord(case=case, name=f"name {i}", born_on=datetime.date(2000, 1, 1)) for i in range(3)]
    with CaptureQueriesContext(connection) as queries:
        SealedRecord.objects.bulk_create(records)
    (insert,) = [query["sql"] for query in queries if query["sql"].startswith("INSERT")]
    assert "UNNEST" in insert
    assert [reloaded(record).name for record in records] == ["name 0", "name 1", "name 2"]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's own column typing")
def test_encrypted_values_and_wrapped_keys_are_stored_as_blobs_on_sqlite(case):
    record = a_record(case, name="blob")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT typeof(name) FROM {SealedRecord._meta.db_table} WHERE id = %s", [record.pk])
        assert cursor.fetchone() == ("blob",)
        cursor.execute(f"SELECT typeof(data_key_wrapped) FROM {type(case)._meta.db_table} WHERE id = %s", [case.pk])
        assert cursor.fetchone() == ("blob",)


def test_sqlite_binds_bytes_without_its_adapter_protocol():
    # Without the identity adapter, sqlite3 tries __adapt__ and __conform__ (two raised and
    # cleared AttributeErrors) for every encrypted value it binds.
    import sqlite3

    assert sqlite3.adapters.get((bytes, sqlite3.PrepareProtocol)) is bytes


def test_values_returns_ciphertext_never_plaintext(case):
    a_record(case, name="Hidden")
    assert b"Hidden" not in bytes(SealedRecord.objects.values_list("name", flat=True).get())


def test_serializing_an_encrypted_field_is_refused(case):
    from django.core import serializers

    with pytest.raises(EncryptedFieldMisuse):
        serializers.serialize("json", [a_record(case, name="x")])


def test_decrypting_with_a_list_query_uses_select_related_without_extra_queries(cast):
    cases = [a_case(cast.owner.organization) for _ in range(3)]
    for each in cases:
        a_record(each, name="n")
    from casehub.crypto.keyring import clear_data_keys

    clear_data_keys()
    records = list(SealedRecord.objects.select_related("case"))  # the case row holds its data key
    with CaptureQueriesContext(connection) as queries:
        assert [r.name for r in records] == ["n", "n", "n"]
    assert len(queries) == 0


def test_loading_a_record_keeps_only_the_stored_bytes(case):
    record = reloaded(a_record(case, name="bytes"))
    assert isinstance(record.name_sealed, bytes)
    assert "_plain_name" not in record.__dict__


def test_a_refreshed_record_shows_the_new_value(case):
    record = reloaded(a_record(case, name="old"))
    assert record.name == "old"
    other = reloaded(record)
    other.name = "new"
    other.save()
    record.refresh_from_db()
    assert record.name == "new"


def test_full_clean_checks_the_plaintext_length_not_the_ciphertext(case):
    record = reloaded(a_record(case, name="x" * 190))
    record.full_clean()  # the ciphertext is longer than 200 bytes; the name is not


def test_full_clean_refuses_a_name_over_its_maximum(case):
    from django.core.exceptions import ValidationError

    record = SealedRecord(case=case, name="x" * 201)
    with pytest.raises(ValidationError):
        record.full_clean()


def test_bulk_update_of_an_unchanged_encrypted_field_keeps_its_ciphertext(case):
    record = a_record(case, name="same")
    before = stored(record, "name")
    fresh = reloaded(record)
    fresh.code = "changed"
    SealedRecord.objects.bulk_update([fresh], ["code", "name"])
    assert stored(record, "name") == before
    assert reloaded(record).name == "same"


def test_the_wrapped_keys_of_a_list_are_fetched_in_one_query(cast, django_assert_num_queries):
    from casehub.crypto.keyring import clear_data_keys, data_keys_prefetch

    for _ in range(5):
        a_record(a_case(cast.owner.organization), name="n")
    clear_data_keys()
    records = list(SealedRecord.objects.select_related("case"))
    with django_assert_num_queries(1):
        data_keys_prefetch(records)
        assert [r.name for r in records] == ["n"] * 5


def test_a_list_with_its_data_keys_decrypts_without_further_queries(cast, django_assert_num_queries):
    from casehub.crypto.fields import with_data_keys
    from casehub.crypto.keyring import clear_data_keys

    for _ in range(5):
        a_record(a_case(cast.owner.organization), name="n")
    clear_data_keys()
    with django_assert_num_queries(1):
        records = list(with_data_keys(SealedRecord.objects.order_by("pk")))
        assert [r.name for r in records] == ["n"] * 5


def test_a_list_with_its_data_keys_still_refuses_an_erased_case(cast):
    from casehub.crypto.errors import ErasedError
    from casehub.crypto.fields import with_data_keys
    from casehub.crypto.keyring import clear_data_keys, data_key_destroy

    record = a_record(a_case(cast.owner.organization), name="n")
    data_key_destroy(record.case)
    clear_data_keys()
    with pytest.raises(ErasedError):
        _ = with_data_keys(SealedRecord.objects.all()).get().name


def test_an_unassigned_field_with_a_default_gets_the_default_encrypted(case):
    record = a_record(case)
    assert b"{}" not in stored(record, "preferences")
    assert reloaded(record).preferences == {}


def test_a_new_record_shows_its_default_before_saving(case):
    assert SealedRecord(case=case).preferences == {}


def test_an_unassigned_nullable_field_reads_as_none(case):
    assert SealedRecord(case=case).name is None


def test_a_required_field_left_empty_fails_loudly(case):
    from django.db import IntegrityError

    record = SealedRecord(case=case, preferences=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        record.save()


def test_a_model_form_shows_and_saves_plaintext(case):
    from django import forms

    class RecordForm(forms.ModelForm):
        class Meta:
            model = SealedRecord
            fields = ["name", "born_on"]

    record = reloaded(a_record(case, name="Before", born_on=datetime.date(2000, 1, 2)))
    assert RecordForm(instance=record).initial == {"name": "Before", "born_on": datetime.date(2000, 1, 2)}
    form = RecordForm({"name": "After", "born_on": "2001-02-03"}, instance=record)
    assert form.is_valid(), form.errors
    form.save()
    assert (reloaded(record).name, reloaded(record).born_on) == ("After", datetime.date(2001, 2, 3))
