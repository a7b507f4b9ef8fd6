"""The stored ciphertext format and its associated data.

    version (1 byte) ‖ data key id (8 bytes, big-endian) ‖ nonce (12 bytes) ‖ ciphertext ‖ tag (16 bytes)

The associated data is the 9-byte header followed by a context the caller supplies (for
fields: model label, field name and the record's uuid), so the header is authenticated and a
value moved to another row, field or key fails to open. Nothing here ever returns stored
bytes when authentication fails: callers get ``InvalidTag`` or ``ValueError`` and fail closed.
"""

import os
import struct
import threading

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

VERSION = 1
NONCE_BYTES = 12
TAG_BYTES = 16
_HEADER = struct.Struct("!BQ")
HEADER_BYTES = _HEADER.size
OVERHEAD = HEADER_BYTES + NONCE_BYTES + TAG_BYTES


NONCES_PER_DRAW = 256


class _NoncePool(threading.local):
    """Random bytes drawn from the OS 256 nonces at a time, one pool per thread.

    One ``os.urandom`` call per 256 values instead of one per value (the call costs about as
    much as encrypting a short field). Every nonce is still 96 fresh random bits from the OS and
    each is handed out once: the nonces are cut from the draw up front and handed out by an
    iterator, the pool is per thread, and a forked child starts with an empty pool (see below),
    so a process that forks never shares unused nonces with its children.
    """

    def __init__(self):
        self.nonces = iter(())

    def refill(self) -> bytes:
        draw = os.urandom(NONCE_BYTES * NONCES_PER_DRAW)
        self.nonces = iter([draw[start : start + NONCE_BYTES] for start in range(0, len(draw), NONCE_BYTES)])
        return next(self.nonces)


_pool = _NoncePool()


def _new_pool_after_fork() -> None:
    global _pool
    _pool = _NoncePool()


os.register_at_fork(after_in_child=_new_pool_after_fork)


def random_nonce() -> bytes:
    """A fresh random 96-bit nonce."""
    pool = _pool
    return next(pool.nonces, None) or pool.refill()


def header(key_id: int) -> bytes:
    return _HEADER.pack(VERSION, key_id)


def seal(aead: AESGCM, *, key_id: int, context: bytes, plaintext: bytes) -> bytes:
    """Encrypt plaintext under a data key with a fresh random 96-bit nonce."""
    header = _HEADER.pack(VERSION, key_id)
    nonce = random_nonce()
    return header + nonce + aead.encrypt(nonce, plaintext, header + context)


def key_id_of(blob: bytes) -> int:
    """The data key id named in a stored value; ValueError for an unknown format."""
    if len(blob) < OVERHEAD or blob[0] != VERSION:
        raise ValueError("unknown format")
    return int.from_bytes(blob[1:HEADER_BYTES], "big")


def open_value(aead: AESGCM, blob: bytes, *, context: bytes) -> bytes:
    """Decrypt a stored value; raises cryptography's InvalidTag if anything was altered or moved."""
    return aead.decrypt(
        blob[HEADER_BYTES : HEADER_BYTES + NONCE_BYTES],
        blob[HEADER_BYTES + NONCE_BYTES :],
        blob[:HEADER_BYTES] + context,
    )
