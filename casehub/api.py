"""Case API: one view per operation, explicit serializers, every lookup through casehub.access.

Unknown or invisible cases (and records of another case named through the URL) are 404;
fields outside the caller's field groups are never decrypted nor serialized, and writes to them
are refused. Lists show coded fields and the display name only.
"""

import base64
import json
from datetime import datetime

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.parsers import MultiPartParser
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param
from rest_framework.views import APIView

from casehub import access, coding, fieldgroups, responses, selectors, services
from casehub.access import CaseAction
from casehub.crypto.files import AttachmentRejected
from casehub.models import AttachmentKind, CaseStatus, IdentityDocumentKind, RiskLevel
from orgs.models import User

COUNTRY = r"^[A-Z]{2}$"
LANGUAGE = r"^[a-z]{2,3}$"


def _codes(choices, **kwargs):
    return serializers.ListField(child=serializers.ChoiceField(choices), max_length=len(choices), **kwargs)


# Input ----------------------------------------------------------------------------------------


class IdentityDocumentSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(IdentityDocumentKind.choices)
    number = serializers.CharField(max_length=100)


class ContactInstructionsSerializer(serializers.Serializer):
    do_not_contact_directly = serializers.BooleanField(default=False)
    contact_only_through = serializers.CharField(max_length=300, required=False, default="", allow_blank=True)
    safe_times = serializers.CharField(max_length=300, required=False, default="", allow_blank=True)
    safe_channels = serializers.CharField(max_length=300, required=False, default="", allow_blank=True)


class CaseInput(serializers.Serializer):
    """Survivor and coded details of a case; on update, only the fields sent change."""

    legal_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    preferred_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    aliases = serializers.ListField(child=serializers.CharField(max_length=200), max_length=20, required=False)
    phones = serializers.ListField(child=serializers.CharField(max_length=40), max_length=10, required=False)
    identity_documents = serializers.ListField(child=IdentityDocumentSerializer(), max_length=10, required=False)
    date_of_birth = serializers.DateField(required=False, allow_null=True)
    estimated_age = serializers.CharField(max_length=20, required=False, allow_blank=True, allow_null=True)
    email = serializers.EmailField(max_length=254, required=False, allow_blank=True, allow_null=True)
    current_address = serializers.CharField(max_length=2000, required=False, allow_blank=True, allow_null=True)
    narrative = serializers.CharField(max_length=50000, required=False, allow_blank=True, allow_null=True)
    safety_plan = serializers.CharField(max_length=20000, required=False, allow_blank=True, allow_null=True)
    contact_instructions = ContactInstructionsSerializer(required=False, allow_null=True)
    gender = serializers.ChoiceField(coding.Gender.choices, required=False, allow_blank=True)
    age_band = serializers.ChoiceField(coding.AgeBand.choices, required=False)
    citizenship = serializers.ListField(child=serializers.RegexField(COUNTRY), max_length=10, required=False)
    primary_language = serializers.RegexField(LANGUAGE, required=False, allow_blank=True)
    other_languages = serializers.ListField(child=serializers.RegexField(LANGUAGE), max_length=20, required=False)
    exploitation_types = _codes(coding.ExploitationType.choices, required=False)
    sexual_exploitation_types = _codes(coding.SexualExploitationType.choices, required=False)
    forced_labour_industry = serializers.ChoiceField(
        coding.ForcedLabourIndustry.choices, required=False, allow_blank=True
    )
    recruitment_methods = _codes(coding.RecruitmentMethod.choices, required=False)
    recruitment_websites = _codes(coding.WebsiteOrApp.choices, required=False)
    control_methods = _codes(coding.ControlMethod.choices, required=False)
    vulnerabilities = _codes(coding.Vulnerability.choices, required=False)
    trafficking_status = serializers.ChoiceField(coding.TraffickingStatus.choices, required=False, allow_blank=True)
    identified_country = serializers.RegexField(COUNTRY, required=False, allow_blank=True)
    identified_region = serializers.CharField(max_length=100, required=False, allow_blank=True)
    needs = _codes(coding.Need.choices, required=False)
    risk_level = serializers.ChoiceField(RiskLevel.choices, required=False)


SCOPES = [
    ("all", "Every case I may open"),
    ("organization", "My organization's cases"),
    ("assigned", "Cases assigned to me"),
    ("shared", "Other organizations' cases shared with mine"),
]


class CaseFilterInput(serializers.Serializer):
    scope = serializers.ChoiceField(SCOPES, required=False, default="all")
    status = serializers.ChoiceField(CaseStatus.choices, required=False)
    risk = serializers.ChoiceField(RiskLevel.choices, required=False)
    needs = serializers.ChoiceField(coding.Need.choices, required=False, help_text="Cases with this need")
    exploitation_type = serializers.ChoiceField(coding.ExploitationType.choices, required=False)
    assigned = serializers.UUIDField(required=False, help_text="Cases assigned to this user (id)")


class CaseSearchInput(serializers.Serializer):
    """Sent in the body, never the URL: names and numbers must not reach access logs."""

    name = serializers.CharField(max_length=200, required=False, help_text="Exact legal or preferred name, or alias")
    phone = serializers.CharField(max_length=40, required=False, help_text="Exact phone number")
    document = serializers.CharField(max_length=100, required=False, help_text="Exact identity document number")

    def validate(self, data):
        if not any(data.get(key) for key in ("name", "phone", "document")):
            raise serializers.ValidationError(_("Give a name, a phone number or a document number."))
        return data


SEARCH_LIMIT = 100


class NoteInput(serializers.Serializer):
    body = serializers.CharField(max_length=50000)


class TaskInput(serializers.Serializer):
    title = serializers.CharField(max_length=300)
    due_on = serializers.DateField(required=False, allow_null=True, default=None)
    assignee = serializers.UUIDField(required=False, allow_null=True, default=None, help_text="A member (user id)")


class TaskUpdateInput(serializers.Serializer):
    done = serializers.BooleanField(required=False)
    due_on = serializers.DateField(required=False, allow_null=True)
    assignee = serializers.UUIDField(required=False, allow_null=True, help_text="A member (user id), or null")


class DocumentInput(serializers.Serializer):
    file = serializers.FileField()
    kind = serializers.ChoiceField(AttachmentKind.choices, default=AttachmentKind.OTHER)
    description = serializers.CharField(max_length=300, required=False, default="", allow_blank=True)


# Output ---------------------------------------------------------------------------------------


class PersonOutput(serializers.Serializer):
    id = serializers.UUIDField(source="uuid")
    username = serializers.CharField()


class CodedOutput(serializers.Serializer):
    gender = serializers.CharField()
    age_band = serializers.CharField()
    citizenship = serializers.ListField(child=serializers.CharField())
    primary_language = serializers.CharField()
    other_languages = serializers.ListField(child=serializers.CharField())
    exploitation_types = serializers.ListField(child=serializers.CharField())
    sexual_exploitation_types = serializers.ListField(child=serializers.CharField())
    forced_labour_industry = serializers.CharField()
    recruitment_methods = serializers.ListField(child=serializers.CharField())
    recruitment_websites = serializers.ListField(child=serializers.CharField())
    control_methods = serializers.ListField(child=serializers.CharField())
    vulnerabilities = serializers.ListField(child=serializers.CharField())
    trafficking_status = serializers.CharField()
    identified_country = serializers.CharField()
    identified_region = serializers.CharField()
    needs = serializers.ListField(child=serializers.CharField())


class CaseListOutput(CodedOutput):
    """A case in a list (a casehub.selectors.CaseRow): the display name only with the identity
    group, risk and coded fields only with case details (a shared case shows what its share
    covers, within what the caller's own organization lets their role see)."""

    id = serializers.UUIDField(source="case.uuid")
    case_number = serializers.CharField(source="case.case_number")
    status = serializers.CharField(source="case.status")
    risk_level = serializers.CharField(source="case.risk_level")
    shared = serializers.BooleanField(help_text="Another organization's case, shared with mine")
    display_name = serializers.CharField(source="name")

    # The fields above document the shape (OpenAPI); a page of rows is written out directly, as
    # the fields would write it: plain strings and lists of codes, without the per-field work.
    CODED = tuple(CodedOutput._declared_fields)

    def to_representation(self, row):
        # Names are decrypted only for rows with identity (CaseRow.name is None otherwise) and coded
        # fields are plain columns, so leaving the keys out here leaves nothing out of scope behind.
        case = row.case
        data = {"id": str(case.uuid), "case_number": case.case_number, "status": case.status}
        if row.coded:
            data["risk_level"] = case.risk_level
            data.update((name, getattr(case, name)) for name in self.CODED)
        data["shared"] = row.shared
        if row.name is not None:
            data["display_name"] = row.name
        return data


class PresentOnly(serializers.Serializer):
    """Serializes the keys the given dict has, and no others: absent groups leave no trace."""

    def to_representation(self, instance):
        return {
            name: None if instance[name] is None else field.to_representation(instance[name])
            for name, field in self.fields.items()
            if name in instance
        }


class DetailsOutput(PresentOnly, CodedOutput, CaseInput):
    """The survivor details the caller's field groups cover; fields of other groups are absent."""

    identity_documents = serializers.ListField(child=IdentityDocumentSerializer(), required=False)
    contact_instructions = ContactInstructionsSerializer(required=False)
    risk_level = serializers.CharField(required=False)

    def get_fields(self):
        fields = super().get_fields()
        for field in fields.values():
            field.required = False
        return fields


class CaseOutput(serializers.Serializer):
    id = serializers.UUIDField(source="case.uuid")
    case_number = serializers.CharField(source="case.case_number")
    status = serializers.CharField(source="case.status")
    risk_level = serializers.CharField(source="case.risk_level")
    restricted = serializers.BooleanField(source="case.restricted")
    created_at = serializers.DateTimeField(source="case.created_at")
    updated_at = serializers.DateTimeField(source="case.updated_at")
    closed_at = serializers.DateTimeField(source="case.closed_at", allow_null=True)
    assigned_caseworkers = PersonOutput(many=True, source="assigned")
    field_groups = serializers.ListField(child=serializers.CharField(), source="groups")
    details = DetailsOutput()


class RevisionOutput(serializers.Serializer):
    body = serializers.CharField()
    written_by = PersonOutput()
    written_at = serializers.DateTimeField()


class NoteOutput(serializers.Serializer):
    id = serializers.UUIDField(source="uuid")
    author = PersonOutput()
    body = serializers.CharField()
    created_at = serializers.DateTimeField()
    edited_at = serializers.DateTimeField(allow_null=True)


class NoteDetailOutput(NoteOutput):
    revisions = RevisionOutput(many=True, source="revisions.all")


class TaskOutput(serializers.Serializer):
    id = serializers.UUIDField(source="uuid")
    title = serializers.CharField()
    due_on = serializers.DateField(allow_null=True)
    assignee = PersonOutput(allow_null=True)
    created_by = PersonOutput()
    created_at = serializers.DateTimeField()
    done = serializers.SerializerMethodField()
    done_at = serializers.DateTimeField(allow_null=True)

    def get_done(self, task) -> bool:
        return task.done_at is not None


class DocumentOutput(serializers.Serializer):
    id = serializers.UUIDField(source="uuid")
    kind = serializers.CharField()
    description = serializers.CharField(allow_null=True)
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    uploaded_by = PersonOutput()
    uploaded_at = serializers.DateTimeField()


# Helpers --------------------------------------------------------------------------------------


def _member(user_uuid, field: str):
    """The user an input names by id, or a 400 naming the field."""
    if user_uuid is None:
        return None
    user = User.objects.filter(uuid=user_uuid).first()
    if user is None:
        raise serializers.ValidationError({field: [_("No such member.")]})
    return user


def _case_response(case, user, code=status.HTTP_200_OK) -> Response:
    case_access = access.case_access(user, case)
    groups = case_access.groups
    data = {
        "case": case,
        "groups": sorted(groups),
        # Who works on a case is the owner organization's business, not a recipient's.
        "assigned": [] if case_access.shared else case.assigned_caseworkers.order_by("username"),
        "details": services.survivor_details(case, groups),
    }
    body = CaseOutput(data).data
    if fieldgroups.CASE_DETAILS not in groups:
        del body["risk_level"]
    return Response(body, status=code)


# Cases ----------------------------------------------------------------------------------------


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

    def page(self, cases: access.CaseSet) -> tuple[list, str | None]:
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


class CaseListApi(APIView):
    """Cases the caller may see: coded fields and the display name only (nothing else decrypted)."""

    @extend_schema(
        parameters=[CaseFilterInput, *CURSOR_PARAMETERS],
        responses=paginated_schema(CaseListOutput(many=True)),
        operation_id="v1_cases_list",
        summary="List cases (search with POST /api/v1/cases/search/)",
    )
    def get(self, request):
        filters = CaseFilterInput(data=request.query_params)
        filters.is_valid(raise_exception=True)
        pager = CaseCursor(request)
        page, next_link = pager.page(_listed_cases(request.user, filters.validated_data))
        rows = selectors.case_rows(request.user, page, shows=LISTED_GROUPS)
        return pager.response(CaseListOutput(rows, many=True).data, next_link)


class CaseCountApi(APIView):
    """How many cases the caller may see, with the list's filters."""

    @extend_schema(
        parameters=[CaseFilterInput],
        responses=inline_serializer(name="CaseCount", fields={"count": serializers.IntegerField()}),
        summary="Count the cases of a list",
    )
    def get(self, request):
        filters = CaseFilterInput(data=request.query_params)
        filters.is_valid(raise_exception=True)
        return Response({"count": _listed_cases(request.user, filters.validated_data).count()})


def _listed_cases(user, query: dict) -> access.CaseSet:
    filters = {
        "status": query.get("status", ""),
        "risk": query.get("risk", ""),
        "need": query.get("needs", ""),
        "exploitation_type": query.get("exploitation_type", ""),
        "assigned": query.get("assigned"),
    }
    return selectors.case_list(user, scope=query.get("scope", "all"), filters=filters)


LISTED_GROUPS = frozenset({fieldgroups.IDENTITY, fieldgroups.CASE_DETAILS})


class CaseSearchApi(APIView):
    """Exact search by name, alias, phone or document number through the blind indexes."""

    @extend_schema(
        request=CaseSearchInput,
        responses=CaseListOutput(many=True),
        summary=f"Search cases by exact name, phone or document number (at most {SEARCH_LIMIT})",
    )
    def post(self, request):
        search = CaseSearchInput(data=request.data)
        search.is_valid(raise_exception=True)
        query = search.validated_data
        found = selectors.case_search(
            request.user, name=query.get("name", ""), phone=query.get("phone", ""), document=query.get("document", "")
        )
        page = found.page(order=CaseCursor.order, limit=SEARCH_LIMIT)
        rows = selectors.case_rows(request.user, page, shows=LISTED_GROUPS)
        return Response(CaseListOutput(rows, many=True).data)


class CaseCreateApi(APIView):
    @extend_schema(request=CaseInput, responses={201: CaseOutput}, summary="Open a case (an intake)")
    def post(self, request):
        if not access.may_create_cases(request.user):
            raise PermissionDenied
        serializer = CaseInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        case = services.case_create(
            organization=request.user.membership.organization, by=request.user, **serializer.validated_data
        )
        return _case_response(case, request.user, status.HTTP_201_CREATED)


class CaseDetailApi(APIView):
    @extend_schema(responses=CaseOutput, summary="One case, with the details the caller's field groups cover")
    def get(self, request, case_id):
        case = access.case_for_user(request.user, case_id, action=CaseAction.VIEW)
        services.case_viewed(case=case, by=request.user, groups=access.case_field_groups(request.user, case))
        return _case_response(case, request.user)


class CaseUpdateApi(APIView):
    @extend_schema(request=CaseInput, responses=CaseOutput, summary="Change some details of a case")
    def patch(self, request, case_id):
        case = access.case_for_user(request.user, case_id, action=CaseAction.EDIT)
        serializer = CaseInput(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        services.case_update(case=case, by=request.user, **serializer.validated_data)
        return _case_response(case, request.user)


# Notes ----------------------------------------------------------------------------------------


class NoteListApi(APIView):
    @extend_schema(responses=NoteOutput(many=True), summary="A case's notes, newest first")
    def get(self, request, case_id):
        case = access.case_for_user(request.user, case_id, group=fieldgroups.NOTES)
        notes = selectors.case_notes(case)
        services.case_viewed(case=case, by=request.user, groups=[fieldgroups.NOTES])
        return Response(NoteOutput(notes, many=True).data)


class NoteCreateApi(APIView):
    @extend_schema(request=NoteInput, responses={201: NoteOutput}, summary="Add a note to a case")
    def post(self, request, case_id):
        case = access.case_for_user(request.user, case_id, action=CaseAction.NOTE)
        serializer = NoteInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        note = services.note_add(case=case, by=request.user, body=serializer.validated_data["body"])
        return Response(NoteOutput(note).data, status=status.HTTP_201_CREATED)


class NoteDetailApi(APIView):
    @extend_schema(responses=NoteDetailOutput, summary="One note, with its earlier texts")
    def get(self, request, case_id, note_id):
        case, note = access.note_for_user(request.user, case_id, note_id)
        services.case_viewed(case=case, by=request.user, groups=[fieldgroups.NOTES])
        return Response(NoteDetailOutput(note).data)


class NoteUpdateApi(APIView):
    @extend_schema(request=NoteInput, responses=NoteDetailOutput, summary="Edit one's own note (history kept)")
    def patch(self, request, case_id, note_id):
        _case, note = access.note_for_user(request.user, case_id, note_id, action=CaseAction.NOTE)
        serializer = NoteInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.note_edit(note=note, by=request.user, body=serializer.validated_data["body"])
        return Response(NoteDetailOutput(note).data)


# Tasks ----------------------------------------------------------------------------------------


class TaskListApi(APIView):
    @extend_schema(responses=TaskOutput(many=True), summary="A case's tasks, open ones first")
    def get(self, request, case_id):
        # Tasks are the owner organization's own work (never shared); their titles are case details.
        case = access.case_for_user(request.user, case_id, action=CaseAction.VIEW_TASKS)
        tasks = selectors.case_tasks(case)
        services.case_viewed(case=case, by=request.user, groups=[fieldgroups.CASE_DETAILS])
        return Response(TaskOutput(tasks, many=True).data)


class TaskCreateApi(APIView):
    @extend_schema(request=TaskInput, responses={201: TaskOutput}, summary="Add a task to a case")
    def post(self, request, case_id):
        case = access.case_for_user(request.user, case_id, action=CaseAction.TASK)
        serializer = TaskInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        task = services.task_add(
            case=case,
            by=request.user,
            title=data["title"],
            due_on=data["due_on"],
            assignee=_member(data["assignee"], "assignee"),
        )
        return Response(TaskOutput(task).data, status=status.HTTP_201_CREATED)


class TaskUpdateApi(APIView):
    @extend_schema(request=TaskUpdateInput, responses=TaskOutput, summary="Mark a task done, move it, reassign it")
    def patch(self, request, case_id, task_id):
        _case, task = access.task_for_user(request.user, case_id, task_id, action=CaseAction.TASK)
        serializer = TaskUpdateInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        changes = dict(serializer.validated_data)
        if "assignee" in changes:
            changes["assignee"] = _member(changes["assignee"], "assignee")
        services.task_update(task=task, by=request.user, **changes)
        return Response(TaskOutput(task).data)


# Documents ------------------------------------------------------------------------------------


class DocumentListApi(APIView):
    @extend_schema(responses=DocumentOutput(many=True), summary="A case's documents (descriptions, not files)")
    def get(self, request, case_id):
        case = access.case_for_user(request.user, case_id, group=fieldgroups.DOCUMENTS)
        documents = selectors.case_documents(case)
        services.case_viewed(case=case, by=request.user, groups=[fieldgroups.DOCUMENTS])
        return Response(DocumentOutput(documents, many=True).data)


class DocumentUploadApi(APIView):
    parser_classes = [MultiPartParser]

    @extend_schema(
        request={"multipart/form-data": DocumentInput},
        responses={201: DocumentOutput},
        summary="Upload a document or photo (stored encrypted)",
    )
    def post(self, request, case_id):
        case = access.case_for_user(request.user, case_id, action=CaseAction.DOCUMENT)
        serializer = DocumentInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            attachment = services.attachment_add(
                case=case, by=request.user, upload=data["file"], kind=data["kind"], description=data["description"]
            )
        except AttachmentRejected as exc:
            raise serializers.ValidationError({"file": [str(exc)]}) from None
        return Response(DocumentOutput(attachment).data, status=status.HTTP_201_CREATED)


class DocumentDownloadApi(APIView):
    @extend_schema(
        responses={(200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY)},
        summary="Download a document (decrypted)",
    )
    def get(self, request, case_id, document_id):
        _case, attachment = access.attachment_for_user(request.user, case_id, document_id)
        return responses.attachment_response(attachment, by=request.user)


# Data-subject export --------------------------------------------------------------------------


class PdfRenderer(BaseRenderer):
    media_type = "application/pdf"
    format = "pdf"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        # Only error bodies come through here; the PDF itself is returned as a plain HttpResponse.
        return data if isinstance(data, bytes) else json.dumps(data).encode()


class ExportJsonApi(APIView):
    @extend_schema(
        responses={200: OpenApiResponse(OpenApiTypes.OBJECT)},
        operation_id="v1_cases_export_json",
        summary="What a case holds, for the survivor (JSON, HTCDS field names): the field groups the caller may see",
    )
    def get(self, request, case_id):
        case = access.case_for_user(request.user, case_id, action=CaseAction.EXPORT)
        return responses.export_response(case, by=request.user, fmt="json")


class ExportPdfApi(APIView):
    renderer_classes = [JSONRenderer, PdfRenderer]

    @extend_schema(
        responses={(200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY)},
        operation_id="v1_cases_export_pdf",
        summary="What a case holds, for the survivor (PDF): the field groups the caller may see",
    )
    def get(self, request, case_id):
        case = access.case_for_user(request.user, case_id, action=CaseAction.EXPORT)
        return responses.export_response(case, by=request.user, fmt="pdf")
