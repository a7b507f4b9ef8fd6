"""Case API routes, mounted under /api/v1/cases/ in the "api" namespace (config/urls.py)."""

from django.urls import path

from casehub import api_cases

# /api/v1/cases/…: one view per operation (reads GET, writes POST/PATCH), like the directory API.
routes = [
    path("", api_cases.CaseListApi.as_view(), name="cases"),
    path("count/", api_cases.CaseCountApi.as_view(), name="cases_count"),
    path("search/", api_cases.CaseSearchApi.as_view(), name="cases_search"),
    path("create/", api_cases.CaseCreateApi.as_view(), name="case_create"),
    path("<uuid:case_id>/", api_cases.CaseDetailApi.as_view(), name="case"),
    path("<uuid:case_id>/update/", api_cases.CaseUpdateApi.as_view(), name="case_update"),
    path("<uuid:case_id>/notes/", api_cases.NoteListApi.as_view(), name="case_notes"),
    path("<uuid:case_id>/notes/create/", api_cases.NoteCreateApi.as_view(), name="case_note_create"),
    path("<uuid:case_id>/notes/<uuid:note_id>/", api_cases.NoteDetailApi.as_view(), name="case_note"),
    path("<uuid:case_id>/notes/<uuid:note_id>/update/", api_cases.NoteUpdateApi.as_view(), name="case_note_update"),
    path("<uuid:case_id>/tasks/", api_cases.TaskListApi.as_view(), name="case_tasks"),
    path("<uuid:case_id>/tasks/create/", api_cases.TaskCreateApi.as_view(), name="case_task_create"),
    path("<uuid:case_id>/tasks/<uuid:task_id>/update/", api_cases.TaskUpdateApi.as_view(), name="case_task_update"),
    path("<uuid:case_id>/documents/", api_cases.DocumentListApi.as_view(), name="case_documents"),
    path("<uuid:case_id>/documents/upload/", api_cases.DocumentUploadApi.as_view(), name="case_document_upload"),
    path(
        "<uuid:case_id>/documents/<uuid:document_id>/",
        api_cases.DocumentDownloadApi.as_view(),
        name="case_document_download",
    ),
    path("<uuid:case_id>/export.json", api_cases.ExportJsonApi.as_view(), name="case_export_json"),
    path("<uuid:case_id>/export.pdf", api_cases.ExportPdfApi.as_view(), name="case_export_pdf"),
]
