from django.urls import path

from referrals import api, referral_api, referral_views, views
from referrals.hsds import api as hsds_api

app_name = "referrals"

urlpatterns = [
    path("directory/services/", views.service_list, name="service_list"),
    path("directory/services/new/", views.service_create, name="service_create"),
    path("directory/services/<uuid:service_id>/", views.service_detail, name="service_detail"),
    path("directory/services/<uuid:service_id>/edit/", views.service_edit, name="service_edit"),
    path("directory/services/<uuid:service_id>/capacity/", views.service_capacity, name="service_capacity"),
    path("directory/match/", views.match, name="match"),
    path("directory/locations/new/", views.location_create, name="location_create"),
    path("directory/locations/<uuid:location_id>/edit/", views.location_edit, name="location_edit"),
    path("directory/jobs/", views.directory_jobs, name="directory_jobs"),
    path("directory/jobs/export/", views.directory_export, name="directory_export"),
    path("directory/jobs/import/", views.directory_import, name="directory_import"),
    path("directory/jobs/<uuid:job_id>/", views.directory_job, name="directory_job"),
    path("directory/jobs/<uuid:job_id>/download/", views.directory_job_download, name="directory_job_download"),
    path("cases/<uuid:case_uuid>/referrals/", referral_views.case_referrals, name="case_referrals"),
    path("cases/<uuid:case_uuid>/needs/add/", referral_views.need_add, name="need_add"),
    path("referrals/incoming/", referral_views.incoming, name="incoming"),
    path("referrals/outgoing/", referral_views.outgoing, name="outgoing"),
    path("referrals/figures/", referral_views.figures, name="figures"),
    path("referrals/needs/<uuid:need_id>/send/", referral_views.referral_new, name="referral_new"),
    path("referrals/<uuid:referral_id>/", referral_views.referral_detail, name="referral_detail"),
    path("referrals/<uuid:referral_id>/act/", referral_views.referral_action, name="referral_action"),
    path("referrals/<uuid:referral_id>/messages/", referral_views.referral_message, name="referral_message"),
    path("referrals/<uuid:referral_id>/assign/", referral_views.referral_assign_view, name="referral_assign"),
]

# Included from config/urls.py under /api/v1/directory/ (namespace "api").
api_v1 = [
    path("services/", api.ServiceListApi.as_view(), name="directory_services"),
    path("services/create/", api.ServiceCreateApi.as_view(), name="directory_service_create"),
    path("services/<uuid:service_id>/", api.ServiceDetailApi.as_view(), name="directory_service"),
    path("services/<uuid:service_id>/update/", api.ServiceUpdateApi.as_view(), name="directory_service_update"),
    path("services/<uuid:service_id>/capacity/", api.ServiceCapacityApi.as_view(), name="directory_capacity"),
    path("match/", api.MatchApi.as_view(), name="directory_match"),
    path("export/json/", hsds_api.ExportJsonApi.as_view(), name="directory_export_json"),
    path("export/tabular/", hsds_api.ExportTabularApi.as_view(), name="directory_export_tabular"),
    path("import/json/", hsds_api.ImportJsonApi.as_view(), name="directory_import_json"),
    path("import/tabular/", hsds_api.ImportTabularApi.as_view(), name="directory_import_tabular"),
    path("jobs/<uuid:job_id>/", hsds_api.DirectoryJobApi.as_view(), name="directory_job"),
    path("jobs/<uuid:job_id>/download/", hsds_api.DirectoryJobDownloadApi.as_view(), name="directory_job_download"),
    path("locations/", api.LocationListApi.as_view(), name="directory_locations"),
    path("locations/create/", api.LocationCreateApi.as_view(), name="directory_location_create"),
    path("locations/<uuid:location_id>/update/", api.LocationUpdateApi.as_view(), name="directory_location_update"),
]

# Included from config/urls.py under /api/v1/referrals/ (namespace "api").
referrals_api_v1 = [
    path("incoming/", referral_api.IncomingApi.as_view(), name="referrals_incoming"),
    path("outgoing/", referral_api.OutgoingApi.as_view(), name="referrals_outgoing"),
    path("figures/", referral_api.FiguresApi.as_view(), name="referral_figures"),
    path("cases/<uuid:case_id>/needs/create/", referral_api.NeedCreateApi.as_view(), name="referral_need_create"),
    path("create/", referral_api.ReferralCreateApi.as_view(), name="referral_create"),
    path("<uuid:referral_id>/", referral_api.ReferralDetailApi.as_view(), name="referral"),
    path("<uuid:referral_id>/status/", referral_api.ReferralStatusApi.as_view(), name="referral_status"),
    path("<uuid:referral_id>/act/", referral_api.ReferralActApi.as_view(), name="referral_act"),
    path("<uuid:referral_id>/assign/", referral_api.ReferralAssignApi.as_view(), name="referral_assign"),
    path("<uuid:referral_id>/events/", referral_api.ReferralEventsApi.as_view(), name="referral_events"),
    path("<uuid:referral_id>/messages/", referral_api.ReferralMessagesApi.as_view(), name="referral_messages"),
    path(
        "<uuid:referral_id>/messages/create/",
        referral_api.ReferralMessageCreateApi.as_view(),
        name="referral_message_create",
    ),
]
