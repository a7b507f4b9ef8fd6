"""Searches kept for a while in the session, so that a search is POSTed once and its result
revisited by GET (post/redirect/get): Back and Refresh never send the query again, and the
address names only a random search id.

The session keeps the ids of the cases found and, for the intake, what the search prefills
(a name or a phone number), encrypted under a key derived from the active master key and bound
to the session and the search id. The query itself is never kept, in the clear or otherwise.
"""

from __future__ import annotations

import base64
import json
import secrets
import time
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from casehub.crypto import aead
from casehub.crypto.errors import CryptoError
from casehub.crypto.keys import key_provider

TTL_SECONDS = 15 * 60
KEPT = 5  # per kind of search; the oldest is forgotten first
SESSION_KEY = "kept_searches"


@dataclass(frozen=True)
class Kept:
    ids: list[int]
    prefill: dict = field(default_factory=dict)


def remember(request, kind: str, case_ids, *, prefill: dict | None = None) -> str:
    """Keep the cases a search found (and what it prefills) under a new search id, returned."""
    now = time.time()
    searches = _all(request)
    kept = {key: entry for key, entry in searches.get(kind, {}).items() if entry["until"] > now}
    newest = sorted(kept, key=lambda key: kept[key]["until"])[-(KEPT - 1) :]
    search_id = secrets.token_urlsafe(12)
    entry = {"ids": sorted(case_ids), "until": now + TTL_SECONDS}
    if prefill:
        key_id = key_provider().active_key_id
        entry.update(key=key_id, prefill=_seal(request, key_id, search_id, prefill))
    searches[kind] = {**{key: kept[key] for key in newest}, search_id: entry}
    request.session[SESSION_KEY] = searches
    return search_id


def recall(request, kind: str, search_id: str | None) -> Kept | None:
    """The search kept under ``search_id``, or None when there is none (ended, or another session's)."""
    entry = _all(request).get(kind, {}).get(search_id or "")
    if not entry or entry["until"] <= time.time():
        return None
    prefill = _open(request, entry["key"], search_id, entry["prefill"]) if entry.get("prefill") else {}
    return Kept(ids=entry["ids"], prefill=prefill)


def _all(request) -> dict:
    return dict(request.session.get(SESSION_KEY, {}))


def _cipher(key_id: str) -> AESGCM:
    return AESGCM(key_provider().derive(key_id, info=b"casehub/kept-search/v1"))


def _context(request, search_id: str) -> bytes:
    return f"kept-search|{request.session.session_key or ''}|{search_id}".encode()


def _seal(request, key_id: str, search_id: str, data: dict) -> str:
    blob = aead.seal(
        _cipher(key_id), key_id=0, context=_context(request, search_id), plaintext=json.dumps(data).encode()
    )
    return base64.b64encode(blob).decode()


def _open(request, key_id: str, search_id: str, sealed: str) -> dict:
    try:
        plain = aead.open_value(_cipher(key_id), base64.b64decode(sealed), context=_context(request, search_id))
    except (InvalidTag, ValueError, CryptoError):
        return {}  # a key retired since, or bytes that do not open: nothing prefilled
    return json.loads(plain)
