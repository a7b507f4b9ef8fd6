import pytest
from django.test import RequestFactory

from audit.models import AuditEvent
from casehub.crypto import keyring
from casehub.crypto.errors import CryptoError, DataKeyDestroyed
from casehub.crypto.middleware import DataKeyScopeMiddleware
from casehub.models import Case
from casehub.services import case_create

pytestmark = pytest.mark.django_db


def test_a_new_case_gets_its_own_data_key(cast):
    first = case_create(organization=cast.owner.organization, case_number="C-1")
    second = case_create(organization=cast.owner.organization, case_number="C-2")
    assert first.data_key_id != second.data_key_id
    assert bytes(first.data_key_wrapped) != bytes(second.data_key_wrapped)


def test_data_keys_made_in_bulk_are_distinct_and_each_bound_to_its_case(cast):
    cases = [Case(organization=cast.owner.organization, case_number=f"C-{i}") for i in range(50)]
    keyring.data_keys_assign(cases)
    Case.objects.bulk_create(cases)
    assert len({case.data_key_id for case in cases}) == 50
    assert len({bytes(case.data_key_wrapped)[:12] for case in cases}) == 50  # no wrapping nonce reused
    keyring.clear_data_keys()
    secrets = set()
    for case in cases:
        aead = keyring.aead_for(case.data_key_id)
        secrets.add(id(aead))
    assert len(secrets) == 50


def test_opening_a_case_is_audited_without_personal_data(cast):
    case = case_create(organization=cast.owner.organization, case_number="C-1", by=cast.owner.caseworker)
    event = AuditEvent.objects.get(action="case.created")
    assert event.target_id == str(case.uuid)
    assert event.details == {}


def test_data_keys_are_stored_wrapped_under_the_active_master_key(cast):
    case = case_create(organization=cast.owner.organization, case_number="C-1")
    stored = Case.objects.get(pk=case.pk)
    assert stored.data_key_id == case.data_key_id
    assert stored.data_key_master_id == "test1"
    assert len(bytes(stored.data_key_wrapped)) == 12 + 32 + 16


def test_a_wrapped_key_copied_onto_another_row_does_not_unwrap(cast):
    first = case_create(organization=cast.owner.organization, case_number="C-1")
    second = case_create(organization=cast.owner.organization, case_number="C-2")
    Case.objects.filter(pk=second.pk).update(data_key_wrapped=Case.objects.get(pk=first.pk).data_key_wrapped)
    keyring.clear_data_keys()
    with pytest.raises(CryptoError, match="failed authentication"):
        keyring.aead_for(second.data_key_id)


def test_a_wrapped_key_and_its_id_copied_onto_another_case_do_not_unwrap(cast):
    first = case_create(organization=cast.owner.organization, case_number="C-1")
    second = case_create(organization=cast.owner.organization, case_number="C-2")
    Case.objects.filter(pk=first.pk).update(data_key_id=1)  # free the unique id for the copy
    Case.objects.filter(pk=second.pk).update(data_key_id=first.data_key_id, data_key_wrapped=first.data_key_wrapped)
    keyring.clear_data_keys()
    with pytest.raises(CryptoError, match="failed authentication"):
        keyring.aead_for(first.data_key_id)  # now found on the second case, whose uuid differs


def test_a_destroyed_key_cannot_be_used(cast):
    case = case_create(organization=cast.owner.organization, case_number="C-1")
    keyring.data_key_destroy(case)
    assert Case.objects.get(pk=case.pk).data_key_wrapped is None
    with pytest.raises(DataKeyDestroyed):
        keyring.aead_for(case.data_key_id)


def test_unwrapped_keys_are_reused_within_a_request(cast, django_assert_num_queries):
    case = case_create(organization=cast.owner.organization, case_number="C-1")
    keyring.clear_data_keys()
    first = keyring.aead_for(case.data_key_id)
    with django_assert_num_queries(0):
        assert keyring.aead_for(case.data_key_id) is first


def test_the_request_middleware_forgets_unwrapped_keys_at_the_end(cast):
    case = case_create(organization=cast.owner.organization, case_number="C-1")
    seen = []

    def view(request):
        keyring.aead_for(case.data_key_id)
        seen.append(keyring.cached_data_key_count())
        from django.http import HttpResponse

        return HttpResponse()

    DataKeyScopeMiddleware(view)(RequestFactory().get("/"))
    assert seen == [1]
    assert keyring.cached_data_key_count() == 0


def test_a_task_forgets_unwrapped_keys_when_it_ends(cast):
    from celery import shared_task

    case = case_create(organization=cast.owner.organization, case_number="C-1")

    @shared_task
    def touch(data_key_id):
        keyring.aead_for(data_key_id)
        return keyring.cached_data_key_count()

    assert touch.delay(case.data_key_id).get() == 1
    assert keyring.cached_data_key_count() == 0
