import io

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command

from audit.models import AuditEvent
from casehub.crypto.blind_index import blind_index_search
from casehub.crypto.errors import DecryptionError
from casehub.crypto.files import attachment_open, attachment_store
from casehub.crypto.keyring import clear_data_keys
from casehub.crypto.rotation import (
    blind_indexes_rebuild,
    case_rekey,
    master_key_retirable,
    master_key_rotation_run,
    master_key_rotation_start,
)
from casehub.models import Case, KeyRotation, KeyRotationStatus
from tests.crypto.factories import a_case, a_record, reloaded
from tests.crypto.keys import retired, rotated
from tests.crypto.models import SealedRecord

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(cast):
    return [a_record(a_case(cast.owner.organization), name=f"name {i}", phone=f"555 {i}") for i in range(5)]


def rotate(**kwargs) -> KeyRotation:
    rotation = master_key_rotation_start(enqueue=False)
    return master_key_rotation_run(rotation_id=rotation.pk, **kwargs)


def test_rotation_rewraps_every_data_key_under_the_active_key(records, settings):
    settings.CASEHUB_MASTER_KEYS = rotated()
    rotate(batch_size=2)
    assert set(Case.objects.values_list("data_key_master_id", flat=True)) == {"new"}


def test_values_still_decrypt_after_the_old_key_is_retired(records, settings):
    settings.CASEHUB_MASTER_KEYS = rotated()
    rotate()
    settings.CASEHUB_MASTER_KEYS = retired()
    assert [reloaded(r).name for r in records] == [f"name {i}" for i in range(5)]


def test_without_rotation_retiring_the_old_key_fails_closed(records, settings):
    settings.CASEHUB_MASTER_KEYS = retired()
    with pytest.raises(DecryptionError):
        _ = reloaded(records[0]).name


def test_rotation_does_not_touch_encrypted_values(records, settings):
    before = list(SealedRecord.objects.order_by("pk").values_list("name", flat=True))
    settings.CASEHUB_MASTER_KEYS = rotated()
    rotate()
    assert list(SealedRecord.objects.order_by("pk").values_list("name", flat=True)) == before


def test_rotation_records_its_progress(records, settings):
    settings.CASEHUB_MASTER_KEYS = rotated()
    seen = []
    rotation = rotate(batch_size=2, on_progress=lambda r: seen.append(r.done))
    assert (rotation.status, rotation.done, rotation.total) == (KeyRotationStatus.DONE, 5, 5)
    assert seen[:3] == [2, 4, 5]


def test_an_interrupted_rotation_resumes_where_it_stopped(records, settings):
    settings.CASEHUB_MASTER_KEYS = rotated()

    def crash(rotation):
        raise RuntimeError("worker lost")

    rotation = master_key_rotation_start(enqueue=False)
    with pytest.raises(RuntimeError):
        master_key_rotation_run(rotation_id=rotation.pk, batch_size=2, on_progress=crash)
    assert Case.objects.filter(data_key_master_id="new").count() == 2
    resumed = master_key_rotation_start(enqueue=False)
    assert resumed.pk == rotation.pk
    assert master_key_rotation_run(rotation_id=resumed.pk, batch_size=2).done == 5


def test_rotation_leaves_destroyed_keys_destroyed(records, settings):
    Case.objects.filter(pk=records[0].case.pk).update(data_key_wrapped=None)
    settings.CASEHUB_MASTER_KEYS = rotated()
    rotate()
    destroyed = Case.objects.get(pk=records[0].case.pk)
    assert destroyed.data_key_wrapped is None
    assert destroyed.data_key_master_id == "test1"


def test_the_old_key_is_retirable_only_after_rotation(records, settings):
    settings.CASEHUB_MASTER_KEYS = rotated()
    assert not master_key_retirable(key_id="test1")
    rotate()
    assert master_key_retirable(key_id="test1")


def test_search_works_during_rotation_before_indexes_are_rebuilt(cast, records, settings):
    settings.CASEHUB_MASTER_KEYS = rotated()
    found = blind_index_search(
        SealedRecord.objects.all(), index="name_index", value="NAME 3", organization=cast.owner.organization
    )
    assert found == [records[3]]


def test_search_works_after_rotation_with_the_old_key_retired(cast, records, settings):
    settings.CASEHUB_MASTER_KEYS = rotated()
    rotate()
    settings.CASEHUB_MASTER_KEYS = retired()
    found = blind_index_search(
        SealedRecord.objects.all(), index="phone_index", value="5553", organization=cast.owner.organization
    )
    assert found == [records[3]]


def test_rebuilding_indexes_follows_a_change_of_bits(cast, records, settings):
    settings.CASEHUB_BLIND_INDEX_BITS = 4
    assert blind_indexes_rebuild(model=SealedRecord) == 5
    assert all(r.name_index < 16 for r in SealedRecord.objects.all())


def test_starting_a_rotation_queues_the_task_on_commit(records, settings, django_capture_on_commit_callbacks):
    settings.CASEHUB_MASTER_KEYS = rotated()
    with django_capture_on_commit_callbacks(execute=True):
        rotation = master_key_rotation_start()
    rotation.refresh_from_db()
    assert rotation.status == KeyRotationStatus.DONE


def test_starting_a_rotation_is_audited(records, settings):
    settings.CASEHUB_MASTER_KEYS = rotated()
    rotate()
    assert AuditEvent.objects.filter(action__in=["crypto.rotation_started", "crypto.rotation_finished"]).count() == 2


def test_the_command_shows_a_progress_bar(records, settings):
    settings.CASEHUB_MASTER_KEYS = rotated()
    out = io.StringIO()
    call_command("rotate_master_key", "--batch-size", "2", stdout=out)
    assert "100% 5/5 data keys" in out.getvalue()
    assert "test1 wraps no data key any more and can be retired" in out.getvalue()


def test_rekeying_a_case_keeps_its_values(records):
    case = records[0].case
    case_rekey(case=case)
    clear_data_keys()
    assert reloaded(records[0]).name == "name 0"


def test_rekeying_a_case_destroys_its_old_key(records):
    old = records[0].case.data_key_id
    old_wrapped = bytes(Case.objects.get(pk=records[0].case.pk).data_key_wrapped)
    old_value = SealedRecord.objects.values_list("name", flat=True).get(pk=records[0].pk)
    rekeyed = case_rekey(case=records[0].case)
    assert rekeyed.data_key_id != old
    stored = Case.objects.get(pk=rekeyed.pk)
    assert stored.data_key_id == rekeyed.data_key_id
    assert bytes(stored.data_key_wrapped) != old_wrapped
    assert not Case.objects.filter(data_key_id=old).exists()  # the old wrapped key is gone
    # A value still under the old key (from a backup, say) no longer decrypts.
    SealedRecord.objects.filter(pk=records[0].pk).update(name=old_value)
    clear_data_keys()
    with pytest.raises(DecryptionError, match="does not exist"):
        _ = reloaded(records[0]).name


def test_rekeying_a_case_reencrypts_its_attachments(records, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    record = records[0]
    record.attachment = attachment_store(
        record=record, upload=io.BytesIO(b"%PDF-1.4 doc"), storage=default_storage
    ).name
    record.save()
    case_rekey(case=record.case)
    fresh = reloaded(record)
    assert b"".join(attachment_open(record=fresh, name=fresh.attachment)) == b"%PDF-1.4 doc"
