from django.urls import path

from directory.hsds import api

# Included from config/urls.py under /api/hsds/ (namespace "hsds").
urlpatterns = [
    path("", api.HsdsRootApi.as_view(), name="root"),
    path("services", api.HsdsServicesApi.as_view(), name="services"),
    path("services/<uuid:service_id>", api.HsdsServiceApi.as_view(), name="service"),
]
