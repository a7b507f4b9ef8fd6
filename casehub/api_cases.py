"""Case API: one view per operation, explicit serializers, every lookup through casehub.access.

Unknown or invisible cases (and records of another case named through the URL) are 404;
fields outside the caller's field groups are never decrypted nor serialized, and writes to them
are refused. Lists show coded fields and the display name only.
"""

import json
from collections import defaultdict

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, StreamingHttpResponse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.pagination import CursorPagination
from rest_framework.parsers import MultiPartParser
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from casehub import access, cases, coding, export, fieldgroups
from casehub import case_selectors as selectors
from casehub.access import CaseAction
from casehub.crypto.fields import with_data_keys
from casehub.crypto.files import AttachmentRejected, attachment_open
from casehub.models import (
    AttachmentKind,
    Case,
    CaseAttachment,
    CaseNote,
    CaseStatus,
    CaseTask,
    IdentityDocumentKind,
    RiskLevel,
)
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
    """A case in a list: the display name only with the identity group, coded fields only with
    case details (a shared case shows what its share covers, nothing more)."""

    id = serializers.UUIDField(source="uuid")
    case_number = serializers.CharField()
    status = serializers.CharField()
    risk_level = serializers.CharField()
    shared = serializers.SerializerMethodField(help_text="Another organization's case, shared with mine")
    display_name = serializers.SerializerMethodField()

    def get_display_name(self, case) -> str:
        return self.context["names"].get(case.pk, "")

    def get_shared(self, case) -> bool:
        return self.context["accesses"][case.pk].shared

    def to_representation(self, case):
        # Coded fields are plain columns and names are decrypted only for cases with identity
        # (see _listed), so dropping the keys here leaves nothing out of scope behind.
        data = super().to_representation(case)
        groups = self.context["accesses"][case.pk].groups
        if fieldgroups.IDENTITY not in groups:
            del data["display_name"]
        if fieldgroups.CASE_DETAILS not in groups:
            for name in CodedOutput._declared_fields:
                del data[name]
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


def _require_group(user, case, group: str) -> None:
    if group not in access.case_field_groups(user, case):
        raise PermissionDenied


def _member(user_uuid, field: str):
    """The user an input names by id, or a 400 naming the field."""
    if user_uuid is None:
        return None
    user = User.objects.filter(uuid=user_uuid).first()
    if user is None:
        raise serializers.ValidationError({field: [_("No such member.")]})
    return user


def _case_response(case, user, code=status.HTTP_200_OK) -> Response:
    groups = access.case_field_groups(user, case)
    shared = getattr(case, "access", access.NO_ACCESS).shared
    data = {
        "case": case,
        "groups": sorted(groups),
        # Who works on a case is the owner organization's business, not a recipient's.
        "assigned": [] if shared else case.assigned_caseworkers.order_by("username"),
        "details": cases.survivor_details(case, groups),
    }
    return Response(CaseOutput(data).data, status=code)


def _notes(case):
    return with_data_keys(CaseNote.objects.filter(case=case).select_related("author"))


def _tasks(case):
    return with_data_keys(CaseTask.objects.filter(case=case).select_related("assignee", "created_by"))


# Cases ----------------------------------------------------------------------------------------


class ByCreated(CursorPagination):
    # created_at and id never change, so a cursor stays valid while cases are edited.
    ordering = ("-created_at", "-id")
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 100


class CaseListApi(ListAPIView):
    """Cases the caller may see: coded fields and the display name only (nothing else decrypted)."""

    serializer_class = CaseListOutput
    pagination_class = ByCreated
    queryset = Case.objects.none()

    @extend_schema(parameters=[CaseFilterInput], summary="List cases (search with POST /api/v1/cases/search/)")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def list(self, request, *args, **kwargs):
        filters = CaseFilterInput(data=request.query_params)
        filters.is_valid(raise_exception=True)
        page = self.paginate_queryset(_filtered(request.user, filters.validated_data))
        return self.get_paginated_response(_listed(request.user, page))


def _scoped(user, scope: str):
    if scope == "assigned":
        return access.cases_assigned_to(user)
    if scope == "shared":
        return access.cases_shared_with(user)
    visible = access.cases_visible_to(user)
    if scope == "organization":
        return _own_organization(user, visible)
    return visible


def _own_organization(user, cases_):
    membership = user.membership
    return cases_.none() if membership is None else cases_.filter(organization_id=membership.organization_id)


def _filtered(user, query: dict):
    found = _scoped(user, query.get("scope", "all"))
    if query.get("needs") or query.get("exploitation_type"):
        # Filters on coded fields must not find cases whose case details the user may not read.
        found = found.filter(pk__in=access.cases_visible_to(user, group=fieldgroups.CASE_DETAILS).values("pk"))
    if query.get("assigned") is not None:
        # Who works on a case is the owner organization's business.
        found = _own_organization(user, found)
    return selectors.cases_filtered(
        found,
        status=query.get("status", ""),
        risk=query.get("risk", ""),
        need=query.get("needs", ""),
        exploitation_type=query.get("exploitation_type", ""),
        assigned=query.get("assigned"),
    )


def _listed(user, page) -> list:
    accesses = access.case_accesses(user, page)
    listed = defaultdict(list)
    for case in page:
        listed[tuple(sorted(accesses[case.pk].groups & LISTED_GROUPS))].append(case)
    for groups, listed_cases in listed.items():
        cases.cases_listed(cases=listed_cases, by=user, groups=groups)
    named = [case for case in page if fieldgroups.IDENTITY in accesses[case.pk].groups]
    context = {"names": selectors.case_display_names(named), "accesses": accesses}
    return CaseListOutput(page, many=True, context=context).data


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
        membership = request.user.membership
        if membership is None:  # a platform admin sees no cases
            return Response([])
        # Blind indexes are per organization: only the caller's own organization's cases can be
        # searched, and only among those whose searched fields the caller may read.
        among = _own_organization(request.user, access.cases_visible_to(request.user))
        if query.get("name") or query.get("document"):
            among = among.filter(pk__in=access.cases_visible_to(request.user, group=fieldgroups.IDENTITY).values("pk"))
        if query.get("phone"):
            among = among.filter(pk__in=access.cases_visible_to(request.user, group=fieldgroups.CONTACT).values("pk"))
        found = selectors.cases_matching(
            among,
            organization=membership.organization,
            name=query.get("name", ""),
            phone=query.get("phone", ""),
            document=query.get("document", ""),
        )
        page = list(found.order_by("-created_at", "-id")[:SEARCH_LIMIT])
        return Response(_listed(request.user, page))


class CaseCreateApi(APIView):
    @extend_schema(request=CaseInput, responses={201: CaseOutput}, summary="Open a case (an intake)")
    def post(self, request):
        if not access.may_create_cases(request.user):
            raise PermissionDenied
        serializer = CaseInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        case = cases.case_create(
            organization=request.user.membership.organization, by=request.user, **serializer.validated_data
        )
        return _case_response(case, request.user, status.HTTP_201_CREATED)


class CaseDetailApi(APIView):
    @extend_schema(responses=CaseOutput, summary="One case, with the details the caller's field groups cover")
    def get(self, request, case_id):
        case = access.case_for_user(request.user, case_id, action=CaseAction.VIEW)
        cases.case_viewed(case=case, by=request.user, groups=access.case_field_groups(request.user, case))
        return _case_response(case, request.user)


class CaseUpdateApi(APIView):
    @extend_schema(request=CaseInput, responses=CaseOutput, summary="Change some details of a case")
    def patch(self, request, case_id):
        case = access.case_for_user(request.user, case_id, action=CaseAction.EDIT)
        serializer = CaseInput(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        groups = access.case_field_groups(request.user, case)
        if any(cases.DETAIL_GROUP[name] not in groups for name in serializer.validated_data):
            raise PermissionDenied(_("Some of these fields are outside what you may see."))
        cases.case_update(case=case, by=request.user, **serializer.validated_data)
        return _case_response(case, request.user)


# Notes ----------------------------------------------------------------------------------------


class NoteListApi(APIView):
    @extend_schema(responses=NoteOutput(many=True), summary="A case's notes, newest first")
    def get(self, request, case_id):
        case = access.case_for_user(request.user, case_id, action=CaseAction.VIEW)
        _require_group(request.user, case, fieldgroups.NOTES)
        notes = list(_notes(case))
        cases.case_viewed(case=case, by=request.user, groups=[fieldgroups.NOTES])
        return Response(NoteOutput(notes, many=True).data)


class NoteCreateApi(APIView):
    @extend_schema(request=NoteInput, responses={201: NoteOutput}, summary="Add a note to a case")
    def post(self, request, case_id):
        case = access.case_for_user(request.user, case_id, action=CaseAction.NOTE)
        _require_group(request.user, case, fieldgroups.NOTES)
        serializer = NoteInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        note = cases.note_add(case=case, by=request.user, body=serializer.validated_data["body"])
        return Response(NoteOutput(note).data, status=status.HTTP_201_CREATED)


class NoteDetailApi(APIView):
    @extend_schema(responses=NoteDetailOutput, summary="One note, with its earlier texts")
    def get(self, request, case_id, note_id):
        case, note = access.record_for_user(request.user, CaseNote, case_id, note_id, action=CaseAction.VIEW)
        _require_group(request.user, case, fieldgroups.NOTES)
        cases.case_viewed(case=case, by=request.user, groups=[fieldgroups.NOTES])
        return Response(NoteDetailOutput(note).data)


class NoteUpdateApi(APIView):
    @extend_schema(request=NoteInput, responses=NoteDetailOutput, summary="Edit one's own note (history kept)")
    def patch(self, request, case_id, note_id):
        note = access.note_for_author(request.user, case_id, note_id)
        serializer = NoteInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        cases.note_edit(note=note, by=request.user, body=serializer.validated_data["body"])
        return Response(NoteDetailOutput(note).data)


# Tasks ----------------------------------------------------------------------------------------


class TaskListApi(APIView):
    @extend_schema(responses=TaskOutput(many=True), summary="A case's tasks, open ones first")
    def get(self, request, case_id):
        case = access.case_for_user(request.user, case_id, action=CaseAction.VIEW)
        if case.access.shared:
            raise PermissionDenied  # tasks are the owner organization's own work, never shared
        _require_group(request.user, case, fieldgroups.CASE_DETAILS)
        tasks = list(_tasks(case))
        cases.case_viewed(case=case, by=request.user, groups=[fieldgroups.CASE_DETAILS])
        return Response(TaskOutput(tasks, many=True).data)


class TaskCreateApi(APIView):
    @extend_schema(request=TaskInput, responses={201: TaskOutput}, summary="Add a task to a case")
    def post(self, request, case_id):
        case = access.case_for_user(request.user, case_id, action=CaseAction.TASK)
        serializer = TaskInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        task = cases.task_add(
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
        _case, task = access.record_for_user(request.user, CaseTask, case_id, task_id, action=CaseAction.TASK)
        serializer = TaskUpdateInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        changes = dict(serializer.validated_data)
        if "assignee" in changes:
            changes["assignee"] = _member(changes["assignee"], "assignee")
        cases.task_update(task=task, by=request.user, **changes)
        return Response(TaskOutput(task).data)


# Documents ------------------------------------------------------------------------------------


class DocumentListApi(APIView):
    @extend_schema(responses=DocumentOutput(many=True), summary="A case's documents (descriptions, not files)")
    def get(self, request, case_id):
        case = access.case_for_user(request.user, case_id, action=CaseAction.VIEW)
        _require_group(request.user, case, fieldgroups.DOCUMENTS)
        documents = list(with_data_keys(CaseAttachment.objects.filter(case=case).select_related("uploaded_by")))
        cases.case_viewed(case=case, by=request.user, groups=[fieldgroups.DOCUMENTS])
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
        _require_group(request.user, case, fieldgroups.DOCUMENTS)
        serializer = DocumentInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            attachment = cases.attachment_add(
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
        case, attachment = access.record_for_user(
            request.user, CaseAttachment, case_id, document_id, action=CaseAction.VIEW
        )
        _require_group(request.user, case, fieldgroups.DOCUMENTS)
        cases.attachment_downloaded(attachment=attachment, by=request.user)
        response = StreamingHttpResponse(
            attachment_open(record=attachment, name=attachment.file), content_type=attachment.content_type
        )
        response["Content-Disposition"] = f'attachment; filename="{attachment.uuid}"'
        response["X-Content-Type-Options"] = "nosniff"
        return response


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
        summary="Everything a case holds, for the survivor (JSON, HTCDS field names)",
    )
    def get(self, request, case_id):
        case = access.case_for_user(request.user, case_id, action=CaseAction.EXPORT)
        export.case_exported(case=case, by=request.user, fmt="json")
        response = Response(export.case_export_json(case))
        response["Content-Disposition"] = f'attachment; filename="{case.case_number}.json"'
        return response


class ExportPdfApi(APIView):
    renderer_classes = [JSONRenderer, PdfRenderer]

    @extend_schema(
        responses={(200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY)},
        operation_id="v1_cases_export_pdf",
        summary="Everything a case holds, for the survivor (PDF)",
    )
    def get(self, request, case_id):
        case = access.case_for_user(request.user, case_id, action=CaseAction.EXPORT)
        export.case_exported(case=case, by=request.user, fmt="pdf")
        response = HttpResponse(export.case_export_pdf(case), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{case.case_number}.pdf"'
        return response
