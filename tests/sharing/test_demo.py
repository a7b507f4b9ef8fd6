import io

import pytest
from django.core.management import call_command

from casehub.access import Scope, cases_for_user
from casehub.grants import CaseShare
from casehub.models import Case
from orgs.models import Membership, Role


@pytest.mark.django_db
def test_the_demo_cases_load_once_with_one_share_the_legal_aid_can_open(settings):
    settings.DEBUG = True
    call_command("load_demo", stdout=io.StringIO())
    call_command("load_demo_cases", stdout=io.StringIO())
    call_command("load_demo_cases", stdout=io.StringIO())
    assert Case.objects.count() == 3 and CaseShare.objects.count() == 1
    legal_coordinator = Membership.objects.get(organization__name="Justicia Legal Aid", role=Role.COORDINATOR).user
    assert cases_for_user(legal_coordinator, scope=Scope.SHARED).count() == 1
