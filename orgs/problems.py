"""RFC 9457 problem details: the one shape of every error the API answers.

A problem's ``type`` is ``urn:casehub:problem:<code>``: stable, the same on every deployment,
and never a URL a client might fetch. ``title`` and ``detail`` are translated; ``detail`` is
one of our own messages, never exception text or personal data.
"""

from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

MEDIA_TYPE = "application/problem+json"

TITLES = {
    "validation_failed": gettext_lazy("Invalid request"),
    "parse_error": gettext_lazy("Malformed request body"),
    "bad_request": gettext_lazy("Bad request"),
    "consent_refused": gettext_lazy("Not covered by consent"),
    "not_authenticated": gettext_lazy("Not authenticated"),
    "permission_denied": gettext_lazy("Permission denied"),
    "not_found": gettext_lazy("Not found"),
    "method_not_allowed": gettext_lazy("Method not allowed"),
    "not_acceptable": gettext_lazy("Not acceptable"),
    "conflict": gettext_lazy("Conflict"),
    "external_reference_taken": gettext_lazy("External reference already used"),
    "idempotency_key_in_use": gettext_lazy("Idempotency-Key in use"),
    "idempotency_key_reused": gettext_lazy("Idempotency-Key reused"),
    "unsupported_media_type": gettext_lazy("Unsupported media type"),
    "unprocessable": gettext_lazy("Unprocessable request"),
    "throttled": gettext_lazy("Too many requests"),
    "server_error": gettext_lazy("Server error"),
}

# The code of an error that has no more specific one, by HTTP status.
CODES_BY_STATUS = {
    400: "bad_request",
    401: "not_authenticated",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    415: "unsupported_media_type",
    422: "unprocessable",
    429: "throttled",
}


def code_for_status(status: int) -> str:
    return "server_error" if status >= 500 else CODES_BY_STATUS.get(status, "bad_request")


def problem(status: int, code: str, detail: str, **members) -> dict:
    """The body of a problem; ``members`` are extension members such as ``errors``."""
    return {
        "type": f"urn:casehub:problem:{code}",
        "title": str(TITLES[code]),
        "status": status,
        "detail": str(detail),
        "code": code,
        **members,
    }


def problem_response(status: int, code: str, detail: str, **members) -> JsonResponse:
    """A problem answered outside DRF (middleware, Django's error handlers)."""
    return JsonResponse(problem(status, code, detail, **members), status=status, content_type=MEDIA_TYPE)


def server_error_detail() -> str:
    return _("Something went wrong on our side.")


def not_found_detail() -> str:
    return _("Nothing is found at this address.")
