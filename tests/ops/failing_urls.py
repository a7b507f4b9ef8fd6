"""The project's routes plus one view that fails holding a decrypted value (error-path tests)."""

from django.urls import path

from casehub.models import NameKind, SurvivorName
from config.urls import urlpatterns as project_urls


def fail_with_a_name(request, case_uuid):
    name = SurvivorName.objects.get(case__uuid=case_uuid, kind=NameKind.LEGAL).value
    raise RuntimeError(f"could not place {name}")


urlpatterns = [*project_urls, path("test-failure/<uuid:case_uuid>/", fail_with_a_name, name="test_failure")]
