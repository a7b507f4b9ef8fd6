import io

import pytest
from django.core.management import call_command

from directory.models import Service


@pytest.mark.django_db
def test_the_demo_directory_loads_once(settings):
    settings.DEBUG = True
    call_command("load_demo", stdout=io.StringIO())
    call_command("load_demo_directory", stdout=io.StringIO())
    call_command("load_demo_directory", stdout=io.StringIO())
    assert Service.objects.count() == 5


def test_missing_hsds_schemas_are_reported_by_the_system_checks(settings, tmp_path):
    from directory.checks import hsds_schemas_present

    settings.HSDS_SCHEMA_DIR = tmp_path
    assert [w.id for w in hsds_schemas_present(None)] == ["directory.W001"]


def test_present_hsds_schemas_raise_no_warning():
    from directory.checks import hsds_schemas_present

    assert hsds_schemas_present(None) == []
