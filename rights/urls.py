from django.urls import path

from rights import api, views

app_name = "rights"

urlpatterns = [
    path(
        "sharing/cases/<uuid:case_uuid>/consents/<uuid:consent_uuid>/withdraw/",
        views.consent_withdraw,
        name="consent_withdraw",
    ),
    path("cases/<uuid:case_uuid>/erase/<uuid:erasure_uuid>/confirm/", views.erase_confirm, name="erase_confirm"),
    path("cases/<uuid:case_uuid>/export.pdf", views.case_export, {"fmt": "pdf"}, name="case_export_pdf"),
    path("cases/<uuid:case_uuid>/export.zip", views.case_export, {"fmt": "zip"}, name="case_export_zip"),
    path("cases/<uuid:case_uuid>/export.json", views.case_export, {"fmt": "json"}, name="case_export_json"),
]

# Under /api/v1/cases/<uuid:case_id>/ in the "api" namespace (config/urls.py).
case_api_routes = [
    path("consents/<uuid:consent_id>/withdraw/", api.ConsentWithdrawApi.as_view(), name="case_consent_withdraw"),
    path("export.json", api.ExportJsonApi.as_view(), name="case_export_json"),
    path("export.pdf", api.ExportPdfApi.as_view(), name="case_export_pdf"),
    path("export.zip", api.ExportZipApi.as_view(), name="case_export_zip"),
]
