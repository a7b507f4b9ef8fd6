"""Encrypted attachments (documents, photos), streamed in chunks through Django's storage API.

On disk a file is ciphertext only:

    "CHF1" ‖ data key id (8 bytes) ‖ chunk size (4 bytes) ‖ chunk 0 ‖ chunk 1 ‖ … ‖ final chunk

Each chunk is ``nonce (12) ‖ ciphertext ‖ tag (16)``, sealed with the record's data key and
associated data = header ‖ record uuid ‖ storage name ‖ chunk index ‖ final flag. A chunk moved
to another file, position or record, a dropped tail and appended bytes all fail to decrypt.
Every chunk but the last holds exactly ``chunk size`` bytes, and the last holds fewer (possibly
none), which is how a reader knows a file was cut at a chunk boundary. The storage name is
random: the original file name is personal data and belongs in an encrypted field.

The type is checked on the first bytes of the plaintext (magic numbers), never on the name or
the browser's claim; the size limit is enforced while streaming, before anything is stored.
"""

from __future__ import annotations

import os
import struct
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from django.conf import settings
from django.core.files import File
from django.core.files.storage import Storage, default_storage
from django.utils.translation import gettext as _

from casehub.crypto import keyring
from casehub.crypto.errors import CryptoError, DataKeyDestroyed, DecryptionError, ErasedError
from casehub.crypto.fields import data_key_id_for
from orgs.sizes import megabytes

MAGIC = b"CHF1"
_HEADER = struct.Struct("!4sQI")
_INDEX = struct.Struct("!QB")
NONCE_BYTES, TAG_BYTES = 12, 16
CHUNK_BYTES = 64 * 1024
MAX_CHUNK_BYTES = 16 * 1024 * 1024

# Content types recognized by their first bytes. WebP needs bytes 8-11 too.
SIGNATURES: dict[str, tuple[bytes, ...]] = {
    "application/pdf": (b"%PDF-",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/gif": (b"GIF87a", b"GIF89a"),
    "image/tiff": (b"II*\x00", b"MM\x00*"),
}
DEFAULT_TYPES = ("application/pdf", "image/png", "image/jpeg", "image/gif", "image/webp", "image/tiff")


class AttachmentRejected(ValueError):
    """The upload is too large or not an accepted type; nothing was stored."""


@dataclass(frozen=True)
class StoredAttachment:
    name: str
    size: int
    content_type: str


def sniff_content_type(head: bytes) -> str | None:
    """The content type that the first bytes of a file announce, or None."""
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    for content_type, signatures in SIGNATURES.items():
        if head.startswith(signatures):
            return content_type
    return None


def _record_label(record) -> str:
    return type(record)._meta.label


def _aad(header: bytes, record, name: str, index: int, final: bool) -> bytes:
    return header + record.uuid.bytes + name.encode() + b"\0" + _INDEX.pack(index, final)


def _read_exact(handle, size: int) -> bytes:
    parts, remaining = [], size
    while remaining:
        part = handle.read(remaining)
        if not part:
            break
        parts.append(part)
        remaining -= len(part)
    return b"".join(parts)


def attachment_store(
    *, record, upload, storage: Storage | None = None, max_bytes: int | None = None, chunk_bytes: int = CHUNK_BYTES
) -> StoredAttachment:
    """Encrypt an uploaded file for ``record`` and save it; raises AttachmentRejected."""
    storage = storage or default_storage
    limit = max_bytes if max_bytes is not None else settings.CASEHUB_ATTACHMENT_MAX_BYTES
    allowed = getattr(settings, "CASEHUB_ATTACHMENT_TYPES", DEFAULT_TYPES)
    key_id = data_key_id_for(record)
    try:
        aead = keyring.aead_for(key_id)
    except DataKeyDestroyed:
        raise ErasedError(model=_record_label(record), field="attachment", record=record.uuid) from None
    name = f"attachments/{record.uuid}/{uuid.uuid4().hex}.bin"
    header = _HEADER.pack(MAGIC, key_id, chunk_bytes)
    if hasattr(upload, "seek"):
        upload.seek(0)
    chunk = _read_exact(upload, chunk_bytes)
    content_type = sniff_content_type(chunk[:16])
    if content_type is None or content_type not in allowed:
        raise AttachmentRejected(_("This type of file is not accepted."))
    size, index = 0, 0
    # Spooled: small files stay in memory, large ones go to a private temporary file (0600).
    with tempfile.SpooledTemporaryFile(max_size=1024 * 1024) as sealed:
        sealed.write(header)
        while True:
            size += len(chunk)
            if size > limit:
                raise AttachmentRejected(_("The file is larger than %(max)s.") % {"max": megabytes(limit)})
            final = len(chunk) < chunk_bytes
            nonce = os.urandom(NONCE_BYTES)
            sealed.write(nonce + aead.encrypt(nonce, chunk, _aad(header, record, name, index, final)))
            if final:
                break
            index += 1
            chunk = _read_exact(upload, chunk_bytes)
        sealed.seek(0)
        saved = storage.save(name, File(sealed, name=name))
    if saved != name:  # storage renamed it: the name is bound into every chunk, so refuse
        storage.delete(saved)
        raise CryptoError("storage changed the attachment's name; it could not be stored")
    return StoredAttachment(name=name, size=size, content_type=content_type)


def attachment_open(*, record, name: str, storage: Storage | None = None) -> Iterator[bytes]:
    """Yield the plaintext of an attachment chunk by chunk, authenticating each chunk.

    A consumer may receive earlier chunks before a later one fails; a truncated or extended file
    raises at its end, so a response must not be considered complete until iteration finishes.
    """
    storage = storage or default_storage
    label = _record_label(record)

    def broken(reason: str = "failed authentication") -> DecryptionError:
        return DecryptionError(model=label, field="attachment", record=record.uuid, reason=reason)

    with storage.open(name, "rb") as handle:
        header = _read_exact(handle, _HEADER.size)
        if len(header) < _HEADER.size:
            raise broken("is truncated")
        magic, key_id, chunk_bytes = _HEADER.unpack(header)
        if magic != MAGIC or not 0 < chunk_bytes <= MAX_CHUNK_BYTES:
            raise broken("has an unknown format")
        try:
            aead = keyring.aead_for(key_id)
        except DataKeyDestroyed:
            raise ErasedError(model=label, field="attachment", record=record.uuid) from None
        except CryptoError as exc:
            raise broken(f"cannot be decrypted ({exc})") from None
        full = NONCE_BYTES + chunk_bytes + TAG_BYTES
        index = 0
        while True:
            block = _read_exact(handle, full)
            if len(block) < NONCE_BYTES + TAG_BYTES:
                raise broken("is truncated")
            final = len(block) < full
            try:
                yield aead.decrypt(block[:NONCE_BYTES], block[NONCE_BYTES:], _aad(header, record, name, index, final))
            except InvalidTag:
                raise broken() from None
            if final:
                break
            index += 1
        if handle.read(1):
            raise broken("has data after its final chunk")


def attachment_reencrypt(*, record, name: str, storage: Storage | None = None) -> str:
    """Re-encrypt an attachment under the record's current data key; returns the new name.

    The old file stays until the caller deletes it (after its transaction commits). The
    plaintext passes through a private spooled temporary file, never a named file.
    """
    storage = storage or default_storage
    with tempfile.SpooledTemporaryFile(max_size=1024 * 1024) as plain:
        # attachment_open takes the key named in the file; attachment_store the record's current key.
        for chunk in attachment_open(record=record, name=name, storage=storage):
            plain.write(chunk)
        plain.seek(0)
        return attachment_store(record=record, upload=plain, storage=storage, max_bytes=2**63).name
