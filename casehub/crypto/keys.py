"""Master keys (key-encryption keys) and the provider interface that holds them.

Master keys never touch the database. They come from CASEHUB_MASTER_KEYS
(``id:base64key`` entries, comma separated) or from the file named by CASEHUB_KEY_FILE (the
same entries, one per line, ``#`` comments allowed). The first key wraps new data keys; every
listed key can unwrap, which is what makes rotation possible without downtime.

The ``KeyProvider`` interface is three operations (wrap, unwrap, derive) so that a KMS or
Vault transit provider can replace ``StaticKeyProvider`` without touching the callers.
"""

from __future__ import annotations

import base64
import binascii
import os
import re
import secrets
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from casehub.crypto.errors import CryptoError, KeyConfigurationError, UnknownKeyError

KEY_BYTES = 32
NONCE_BYTES = 12
KEY_ID_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,16}$")
DEV_KEY_FILE = "master_keys"


@dataclass(frozen=True)
class MasterKey:
    id: str
    # repr=False: a settings dump, debug page or traceback never prints key material.
    secret: bytes = field(repr=False)


def parse_master_keys(raw: str, *, source: str = "CASEHUB_MASTER_KEYS") -> tuple[MasterKey, ...]:
    """Parse ``id:base64key`` entries separated by commas or new lines; the first is active."""
    keys: list[MasterKey] = []
    entries = [item for line in raw.splitlines() for item in line.split("#", 1)[0].split(",")]
    for entry in (item.strip() for item in entries):
        if not entry:
            continue
        key_id, sep, encoded = entry.partition(":")
        key_id = key_id.strip()
        if not sep or not KEY_ID_PATTERN.match(key_id):
            raise KeyConfigurationError(
                f"{source}: each entry must be id:base64key with an id of 1-16 letters, digits, - or _"
            )
        try:
            secret = base64.b64decode(encoded.strip(), validate=True)
        except (binascii.Error, ValueError):
            raise KeyConfigurationError(f"{source}: key {key_id!r} is not valid base64") from None
        if len(secret) != KEY_BYTES:
            raise KeyConfigurationError(f"{source}: key {key_id!r} must be {KEY_BYTES} bytes, got {len(secret)}")
        if any(k.id == key_id for k in keys):
            raise KeyConfigurationError(f"{source}: key id {key_id!r} is listed twice")
        keys.append(MasterKey(key_id, secret))
    return tuple(keys)


def new_master_key_entry(key_id: str) -> str:
    """A fresh ``id:base64key`` entry (what ``manage.py generate_master_key`` prints)."""
    if not KEY_ID_PATTERN.match(key_id):
        raise KeyConfigurationError("a key id is 1-16 letters, digits, - or _")
    return f"{key_id}:{base64.b64encode(secrets.token_bytes(KEY_BYTES)).decode()}"


def dev_key_file(path: Path) -> str:
    """Read the development key file, creating it once (mode 0600) with one fresh key."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text()
    with os.fdopen(fd, "w") as handle:
        handle.write("# Development master key, created by CaseHub with DEBUG on. Never use in production.\n")
        handle.write(new_master_key_entry("dev1") + "\n")
    return path.read_text()


def master_keys_from_environment(*, debug: bool, var_dir: Path) -> tuple[MasterKey, ...]:
    """The settings entry point: keys from the environment, a key file, or (DEBUG only) a dev file."""
    raw = os.environ.get("CASEHUB_MASTER_KEYS", "").strip()
    key_file = os.environ.get("CASEHUB_KEY_FILE", "").strip()
    if raw and key_file:
        raise KeyConfigurationError("set CASEHUB_MASTER_KEYS or CASEHUB_KEY_FILE, not both")
    if key_file:
        try:
            raw = Path(key_file).read_text()
        except OSError as exc:
            raise KeyConfigurationError(f"CASEHUB_KEY_FILE {key_file} cannot be read ({exc.strerror})") from None
        keys = parse_master_keys(raw, source=f"CASEHUB_KEY_FILE {key_file}")
    elif raw:
        keys = parse_master_keys(raw)
    elif debug:
        keys = parse_master_keys(dev_key_file(var_dir / DEV_KEY_FILE), source="development key file")
    else:
        keys = ()
    if not keys:
        raise KeyConfigurationError(
            "No master key configured. Set CASEHUB_MASTER_KEYS=id:base64key (make one with "
            "`python -m casehub.crypto.keys`) or CASEHUB_KEY_FILE=/path/to/keys, or run with DEBUG=1 "
            "for development, which keeps a generated key in var/."
        )
    return keys


class KeyProvider(ABC):
    """What the encryption layer needs from master keys. Implement this for a KMS or Vault."""

    @property
    @abstractmethod
    def active_key_id(self) -> str:
        """The id of the key that wraps new data keys."""

    @abstractmethod
    def key_ids(self) -> tuple[str, ...]:
        """Every key that can unwrap, active first."""

    @abstractmethod
    def wrap(self, plaintext: bytes, *, aad: bytes) -> tuple[str, bytes]:
        """Encrypt a data key under the active master key; returns (key id, wrapped bytes)."""

    def wrap_many(self, plaintexts: list[bytes], *, aads: list[bytes]) -> tuple[str, list[bytes]]:
        """Wrap a batch of data keys under the active master key (bulk inserts); override to batch calls."""
        key_id = self.active_key_id
        wrapped = []
        for plaintext, aad in zip(plaintexts, aads, strict=True):
            used, blob = self.wrap(plaintext, aad=aad)
            if used != key_id:
                raise CryptoError("the active master key changed during a batch")
            wrapped.append(blob)
        return key_id, wrapped

    @abstractmethod
    def unwrap(self, key_id: str, wrapped: bytes, *, aad: bytes) -> bytes:
        """Decrypt a wrapped data key; raises CryptoError if the key is unknown or the bytes were altered."""

    @abstractmethod
    def derive(self, key_id: str, *, info: bytes, length: int = KEY_BYTES) -> bytes:
        """A sub-key for ``info`` (blind-index and duplicate-detection keys) from one master key."""


class StaticKeyProvider(KeyProvider):
    """Master keys held in process memory, from settings.CASEHUB_MASTER_KEYS."""

    def __init__(self, keys: tuple[MasterKey, ...]):
        if not keys:
            raise KeyConfigurationError("StaticKeyProvider needs at least one master key")
        self._aead = {key.id: AESGCM(key.secret) for key in keys}
        self._aad_prefix = {key.id: key.id.encode() + b"|" for key in keys}
        self._secrets = {key.id: key.secret for key in keys}
        self._ids = tuple(key.id for key in keys)

    def __repr__(self):
        return f"<StaticKeyProvider keys={list(self._ids)}>"

    @property
    def active_key_id(self) -> str:
        return self._ids[0]

    def key_ids(self) -> tuple[str, ...]:
        return self._ids

    def wrap(self, plaintext: bytes, *, aad: bytes) -> tuple[str, bytes]:
        key_id = self.active_key_id
        nonce = os.urandom(NONCE_BYTES)
        return key_id, nonce + self._aead[key_id].encrypt(nonce, plaintext, key_id.encode() + b"|" + aad)

    def wrap_many(self, plaintexts: list[bytes], *, aads: list[bytes]) -> tuple[str, list[bytes]]:
        key_id = self.active_key_id
        encrypt = self._aead[key_id].encrypt
        prefix = key_id.encode() + b"|"
        # One urandom call for the whole batch: a distinct random 96-bit nonce per key, as in wrap().
        nonces = os.urandom(NONCE_BYTES * len(plaintexts))
        wrapped = []
        for index, (plaintext, aad) in enumerate(zip(plaintexts, aads, strict=True)):
            nonce = nonces[NONCE_BYTES * index : NONCE_BYTES * (index + 1)]
            wrapped.append(nonce + encrypt(nonce, plaintext, prefix + aad))
        return key_id, wrapped

    def unwrap(self, key_id: str, wrapped: bytes, *, aad: bytes) -> bytes:
        aead = self._aead.get(key_id)
        if aead is None:
            raise UnknownKeyError(f"master key {key_id!r} is not configured (retired or missing)")
        if type(wrapped) is not bytes:  # memoryview from some drivers
            wrapped = bytes(wrapped)
        try:
            return aead.decrypt(wrapped[:NONCE_BYTES], wrapped[NONCE_BYTES:], self._aad_prefix[key_id] + aad)
        except InvalidTag:
            raise CryptoError(f"a data key wrapped under master key {key_id!r} failed authentication") from None

    def derive(self, key_id: str, *, info: bytes, length: int = KEY_BYTES) -> bytes:
        secret = self._secrets.get(key_id)
        if secret is None:
            raise UnknownKeyError(f"master key {key_id!r} is not configured (retired or missing)")
        return HKDF(algorithm=hashes.SHA256(), length=length, salt=b"casehub-derive-v1", info=info).derive(secret)


_provider: KeyProvider | None = None


def key_provider() -> KeyProvider:
    """The process's key provider, built from settings on first use."""
    global _provider
    if _provider is None:
        from django.conf import settings

        _provider = StaticKeyProvider(tuple(settings.CASEHUB_MASTER_KEYS))
    return _provider


def reset_key_provider() -> None:
    """Forget the provider (tests that override CASEHUB_MASTER_KEYS; see the setting_changed hook)."""
    global _provider
    _provider = None


if __name__ == "__main__":
    # `python -m casehub.crypto.keys [id]`: the first key of a new installation, before settings can load.
    import sys
    import time

    print(new_master_key_entry(sys.argv[1] if len(sys.argv) > 1 else time.strftime("k%Y%m%d")))
