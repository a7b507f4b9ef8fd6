"""Keyset pages of cases for the API: a cursor that stays valid while cases are edited."""

import base64
from datetime import datetime

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

from casehub.access import CaseSet


class CaseCursor:
    """Keyset pages of a CaseSet by creation, newest first: a cursor stays valid while cases are
    edited (created_at and id never change). ``next`` links the following page; there is no
    ``previous``: a client keeps the cursors it has seen."""

    order = ("-created_at", "-id")
    page_size = 50
    max_page_size = 100

    def __init__(self, request):
        self.request = request
        self.size = self._size(request.query_params.get("page_size"))
        self.after = self._decode(request.query_params.get("cursor"))

    def _size(self, raw) -> int:
        if raw is None:
            return self.page_size
        try:
            return max(1, min(int(raw), self.max_page_size))
        except ValueError:
            return self.page_size

    @staticmethod
    def _decode(raw):
        if raw is None:
            return None
        try:
            created, _sep, pk = base64.urlsafe_b64decode(raw.encode()).decode().partition("|")
            return (datetime.fromisoformat(created), int(pk))
        except (ValueError, UnicodeError) as error:
            raise NotFound(_("Invalid cursor")) from error

    def page(self, cases: CaseSet) -> tuple[list, str | None]:
        """The page's cases and the link to the next page (None at the end)."""
        found = cases.page(order=self.order, limit=self.size + 1, after=self.after)
        page, more = found[: self.size], len(found) > self.size
        if not more:
            return page, None
        last = page[-1]
        cursor = base64.urlsafe_b64encode(f"{last.created_at.isoformat()}|{last.pk}".encode()).decode()
        return page, replace_query_param(self.request.build_absolute_uri(), "cursor", cursor)

    @staticmethod
    def response(results, next_link) -> Response:
        return Response({"next": next_link, "previous": None, "results": results})


def paginated_schema(items):
    """The OpenAPI shape of a CaseCursor page of ``items`` (a many=True serializer)."""
    return inline_serializer(
        name=f"Paginated{items.child.__class__.__name__}List",
        fields={
            "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True),
            "results": items,
        },
    )


CURSOR_PARAMETERS = [
    OpenApiParameter("cursor", str, description="The cursor of the page after the one you have"),
    OpenApiParameter("page_size", int, description="Cases per page (at most 100)"),
]
