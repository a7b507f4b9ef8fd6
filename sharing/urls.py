from django.urls import path

from sharing import views

app_name = "sharing"

urlpatterns = [
    path("shared/", views.shared_with_us, name="shared"),
    path("consent-explanation/", views.consent_explanation, name="consent_explanation"),
    path("transfers/<uuid:transfer_uuid>/decide/", views.transfer_decide, name="transfer_decide"),
    path("cases/<uuid:case_uuid>/", views.case_sharing, name="case"),
    path("cases/<uuid:case_uuid>/consents/add/", views.consent_add, name="consent_add"),
    path("cases/<uuid:case_uuid>/shares/add/", views.share_add, name="share_add"),
    path("cases/<uuid:case_uuid>/shares/<uuid:share_uuid>/revoke/", views.share_revoke, name="share_revoke"),
    path("cases/<uuid:case_uuid>/overrides/add/", views.override_add, name="override_add"),
    path(
        "cases/<uuid:case_uuid>/overrides/<uuid:override_uuid>/decide/",
        views.override_decide,
        name="override_decide",
    ),
    path("cases/<uuid:case_uuid>/transfers/add/", views.transfer_add, name="transfer_add"),
    path(
        "cases/<uuid:case_uuid>/transfers/<uuid:transfer_uuid>/cancel/",
        views.transfer_cancel,
        name="transfer_cancel",
    ),
]
