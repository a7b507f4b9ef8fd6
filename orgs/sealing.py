"""Account secrets kept sealed under the master key: authenticator (TOTP) keys.

orgs sits below casehub (tests/test_layers.py), so it does not use casehub.crypto: it derives its
own AES-256-GCM key from each master key in settings.CASEHUB_MASTER_KEYS with HKDF (an info
string of its own, so the key is independent of every key casehub derives), and records which
master key sealed each value. The first master key seals; every configured key opens, so a
master-key rotation re-seals with the new key (orgs.services.authenticator_keys_reseal) while
old values keep working.
"""

import os

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

INFO = b"casehub orgs sealed account secrets v1"
NONCE_BYTES = 12


def _aead(key_id: str) -> AESGCM:
    master = next((key for key in settings.CASEHUB_MASTER_KEYS if key.id == key_id), None)
    if master is None:
        raise LookupError(f"master key {key_id!r} is not configured (retired or missing)")
    return AESGCM(HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=INFO).derive(master.secret))


def active_key_id() -> str:
    return settings.CASEHUB_MASTER_KEYS[0].id


def seal(plaintext: bytes, *, context: bytes) -> tuple[str, bytes]:
    """Encrypt under the active master key; returns (master key id, nonce ‖ ciphertext ‖ tag).

    ``context`` (what the value belongs to) is authenticated, so a value copied to another row
    fails to open."""
    key_id = active_key_id()
    nonce = os.urandom(NONCE_BYTES)
    return key_id, nonce + _aead(key_id).encrypt(nonce, plaintext, key_id.encode() + b"|" + context)


def unseal(sealed: bytes, *, key_id: str, context: bytes) -> bytes:
    """Open a sealed value; raises cryptography's InvalidTag if it was altered or moved."""
    sealed = bytes(sealed)  # memoryview from some database drivers
    return _aead(key_id).decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], key_id.encode() + b"|" + context)
