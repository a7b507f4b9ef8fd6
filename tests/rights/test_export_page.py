"""The survivor's copy is offered on the case's main page (the survivor tab), to those who may export."""

import pytest
from django.urls import reverse

from orgs import fieldgroups
from orgs.models import Role
from tests.casehub.factories import a_case
from tests.casehub.test_policy_seams import hide
from tests.factories import verified_client
from tests.rights.test_export import export_url
from tests.sharing.factories import a_share


@pytest.fixture
def case(cast):
    return a_case(cast.owner, assigned=[cast.owner.caseworker], primary_language="en")


def test_the_case_page_offers_the_pdf_zip_and_json_to_those_who_may_export(cast, case):
    page = verified_client(cast.owner.caseworker).get(reverse("cases:survivor", kwargs={"case_uuid": case.uuid}))
    html = page.content.decode()
    for fmt in ("pdf", "zip", "json"):
        assert export_url(case, fmt) in html
    assert '<option value="en" lang="en" selected>' in html


def test_the_case_page_chooses_the_survivors_language_for_the_copy(cast, case):
    case.primary_language = "es"
    case.save(update_fields=["primary_language"])
    page = verified_client(cast.owner.caseworker).get(reverse("cases:survivor", kwargs={"case_uuid": case.uuid}))
    assert '<option value="es" lang="es" selected>' in page.content.decode()


def test_the_case_page_offers_no_export_to_a_recipient_of_a_share(cast, case):
    a_share(cast.owner, case, cast.partner)
    page = verified_client(cast.partner.coordinator).get(reverse("cases:survivor", kwargs={"case_uuid": case.uuid}))
    assert page.status_code == 200
    assert "export." not in page.content.decode()


def test_the_case_page_offers_no_zip_to_a_role_that_may_not_open_documents(cast, case):
    hide(cast.owner, Role.CASEWORKER, fieldgroups.DOCUMENTS)
    page = verified_client(cast.owner.caseworker).get(reverse("cases:survivor", kwargs={"case_uuid": case.uuid}))
    html = page.content.decode()
    assert export_url(case, "pdf") in html and export_url(case, "zip") not in html
