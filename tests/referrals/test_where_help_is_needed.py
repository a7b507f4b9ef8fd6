"""Matching looks for providers where the survivor needs help, never where they were identified;
when nothing matches, the page says which filter left how many providers out and widens it in
one click."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from directory.models import ServiceArea
from referrals.models import ServiceNeed
from referrals.workflow import need_create, referral_create
from tests.casehub.factories import a_case
from tests.directory.factories import directory_service
from tests.factories import verified_client
from tests.referrals.factories import a_referral_consent


def a_need(cast, *, identified_region="Jalisco, MX", identified_country="MX", **where):
    case = a_case(
        cast.owner,
        assigned=[cast.owner.caseworker],
        identified_region=identified_region,
        identified_country=identified_country,
        primary_language="es",
    )
    a_referral_consent(cast, case)
    return need_create(case=case, by=cast.owner.caseworker, kind="legal_aid", **where)


def mexico_city_legal_aid(cast):
    return directory_service(cast.partner.organization, kind="legal_aid", region="Ciudad de México")


def providers(cast, need: ServiceNeed, **params):
    response = verified_client(cast.owner.caseworker).get(
        reverse("referrals:referral_new", kwargs={"need_id": need.uuid}), params
    )
    assert response.status_code == 200
    return response


def found(response) -> list:
    return [match.service for match in response.context["matches"]]


def test_a_need_without_a_place_looks_in_the_organizations_country_not_where_the_survivor_was_identified(cast):
    service = mexico_city_legal_aid(cast)
    need = a_need(cast)
    assert (need.region, need.country) == ("", cast.owner.organization.country)
    assert found(providers(cast, need)) == [service]


def test_the_country_filter_finds_services_anywhere_in_that_country(cast):
    service = mexico_city_legal_aid(cast)
    assert found(providers(cast, a_need(cast, country="MX", identified_region=""))) == [service]


def test_a_service_of_another_country_is_not_found_by_the_country(cast):
    mexico_city_legal_aid(cast)
    assert found(providers(cast, a_need(cast, country="GT"))) == []


def test_a_region_finds_services_there_and_those_serving_the_whole_country(cast):
    jalisco = directory_service(cast.partner.organization, kind="legal_aid", region="Jalisco")
    national = directory_service(cast.partner.organization, kind="legal_aid", region="", name="National line")
    ServiceArea.objects.create(service=national, name="Mexico", country="MX")
    mexico_city_legal_aid(cast)
    assert set(found(providers(cast, a_need(cast, region="Jalisco")))) == {jalisco, national}


def test_when_the_region_excludes_every_provider_the_page_says_how_many_and_widens_in_one_click(cast):
    service = mexico_city_legal_aid(cast)
    need = a_need(cast, region="Jalisco")
    response = providers(cast, need)
    assert found(response) == []
    (exclusion,) = [e for e in response.context["exclusions"] if e.name == "region"]
    assert exclusion.excluded == 1
    page = response.content.decode()
    assert "?widen=region" in page and "Look in all of MX" in page
    widened = providers(cast, need, widen="region")
    assert found(widened) == [service]
    assert "Back to the need as recorded" in widened.content.decode()


def test_a_language_that_no_provider_speaks_is_named_as_what_left_them_out(cast):
    directory_service(cast.partner.organization, kind="legal_aid", region="Ciudad de México", languages=("en",))
    need = a_need(cast, language="zap")
    response = providers(cast, need)
    assert found(response) == []
    names = {e.name: e.excluded for e in response.context["exclusions"]}
    assert names.get("language") == 1
    assert len(found(providers(cast, need, widen="language"))) == 1


def test_an_unknown_widening_is_ignored(cast):
    service = mexico_city_legal_aid(cast)
    assert found(providers(cast, a_need(cast), widen="everything")) == [service]


def test_the_referral_says_where_help_is_needed_not_where_the_survivor_was_identified(cast):
    service = mexico_city_legal_aid(cast)
    need = a_need(cast, region="Ciudad de México")
    referral = referral_create(need=need, service=service, by=cast.owner.caseworker)
    assert referral.region == "Ciudad de México"


def test_a_country_that_is_not_a_code_is_refused(cast):
    case = a_case(cast.owner)
    with pytest.raises(ValidationError) as refused:
        need_create(case=case, by=cast.owner.coordinator, kind="legal_aid", country="Mexico")
    assert "country" in refused.value.message_dict
    assert not ServiceNeed.objects.filter(case=case).exists()
