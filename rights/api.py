import json

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from casehub.access import CaseAction, case_for_user
from rights import export, services
from sharing import selectors
from sharing.access import consent_for_user
from sharing.serializers import ConsentOutput


class ConsentWithdrawApi(APIView):
    @extend_schema(request=None, responses=ConsentOutput, summary="Withdraw consent: every share resting on it ends")
    def post(self, request, case_id, consent_id):
        consent = consent_for_user(request.user, case_id, consent_id)
        services.consent_withdraw(consent=consent, by=request.user)
        return Response(ConsentOutput(selectors.case_consents(consent.case).get(pk=consent.pk)).data)


# The survivor's copy ---------------------------------------------------------------------------

LANGUAGE = OpenApiParameter(
    "lang",
    str,
    description="The copy's language (en, es): else the case's primary language if the app has it, else the caller's",
    required=False,
)


class _BinaryRenderer(BaseRenderer):
    def render(self, data, accepted_media_type=None, renderer_context=None):
        # Only error bodies come through here; the file itself is returned as a plain response.
        return data if isinstance(data, bytes) else json.dumps(data).encode()


class PdfRenderer(_BinaryRenderer):
    media_type = "application/pdf"
    format = "pdf"


class ZipRenderer(_BinaryRenderer):
    media_type = "application/zip"
    format = "zip"


def _export(request, case_id, fmt: str):
    case = case_for_user(request.user, case_id, action=CaseAction.EXPORT)
    return export.export_response(case, by=request.user, fmt=fmt, language=request.query_params.get("lang"))


class ExportJsonApi(APIView):
    @extend_schema(
        responses={200: OpenApiResponse(OpenApiTypes.OBJECT)},
        operation_id="v1_cases_export_json",
        summary="What a case holds and whom it went to, for the survivor (JSON, HTCDS field names, codes)",
    )
    def get(self, request, case_id):
        return _export(request, case_id, "json")


class ExportPdfApi(APIView):
    renderer_classes = [JSONRenderer, PdfRenderer]

    @extend_schema(
        parameters=[LANGUAGE],
        responses={(200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY)},
        operation_id="v1_cases_export_pdf",
        summary="What a case holds and whom it went to, for the survivor (PDF, labels and plain dates)",
    )
    def get(self, request, case_id):
        return _export(request, case_id, "pdf")


class ExportZipApi(APIView):
    renderer_classes = [JSONRenderer, ZipRenderer]

    @extend_schema(
        parameters=[LANGUAGE],
        responses={(200, "application/zip"): OpenApiResponse(OpenApiTypes.BINARY)},
        operation_id="v1_cases_export_zip",
        summary="The survivor's PDF copy and the case's documents (those the caller may open), as a zip",
    )
    def get(self, request, case_id):
        return _export(request, case_id, "zip")
