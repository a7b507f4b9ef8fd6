"""The API's errors as RFC 9457 problem details (orgs.problems), for DRF views and Django's error handlers."""

from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from django.views import defaults
from rest_framework import exceptions
from rest_framework.fields import get_error_detail
from rest_framework.views import exception_handler as drf_exception_handler

from orgs.problems import (
    MEDIA_TYPE,
    TITLES,
    code_for_status,
    not_found_detail,
    problem,
    problem_response,
    server_error_detail,
)


def exception_handler(exc, context):
    """DRF's handler (status and headers such as WWW-Authenticate, Allow, Retry-After), answering a problem.

    Service-layer ValidationErrors are 400s like a serializer's, keeping their field names and
    codes. A body over DATA_UPLOAD_MAX_MEMORY_SIZE is a 400 that says so. Anything else DRF does
    not handle propagates to handler500, so it is logged and reported as before.
    """
    if isinstance(exc, RequestDataTooBig):
        exc = exceptions.ParseError(_("The request body is too large."), code="too_large")
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(detail=get_error_detail(exc))
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    response.data = _problem_for(exc, response.status_code)
    response.content_type = MEDIA_TYPE
    return response


def _problem_for(exc, status: int) -> dict:
    if isinstance(exc, exceptions.ValidationError):
        detail = _("The request has invalid fields.")
        return problem(status, "validation_failed", detail, errors=list(_field_errors(exc.detail)))
    if isinstance(exc, exceptions.ParseError):
        # DRF's own parse errors quote the parser's exception; ours, raised with a code, do not.
        ours = exc.detail.code != exceptions.ParseError.default_code
        return problem(status, "parse_error", exc.detail if ours else _("The request body could not be parsed."))
    if isinstance(exc, exceptions.AuthenticationFailed):
        return problem(status, "not_authenticated", exc.detail)
    if isinstance(exc, exceptions.APIException):
        # Our own exceptions with a stable code of their own (orgs.problems.TITLES) keep it.
        code = exc.default_code if exc.default_code in TITLES else code_for_status(status)
        return problem(status, code, exc.detail)
    # Django's Http404 and PermissionDenied, which DRF answers with its own default messages.
    default = {404: exceptions.NotFound, 403: exceptions.PermissionDenied}[status]
    return problem(status, code_for_status(status), default.default_detail)


def _field_errors(detail, field=None):
    """Each error of a serializer's (possibly nested) errors as {"field", "code", "detail"}.

    A nested field is named by its path (``hours.opens_at``, ``items.0.name``); an error for no
    field in particular has the field ``null`` (or ``non_field_errors`` as a serializer names it).
    """
    if isinstance(detail, dict):
        for key, value in detail.items():
            yield from _field_errors(value, key if field is None else f"{field}.{key}")
    elif isinstance(detail, list):
        for index, value in enumerate(detail):
            nested = isinstance(value, dict | list)
            yield from _field_errors(value, f"{field}.{index}" if nested and field is not None else field)
    else:
        yield {"field": field, "code": getattr(detail, "code", "invalid"), "detail": str(detail)}


def handler404(request, exception):
    """An address with no route: a problem under /api/, Django's page elsewhere."""
    if request.path_info.startswith("/api/"):
        return problem_response(404, "not_found", not_found_detail())
    return defaults.page_not_found(request, exception)


def handler500(request):
    """An unhandled error: a problem with no internal detail under /api/, Django's page elsewhere."""
    if request.path_info.startswith("/api/"):
        return problem_response(500, "server_error", server_error_detail())
    return defaults.server_error(request)
