"""The HSDS read API (/api/hsds/) and the export/import endpoints of the directory API.

The network's map is sensitive: every endpoint needs a member of a vetted organization (never
anonymous); imports, which create organizations, need a platform admin. Imports and exports
run as jobs (directory/hsds/jobs.py): the endpoints answer 202 with the job's URL, which
reports progress, the import report and (exports) the download URL. Answers never hold a
confidential location, not even to its own organization: an HSDS answer is a publication.
"""

import json

from django.db.models import Q
from django.http import FileResponse, Http404
from django.urls import reverse
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from directory import access
from directory.hsds import HSDS_VERSION, PROFILE_URI
from directory.hsds.documents import service_documents
from directory.hsds.export import export_tables
from directory.hsds.io import page
from directory.hsds.jobs import directory_export_start, directory_import_start
from directory.models import DirectoryJobKind, DirectoryJobStatus, Service, TaxonomyTerm
from orgs.models import OrganizationStatus
from orgs.parsers import JSONParser

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


class JobOutput(serializers.Serializer):
    id = serializers.UUIDField(source="uuid")
    kind = serializers.CharField()
    scope = serializers.CharField()
    status = serializers.CharField()
    total = serializers.IntegerField()
    done = serializers.IntegerField()
    percent = serializers.IntegerField()
    error = serializers.CharField()
    report = serializers.JSONField(help_text="imports: the import report (created, notes, every rejected record)")
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    url = serializers.SerializerMethodField()
    download_url = serializers.SerializerMethodField()

    def get_url(self, job) -> str:
        return self.context["request"].build_absolute_uri(reverse("api:directory_job", kwargs={"job_id": job.uuid}))

    def get_download_url(self, job) -> str | None:
        if job.status != DirectoryJobStatus.DONE or not job.result:
            return None
        url = reverse("api:directory_job_download", kwargs={"job_id": job.uuid})
        return self.context["request"].build_absolute_uri(url)


def _accepted(request, job) -> Response:
    body = JobOutput(job, context={"request": request}).data
    return Response(body, status=status.HTTP_202_ACCEPTED, headers={"Location": body["url"]})


JOB_STARTED = {202: OpenApiResponse(JobOutput, description="job queued; follow its url")}


class _ExportApi(APIView):
    kind: str

    def post(self, request):
        organization = access.viewer_organization(request.user)
        params = ExportInput(data=request.data)
        params.is_valid(raise_exception=True)
        job = directory_export_start(
            kind=self.kind, scope=params.validated_data["scope"], by=request.user, organization=organization
        )
        return _accepted(request, job)


@extend_schema_view(
    post=extend_schema(
        summary="Start an export of the directory as HSDS JSON", request=ExportInput, responses=JOB_STARTED
    )
)
class ExportJsonApi(_ExportApi):
    kind = DirectoryJobKind.EXPORT_JSON


@extend_schema_view(
    post=extend_schema(
        summary="Start an export of the directory as an HSDS tabular data package (zip)",
        request=ExportInput,
        responses=JOB_STARTED,
    )
)
class ExportTabularApi(_ExportApi):
    kind = DirectoryJobKind.EXPORT_TABULAR


class ImportJsonApi(APIView):
    parser_classes = [JSONParser]

    @extend_schema(
        summary="Start an import of HSDS JSON service documents, all or nothing",
        request=dict,
        responses=JOB_STARTED,
    )
    def post(self, request):
        access.require_importer(request.user)
        content = json.dumps(request.data).encode()
        job = directory_import_start(kind=DirectoryJobKind.IMPORT_JSON, content=content, by=request.user)
        return _accepted(request, job)


class TabularUpload(serializers.Serializer):
    file = serializers.FileField(max_length=200)


class ImportTabularApi(APIView):
    parser_classes = [MultiPartParser]

    @extend_schema(
        summary="Start an import of an HSDS tabular data package (zip), all or nothing",
        request=TabularUpload,
        responses={**JOB_STARTED, 400: OpenApiResponse(description="no file")},
    )
    def post(self, request):
        access.require_importer(request.user)
        upload = TabularUpload(data=request.data)
        upload.is_valid(raise_exception=True)
        content = upload.validated_data["file"].read()
        job = directory_import_start(kind=DirectoryJobKind.IMPORT_TABULAR, content=content, by=request.user)
        return _accepted(request, job)


class DirectoryJobApi(APIView):
    @extend_schema(
        operation_id="directory_job_retrieve",
        summary="Status, progress and (imports) report of an HSDS import or export job",
        responses=JobOutput,
    )
    def get(self, request, job_id):
        job = access.directory_job_for_user(request.user, job_id)
        return Response(JobOutput(job, context={"request": request}).data)


class DirectoryJobDownloadApi(APIView):
    @extend_schema(
        operation_id="directory_job_download",
        summary="The file an export job built (HSDS JSON or a zip)",
        responses={
            (200, "application/octet-stream"): OpenApiResponse(description="HSDS JSON Page or tabular zip"),
            404: OpenApiResponse(description="no such job, or no file yet"),
        },
    )
    def get(self, request, job_id):
        return job_download_response(access.directory_job_for_user(request.user, job_id))


def job_download_response(job) -> FileResponse:
    """Stream an export's file after the caller's access check; 404 until it is done."""
    if job.status != DirectoryJobStatus.DONE or not job.result:
        raise Http404
    try:
        handle = job.result.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    content_type = "application/zip" if job.kind == DirectoryJobKind.EXPORT_TABULAR else "application/json"
    return FileResponse(handle, as_attachment=True, filename=job.download_name, content_type=content_type)
