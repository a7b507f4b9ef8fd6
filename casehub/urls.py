from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from casehub import api_cases, views
from casehub.crypto import views as crypto_views
from notifications import urls as notifications_urls
from orgs import api as orgs_api
from orgs.views.auth import PasswordResetConfirm
from referrals import urls as referrals_urls
from sharing import api_urls as sharing_api_urls

# /api/v1/cases/…: one view per operation (reads GET, writes POST/PATCH), like the directory API.
cases_api = [
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

api_v1 = [
    path("me/", orgs_api.MeApi.as_view(), name="me"),
    path("organizations/", orgs_api.OrganizationListApi.as_view(), name="organizations"),
    path("directory/", include(referrals_urls.api_v1)),
    path("referrals/", include(referrals_urls.referrals_api_v1)),
    path("cases/", include(cases_api)),
    path("notifications/", include(notifications_urls.api_v1)),
    path("cases/<uuid:case_id>/", include(sharing_api_urls.case_routes)),
    path("", include(sharing_api_urls.routes)),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("", include("orgs.urls")),
    path("", include("referrals.urls")),
    path("", include("notifications.urls")),
    path("cases/", include("casehub.case_urls", namespace="cases")),
    path("sharing/", include("sharing.urls", namespace="sharing")),
    path("platform/audit/", views.audit_log, name="audit_log"),
    path("platform/keys/", crypto_views.key_rotation, name="key_rotation"),
    path("i18n/setlang/", set_language, name="set_language"),
    path(
        "password-reset/",
        auth_views.PasswordResetView.as_view(
            template_name="orgs/password_reset_form.html",
            email_template_name="emails/password_reset.txt",
            subject_template_name="emails/password_reset_subject.txt",
        ),
        name="password_reset",
    ),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="orgs/password_reset_done.html"),
        name="password_reset_done",
    ),
    path("password-reset/<uidb64>/<token>/", PasswordResetConfirm.as_view(), name="password_reset_confirm"),
    path(
        "password-reset/done/",
        auth_views.PasswordResetCompleteView.as_view(template_name="orgs/password_reset_complete.html"),
        name="password_reset_complete",
    ),
    path("api/v1/", include((api_v1, "api"))),
    path("api/hsds/", include(("referrals.hsds.urls", "hsds"))),
    path("api/schema/", SpectacularAPIView.as_view(), name="api_schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api_schema"), name="api_docs"),
]
