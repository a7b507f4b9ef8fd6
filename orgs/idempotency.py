"""The Idempotency-Key header on API creates (IETF draft "The Idempotency-Key HTTP Header Field").

A client that retries a POST with the same key, the same endpoint and the same body gets the
first answer again, marked `Idempotent-Replayed: true`, and nothing is created twice. The same
key with another body is 422; a retry while the first request still runs is 409. Only 2xx
answers are kept: after a 4xx or an error the key is free, so a corrected request may reuse it.

The claim row is committed before the view runs, so of two concurrent identical requests exactly
one runs the view (the unique constraint refuses the other's claim); the view and the stored
answer then commit together, so a created record always has its answer stored.
"""

import functools
import hashlib
import json
from datetime import timedelta

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.response import Response

from orgs import sealing
from orgs.models import IdempotencyKey

HEADER = "Idempotency-Key"
REPLAYED = "Idempotent-Replayed"
# A claim still without an answer this long after it was made belongs to a request whose process
# died (gunicorn kills a request after GUNICORN_TIMEOUT, 30 s by default): a retry takes it over.
ABANDONED_AFTER = timedelta(minutes=10)


KEY_PARAMETER = OpenApiParameter(
    HEADER,
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="Send the same key to retry safely: the first answer is replayed (docs/api.md).",
)


class KeyInUse(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = _("A request with this Idempotency-Key is still being processed. Retry later.")
    default_code = "idempotency_key_in_use"


class KeyReused(APIException):
    status_code = 422
    default_detail = _("This Idempotency-Key was already used for a request with another body.")
    default_code = "idempotency_key_reused"


def idempotent(replay=None):
    """Decorate an APIView's post. With ``replay(request, object_id) -> Response`` only the created
    object's id is stored and a replay re-renders it (through the access rules, as the caller may
    see it now); without it the answer's body is stored sealed."""

    def decorate(post):
        @functools.wraps(post)
        def wrapper(view, request, *args, **kwargs):
            key = request.headers.get(HEADER)
            if key is None:
                return post(view, request, *args, **kwargs)
            _check(key)
            fingerprint = _fingerprint(request)
            claim, mine = _claim(request.user, key, request.path, fingerprint)
            if claim.fingerprint != fingerprint:
                raise KeyReused
            if not mine:
                if claim.status is None:
                    raise KeyInUse
                return _replayed(claim, request, replay)
            try:
                with transaction.atomic():
                    response = post(view, request, *args, **kwargs)
                    if not status.is_success(response.status_code):
                        raise _NotKept(response)
                    _keep(claim, response, by_id=replay is not None)
            except _NotKept as not_kept:
                claim.delete()
                return not_kept.response
            except BaseException:
                claim.delete()
                raise
            return response

        return extend_schema(parameters=[KEY_PARAMETER])(wrapper)

    return decorate


def delete_expired() -> int:
    deleted, _by_model = IdempotencyKey.objects.filter(expires_at__lte=timezone.now()).delete()
    return deleted


class _NotKept(Exception):
    """A non-2xx answer: its writes are rolled back with the claim, as if the request never ran."""

    def __init__(self, response):
        self.response = response


def _check(key: str) -> None:
    if not 1 <= len(key) <= 255 or not all(" " <= char <= "~" for char in key):
        raise ValidationError({HEADER: [_("An Idempotency-Key is 1 to 255 printable ASCII characters.")]})


def _fingerprint(request) -> str:
    data = request.data
    if isinstance(data, QueryDict):
        data = {name: data.getlist(name) for name in data}
    body = json.dumps(data, sort_keys=True, default=_file_digest, separators=(",", ":"))
    return hashlib.sha256(f"{request.method}\n{request.path}\n{body}".encode()).hexdigest()


def _file_digest(value):
    if not isinstance(value, UploadedFile):
        raise TypeError(type(value).__name__)
    digest = hashlib.sha256()
    for chunk in value.chunks():
        digest.update(chunk)
    value.seek(0)
    return {"file": value.name, "sha256": digest.hexdigest()}


def _claim(user, key: str, endpoint: str, fingerprint: str) -> tuple[IdempotencyKey, bool]:
    """The new row claiming the key (committed at once) and True, or the row an earlier request
    holds and False."""
    now = timezone.now()
    found = {"user": user, "key": key, "endpoint": endpoint}
    abandoned = Q(status__isnull=True, created_at__lte=now - ABANDONED_AFTER)
    IdempotencyKey.objects.filter(Q(expires_at__lte=now) | abandoned, **found).delete()
    expires_at = now + timedelta(hours=settings.IDEMPOTENCY_KEY_HOURS)
    try:
        with transaction.atomic():
            return IdempotencyKey.objects.create(**found, fingerprint=fingerprint, expires_at=expires_at), True
    except IntegrityError:
        earlier = IdempotencyKey.objects.filter(**found).first()
    if earlier is None:  # the earlier request failed and let go of the key just now
        raise KeyInUse
    return earlier, False


def _context(claim: IdempotencyKey) -> bytes:
    return f"idempotency-key:{claim.pk}".encode()


def _keep(claim: IdempotencyKey, response, *, by_id: bool) -> None:
    claim.status = response.status_code
    if by_id:
        claim.object_id = str(response.data["id"])
    else:
        claim.sealed_with, claim.sealed_body = sealing.seal(
            json.dumps(response.data, cls=DjangoJSONEncoder).encode(), context=_context(claim)
        )
    claim.save(update_fields=["status", "object_id", "sealed_with", "sealed_body"])


def _replayed(claim: IdempotencyKey, request, replay) -> Response:
    if replay is not None:
        response = replay(request, claim.object_id)
        response.status_code = claim.status
    else:
        body = sealing.unseal(claim.sealed_body, key_id=claim.sealed_with, context=_context(claim))
        response = Response(json.loads(body), status=claim.status)
    response[REPLAYED] = "true"
    return response
