"""Case API routes, mounted under /api/v1/cases/ in the "api" namespace (config/urls.py).

The survivor's copy (export.json, .pdf, .zip) is served by rights/ (it lists referrals too).
"""

from django.urls import path

from casehub import api

# /api/v1/cases/…: one view per operation (reads GET, writes POST/PATCH), like the directory API.
routes = [
    path("", api.CaseListApi.as_view(), name="cases"),
    path("count/", api.CaseCountApi.as_view(), name="cases_count"),
    path("search/", api.CaseSearchApi.as_view(), name="cases_search"),
    path("create/", api.CaseCreateApi.as_view(), name="case_create"),
    path("<uuid:case_id>/", api.CaseDetailApi.as_view(), name="case"),
    path("<uuid:case_id>/update/", api.CaseUpdateApi.as_view(), name="case_update"),
    path("<uuid:case_id>/notes/", api.NoteListApi.as_view(), name="case_notes"),
    path("<uuid:case_id>/notes/create/", api.NoteCreateApi.as_view(), name="case_note_create"),
    path("<uuid:case_id>/notes/<uuid:note_id>/", api.NoteDetailApi.as_view(), name="case_note"),
    path("<uuid:case_id>/notes/<uuid:note_id>/update/", api.NoteUpdateApi.as_view(), name="case_note_update"),
    path("<uuid:case_id>/tasks/", api.TaskListApi.as_view(), name="case_tasks"),
    path("<uuid:case_id>/tasks/create/", api.TaskCreateApi.as_view(), name="case_task_create"),
    path("<uuid:case_id>/tasks/<uuid:task_id>/", api.TaskApi.as_view(), name="case_task"),
    path("<uuid:case_id>/tasks/<uuid:task_id>/update/", api.TaskUpdateApi.as_view(), name="case_task_update"),
    path("<uuid:case_id>/documents/", api.DocumentListApi.as_view(), name="case_documents"),
    path("<uuid:case_id>/documents/upload/", api.DocumentUploadApi.as_view(), name="case_document_upload"),
    path(
        "<uuid:case_id>/documents/<uuid:document_id>/",
        api.DocumentDownloadApi.as_view(),
        name="case_document_download",
    ),
]
