"""Per-case data keys: creating, unwrapping, re-wrapping and destroying them.

Unwrapped keys exist only as ``AESGCM`` objects in a per-request (or per-task) cache held in
a context variable: ``DataKeyScopeMiddleware`` gives every request a fresh cache and empties it
at the end; Celery's task signals do the same around each task. Code outside both (a shell,
a management command) gets a cache for its context that ``clear_data_keys()`` empties.
Nothing here logs, and no key material is ever written unwrapped.
"""

from __future__ import annotations

import contextvars
import datetime
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils import timezone

from casehub.crypto.errors import DataKeyDestroyed, UnknownKeyError
from casehub.crypto.keys import KEY_BYTES, key_provider, reset_key_provider

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


def cached_aead(data_key_id: int) -> AESGCM | None:
    """The AESGCM object of a data key already unwrapped in this request or task, else None."""
    cache = _cache_var.get()
    return cache.get(data_key_id) if cache is not None else None


def clear_data_keys() -> None:
    """Forget every unwrapped data key of the current context."""
    cache = _cache_var.get()
    if cache is not None:
        cache.clear()


def forget_data_key(data_key_id: int) -> None:
    cache = _cache_var.get()
    if cache is not None:
        cache.pop(data_key_id, None)
        cache.pop(("wrapped", data_key_id), None)


def cached_data_key_count() -> int:
    cache = _cache_var.get()
    return len(cache) if cache else 0


def _wrap_aad(data_key) -> bytes:
    # Binds the wrapped key to its own row: copied onto another DataKey row, it will not unwrap.
    return b"casehub/datakey/v1|" + data_key.uuid.bytes


def data_key_create():
    """A fresh random data key, saved wrapped under the active master key."""
    from casehub.models import DataKey

    secret = os.urandom(KEY_BYTES)
    data_key = DataKey()
    data_key.master_key_id, data_key.wrapped = key_provider().wrap(secret, aad=_wrap_aad(data_key))
    data_key.save(force_insert=True)
    _cache()[data_key.pk] = AESGCM(secret)
    return data_key


@dataclass(slots=True)
class WrappedKey:
    """The columns of a DataKey row that unwrapping needs (cheaper than a model instance)."""

    pk: int
    uuid: uuid.UUID
    master_key_id: str
    wrapped: bytes | None
    destroyed_at: datetime.datetime | None


def data_keys_prefetch(records) -> None:
    """Fetch the wrapped data keys of ``records`` in one query, to unwrap each only when first used.

    For list pages and exports that will read encrypted fields of many cases: one query instead of
    one per case, and no DataKey model instances. Nothing is unwrapped here.
    """
    from casehub.crypto.fields import data_key_id_for
    from casehub.models import DataKey

    cache = _cache()
    wanted = {data_key_id_for(record) for record in records} - cache.keys()
    wanted = [key_id for key_id in wanted if ("wrapped", key_id) not in cache]
    for start in range(0, len(wanted), 5000):
        rows = DataKey.objects.filter(pk__in=wanted[start : start + 5000]).values_list(
            "pk", "uuid", "master_key_id", "wrapped", "destroyed_at"
        )
        for pk, key_uuid, master_key_id, wrapped, destroyed_at in rows:
            cache[("wrapped", pk)] = WrappedKey(pk, key_uuid, master_key_id, wrapped, destroyed_at)


def data_keys_create_many(count: int) -> list:
    """Fresh data keys for a batch of new cases (imports), saved with one bulk insert."""
    from casehub.models import DataKey

    provider = key_provider()
    keys, secrets = [], []
    for _ in range(count):
        secret = os.urandom(KEY_BYTES)
        data_key = DataKey()
        data_key.master_key_id, data_key.wrapped = provider.wrap(secret, aad=_wrap_aad(data_key))
        keys.append(data_key)
        secrets.append(secret)
    DataKey.objects.bulk_create(keys, batch_size=500)
    cache = _cache()
    for data_key, secret in zip(keys, secrets, strict=True):
        cache[data_key.pk] = AESGCM(secret)
    return keys


def aead_for(data_key_id: int, *, data_key=None) -> AESGCM:
    """The AESGCM object of a data key, unwrapping it once per request or task.

    ``data_key`` may be a DataKey row already loaded (select_related), saving a query.
    """
    cache = _cache()
    aead = cache.get(data_key_id)
    if aead is not None:
        return aead
    if data_key is None or data_key.pk != data_key_id:
        data_key = cache.pop(("wrapped", data_key_id), None)
    if data_key is None:
        from casehub.models import DataKey

        data_key = DataKey.objects.filter(pk=data_key_id).first()
        if data_key is None:
            raise UnknownKeyError(f"data key #{data_key_id} does not exist")
    if data_key.destroyed_at is not None or data_key.wrapped is None:
        raise DataKeyDestroyed(f"data key #{data_key_id} was destroyed")
    aead = AESGCM(key_provider().unwrap(data_key.master_key_id, data_key.wrapped, aad=_wrap_aad(data_key)))
    cache[data_key_id] = aead
    return aead


def data_key_rewrap(data_key) -> bool:
    """Re-wrap one (locked) data key under the active master key; False if nothing was to do."""
    provider = key_provider()
    if data_key.destroyed_at is not None or data_key.master_key_id == provider.active_key_id:
        return False
    secret = provider.unwrap(data_key.master_key_id, data_key.wrapped, aad=_wrap_aad(data_key))
    data_key.master_key_id, data_key.wrapped = provider.wrap(secret, aad=_wrap_aad(data_key))
    return True


def data_key_destroy(data_key) -> None:
    """Overwrite the wrapped key (call with the row locked, inside the erasure's transaction)."""
    data_key.wrapped = None
    data_key.destroyed_at = timezone.now()
    data_key.save(update_fields=["wrapped", "destroyed_at"])
    forget_data_key(data_key.pk)


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
