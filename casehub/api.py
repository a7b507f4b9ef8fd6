"""Case API: one view per operation (serializers in casehub/serializers.py), every lookup through
casehub.access.

Unknown or invisible cases (and records of another case named through the URL) are 404;
fields outside the caller's field groups are never decrypted nor serialized, and writes to them
are refused. Lists show coded fields and the display name only.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import APIException, PermissionDenied
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from casehub import access, responses, selectors, services
from casehub.access import CaseAction
from casehub.crypto.files import AttachmentRejected
from casehub.pagination import CURSOR_PARAMETERS, CaseCursor, paginated_schema
from casehub.serializers import (
    SEARCH_LIMIT,
    CaseFilterInput,
    CaseListOutput,
    CaseOutput,
    CaseSearchInput,
    CaseWriteInput,
    DocumentInput,
    DocumentOutput,
    NoteDetailOutput,
    NoteInput,
    NoteOutput,
    TaskInput,
    TaskOutput,
    TaskUpdateInput,
)
from orgs import fieldgroups
from orgs.api_location import location_of
from orgs.idempotency import idempotent
from orgs.models import User

# Helpers --------------------------------------------------------------------------------------


def _member(user_uuid, field: str):
    """The user an input names by id, or a 400 naming the field."""
    if user_uuid is None:
        return None
    user = User.objects.filter(uuid=user_uuid).first()
    if user is None:
        raise serializers.ValidationError({field: [_("No such member.")]})
    return user


class ExternalReferenceConflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = _("Another case of your organization already has this external reference.")
    default_code = "external_reference_taken"


def _case_response(case, user, code=status.HTTP_200_OK, headers=None) -> Response:
    case_access = access.case_access(user, case)
    groups = case_access.groups
    data = {
        "case": case,
        "groups": sorted(groups),
        # Who works on a case is the owner organization's business, not a recipient's.
        "assigned": [] if case_access.shared else case.assigned_caseworkers.order_by("username"),
        "external_reference": None if case_access.shared else case.external_reference,
        "details": services.survivor_details(case, groups),
    }
    body = CaseOutput(data).data
    if fieldgroups.CASE_DETAILS not in groups:
        del body["risk_level"]
    return Response(body, status=code, headers=headers)


# Cases ----------------------------------------------------------------------------------------


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
        "external_reference": query.get("external_reference", ""),
    }
    return selectors.case_list(user, scope=query.get("scope", "all"), filters=filters)


LISTED_GROUPS = frozenset({fieldgroups.IDENTITY, fieldgroups.CASE_DETAILS})


class CaseSearchApi(APIView):
    """Search by name (words, spelling or sound), phone, e-mail, document or case number through the blind indexes."""

    @extend_schema(
        request=CaseSearchInput,
        responses=CaseListOutput(many=True),
        summary=f"Search cases by name, phone, e-mail, document or case number (at most {SEARCH_LIMIT})",
    )
    def post(self, request):
        search = CaseSearchInput(data=request.data)
        search.is_valid(raise_exception=True)
        query = search.validated_data
        found = selectors.case_search(request.user, **{kind: query.get(kind, "") for kind in CaseSearchInput.KINDS})
        page = found.page(order=CaseCursor.order, limit=SEARCH_LIMIT)
        rows = selectors.case_rows(request.user, page, shows=LISTED_GROUPS)
        return Response(CaseListOutput(rows, many=True).data)


def _case_replayed(request, case_id) -> Response:
    """A replayed intake answers with the case as the caller may see it now, audited as a read."""
    case = access.case_for_user(request.user, case_id, action=CaseAction.VIEW)
    services.case_viewed(case=case, by=request.user, groups=access.case_field_groups(request.user, case))
    return _case_response(case, request.user)


class CaseCreateApi(APIView):
    @extend_schema(request=CaseWriteInput, responses={201: CaseOutput}, summary="Open a case (an intake)")
    @idempotent(replay=_case_replayed)
    def post(self, request):
        if not access.may_create_cases(request.user):
            raise PermissionDenied
        serializer = CaseWriteInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            case = services.case_create(
                organization=request.user.membership.organization, by=request.user, **serializer.validated_data
            )
        except services.ExternalReferenceTaken:
            raise ExternalReferenceConflict from None
        headers = location_of(request, "api:case", case_id=case.uuid)
        return _case_response(case, request.user, status.HTTP_201_CREATED, headers)


class CaseDetailApi(APIView):
    @extend_schema(responses=CaseOutput, summary="One case, with the details the caller's field groups cover")
    def get(self, request, case_id):
        case = access.case_for_user(request.user, case_id, action=CaseAction.VIEW)
        services.case_viewed(case=case, by=request.user, groups=access.case_field_groups(request.user, case))
        return _case_response(case, request.user)


class CaseUpdateApi(APIView):
    @extend_schema(request=CaseWriteInput, responses=CaseOutput, summary="Change some details of a case")
    def patch(self, request, case_id):
        case = access.case_for_user(request.user, case_id, action=CaseAction.EDIT)
        serializer = CaseWriteInput(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        try:
            services.case_update(case=case, by=request.user, **serializer.validated_data)
        except services.ExternalReferenceTaken:
            raise ExternalReferenceConflict from None
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
    @idempotent()
    def post(self, request, case_id):
        case = access.case_for_user(request.user, case_id, action=CaseAction.NOTE)
        serializer = NoteInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        note = services.note_add(case=case, by=request.user, body=serializer.validated_data["body"])
        headers = location_of(request, "api:case_note", case_id=case.uuid, note_id=note.uuid)
        return Response(NoteOutput(note).data, status=status.HTTP_201_CREATED, headers=headers)


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
    @idempotent()
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
    @extend_schema(
        request=TaskUpdateInput, responses=TaskOutput, summary="Reword a task, mark it done, move it, reassign it"
    )
    def patch(self, request, case_id, task_id):
        _case, task = access.task_for_user(request.user, case_id, task_id, action=CaseAction.TASK)
        serializer = TaskUpdateInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        changes = dict(serializer.validated_data)
        if "assignee" in changes:
            changes["assignee"] = _member(changes["assignee"], "assignee")
        services.task_update(task=task, by=request.user, **changes)
        return Response(TaskOutput(task).data)


class TaskApi(APIView):
    @extend_schema(responses={204: None}, summary="Remove a task (the case history keeps that it was removed)")
    def delete(self, request, case_id, task_id):
        _case, task = access.task_for_user(request.user, case_id, task_id, action=CaseAction.TASK)
        services.task_delete(task=task, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


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
    @idempotent()
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
        headers = location_of(request, "api:case_document_download", case_id=case.uuid, document_id=attachment.uuid)
        return Response(DocumentOutput(attachment).data, status=status.HTTP_201_CREATED, headers=headers)


class DocumentDownloadApi(APIView):
    @extend_schema(
        responses={(200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY)},
        summary="Download a document (decrypted)",
    )
    def get(self, request, case_id, document_id):
        _case, attachment = access.attachment_for_user(request.user, case_id, document_id)
        return responses.attachment_response(attachment, by=request.user)
