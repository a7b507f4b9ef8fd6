"""Failure counters with a cool-off, for sign-in, password reset and the public application page.

Counts live in the cache under hashed keys (no usernames or addresses in cache keys). A key
past its limit is refused until its window ends: a temporary cool-off, never a permanent
lockout an attacker could use to keep staff out.
"""

import hashlib
import time

from django.conf import settings
from django.core.cache import cache


def _key(kind: str, value: str) -> str:
    digest = hashlib.sha256(f"{kind}:{value}".encode()).hexdigest()[:32]
    return f"throttle:{kind}:{digest}"


def _count(kind: str, value: str) -> int:
    entry = cache.get(_key(kind, value))
    if not entry or entry["until"] < time.time():
        return 0
    return entry["count"]


def _bump(kind: str, value: str, window: int) -> None:
    key = _key(kind, value)
    entry = cache.get(key)
    now = time.time()
    if not entry or entry["until"] < now:
        entry = {"count": 0, "until": now + window}
    entry["count"] += 1
    cache.set(key, entry, timeout=int(entry["until"] - now) + 1)


def login_allowed(username: str, ip: str | None) -> bool:
    account = username.strip().lower()
    return (
        _count("login-account", account) < settings.LOGIN_FAILURES_PER_ACCOUNT
        and _count("login-ip", ip or "-") < settings.LOGIN_FAILURES_PER_ADDRESS
    )


def login_failed(username: str, ip: str | None) -> None:
    _bump("login-account", username.strip().lower(), settings.LOGIN_COOL_OFF_SECONDS)
    _bump("login-ip", ip or "-", settings.LOGIN_COOL_OFF_SECONDS)


def login_succeeded(username: str) -> None:
    cache.delete(_key("login-account", username.strip().lower()))


def application_allowed(ip: str | None) -> bool:
    return _count("apply-ip", ip or "-") < settings.APPLICATIONS_PER_ADDRESS_PER_HOUR


def application_submitted(ip: str | None) -> None:
    _bump("apply-ip", ip or "-", 3600)


def password_reset_allowed(email: str, ip: str | None) -> bool:
    return (
        _count("reset-account", email.strip().lower()) < settings.PASSWORD_RESETS_PER_ACCOUNT
        and _count("reset-ip", ip or "-") < settings.PASSWORD_RESETS_PER_ADDRESS
    )


def password_reset_requested(email: str, ip: str | None) -> None:
    _bump("reset-account", email.strip().lower(), 3600)
    _bump("reset-ip", ip or "-", 3600)
