"""Field-level encryption for CaseHub (docs/security-model.md explains the design).

Modules, from the bottom up:

- ``keys``: master keys (key-encryption keys) from the environment or a key file, behind a
  small ``KeyProvider`` interface so a KMS or Vault transit can stand in later.
- ``keyring``: per-case data keys, wrapped by a master key and stored on the case row; unwrapped keys are cached only
  for the current request or task.
- ``aead``: the ciphertext format (version, key id, nonce, ciphertext and tag), its AAD, and the nonce pool.
- ``fields``: model fields that encrypt on save and decrypt lazily on attribute access.
- ``blind_index``: truncated HMAC indexes for exact-match search.
- ``files``: chunked, streamed encryption of attachments through Django's storage API.
- ``rotation``: master-key rotation (re-wrapping), case re-keying and index rebuilds.
- ``shredding``: erasing a case by destroying its data key (two coordinators, tombstone).
- ``errors``: the exceptions; their messages name models, fields and records, never values.
- ``middleware``: a fresh data-key cache per request; ``views``: the key-rotation admin page.

This module imports nothing from Django models, so settings may import ``keys``.
"""
