"""The HSDS read API (/api/hsds/) and the export/import endpoints of the directory API.

The network's map is sensitive: every endpoint needs a member of a vetted organization (never
anonymous); imports, which create organizations, need a platform admin. Answers never hold a
confidential location, not even to its own organization: an HSDS answer is a publication.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpResponse
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from orgs.access import Access, access_state
from orgs.models import OrganizationStatus
from referrals import access
from referrals.hsds import HSDS_VERSION, PROFILE_URI
from referrals.hsds.documents import service_documents
from referrals.hsds.export import export_tables
from referrals.hsds.io import export_json, export_tabular, import_json, import_tabular, page
from referrals.models import Service, TaxonomyTerm

MAX_PER_PAGE = 200


def _vetted_services():
    return Service.objects.filter(organization__status=OrganizationStatus.VETTED)


class PageInput(serializers.Serializer):
    page = serializers.IntegerField(min_value=1, default=1)
    per_page = serializers.IntegerField(min_value=1, max_value=MAX_PER_PAGE, default=50)
    taxonomy_term_id = serializers.UUIDField(required=False, help_text="services of this term or its subtree")
    organization_id = serializers.UUIDField(required=False)
    modified_after = serializers.DateTimeField(required=False)

    def filter(self, services):
        """HSDS filters; several combine as AND."""
        data = self.validated_data
        if "taxonomy_term_id" in data:
            term = TaxonomyTerm.objects.filter(id=data["taxonomy_term_id"]).first()
            if term is None:
                return services.none()
            services = services.filter(Q(kind=term) | Q(kind__code__startswith=f"{term.code}."))
        if "organization_id" in data:
            services = services.filter(organization__uuid=data["organization_id"])
        if "modified_after" in data:
            services = services.filter(updated_at__gt=data["modified_after"])
        return services


class HsdsRootApi(APIView):
    @extend_schema(
        operation_id="hsds_root",
        summary="HSDS: version and profile of this API",
        responses=OpenApiResponse(description="HSDS meta"),
    )
    def get(self, request):
        access.viewer_organization(request.user)
        return Response(
            {
                "version": HSDS_VERSION,
                "profile": PROFILE_URI,
                "openapi_url": request.build_absolute_uri("/api/schema/"),
            }
        )


class HsdsServicesApi(APIView):
    @extend_schema(
        operation_id="hsds_services_list",
        summary="HSDS: services of vetted organizations, paged",
        parameters=[PageInput],
        responses=OpenApiResponse(description="HSDS Page of service documents"),
    )
    def get(self, request):
        access.viewer_organization(request.user)
        params = PageInput(data=request.query_params)
        params.is_valid(raise_exception=True)
        number, per_page = params.validated_data["page"], params.validated_data["per_page"]
        services = params.filter(_vetted_services()).order_by("name", "id")
        total = services.count()
        ids = list(services.values_list("id", flat=True)[(number - 1) * per_page : number * per_page])
        documents = service_documents(export_tables(services=Service.objects.filter(id__in=ids)))
        order = {str(pk): i for i, pk in enumerate(ids)}
        documents.sort(key=lambda d: order[d["id"]])
        return Response(page(documents, total=total, number=number, per_page=per_page))


class HsdsServiceApi(APIView):
    @extend_schema(
        operation_id="hsds_service_retrieve",
        summary="HSDS: one fully nested service",
        responses=OpenApiResponse(description="HSDS service"),
    )
    def get(self, request, service_id):
        access.viewer_organization(request.user)
        documents = service_documents(export_tables(services=_vetted_services().filter(id=service_id)))
        if not documents:
            raise Http404
        return Response(documents[0])


class ExportInput(serializers.Serializer):
    scope = serializers.ChoiceField(choices=["network", "public"], default="network")


class ExportJsonApi(APIView):
    @extend_schema(
        summary="Export the directory as HSDS JSON",
        parameters=[ExportInput],
        responses=OpenApiResponse(description="HSDS Page of every service"),
    )
    def get(self, request):
        access.viewer_organization(request.user)
        params = ExportInput(data=request.query_params)
        params.is_valid(raise_exception=True)
        return Response(export_json(scope=params.validated_data["scope"]))


class ExportTabularApi(APIView):
    @extend_schema(
        summary="Export the directory as an HSDS tabular data package (zip)",
        parameters=[ExportInput],
        responses=OpenApiResponse(description="zip of CSV files and datapackage.json"),
    )
    def get(self, request):
        access.viewer_organization(request.user)
        params = ExportInput(data=request.query_params)
        params.is_valid(raise_exception=True)
        response = HttpResponse(export_tabular(scope=params.validated_data["scope"]), content_type="application/zip")
        response["Content-Disposition"] = 'attachment; filename="casehub-hsds.zip"'
        return response


def _require_platform_admin(user) -> None:
    if access_state(user) is not Access.PLATFORM_ADMIN:
        raise PermissionDenied


def _report_response(report):
    code = status.HTTP_201_CREATED if report.ok else status.HTTP_400_BAD_REQUEST
    return Response(report.as_dict(), status=code)


class ImportJsonApi(APIView):
    parser_classes = [JSONParser]

    @extend_schema(
        summary="Import HSDS JSON service documents, all or nothing",
        request=dict,
        responses={201: OpenApiResponse(description="import report"), 400: OpenApiResponse(description="report")},
    )
    def post(self, request):
        _require_platform_admin(request.user)
        return _report_response(import_json(request.data, by=request.user))


class TabularUpload(serializers.Serializer):
    file = serializers.FileField(max_length=200)


class ImportTabularApi(APIView):
    parser_classes = [MultiPartParser]

    @extend_schema(
        summary="Import an HSDS tabular data package (zip), all or nothing",
        request=TabularUpload,
        responses={201: OpenApiResponse(description="import report"), 400: OpenApiResponse(description="report")},
    )
    def post(self, request):
        _require_platform_admin(request.user)
        upload = TabularUpload(data=request.data)
        upload.is_valid(raise_exception=True)
        return _report_response(import_tabular(upload.validated_data["file"].read(), by=request.user))
