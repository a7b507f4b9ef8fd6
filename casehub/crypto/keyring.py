"""Per-case data keys: creating, unwrapping, re-wrapping and destroying them.

A case's data key lives in three columns of its own row (``data_key_id``, ``data_key_wrapped``,
``data_key_master_id``): made and wrapped before the case is inserted, so the case and its key
are one INSERT, and read with the case, so reading a case needs no join.

Unwrapped keys exist only as ``AESGCM`` objects in a per-request (or per-task) cache held in
a context variable: ``DataKeyScopeMiddleware`` gives every request a fresh cache and empties it
at the end; Celery's task signals do the same around each task. Code outside both (a shell,
a management command) gets a cache for its context that ``clear_data_keys()`` empties.
Nothing here logs, and no key material is ever written unwrapped.
"""

from __future__ import annotations

import contextvars
import itertools
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.core.signals import setting_changed
from django.dispatch import receiver

from casehub.crypto.aead import _HEADER, VERSION, header
from casehub.crypto.errors import DataKeyDestroyed, UnknownKeyError
from casehub.crypto.keys import KEY_BYTES, key_provider, reset_key_provider

_pack_header = _HEADER.pack

# Unwrapped data keys are cached under the 9-byte header their ciphertexts start with (format
# version and key id), so a field read finds its key with one slice and one lookup.
_cache_var: contextvars.ContextVar[dict | None] = contextvars.ContextVar("casehub_data_keys", default=None)


def _cache() -> dict:
    cache = _cache_var.get()
    if cache is None:
        cache = {}
        _cache_var.set(cache)
    return cache


@contextmanager
def data_key_scope() -> Iterator[None]:
    """Run a block with its own data-key cache, emptied when the block ends."""
    cache: dict = {}
    token = _cache_var.set(cache)
    try:
        yield
    finally:
        cache.clear()
        _cache_var.reset(token)


def clear_data_keys() -> None:
    """Forget every unwrapped data key of the current context."""
    cache = _cache_var.get()
    if cache is not None:
        cache.clear()


def forget_data_key(data_key_id: int) -> None:
    cache = _cache_var.get()
    if cache is not None:
        cache.pop(header(data_key_id), None)
        cache.pop(("wrapped", data_key_id), None)


def cached_data_key_count() -> int:
    cache = _cache_var.get()
    return sum(type(key) is bytes for key in cache) if cache else 0


# Data key ids are 63-bit numbers at or above 2**62, drawn with the keys, so a case's ciphertexts
# can name their key before the case row exists (bulk inserts). A batch takes consecutive ids
# from a random start (an insert then touches one place of the unique index, not a random page
# per case); the unique constraint refuses the astronomically unlikely overlap of two batches.
# Ids are not secret (every ciphertext header names its key). Ids below 2**62 are the
# sequential ids of keys made before the keys moved onto the case rows.
_KEY_ID_BASE = 1 << 62
_KEY_ID_SPAN = (1 << 62) - (1 << 32)  # room for a batch of up to 2**32 keys above any start


def _wrap_aad(key_id: int, case_uuid: uuid.UUID) -> bytes:
    # Binds the wrapped key to its own id and case: copied onto another case row, it will not unwrap.
    return _WRAP_PREFIX + key_id.to_bytes(8, "big") + case_uuid.bytes


_WRAP_PREFIX = b"casehub/datakey/v2|"


@dataclass(slots=True)
class WrappedKey:
    """What unwrapping a data key needs: its id, its case's uuid and the wrapped bytes (None once destroyed)."""

    pk: int
    case_uuid: uuid.UUID
    master_key_id: str
    wrapped: bytes | None


def data_keys_assign(cases) -> None:
    """Give each new (unsaved) case a fresh random data key, wrapped under the active master key.

    The key's columns are set on the case and saved with it (one row, one INSERT); the unwrapped
    key goes into this request's cache, so encrypting the case's fields needs no unwrap.
    """
    provider = key_provider()
    cases = list(cases)
    first_id = _KEY_ID_BASE + int.from_bytes(os.urandom(8), "big") % _KEY_ID_SPAN
    # One urandom call for every secret of the batch instead of one per case.
    secrets = os.urandom(KEY_BYTES * len(cases))
    plain, aads = [], []
    for index, case in enumerate(cases):
        if case.uuid is None:
            raise ValueError("a case needs its uuid before it gets a data key")
        plain.append(secrets[KEY_BYTES * index : KEY_BYTES * (index + 1)])
        aads.append(_WRAP_PREFIX + (first_id + index).to_bytes(8, "big") + case.uuid.bytes)
    master_key_id, wrapped = provider.wrap_many(plain, aads=aads)
    cache = _cache()
    for key_id, case, secret, blob in zip(itertools.count(first_id), cases, plain, wrapped):
        case.data_key_id = key_id
        case.data_key_master_id = master_key_id
        case.data_key_wrapped = blob
        cache[_pack_header(VERSION, key_id)] = AESGCM(secret)


def data_key_assign(case) -> None:
    """A fresh data key for one new case (see data_keys_assign)."""
    data_keys_assign([case])


def data_keys_prefetch(records) -> None:
    """Fetch the wrapped data keys of ``records`` in one query, to unwrap each only when first used.

    For list pages and exports that will read encrypted fields of many records: one query instead
    of one per case, and no Case model instances. Nothing is unwrapped here.
    """
    from casehub.crypto.fields import data_key_id_for
    from casehub.models import Case

    cache = _cache()
    wanted = {data_key_id_for(record) for record in records}
    wanted = [key_id for key_id in wanted if header(key_id) not in cache and ("wrapped", key_id) not in cache]
    for start in range(0, len(wanted), 5000):
        rows = Case._base_manager.filter(data_key_id__in=wanted[start : start + 5000]).values_list(
            "data_key_id", "uuid", "data_key_master_id", "data_key_wrapped"
        )
        for key_id, case_uuid, master_key_id, wrapped in rows:
            cache[("wrapped", key_id)] = WrappedKey(key_id, case_uuid, master_key_id, wrapped)


def _fetch_wrapped(data_key_id: int) -> WrappedKey:
    from casehub.models import Case

    row = (
        Case._base_manager.filter(data_key_id=data_key_id)
        .values_list("data_key_id", "uuid", "data_key_master_id", "data_key_wrapped")
        .first()
    )
    if row is None:
        raise UnknownKeyError(f"data key #{data_key_id} does not exist")
    return WrappedKey(*row)


def aead_for(data_key_id: int, *, data_key: WrappedKey | None = None) -> AESGCM:
    """The AESGCM object of a data key, unwrapping it once per request or task.

    ``data_key`` may be the key's columns already loaded with the row (a case, or a record
    queried with with_data_keys), saving a query. Without it, the key is read from the database,
    so a case erased since it was loaded is refused.
    """
    cache = _cache()
    cache_key = header(data_key_id)
    aead = cache.get(cache_key)
    if aead is not None:
        return aead
    if data_key is None or data_key.pk != data_key_id:
        data_key = cache.pop(("wrapped", data_key_id), None)
    if data_key is None:
        data_key = _fetch_wrapped(data_key_id)
    case_uuid = data_key.case_uuid if isinstance(data_key.case_uuid, uuid.UUID) else uuid.UUID(data_key.case_uuid)
    return aead_unwrap(data_key_id, case_uuid.bytes, data_key.master_key_id, data_key.wrapped)


def aead_unwrap(data_key_id: int, case_uuid: bytes, master_key_id: str, wrapped: bytes | None) -> AESGCM:
    """Unwrap a data key from its columns and cache it for the request or task.

    aead_for ends here; a case's first field read comes straight here with the columns loaded
    with the row, having checked the cache itself.
    """
    if wrapped is None:
        raise DataKeyDestroyed(f"data key #{data_key_id} was destroyed")
    secret = key_provider().unwrap(
        master_key_id, wrapped, aad=_WRAP_PREFIX + data_key_id.to_bytes(8, "big") + case_uuid
    )
    aead = AESGCM(secret)
    _cache()[_pack_header(VERSION, data_key_id)] = aead
    return aead


def data_key_rewrap(case) -> bool:
    """Re-wrap one (locked) case's data key under the active master key; False if nothing was to do."""
    provider = key_provider()
    if case.data_key_wrapped is None or case.data_key_master_id == provider.active_key_id:
        return False
    aad = _wrap_aad(case.data_key_id, case.uuid)
    secret = provider.unwrap(case.data_key_master_id, case.data_key_wrapped, aad=aad)
    case.data_key_master_id, case.data_key_wrapped = provider.wrap(secret, aad=aad)
    return True


def data_key_destroy(case) -> None:
    """Overwrite the case's wrapped key with NULL (call with the row locked, inside the erasure's transaction)."""
    from casehub.models import Case

    Case._base_manager.filter(pk=case.pk).update(data_key_wrapped=None)
    case.data_key_wrapped = None
    forget_data_key(case.data_key_id)


@receiver(setting_changed)
def _keys_changed(*, setting, **kwargs):
    if setting == "CASEHUB_MASTER_KEYS":
        reset_key_provider()
        clear_data_keys()


def _connect_celery() -> None:
    try:
        from celery.signals import task_postrun, task_prerun
    except ImportError:  # pragma: no cover - celery is a runtime dependency
        return

    def _start(**kwargs):
        _cache_var.set({})

    def _end(**kwargs):
        clear_data_keys()

    task_prerun.connect(_start, weak=False, dispatch_uid="casehub.crypto.keyring.start")
    task_postrun.connect(_end, weak=False, dispatch_uid="casehub.crypto.keyring.end")


_connect_celery()
