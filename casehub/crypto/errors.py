"""Errors of the encryption layer. Messages name models, fields and record ids, never values."""


class CryptoError(Exception):
    """Base class: something about keys or ciphertexts is wrong; the operation fails closed."""


class KeyConfigurationError(CryptoError):
    """Master keys are missing or malformed."""


class UnknownKeyError(CryptoError):
    """A ciphertext or wrapped key names a key this process does not have."""


class DecryptionError(CryptoError):
    """A stored value failed authentication: tampered, moved to another row or field, or wrong key."""

    def __init__(self, *, model: str, field: str, record: object, reason: str = "failed authentication"):
        self.model, self.field, self.record = model, field, record
        super().__init__(
            f"encrypted value of {model}.{field} for record {record} {reason} "
            "(tampered, copied from another row or field, or encrypted under another key)"
        )


class ErasedError(CryptoError):
    """The value belongs to a case whose data key was destroyed (crypto-shredded)."""

    def __init__(self, *, model: str, field: str, record: object):
        self.model, self.field, self.record = model, field, record
        super().__init__(f"{model}.{field} of record {record} belongs to an erased case and cannot be decrypted")


class EncryptedFieldMisuse(CryptoError, TypeError):
    """An ORM path that would write plaintext or match nothing on an encrypted field."""


class DataKeyDestroyed(CryptoError):
    """The data key was destroyed by an erasure; callers turn this into ErasedError."""
