import io

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.storage import FileSystemStorage

from audit.models import AuditEvent
from casehub.crypto.blind_index import blind_index_search
from casehub.crypto.errors import CryptoError, ErasedError
from casehub.crypto.files import attachment_open, attachment_store
from casehub.crypto.keyring import clear_data_keys
from casehub.crypto.rotation import case_rekey, master_key_rotation_run, master_key_rotation_start
from casehub.crypto.shredding import ErasureRefused, case_erase_cancel, case_erase_confirm, case_erase_request
from casehub.models import Case, CaseErasure, ErasureStatus
from tests.crypto.factories import a_case, a_record, reloaded
from tests.crypto.keys import rotated
from tests.crypto.models import SealedRecord
from tests.factories import member

pytestmark = pytest.mark.django_db
REASON = "survivor_request"


@pytest.fixture
def second_coordinator(cast):
    return member(cast.owner.organization, "coordinator", username="owner-coordinator-2")


@pytest.fixture
def record(cast):
    return a_record(a_case(cast.owner.organization), name="Survivor Name", phone="555 0101")


def erase(cast, record, second):
    erasure = case_erase_request(case=record.case, by=cast.owner.coordinator, reason=REASON)
    return case_erase_confirm(erasure=erasure, by=second)


def test_an_erased_case_cannot_be_decrypted(cast, record, second_coordinator):
    erase(cast, record, second_coordinator)
    clear_data_keys()
    with pytest.raises(ErasedError, match="erased case"):
        _ = reloaded(record).name


def test_erasing_destroys_the_wrapped_data_key(cast, record, second_coordinator):
    erase(cast, record, second_coordinator)
    case = Case.objects.get(pk=record.case.pk)
    assert case.data_key_wrapped is None
    assert case.data_key_id == record.case.data_key_id  # the key's id stays; only its bytes are gone
    erasure = CaseErasure.objects.get(case=case)
    assert erasure.decided_at is not None  # when it was destroyed, on the tombstone


def test_an_erased_value_cached_in_the_request_is_gone_too(cast, record, second_coordinator):
    erase(cast, record, second_coordinator)
    with pytest.raises(ErasedError):
        _ = reloaded(record).name


def test_an_erased_cases_attachments_cannot_be_decrypted(cast, record, second_coordinator, tmp_path):
    storage = FileSystemStorage(location=tmp_path)
    stored = attachment_store(record=record, upload=io.BytesIO(b"%PDF-1.4"), storage=storage)
    erase(cast, record, second_coordinator)
    with pytest.raises(ErasedError):
        b"".join(attachment_open(record=record, name=stored.name, storage=storage))


def test_an_erased_case_is_no_longer_found_by_search(cast, record, second_coordinator):
    erase(cast, record, second_coordinator)
    assert SealedRecord.objects.get(pk=record.pk).name_index is None
    found = blind_index_search(
        SealedRecord.objects.all(), index="name_index", value="Survivor Name", organization=cast.owner.organization
    )
    assert found == []


def test_nothing_can_be_written_to_an_erased_case(cast, record, second_coordinator):
    erase(cast, record, second_coordinator)
    with pytest.raises(ErasedError):
        a_record(record.case, name="new")


def test_the_erasure_leaves_a_tombstone(cast, record, second_coordinator):
    erasure = erase(cast, record, second_coordinator)
    tombstone = CaseErasure.objects.get(pk=erasure.pk)
    assert tombstone.case_number == record.case.case_number
    assert (tombstone.requested_by, tombstone.confirmed_by) == (cast.owner.coordinator, second_coordinator)
    assert tombstone.reason == REASON
    assert tombstone.decided_at is not None


def test_both_steps_are_audited_without_personal_data(cast, record, second_coordinator):
    erase(cast, record, second_coordinator)
    events = AuditEvent.objects.filter(action__in=["case.erase_requested", "case.erased"])
    assert events.count() == 2
    assert all("Survivor" not in str(event.details) for event in events)


def test_the_requester_cannot_confirm_their_own_request(cast, record):
    erasure = case_erase_request(case=record.case, by=cast.owner.coordinator, reason=REASON)
    with pytest.raises(ErasureRefused, match="second coordinator"):
        case_erase_confirm(erasure=erasure, by=cast.owner.coordinator)


@pytest.mark.parametrize("role", ["caseworker", "org_admin"])
def test_only_a_coordinator_may_request_an_erasure(cast, record, role):
    with pytest.raises(PermissionDenied):
        case_erase_request(case=record.case, by=cast.owner.by_role(role), reason=REASON)


def test_a_caseworker_cannot_confirm_an_erasure(cast, record):
    erasure = case_erase_request(case=record.case, by=cast.owner.coordinator, reason=REASON)
    with pytest.raises(PermissionDenied):
        case_erase_confirm(erasure=erasure, by=cast.owner.caseworker)


def test_a_coordinator_of_another_organization_cannot_request(cast, record):
    with pytest.raises(PermissionDenied):
        case_erase_request(case=record.case, by=cast.partner.coordinator, reason=REASON)


def test_a_coordinator_of_another_organization_cannot_confirm(cast, record):
    erasure = case_erase_request(case=record.case, by=cast.owner.coordinator, reason=REASON)
    with pytest.raises(PermissionDenied):
        case_erase_confirm(erasure=erasure, by=cast.partner.coordinator)


def test_a_request_alone_erases_nothing(cast, record):
    case_erase_request(case=record.case, by=cast.owner.coordinator, reason=REASON)
    assert reloaded(record).name == "Survivor Name"


def test_a_cancelled_request_cannot_be_confirmed(cast, record, second_coordinator):
    erasure = case_erase_request(case=record.case, by=cast.owner.coordinator, reason=REASON)
    case_erase_cancel(erasure=erasure, by=second_coordinator)
    with pytest.raises(ErasureRefused):
        case_erase_confirm(erasure=erasure, by=second_coordinator)
    assert CaseErasure.objects.get().status == ErasureStatus.CANCELLED


def test_an_unknown_reason_is_refused(cast, record):
    with pytest.raises(ValueError):
        case_erase_request(case=record.case, by=cast.owner.coordinator, reason="because")


def test_an_erased_case_cannot_be_erased_again(cast, record, second_coordinator):
    erase(cast, record, second_coordinator)
    with pytest.raises(ErasureRefused, match="already erased"):
        case_erase_request(case=record.case, by=cast.owner.coordinator, reason=REASON)


def test_rotation_does_not_bring_an_erased_key_back(cast, record, second_coordinator, settings):
    erase(cast, record, second_coordinator)
    settings.CASEHUB_MASTER_KEYS = rotated()
    master_key_rotation_run(rotation_id=master_key_rotation_start(enqueue=False).pk)
    assert Case.objects.get(pk=record.case.pk).data_key_wrapped is None


def test_an_erased_case_cannot_be_rekeyed(cast, record, second_coordinator):
    erase(cast, record, second_coordinator)
    with pytest.raises(CryptoError, match="erased"):
        case_rekey(case=record.case)
