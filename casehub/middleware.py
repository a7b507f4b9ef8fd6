"""Request-wide plumbing: request ids and addresses for the audit trail, CSP, refused-request audit."""

import contextvars
import ipaddress
import uuid
from dataclasses import dataclass

from django.conf import settings

from casehub.access import actors_resolved_once


@dataclass(frozen=True)
class RequestMeta:
    request_id: str = ""
    ip: str | None = None


_meta: contextvars.ContextVar[RequestMeta | None] = contextvars.ContextVar("casehub_request_meta", default=None)
_NO_REQUEST = RequestMeta()


def current_request_meta() -> RequestMeta:
    return _meta.get() or _NO_REQUEST


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


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = str(uuid.uuid4())
        request.client_ip = client_ip(request)
        token = _meta.set(RequestMeta(request.request_id, request.client_ip))
        try:
            with actors_resolved_once():
                response = self.get_response(request)
        finally:
            _meta.reset(token)
        response["X-Request-ID"] = request.request_id
        return response


CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", CSP)
        response.setdefault("Cache-Control", "no-store")
        return response


class AuditRefusalsMiddleware:
    """Write an audit event for every refused (403) request, wherever the refusal came from."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 403:
            from casehub.audit import audit_record

            user = getattr(request, "user", None)
            match = getattr(request, "resolver_match", None)
            membership = user.membership if user is not None and user.is_authenticated else None
            audit_record(
                "request.refused",
                actor=user,
                organization=membership.organization if membership else None,
                outcome="denied",
                details={"method": request.method, "view": match.view_name if match else ""},
            )
        return response
