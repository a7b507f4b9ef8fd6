from django.urls import path

from directory import api, views
from directory.hsds import api as hsds_api

app_name = "directory"

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
