from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from casehub import api_urls as cases_api_urls
from casehub.crypto import views as crypto_views
from config import views
from directory import urls as directory_urls
from notifications import urls as notifications_urls
from orgs import api as orgs_api
from orgs.views.auth import PasswordReset, PasswordResetConfirm
from referrals import urls as referrals_urls
from rights import urls as rights_urls
from sharing import api_urls as sharing_api_urls

api_v1 = [
    path("me/", orgs_api.MeApi.as_view(), name="me"),
    path("organizations/", orgs_api.OrganizationListApi.as_view(), name="organizations"),
    path("directory/", include(directory_urls.api_v1)),
    path("referrals/", include(referrals_urls.referrals_api_v1)),
    path("cases/", include(cases_api_urls.routes)),
    path("notifications/", include(notifications_urls.api_v1)),
    path("cases/<uuid:case_id>/", include(sharing_api_urls.case_routes)),
    path("cases/<uuid:case_id>/", include(rights_urls.case_api_routes)),
    path("", include(sharing_api_urls.routes)),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("", include("orgs.urls")),
    path("", include("directory.urls")),
    path("", include("referrals.urls")),
    path("", include("rights.urls")),
    path("", include("notifications.urls")),
    path("cases/", include("casehub.urls", namespace="cases")),
    path("sharing/", include("sharing.urls", namespace="sharing")),
    path("platform/audit/", views.audit_log, name="audit_log"),
    path("platform/keys/", crypto_views.key_rotation, name="key_rotation"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("password-reset/", PasswordReset.as_view(), name="password_reset"),
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
    path("api/hsds/", include(("directory.hsds.urls", "hsds"))),
    path("api/schema/", SpectacularAPIView.as_view(), name="api_schema"),
    path("", include("ops.urls")),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api_schema"), name="api_docs"),
]

handler404 = "config.api.handler404"
handler500 = "config.api.handler500"
