"""Small typed readers for settings from the environment; each rejects bad values loudly."""

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be one of 1/0, true/false, yes/no, on/off; got {raw!r}")


def env_int(name: str, default: int, *, minimum: int = 0, maximum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number; got {raw!r}") from None
    if value < minimum or (maximum is not None and value > maximum):
        upper = f" and at most {maximum}" if maximum is not None else ""
        raise ImproperlyConfigured(f"{name} must be at least {minimum}{upper}; got {value}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_mapping(name: str) -> dict[str, str]:
    """Read "key=value,key=value" (keys may be dotted paths); a malformed item is an error."""
    raw = os.environ.get(name, "")
    mapping = {}
    for item in (part.strip() for part in raw.split(",")):
        if not item:
            continue
        key, sep, value = item.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise ImproperlyConfigured(f"{name} must be key=value pairs separated by commas; got {item!r}")
        mapping[key.strip()] = value.strip()
    return mapping


def database_from_url(url: str, *, conn_max_age: int = 60, pool: dict | None = None) -> dict:
    """A DATABASES entry from sqlite:///path or postgres://… (dj-database-url), query options kept.

    PostgreSQL query parameters pass through as connection options (``?sslmode=require``), and a
    socket directory goes in the host (``postgres://%2Fvar%2Frun%2Fpostgresql/casehub``). With
    ``pool`` (psycopg_pool's arguments, e.g. min_size and max_size) each process keeps a
    connection pool; Django refuses a pool beside persistent connections, so the age is then 0.
    """
    scheme = url.partition("://")[0]
    if scheme not in {"sqlite", "postgres", "postgresql", "pgsql"}:
        raise ImproperlyConfigured("DATABASE_URL must start with sqlite:// or postgres://")
    try:
        entry = dj_database_url.parse(url)
    except ValueError as error:  # dj_database_url.ParseError among them
        raise ImproperlyConfigured(f"DATABASE_URL cannot be read: {type(error).__name__}") from None
    if entry.get("NAME") in {None, "", ":memory:"}:
        raise ImproperlyConfigured("DATABASE_URL needs a database name (or, for sqlite, a file path)")
    if scheme == "sqlite":
        # IMMEDIATE: a transaction takes the write lock when it begins, so a second writer waits
        # (up to the timeout) instead of failing with "database is locked" when it would upgrade
        # a read lock: two tabs opening a case at once each append an audit event.
        entry["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE", **entry.get("OPTIONS", {})}
        return dict(entry)
    entry["CONN_HEALTH_CHECKS"] = True
    entry["CONN_MAX_AGE"] = conn_max_age
    if pool is not None:
        entry["OPTIONS"] = {**entry.get("OPTIONS", {}), "pool": pool}
        entry["CONN_MAX_AGE"] = 0
    return dict(entry)


def secret_from_file(path: Path, *, nbytes: int = 50) -> str:
    """Read a development secret from path, creating it once with mode 0600."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(secrets.token_urlsafe(nbytes))
    return path.read_text().strip()
