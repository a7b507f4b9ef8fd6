"""Model fields that store AES-256-GCM ciphertext and decrypt lazily, on attribute access.

A model with encrypted fields needs a ``uuid`` field (made by the application before the first
save: the ciphertexts are bound to it) and says where its data key is with
``crypto_data_key = "data_key"`` (the Case itself) or ``"case__data_key"`` (a record of a case).

How a value lives on an instance:

- ``instance.__dict__[attname]`` holds the stored bytes (what the database has), or ``_DIRTY``
  when plaintext was assigned and is not yet encrypted;
- ``instance.__dict__["_plain_" + attname]`` caches the plaintext once read or assigned.

Loading a row never decrypts; reading the attribute does, once. Saving encrypts only values
that were assigned. Django paths that bypass ``pre_save`` (``QuerySet.update()``,
``bulk_update()``) reach ``get_db_prep_value`` with plaintext, which raises; lookups other than
``isnull`` raise instead of silently matching nothing (use a blind index).
"""

from __future__ import annotations

import datetime
import json

from cryptography.exceptions import InvalidTag
from django import forms
from django.core import checks
from django.db import models
from django.db.models.query_utils import DeferredAttribute

from casehub.crypto import aead as _aead
from casehub.crypto import keyring
from casehub.crypto.errors import (
    CryptoError,
    DataKeyDestroyed,
    DecryptionError,
    EncryptedFieldMisuse,
    ErasedError,
)

# Assigned plaintext waiting for pre_save; never reaches the database.
_DIRTY = object()


def _owner_of_data_key(instance):
    """(object holding the data key FK, FK name): the instance itself or a related case."""
    path = getattr(type(instance), "crypto_data_key", "data_key").split("__")
    owner = instance
    for part in path[:-1]:
        owner = getattr(owner, part)
    return owner, path[-1]


def data_key_id_for(instance) -> int:
    owner, name = _owner_of_data_key(instance)
    return getattr(owner, name + "_id")


def _loaded_data_key(instance, key_id: int):
    """The DataKey row if it was loaded with select_related, so unwrapping needs no query."""
    try:
        owner, name = _owner_of_data_key(instance)
    except Exception:  # a missing related row is reported by the decryption itself
        return None
    data_key = owner._state.fields_cache.get(name)
    return data_key if data_key is not None and data_key.pk == key_id else None


class EncryptedAttribute(DeferredAttribute):
    """Descriptor: stored bytes in, plaintext out, decrypted on first read and cached."""

    def __get__(self, instance, cls=None):
        if instance is None:
            return self
        field = self.field
        data = instance.__dict__
        try:
            return data[field.plain_key]
        except KeyError:
            pass
        if field.attname not in data:
            # Deferred (.only()/.defer()): fetch the stored bytes, still without decrypting others.
            raw = type(instance)._base_manager.filter(pk=instance.pk).values_list(field.attname, flat=True).get()
            self.__set__(instance, raw)
        raw = data[field.attname]
        if raw is None:
            data[field.plain_key] = None
            return None
        value = field.decrypt(instance, raw)
        data[field.plain_key] = value
        return value

    def __set__(self, instance, value):
        data = instance.__dict__
        field = self.field
        if value is None:
            data[field.attname] = None
            data[field.plain_key] = None
        elif isinstance(value, bytes | memoryview | bytearray):
            # Bytes are what the database holds: a ciphertext, authenticated when read.
            data[field.attname] = bytes(value)
            data.pop(field.plain_key, None)
        else:
            data[field.attname] = _DIRTY
            data[field.plain_key] = value


class EncryptedField(models.BinaryField):
    """Base class: subclasses say how a value becomes bytes and back."""

    descriptor_class = EncryptedAttribute
    # JSON values are mutable: re-encrypt whenever the value was read, in case it was changed in place.
    reseal_when_read = False

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("editable", True)
        super().__init__(*args, **kwargs)

    def contribute_to_class(self, cls, name, private_only=False):
        super().contribute_to_class(cls, name, private_only=private_only)
        self.plain_key = f"_plain_{self.attname}"
        self.context_prefix = f"{cls._meta.label_lower}\0{self.name}\0".encode()

    def check(self, **kwargs):
        errors = super().check(**kwargs)
        if not self.model._meta.abstract and not any(f.name == "uuid" for f in self.model._meta.fields):
            errors.append(
                checks.Error("a model with encrypted fields needs a `uuid` field", obj=self, id="casehub.E001")
            )
        if self.unique or self.db_index or self.primary_key:
            errors.append(
                checks.Error(
                    "an encrypted field cannot be unique, indexed or a primary key; use a blind index",
                    obj=self,
                    id="casehub.E002",
                )
            )
        return errors

    def label(self) -> str:
        return f"{self.model._meta.label}.{self.name}"

    # How values become bytes; subclasses override.
    def encode(self, value) -> bytes:
        raise NotImplementedError

    def decode(self, data: bytes):
        raise NotImplementedError

    def context(self, instance) -> bytes:
        record = instance.uuid
        if record is None:
            raise EncryptedFieldMisuse(f"{self.label()} needs the record's uuid before it is encrypted")
        return self.context_prefix + record.bytes

    def seal(self, instance, value) -> bytes:
        key_id = data_key_id_for(instance)
        try:
            # No in-memory DataKey here: a copy loaded before an erasure would still unwrap.
            aead = keyring.aead_for(key_id)
        except DataKeyDestroyed:
            raise ErasedError(model=self.model._meta.label, field=self.name, record=instance.uuid) from None
        return _aead.seal(aead, key_id=key_id, context=self.context(instance), plaintext=self.encode(value))

    def decrypt(self, instance, raw: bytes):
        model, record = self.model._meta.label, instance.uuid
        try:
            key_id = _aead.key_id_of(raw)
        except ValueError:
            raise DecryptionError(model=model, field=self.name, record=record, reason="has an unknown format") from None
        try:
            aead = keyring.aead_for(key_id, data_key=_loaded_data_key(instance, key_id))
            plaintext = _aead.open_value(aead, raw, context=self.context(instance))
        except DataKeyDestroyed:
            raise ErasedError(model=model, field=self.name, record=record) from None
        except InvalidTag:
            raise DecryptionError(model=model, field=self.name, record=record) from None
        except CryptoError as exc:
            # Unknown data key, or a data key wrapped under a master key no longer configured.
            raise DecryptionError(
                model=model, field=self.name, record=record, reason=f"cannot be decrypted ({exc})"
            ) from None
        return self.decode(plaintext)

    def pre_save(self, model_instance, add):
        data = model_instance.__dict__
        raw = data.get(self.attname)
        if raw is _DIRTY or (self.reseal_when_read and self.plain_key in data and raw is not None):
            value = data[self.plain_key]
            if value is None:
                raw = None
            else:
                self.check_size(value)
                raw = self.seal(model_instance, value)
            data[self.attname] = raw
        return raw

    def check_size(self, value) -> None:
        if self.max_length is not None and len(value) > self.max_length:
            raise ValueError(f"{self.label()} is longer than {self.max_length} characters")

    def get_db_prep_value(self, value, connection, prepared=False):
        if value is None or isinstance(value, bytes | memoryview):
            return super().get_db_prep_value(value, connection, prepared)
        # Reached by QuerySet.update(), bulk_update() and hand-built queries with a plain value.
        raise EncryptedFieldMisuse(
            f"{self.label()} would be written unencrypted: assign it on the instance and save(), "
            "not QuerySet.update() or bulk_update()"
        )

    def get_lookup(self, lookup_name):
        if lookup_name == "isnull":
            return super().get_lookup(lookup_name)
        raise EncryptedFieldMisuse(
            f"{self.label()} is encrypted and cannot be filtered with {lookup_name!r}; use its blind index"
        )

    def get_transform(self, lookup_name):
        raise EncryptedFieldMisuse(f"{self.label()} is encrypted and has no {lookup_name!r} transform")

    def value_to_string(self, obj):
        # dumpdata and serializers would export plaintext (or ciphertext that loaddata cannot
        # tell apart from it): refuse; exports of case data go through a dedicated, audited path.
        raise EncryptedFieldMisuse(f"{self.label()} is encrypted and is not serialized")

    def to_python(self, value):
        return value


class EncryptedTextField(EncryptedField):
    """A short text (names, phone numbers); max_length counts characters of the plaintext."""

    def __init__(self, *args, max_length: int = 255, **kwargs):
        super().__init__(*args, max_length=max_length, **kwargs)

    def encode(self, value) -> bytes:
        if not isinstance(value, str):
            raise EncryptedFieldMisuse(f"{self.label()} takes text")
        return value.encode()

    def decode(self, data: bytes) -> str:
        return data.decode()

    def formfield(self, **kwargs):
        return forms.CharField(max_length=self.max_length, required=not self.blank, label=self.verbose_name, **kwargs)


class EncryptedLongTextField(EncryptedTextField):
    """A narrative or note; max_length (characters) is None, unbounded, unless given."""

    def __init__(self, *args, max_length=None, **kwargs):
        EncryptedField.__init__(self, *args, max_length=max_length, **kwargs)

    def formfield(self, **kwargs):
        return forms.CharField(widget=forms.Textarea, required=not self.blank, label=self.verbose_name, **kwargs)


class EncryptedDateField(EncryptedField):
    def encode(self, value) -> bytes:
        if isinstance(value, datetime.datetime) or not isinstance(value, datetime.date):
            raise EncryptedFieldMisuse(f"{self.label()} takes a date")
        return value.isoformat().encode()

    def decode(self, data: bytes) -> datetime.date:
        return datetime.date.fromisoformat(data.decode())

    def check_size(self, value) -> None:
        pass

    def to_python(self, value):
        if isinstance(value, str):
            return models.DateField().to_python(value)
        return value

    def formfield(self, **kwargs):
        return forms.DateField(required=not self.blank, label=self.verbose_name, **kwargs)


class EncryptedJSONField(EncryptedField):
    """JSON-native values; max_length, if given, bounds the encoded size in bytes."""

    reseal_when_read = True

    def encode(self, value) -> bytes:
        data = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()
        if self.max_length is not None and len(data) > self.max_length:
            raise ValueError(f"{self.label()} is larger than {self.max_length} bytes")
        return data

    def decode(self, data: bytes):
        return json.loads(data)

    def check_size(self, value) -> None:
        pass

    def formfield(self, **kwargs):
        return forms.JSONField(required=not self.blank, label=self.verbose_name, **kwargs)


def encrypted_values_update(instance, **values) -> None:
    """Assign and save encrypted (and plain) fields of one record: the safe form of update()."""
    for name, value in values.items():
        setattr(instance, name, value)
    instance.save(update_fields=list(values))


def encrypted_fields(model) -> list[EncryptedField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, EncryptedField)]


def encrypted_models() -> list:
    """Every installed model with encrypted fields (rotation and re-keying walk them)."""
    from django.apps import apps

    return [model for model in apps.get_models() if encrypted_fields(model)]


def records_of_case(model, case):
    """A queryset of ``model``'s rows encrypted under ``case``'s data key."""
    path = getattr(model, "crypto_data_key", "data_key").split("__")
    if len(path) == 1:
        return model._base_manager.filter(pk=case.pk) if model is type(case) else model._base_manager.none()
    return model._base_manager.filter(**{"__".join(path[:-1]): case})
