"""Model fields that store AES-256-GCM ciphertext and decrypt lazily, on attribute access.

A model with encrypted fields needs a ``uuid`` field (made by the application before the first
save: the ciphertexts are bound to it) and says where its data key is with
``crypto_data_key = "data_key"`` (the Case itself, whose row holds its data key's columns
``data_key_id``, ``data_key_wrapped`` and ``data_key_master_id``) or ``"case__data_key"`` (a
record of a case).

Like a foreign key, an encrypted field has two attributes:

- ``record.<name>_sealed`` (the field's attname) holds the stored bytes, exactly what the
  column holds; Django loads rows into it directly, so loading decrypts nothing and costs what
  a plain column costs;
- ``record.<name>`` is the plaintext: decrypted on first read and cached on the instance
  (together with the bytes it came from, so a refreshed row is decrypted again); assigning it
  marks the value for encryption at the next save.

Django paths that bypass ``pre_save`` (``QuerySet.update()``, ``bulk_update()``) reach
``get_db_prep_value`` with plaintext (or the "not yet encrypted" marker), which raises; lookups
other than ``isnull`` raise instead of silently matching nothing (use a blind index).
"""

from __future__ import annotations

import datetime
import json
import operator
import sqlite3
from collections.abc import Callable

from cryptography.exceptions import InvalidTag
from django import forms
from django.core import checks
from django.db import models
from django.utils.functional import cached_property

from casehub.crypto import aead as _aead
from casehub.crypto import keyring
from casehub.crypto.aead import HEADER_BYTES as _HEADER_BYTES
from casehub.crypto.aead import NONCE_BYTES as _NONCE_BYTES
from casehub.crypto.aead import VERSION as _VERSION
from casehub.crypto.errors import (
    CryptoError,
    DataKeyDestroyed,
    DecryptionError,
    EncryptedFieldMisuse,
    ErasedError,
)
from casehub.crypto.keyring import _cache_var

# Stored in the attname slot when plaintext was assigned and is not encrypted yet; it can never
# reach the database (get_db_prep_value refuses it).
_DIRTY = object()
_NONCE_END = _HEADER_BYTES + _NONCE_BYTES
_pack_header = _aead._HEADER.pack
_MISSING = object()
_KEY_PATHS: dict[type, tuple[tuple[str, ...], str]] = {}

# sqlite3 binds str and int as they are but sends every bytes parameter through its adapter
# protocol, which fails two attribute lookups (raising and clearing AttributeError each time)
# before binding the value as a BLOB anyway. An identity adapter for exact bytes ends the
# lookup at its first step: every encrypted value and wrapped key inserted on SQLite is one.
sqlite3.register_adapter(bytes, bytes)


def _key_path(model: type) -> tuple[tuple[str, ...], str]:
    path = _KEY_PATHS.get(model)
    if path is None:
        parts = getattr(model, "crypto_data_key", "data_key").split("__")
        path = _KEY_PATHS[model] = (tuple(parts[:-1]), parts[-1])
    return path


_KEY_ID_GETTERS: dict[type, Callable] = {}


def _key_id_getter(model: type) -> Callable:
    """``operator.attrgetter`` of the data key id ("data_key_id" or "case.data_key_id"), one per model."""
    getter = _KEY_ID_GETTERS.get(model)
    if getter is None:
        relations, name = _key_path(model)
        getter = _KEY_ID_GETTERS[model] = operator.attrgetter(".".join((*relations, name + "_id")))
    return getter


def data_key_id_for(instance) -> int:
    """The id of the data key that encrypts ``instance``'s fields."""
    return _key_id_getter(type(instance))(instance)


def _loaded_data_key(instance, key_id: int):
    """The data key's columns if the row brought them (a case row, with_data_keys or select_related), else None."""
    data = instance.__dict__
    annotated = data.get("crypto_dk_id")
    if annotated is not None:
        if annotated != key_id:
            return None
        return keyring.WrappedKey(key_id, data["crypto_dk_uuid"], data["crypto_dk_master"], data["crypto_dk_wrapped"])
    relations, name = _key_path(type(instance))
    owner = instance
    for part in relations:
        owner = owner._state.fields_cache.get(part)
        if owner is None:
            return None
    owned = owner.__dict__
    if owned.get(name + "_id") != key_id or name + "_wrapped" not in owned or name + "_master_id" not in owned:
        return None  # another key, or the key's columns were deferred
    return keyring.WrappedKey(key_id, owner.uuid, owned[name + "_master_id"], owned[name + "_wrapped"])


def data_key_aead(instance, key_id: int):
    """Unwrap the data key of ``instance``'s fields, from the columns loaded with the row if it has them.

    What the first read of an encrypted field of a case does. A case row carries its own key's
    columns, which take the lean path; other records use with_data_keys, select_related or a query.
    """
    data = instance.__dict__
    if (
        data.get("data_key_id") == key_id
        and "data_key_wrapped" in data
        and "data_key_master_id" in data
        and not _key_path(type(instance))[0]  # the row is the case itself, not a record of one
    ):
        return keyring.aead_unwrap(key_id, instance.uuid.bytes, data["data_key_master_id"], data["data_key_wrapped"])
    return keyring.aead_for(key_id, data_key=_loaded_data_key(instance, key_id))


def data_key_owner_relation(model) -> str | None:
    """The relation from ``model`` to the case that holds its data key ("case"), or None for the case itself."""
    relations, _ = _key_path(model)
    return "__".join(relations) or None


def with_data_key_owner(queryset):
    """The queryset with each row's case (and so its data key) joined in, for rows of case records."""
    relation = data_key_owner_relation(queryset.model)
    return queryset.select_related(relation) if relation else queryset


class _NoPlaceholder:
    """Makes ``hasattr(field, "get_placeholder")`` false on a BinaryField subclass.

    On PostgreSQL, Django 5.2 inserts a batch through UNNEST (one array per column, far less
    planning) unless a field has get_placeholder, and every BinaryField has one. It only
    matters on MySQL ("_binary %s"); CaseHub runs on SQLite and PostgreSQL, where it is "%s",
    which Django uses when the field has none.
    """

    def __get__(self, instance, owner=None):
        raise AttributeError("get_placeholder")


_NO_PLACEHOLDER = _NoPlaceholder()


class BytesField(models.BinaryField):
    """A BinaryField for bytes that lets PostgreSQL batch inserts through UNNEST (see _NoPlaceholder).

    Bytes are saved as they are: SQLite and psycopg both take them for BLOB/bytea, so the
    ``Binary()`` wrapper BinaryField puts around each value is left out.
    """

    get_placeholder = _NO_PLACEHOLDER

    def get_db_prep_save(self, value, connection):
        # Stored bytes (and None) go straight through: no expression check, no Binary() wrapper.
        if value is None or type(value) is bytes:
            return value
        return super().get_db_prep_save(value, connection)


class EncryptedAttribute(property):
    """The plaintext side of an encrypted field (a property, so ``Model(name=...)`` accepts it)."""

    def __init__(self, field):
        super().__init__()
        self.field = field
        self.__doc__ = f"Plaintext of the encrypted field {field.name}."

    def __get__(self, instance, cls=None):
        if instance is None:
            return self
        field = self.field
        data = instance.__dict__
        raw = data.get(field.attname, _MISSING)
        if raw is _MISSING:
            # Deferred (.only()/.defer()): Django's attname descriptor fetches the bytes alone.
            raw = getattr(instance, field.attname)
        if data.get(field.seen_key, _MISSING) is raw:
            return data[field.plain_key]
        if raw is None:
            value = None
        elif raw is _DIRTY:  # a new instance whose field was left at its default
            return field.pending_value(instance)
        else:
            # The data key is found under the value's header once a value of its case was read
            # in this request (only current-format headers are cached); the first read unwraps it.
            head = raw[:_HEADER_BYTES]
            cache = _cache_var.get()
            aead = cache.get(head) if cache is not None else None
            if aead is None:
                aead = field._data_key_to_read(instance, raw)
            try:
                plaintext = aead.decrypt(
                    raw[_HEADER_BYTES:_NONCE_END],
                    raw[_NONCE_END:],
                    head + field.context_prefix + instance.uuid.bytes,
                )
            except (InvalidTag, ValueError):  # ValueError: too short to hold a nonce
                raise field._error(instance) from None
            value = plaintext.decode() if field.decodes_utf8 else field.decode(plaintext)
        data[field.seen_key] = raw
        data[field.plain_key] = value
        return value

    def __set__(self, instance, value):
        data = instance.__dict__
        field = self.field
        raw = None if value is None else _DIRTY
        data[field.attname] = data[field.seen_key] = raw
        data[field.plain_key] = value

    def __delete__(self, instance):
        raise AttributeError(f"{self.field.name} cannot be deleted")


class EncryptedField(BytesField):
    """Base class: subclasses say how a value becomes bytes and back (stored as BytesField stores bytes)."""

    # JSON values are mutable: re-encrypt whenever the value was read, in case it was changed in place.
    reseal_when_read = False

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("editable", True)
        super().__init__(*args, **kwargs)

    def get_default(self):
        # The default is plaintext: it goes through the plaintext side and is encrypted on save.
        return _DIRTY if self.has_default() else None

    def pending_value(self, instance):
        """The plaintext waiting to be encrypted: the assigned value, else the field's default."""
        data = instance.__dict__
        if data.get(self.seen_key, _MISSING) is _DIRTY:
            return data[self.plain_key]
        value = self.default() if callable(self.default) else self.default
        data[self.seen_key] = _DIRTY
        data[self.plain_key] = value
        return value

    def cached_plaintext(self, instance):
        """The plaintext of the stored (or pending) value if it was read or assigned, else _MISSING."""
        data = instance.__dict__
        if data.get(self.seen_key, _MISSING) is data.get(self.attname, _MISSING):
            return data[self.plain_key]
        return _MISSING

    def get_attname(self):
        return f"{self.name}_sealed"

    def get_attname_column(self):
        # The column keeps the field's name; only the Python attribute for the bytes differs.
        return self.get_attname(), self.db_column or self.name

    def contribute_to_class(self, cls, name, private_only=False):
        super().contribute_to_class(cls, name, private_only=private_only)
        # The plaintext, once decrypted or assigned, lives in the instance's __dict__ under
        # plain_key, next to the stored bytes it stands for under seen_key (two entries, not a
        # tuple: no object for the garbage collector to track per value read).
        self.plain_key = f"_plain_{self.name}"
        # EncryptedTextField's UTF-8 decode and encode are inlined in the descriptor and pre_save().
        self.decodes_utf8 = type(self).decode is EncryptedTextField.decode
        self.encodes_utf8 = type(self).encode is EncryptedTextField.encode
        # The base check_size (a character count) can be inlined in pre_save; overrides cannot.
        self.limits_characters = self.max_length is not None and type(self).check_size is EncryptedField.check_size
        self.seen_key = f"_plain_{self.name}_of"
        self.dict_keys = (self.attname, self.seen_key, self.plain_key)
        self.context_prefix = f"{cls._meta.label_lower}\0{self.name}\0".encode()
        setattr(cls, self.name, EncryptedAttribute(self))

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

    @cached_property
    def key_id_of(self) -> Callable:
        """The data key id of an instance of this field's model (a field belongs to one model)."""
        return _key_id_getter(self.model)

    def label(self) -> str:
        return f"{self.model._meta.label}.{self.name}"

    # How values become bytes; subclasses override.
    def encode(self, value) -> bytes:
        raise NotImplementedError

    def decode(self, data: bytes):
        raise NotImplementedError

    def _data_key_to_read(self, instance, raw: bytes):
        """The data key of a stored value not yet unwrapped in this request: unwrap it, or refuse."""
        try:
            key_id = _aead.key_id_of(raw)
        except ValueError:
            raise self._error(instance, "has an unknown format") from None
        if instance.uuid is None:
            raise EncryptedFieldMisuse(f"{self.label()} needs the record's uuid to be decrypted")
        try:
            return data_key_aead(instance, key_id)
        except DataKeyDestroyed:
            raise ErasedError(model=self.model._meta.label, field=self.name, record=instance.uuid) from None
        except CryptoError as exc:
            # Unknown data key, or a data key wrapped under a master key no longer configured.
            raise self._error(instance, f"cannot be decrypted ({exc})") from None

    def _error(self, instance, reason: str = "failed authentication") -> DecryptionError:
        return DecryptionError(model=self.model._meta.label, field=self.name, record=instance.uuid, reason=reason)

    def pre_save(self, model_instance, add):
        """Encrypt an assigned (or default) value and return the bytes to store; stored bytes pass as they are."""
        data = model_instance.__dict__
        attname, seen_key, plain_key = self.dict_keys
        raw = data.get(attname)
        if raw is not _DIRTY:
            # Stored bytes or None, kept unless a JSON value was read (it may have changed in place).
            if raw is None or not self.reseal_when_read or data.get(seen_key, _MISSING) is not raw:
                return raw
            value = data[plain_key]
        elif data.get(seen_key, _MISSING) is _DIRTY:
            value = data[plain_key]
        else:
            value = self.pending_value(model_instance)
        if value is None:
            data[attname] = data[seen_key] = data[plain_key] = None
            return None
        if self.limits_characters:
            if len(value) > self.max_length:
                self.check_size(value)  # raises
        elif self.max_length is not None:
            self.check_size(value)
        record = model_instance.uuid
        if record is None:
            raise EncryptedFieldMisuse(f"{self.label()} needs the record's uuid before it is encrypted")
        header = _pack_header(_VERSION, self.key_id_of(model_instance))
        cache = _cache_var.get()
        aead = cache.get(header) if cache is not None else None
        if aead is None:
            aead = self._data_key_to_write(model_instance)
        pool = _aead._pool
        nonce = next(pool.nonces, None) or pool.refill()  # aead.random_nonce(), inlined
        plaintext = value.encode() if self.encodes_utf8 and type(value) is str else self.encode(value)
        raw = header + nonce + aead.encrypt(nonce, plaintext, header + self.context_prefix + record.bytes)
        data[attname] = data[seen_key] = raw
        data[plain_key] = value
        return raw

    def _data_key_to_write(self, instance):
        key_id = self.key_id_of(instance)
        try:
            # Not the key columns loaded with the row: a copy loaded before an erasure would still unwrap.
            return keyring.aead_for(key_id)
        except DataKeyDestroyed:
            raise ErasedError(model=self.model._meta.label, field=self.name, record=instance.uuid) from None

    def value_from_object(self, obj):
        # Forms and model_to_dict show the plaintext.
        return getattr(obj, self.name)

    def save_form_data(self, instance, data):
        setattr(instance, self.name, data)

    def clean(self, value, model_instance):
        # Model.full_clean passes the stored bytes; validate the plaintext they stand for.
        plain = getattr(model_instance, self.name) if model_instance is not None else value
        self.validate(plain, model_instance)
        self.run_validators(plain)
        return value

    def check_size(self, value) -> None:
        if self.max_length is not None and len(value) > self.max_length:
            raise ValueError(f"{self.label()} is longer than {self.max_length} characters")

    def get_db_prep_value(self, value, connection, prepared=False):
        if value is None or isinstance(value, bytes | memoryview):
            # SQLite and psycopg both take bytes for BLOB/bytea; no Binary() wrapper needed.
            return value
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


def with_data_keys(queryset):
    """The queryset with each row's wrapped data key in the same query (cheaper than select_related).

    For list pages and exports that read encrypted fields of many records: no extra query, no
    Case instances; each key is still unwrapped only when a field of its case is first read.
    A case row already carries its own data key, so a queryset of cases is returned as it is.
    """
    relations, name = _key_path(queryset.model)
    if not relations:
        return queryset
    path = "__".join(relations)
    return queryset.annotate(
        crypto_dk_id=models.F(f"{path}__{name}_id"),
        # Read as stored (text on SQLite), turned into a UUID only if the key is unwrapped.
        crypto_dk_uuid=models.ExpressionWrapper(models.F(f"{path}__uuid"), output_field=models.CharField()),
        crypto_dk_master=models.F(f"{path}__{name}_master_id"),
        # A destroyed key has no wrapped bytes, so NULL here is enough to refuse it.
        crypto_dk_wrapped=models.F(f"{path}__{name}_wrapped"),
    )
