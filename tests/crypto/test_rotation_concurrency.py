"""Rotation while the application writes, on PostgreSQL (SQLite has no row locks to exercise)."""

import threading

import pytest
from django.db import connection, connections, transaction

from casehub.crypto.keyring import clear_data_keys, data_key_destroy, data_key_scope
from casehub.crypto.rotation import master_key_rotation_run, master_key_rotation_start
from casehub.models import Case
from tests.crypto.factories import a_case, a_record, reloaded
from tests.crypto.keys import retired, rotated
from tests.crypto.models import SealedRecord
from tests.factories import OrganizationFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
]


def test_rotation_under_concurrent_writes_loses_no_value(settings):
    # given committed cases, and the new key made active
    organization = OrganizationFactory()
    records = [a_record(a_case(organization), name="v0") for _ in range(40)]
    settings.CASEHUB_MASTER_KEYS = rotated()
    expected = {record.pk: "v0" for record in records}
    created: list[int] = []
    errors: list[BaseException] = []
    started = threading.Event()

    def writer():
        try:
            with data_key_scope():
                for round_ in range(1, 6):
                    for record in records:
                        with transaction.atomic():
                            fresh = SealedRecord.objects.select_for_update().get(pk=record.pk)
                            fresh.name = f"v{round_}"
                            fresh.save(update_fields=["name", "name_index"])
                        expected[record.pk] = f"v{round_}"
                        started.set()
                    created.append(a_record(a_case(organization), name=f"new {round_}").pk)
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)
            started.set()
        finally:
            connections.close_all()

    # when the rotation runs in small batches while the writer keeps writing
    thread = threading.Thread(target=writer)
    thread.start()
    started.wait()
    rotation = master_key_rotation_start(enqueue=False)
    master_key_rotation_run(rotation_id=rotation.pk, batch_size=3)
    thread.join()

    # then every value written is there and decrypts with only the new key
    assert not errors
    settings.CASEHUB_MASTER_KEYS = retired()
    clear_data_keys()
    assert {pk: reloaded(SealedRecord(pk=pk)).name for pk in expected} == expected
    assert [SealedRecord.objects.get(pk=pk).name for pk in created] == [f"new {i}" for i in range(1, 6)]
    assert set(Case.objects.values_list("data_key_master_id", flat=True)) == {"new"}


def test_an_erasure_during_rotation_is_never_undone(settings):
    # given cases, the new key active, and an erasure that holds the row lock of its case (and key)
    organization = OrganizationFactory()
    records = [a_record(a_case(organization), name="kept") for _ in range(6)]
    erased = records[0].case.pk
    settings.CASEHUB_MASTER_KEYS = rotated()
    locked, release = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def erasure():
        try:
            with transaction.atomic():
                case = Case.objects.select_for_update().get(pk=erased)
                locked.set()
                release.wait()
                data_key_destroy(case)
        except BaseException as exc:
            errors.append(exc)
            locked.set()
        finally:
            connections.close_all()

    def rotation_run(rotation_id):
        try:
            master_key_rotation_run(rotation_id=rotation_id, batch_size=2)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    eraser = threading.Thread(target=erasure)
    eraser.start()
    locked.wait()
    rotation = master_key_rotation_start(enqueue=False)
    rotator = threading.Thread(target=rotation_run, args=(rotation.pk,))
    rotator.start()

    # when the rotation has re-wrapped every key it could lock, the erasure commits
    while rotator.is_alive() and Case.objects.filter(data_key_master_id="new").count() < len(records) - 1:
        rotator.join(0.05)
    release.set()
    eraser.join()
    rotator.join()

    # then the erased key stays destroyed and the others moved to the new key
    assert not errors
    destroyed = Case.objects.get(pk=erased)
    assert destroyed.data_key_wrapped is None
    live = Case.objects.filter(data_key_wrapped__isnull=False)
    assert set(live.values_list("data_key_master_id", flat=True)) == {"new"}
