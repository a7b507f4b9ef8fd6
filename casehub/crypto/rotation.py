"""Online key rotation, case re-keying and blind-index rebuilds.

Master-key rotation only re-wraps data keys: no encrypted value is touched (except the few
authenticator keys that orgs seals directly under the master key, re-sealed at the end). It runs in small
batches, each in its own transaction that locks its rows with ``SELECT … FOR UPDATE SKIP
LOCKED``, so the application keeps writing (new data keys are already wrapped under the new
key; a data key being destroyed by an erasure is locked and skipped until it is gone). Work
left is always "data keys not yet under the target key", found with SQL, so a crash or a
restart simply resumes. Progress lives in a KeyRotation row, read by the CLI and the admin page.

Runbook: docs/security-model.md.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from audit.services import audit_record
from casehub.crypto.blind_index import blind_index_fields, organization_id_for
from casehub.crypto.errors import CryptoError, ErasedError
from casehub.crypto.fields import encrypted_fields, encrypted_models, records_of_case, with_data_key_owner
from casehub.crypto.keyring import aead_for, data_key_assign, data_key_rewrap, forget_data_key
from casehub.crypto.keys import key_provider
from casehub.models import Case, KeyRotation, KeyRotationStatus
from orgs.services import authenticator_keys_reseal, authenticator_keys_under

Progress = Callable[[KeyRotation], None]
BATCH_SIZE = 500
# How long a batch waits for rows other transactions hold locked before looking again.
LOCKED_ROWS_PAUSE = 0.2


# Only the data key's columns: rotation never loads (or rewrites) a case's other fields.
_KEY_COLUMNS = ("pk", "uuid", "data_key_id", "data_key_wrapped", "data_key_master_id")


def _stale_data_keys(target_key_id: str):
    """Cases whose live data key is not yet wrapped under the target key."""
    return Case._base_manager.filter(data_key_wrapped__isnull=False).exclude(data_key_master_id=target_key_id)


def master_key_rotation_start(*, by=None, enqueue: bool = True) -> KeyRotation:
    """Record a rotation to the active master key and (on commit) queue the task that runs it.

    An unfinished rotation to the same key is returned instead, so starting twice resumes.
    """
    from casehub.tasks import rotate_master_key

    target = key_provider().active_key_id
    with transaction.atomic():
        rotation = (
            KeyRotation.objects.select_for_update()
            .filter(target_key_id=target, status__in=[KeyRotationStatus.PENDING, KeyRotationStatus.RUNNING])
            .first()
        )
        if rotation is None:
            rotation = KeyRotation.objects.create(
                target_key_id=target, total=_stale_data_keys(target).count(), started_by=by
            )
            audit_record(
                "crypto.rotation_started",
                actor=by,
                target=rotation,
                details={"target_key": target, "data_keys": rotation.total},
            )
        if enqueue:
            rotation_id = rotation.pk
            transaction.on_commit(lambda: rotate_master_key.delay(rotation_id))
    return rotation


def master_key_rotation_run(
    *, rotation_id: int, batch_size: int = BATCH_SIZE, on_progress: Progress | None = None, rebuild_indexes: bool = True
) -> KeyRotation:
    """Re-wrap every live data key under the rotation's target key, batch by batch; idempotent."""
    rotation = KeyRotation.objects.get(pk=rotation_id)
    if rotation.status == KeyRotationStatus.DONE:
        return rotation
    if rotation.target_key_id != key_provider().active_key_id:
        KeyRotation.objects.filter(pk=rotation_id).update(
            status=KeyRotationStatus.FAILED, error="target key is no longer the active key"
        )
        rotation.refresh_from_db()
        return rotation
    KeyRotation.objects.filter(pk=rotation_id).update(status=KeyRotationStatus.RUNNING)
    stale = _stale_data_keys(rotation.target_key_id)
    # One pass in primary-key order (the master key id is not indexed, so each batch starts
    # where the last one ended instead of scanning the done rows again); rows skipped because
    # another transaction held them locked are picked up by another pass.
    after_pk = 0
    while True:
        with transaction.atomic():
            rows = stale.filter(pk__gt=after_pk).select_for_update(skip_locked=True).only(*_KEY_COLUMNS)
            batch = list(rows.order_by("pk")[:batch_size])
            changed = [case for case in batch if data_key_rewrap(case)]
            if changed:
                Case._base_manager.bulk_update(changed, ["data_key_wrapped", "data_key_master_id"])
                KeyRotation.objects.filter(pk=rotation_id).update(done=F("done") + len(changed))
        rotation.refresh_from_db()
        if on_progress:
            on_progress(rotation)
        if batch:
            after_pk = batch[-1].pk
            continue
        if not stale.exists():
            break
        # Every remaining key was locked by another transaction (an erasure): wait, then go round again.
        after_pk = 0
        time.sleep(LOCKED_ROWS_PAUSE)
    if rebuild_indexes:
        rotation.indexes_rebuilt = blind_indexes_rebuild(batch_size=batch_size)
    # Authenticator (TOTP) keys are sealed directly under the master key (orgs/sealing.py).
    authenticator_keys_reseal(batch_size=batch_size)
    with transaction.atomic():
        # total becomes what was actually re-wrapped: keys erased during the run drop out of it.
        KeyRotation.objects.filter(pk=rotation_id).update(
            status=KeyRotationStatus.DONE,
            finished_at=timezone.now(),
            total=F("done"),
            indexes_rebuilt=rotation.indexes_rebuilt,
        )
        rotation.refresh_from_db()
        audit_record(
            "crypto.rotation_finished",
            target=rotation,
            details={"target_key": rotation.target_key_id, "data_keys": rotation.done},
        )
    if on_progress:
        on_progress(rotation)
    return rotation


def master_key_retirable(*, key_id: str) -> bool:
    """True when no live data key (and no authenticator key) is under ``key_id``, so it may be removed."""
    return not (
        Case._base_manager.filter(data_key_wrapped__isnull=False, data_key_master_id=key_id).exists()
        or authenticator_keys_under(key_id)
    )


def blind_indexes_rebuild(*, model=None, batch_size: int = BATCH_SIZE) -> int:
    """Recompute every blind index under the active master key (after rotation or a bits change)."""
    models = [model] if model is not None else [m for m in encrypted_models() if blind_index_fields(m)]
    rebuilt = 0
    for each in models:
        index_fields = blind_index_fields(each)
        names = [f.name for f in index_fields]
        last_pk = None
        while True:
            with transaction.atomic():
                rows = each._base_manager.select_for_update().order_by("pk")
                if last_pk is not None:
                    rows = rows.filter(pk__gt=last_pk)
                batch = list(with_data_key_owner(rows)[:batch_size])
                if not batch:
                    break
                for row in batch:
                    for field in index_fields:
                        try:
                            plaintext = getattr(row, field.source)
                        except ErasedError:
                            plaintext = None
                        setattr(row, field.attname, field.compute(plaintext, organization_id_for(row)))
                each._base_manager.bulk_update(batch, names)
            rebuilt += len(batch)
            last_pk = batch[-1].pk
    return rebuilt


def case_rekey(*, case: Case, by=None) -> Case:
    """Re-encrypt every encrypted value of one case under a fresh data key, which replaces the old one.

    For a data key suspected compromised. Attachments named in a model's ``crypto_attachments``
    are re-encrypted too (new files; the old ones are deleted after commit).
    """
    from casehub.crypto.files import attachment_reencrypt

    with transaction.atomic():
        case = Case._base_manager.select_for_update().get(pk=case.pk)
        old_key_id = case.data_key_id
        if case.data_key_wrapped is None:
            raise CryptoError(f"case {case.uuid} is erased and cannot be re-keyed")
        pending: list[tuple] = []
        for model in encrypted_models():
            fields = encrypted_fields(model)
            for row in with_data_key_owner(records_of_case(model, case)):
                values = {field.name: getattr(row, field.name) for field in fields}
                pending.append((row, values))
        # The old key stays unwrapped in this task's cache until every value and file has moved:
        # the new key's columns overwrite it on the case row, so the database no longer has it.
        aead_for(old_key_id)
        data_key_assign(case)
        case.save(update_fields=["data_key_id", "data_key_wrapped", "data_key_master_id"])
        old_files: list[tuple] = []
        for row, values in pending:
            if isinstance(row, Case):
                row = case
            else:
                row.case = case
            for name, value in values.items():
                setattr(row, name, value)
            for attachment_field in getattr(type(row), "crypto_attachments", ()):
                old_name = getattr(row, attachment_field)
                if old_name:
                    setattr(row, attachment_field, attachment_reencrypt(record=row, name=old_name))
                    old_files.append(old_name)
            row.save(update_fields=[*values, *getattr(type(row), "crypto_attachments", ())])
        forget_data_key(old_key_id)
        audit_record(
            "case.rekeyed", actor=by, organization=case.organization, target=case, details={"records": len(pending)}
        )
        if old_files:
            transaction.on_commit(lambda: _delete_files(old_files))
    return case


def _delete_files(names: list[str]) -> None:
    from django.core.files.storage import default_storage

    for name in names:
        default_storage.delete(name)
