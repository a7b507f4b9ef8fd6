"""Request-wide plumbing: request ids and addresses for the audit trail, CSP, refused-request
audit, the reader's time zone."""

import re
import uuid

from django.conf import settings
from django.utils import timezone

from audit.context import client_ip, request_meta
from audit.refusals import audit_refusal
from casehub.access import actors_resolved_once
from orgs.zones import zone_of

# A proxy's request id: a UUID or a short token of letters, digits and dashes (the audit column holds 36).
TRUSTED_REQUEST_ID = re.compile(r"[A-Za-z0-9-]{1,36}")


def request_id_for(request) -> str:
    """The proxy's X-Request-ID when CASEHUB_TRUST_REQUEST_ID is on and it is well formed, else a fresh one."""
    given = request.headers.get("X-Request-ID", "")
    if settings.CASEHUB_TRUST_REQUEST_ID and TRUSTED_REQUEST_ID.fullmatch(given):
        return given
    return str(uuid.uuid4())


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = request_id_for(request)
        request.client_ip = client_ip(request)
        with request_meta(request.request_id, request.client_ip), actors_resolved_once():
            response = self.get_response(request)
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
    """Account for every refused (403) request in the audit trail, wherever the refusal came from:
    identical repeats within a window are counted into one event (audit/refusals.py)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 403:
            user = getattr(request, "user", None)
            match = getattr(request, "resolver_match", None)
            membership = user.membership if user is not None and user.is_authenticated else None
            audit_refusal(
                actor=user,
                organization=membership.organization if membership else None,
                method=request.method,
                view=match.view_name if match else "",
            )
        return response


class TimeZoneMiddleware:
    """Times on pages and in the API are shown in the signed-in person's time zone (orgs/zones.py)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            timezone.activate(zone_of(user))
        else:
            timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
