"""What the trail records of the request an event happens in: its id and the client's address."""

import contextvars
import ipaddress
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class RequestMeta:
    request_id: str = ""
    ip: str | None = None


_meta: contextvars.ContextVar[RequestMeta | None] = contextvars.ContextVar("casehub_request_meta", default=None)
_NO_REQUEST = RequestMeta()


def current_request_meta() -> RequestMeta:
    return _meta.get() or _NO_REQUEST


@contextmanager
def request_meta(request_id: str, ip: str | None):
    """Events appended inside this block carry the request's id and address."""
    token = _meta.set(RequestMeta(request_id, ip))
    try:
        yield
    finally:
        _meta.reset(token)


def client_ip(request) -> str | None:
    raw = request.META.get("REMOTE_ADDR", "")
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        # Behind our own proxy, the nearest hop it recorded is the client.
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            raw = forwarded.split(",")[-1].strip()
    try:
        return str(ipaddress.ip_address(raw))
    except ValueError:
        return None
