"""Blind indexes: exact-match search over encrypted values without decrypting every row.

A blind index is ``HMAC-SHA256(index key, normalize(value))`` truncated to a few bits, in a
plain indexed integer column next to the encrypted field. The index key is derived with HKDF
from a master key, separately for each organization and each index, so equal values in two
organizations (or two fields) give unrelated numbers.

Truncation is the point: with R rows per organization and L bits, each index value is shared
by about R / 2^L rows. The CipherSweet planner rule 2 ≤ R / 2^L ≤ √R keeps at least two rows
behind every value (an index value never singles a person out) while a lookup still narrows R
rows to about √R candidates at worst; the candidates are decrypted and false positives
dropped. ``bits_for_rows`` picks the largest L the rule allows for
settings.CASEHUB_BLIND_INDEX_ROWS (expected rows per organization, default 20,000 → 13 bits);
settings.CASEHUB_BLIND_INDEX_BITS overrides it. Changing either needs ``rebuild_blind_indexes``.

Lookups compute the value under every configured master key, so search keeps working during a
master-key rotation, before the indexes are rebuilt under the new key.

A separate platform-wide key (``duplicate_token``) serves duplicate detection across
organizations; its tokens must never be shown to organization users (docs/security-model.md).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.hmac import HMAC
from django.conf import settings
from django.db import models

from casehub.crypto.fields import _MISSING as _NOT_KNOWN
from casehub.crypto.fields import with_data_key_owner
from casehub.crypto.keyring import _cache
from casehub.crypto.keys import key_provider

MAX_BITS = 31  # fits a signed 32-bit integer column on every database


def normalize_text(value: str) -> str:
    """NFKC, case-folded, accents removed, whitespace collapsed: 'JOSÉ  Pérez' → 'jose perez'."""
    folded = unicodedata.normalize("NFKC", value).casefold()
    stripped = "".join(c for c in unicodedata.normalize("NFKD", folded) if not unicodedata.combining(c))
    return " ".join(unicodedata.normalize("NFC", stripped).split())


def normalize_phone(value: str) -> str:
    """Digits only, an international 00 prefix dropped: '+52 (33) 1234-5678' → '523312345678'."""
    digits = "".join(c for c in unicodedata.normalize("NFKC", value) if c.isdigit())
    return digits[2:] if digits.startswith("00") else digits


def normalize_document(value: str) -> str:
    """Letters and digits only, case-folded: 'ab-123 456' → 'ab123456'."""
    return re.sub(r"[\W_]+", "", normalize_text(value))


NORMALIZERS: dict[str, Callable[[str], str]] = {
    "text": normalize_text,
    "phone": normalize_phone,
    "document": normalize_document,
}


def bits_for_rows(rows: int) -> int:
    """The largest L with 2 ≤ rows / 2^L ≤ √rows (at least 1, at most MAX_BITS)."""
    rows = max(rows, 4)
    most = math.floor(math.log2(rows / 2))  # rows / 2^L ≥ 2
    least = math.ceil(math.log2(rows) / 2)  # rows / 2^L ≤ √rows
    return max(1, min(MAX_BITS, max(most, least)))


def configured_bits() -> int:
    explicit = getattr(settings, "CASEHUB_BLIND_INDEX_BITS", 0)
    return explicit or bits_for_rows(getattr(settings, "CASEHUB_BLIND_INDEX_ROWS", 20_000))


def _hmac_key(master_key_id: str, purpose: bytes) -> bytes:
    # Derived keys are secrets too: cached only for the request or task, like data keys.
    cache = _cache()
    cache_key = ("hmac", master_key_id, purpose)
    key = cache.get(cache_key)
    if key is None:
        key = key_provider().derive(master_key_id, info=b"casehub/hmac-key/v1|" + purpose)
        cache[cache_key] = key
    return key


def _truncated_hmac(key: bytes, message: str, bits: int) -> int:
    mac = HMAC(key, hashes.SHA256())
    mac.update(message.encode())
    return int.from_bytes(mac.finalize()[:4], "big") >> (32 - bits)


def index_value(*, index: str, organization_id: int, normalized: str, bits: int, master_key_id: str) -> int:
    purpose = f"blind-index|org:{organization_id}|{index}".encode()
    return _truncated_hmac(_hmac_key(master_key_id, purpose), normalized, bits)


def duplicate_token(parts: dict[str, str], *, bits: int = 16, master_key_id: str | None = None) -> int:
    """A platform-wide, organization-independent token of normalized identifiers.

    Heavily truncated on purpose: equal tokens mean "possible duplicate", never "same person".
    """
    message = "|".join(f"{name}={normalize_text(parts[name])}" for name in sorted(parts))
    key_id = master_key_id or key_provider().active_key_id
    return _truncated_hmac(_hmac_key(key_id, b"duplicate-detection|platform"), message, bits)


def organization_id_for(instance) -> int:
    """The id of the organization whose index keys ``instance``'s blind indexes use."""
    path = getattr(type(instance), "crypto_organization", "organization").split("__")
    owner = instance
    for part in path[:-1]:
        owner = getattr(owner, part)
    return getattr(owner, path[-1] + "_id")


class BlindIndexField(models.PositiveIntegerField):
    """A truncated HMAC of another (encrypted) field's normalized value, kept up to date on save.

    The model says where its organization is with ``crypto_organization`` (default
    "organization"; a record of a case uses "case__organization").
    """

    def __init__(self, *args, source: str, normalizer: str = "text", bits: int | None = None, **kwargs):
        if normalizer not in NORMALIZERS:
            raise ValueError(f"unknown normalizer {normalizer!r}")
        self.source, self.normalizer, self.bits = source, normalizer, bits
        kwargs.update(null=True, editable=False, db_index=True)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        for key in ("null", "editable", "db_index"):
            kwargs.pop(key, None)
        kwargs.update(source=self.source, normalizer=self.normalizer)
        if self.bits is not None:
            kwargs["bits"] = self.bits
        return name, path, args, kwargs

    @property
    def index_name(self) -> str:
        return f"{self.model._meta.label_lower}.{self.name}"

    def effective_bits(self) -> int:
        return self.bits or configured_bits()

    def compute(self, plaintext: str | None, organization_id: int, master_key_id: str | None = None) -> int | None:
        if plaintext is None:
            return None
        return index_value(
            index=self.index_name,
            organization_id=organization_id,
            normalized=NORMALIZERS[self.normalizer](plaintext),
            bits=self.effective_bits(),
            master_key_id=master_key_id or key_provider().active_key_id,
        )

    def candidates(self, plaintext: str, organization_id: int) -> set[int]:
        """Index values to look for: one per configured master key (rotation-safe)."""
        return {self.compute(plaintext, organization_id, key_id) for key_id in key_provider().key_ids()}

    def pre_save(self, model_instance, add):
        source = model_instance._meta.get_field(self.source)
        data = model_instance.__dict__
        plaintext = source.cached_plaintext(model_instance)
        if plaintext is not _NOT_KNOWN:
            # The plaintext is known (assigned or read): recompute, it may have changed.
            value = self.compute(plaintext, organization_id_for(model_instance))
            data[self.attname] = value
            return value
        return super().pre_save(model_instance, add)


def blind_index_search(queryset, *, index: str, value: str, organization) -> list:
    """Rows of ``organization`` whose indexed field equals ``value`` after normalization.

    One indexed query for candidates, then the candidates' source field is decrypted and
    compared, which removes the false positives that truncation makes.
    """
    model = queryset.model
    field = model._meta.get_field(index)
    normalize = NORMALIZERS[field.normalizer]
    wanted = normalize(value)
    org_path = getattr(model, "crypto_organization", "organization")
    rows = queryset.filter(**{f"{index}__in": field.candidates(value, organization.pk), org_path: organization})
    # The candidates' data keys come in the same query, so decrypting them costs no more queries.
    rows = with_data_key_owner(rows)
    return [row for row in rows if (found := getattr(row, field.source)) is not None and normalize(found) == wanted]


def blind_index_fields(model) -> list[BlindIndexField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, BlindIndexField)]
