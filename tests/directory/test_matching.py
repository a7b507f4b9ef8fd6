from datetime import timedelta

import pytest
from django.utils import timezone

from directory.matching import Need, match_services
from directory.models import CapacityStatus, ServiceArea, ServiceStatus, Visibility
from tests.directory.factories import LocationFactory, directory_service, term
from tests.factories import verified_client
from tests.problems import error_fields

GUADALAJARA = (20.67, -103.35)
ZAPOPAN = (20.72, -103.39)  # about 7 km away
MONTERREY = (25.67, -100.31)  # about 650 km away


def need(code="shelter", **fields) -> Need:
    return Need(kind=term(code), **fields)


def names(matches) -> list[str]:
    return [m.service.name for m in matches]


def run(cast, **fields):
    code = fields.pop("code", "shelter")
    return match_services(need=need(code, **fields), viewer=cast.partner.organization)


@pytest.mark.django_db
def test_it_leaves_out_services_of_organizations_that_are_not_vetted(cast):
    directory_service(cast.owner.organization, name="Vetted")
    directory_service(cast.suspended.organization, name="Suspended")
    assert names(run(cast)) == ["Vetted"]


@pytest.mark.django_db
def test_it_leaves_out_inactive_services_and_those_not_accepting_referrals(cast):
    directory_service(cast.owner.organization, name="Open")
    directory_service(cast.owner.organization, name="Closed", status=ServiceStatus.TEMPORARILY_CLOSED)
    directory_service(cast.owner.organization, name="Full inbox", accepting_referrals=False)
    assert names(run(cast)) == ["Open"]


@pytest.mark.django_db
def test_a_kind_matches_its_whole_subtree(cast):
    directory_service(cast.owner.organization, name="Wages", kind="legal_aid.labour")
    directory_service(cast.owner.organization, name="Visas", kind="legal_aid.immigration")
    directory_service(cast.owner.organization, name="Beds", kind="shelter")
    assert names(run(cast, code="legal_aid")) == ["Visas", "Wages"]


@pytest.mark.django_db
def test_a_narrow_kind_does_not_match_its_siblings(cast):
    directory_service(cast.owner.organization, name="Wages", kind="legal_aid.labour")
    directory_service(cast.owner.organization, name="Visas", kind="legal_aid.immigration")
    assert names(run(cast, code="legal_aid.labour")) == ["Wages"]


@pytest.mark.django_db
def test_it_leaves_out_services_for_other_ages(cast):
    directory_service(cast.owner.organization, name="Adults", minimum_age=18)
    directory_service(cast.owner.organization, name="Youth", minimum_age=12, maximum_age=24)
    assert names(run(cast, age_band="12-17")) == ["Youth"]


@pytest.mark.django_db
def test_a_partly_covered_age_band_is_flagged_as_uncertain(cast):
    directory_service(cast.owner.organization, name="Sixteen up", minimum_age=16)
    [match] = run(cast, age_band="12-17")
    assert any("covers only part of 12-17" in u for u in match.uncertainties)


@pytest.mark.django_db
def test_it_leaves_out_services_for_other_genders(cast):
    directory_service(cast.owner.organization, name="Women only", serves_male=False, serves_non_binary=False)
    directory_service(cast.owner.organization, name="Everyone")
    assert names(run(cast, gender="male")) == ["Everyone"]


@pytest.mark.django_db
def test_it_leaves_out_services_that_refuse_accompanying_children(cast):
    directory_service(cast.owner.organization, name="Families", accompanied_children=True)
    directory_service(cast.owner.organization, name="Adults alone")
    assert names(run(cast, accompanying_children=2)) == ["Families"]


@pytest.mark.django_db
def test_it_leaves_out_services_for_other_immigration_statuses(cast):
    directory_service(cast.owner.organization, name="Citizens", immigration_statuses=["citizen"])
    directory_service(cast.owner.organization, name="Anyone")
    assert names(run(cast, immigration_status="irregular")) == ["Anyone"]


@pytest.mark.django_db
def test_an_unknown_immigration_status_is_flagged_when_the_service_restricts_it(cast):
    directory_service(cast.owner.organization, name="Citizens", immigration_statuses=["citizen"])
    [match] = run(cast)
    assert any("immigration statuses" in u for u in match.uncertainties)


@pytest.mark.django_db
def test_it_leaves_out_services_that_need_documents_the_survivor_lacks(cast):
    directory_service(cast.owner.organization, name="Passport needed", required_documents=["passport"])
    directory_service(cast.owner.organization, name="No papers")
    assert names(run(cast, has_documents=False)) == ["No papers"]


@pytest.mark.django_db
def test_it_leaves_out_services_without_the_language_or_interpretation(cast):
    directory_service(cast.owner.organization, name="Spanish", languages=["es"])
    directory_service(cast.owner.organization, name="Tagalog", languages=["tl"])
    directory_service(cast.owner.organization, name="Interpreters", languages=["es"], interpretation_available=True)
    assert names(run(cast, languages=("tl",))) == ["Tagalog", "Interpreters"]


@pytest.mark.django_db
def test_interpretation_is_reported_as_uncertain(cast):
    directory_service(cast.owner.organization, languages=["es"], interpretation_available=True)
    [match] = run(cast, languages=("tl",))
    assert "relies on interpretation for tl" in match.uncertainties


@pytest.mark.django_db
def test_full_services_are_left_out_unless_a_waitlist_is_accepted(cast):
    directory_service(cast.owner.organization, name="Full", capacity_status=CapacityStatus.NO_CAPACITY)
    directory_service(cast.owner.organization, name="Queue", capacity_status=CapacityStatus.WAITLIST)
    assert names(run(cast)) == []
    assert names(run(cast, accept_waitlist=True)) == ["Queue", "Full"]


@pytest.mark.django_db
def test_it_leaves_out_services_of_another_region(cast):
    directory_service(cast.owner.organization, name="Here", region="Jalisco")
    directory_service(cast.owner.organization, name="There", region="Nuevo León")
    assert names(run(cast, region="jalisco")) == ["Here"]


@pytest.mark.django_db
def test_a_country_wide_service_area_covers_every_region_of_it(cast):
    service = directory_service(cast.owner.organization, name="National line", region="")
    ServiceArea.objects.create(service=service, name="Mexico", country="MX")
    assert names(run(cast, region="Oaxaca", country="MX")) == ["National line"]


@pytest.mark.django_db
def test_services_beyond_the_distance_are_left_out_and_nearer_ones_rank_first(cast):
    far = LocationFactory(organization=cast.owner.organization, latitude=MONTERREY[0], longitude=MONTERREY[1])
    near = LocationFactory(organization=cast.owner.organization, latitude=ZAPOPAN[0], longitude=ZAPOPAN[1])
    here = LocationFactory(organization=cast.owner.organization, latitude=GUADALAJARA[0], longitude=GUADALAJARA[1])
    directory_service(cast.owner.organization, name="A far", location=far, region="")
    directory_service(cast.owner.organization, name="B near", location=near, region="")
    directory_service(cast.owner.organization, name="C here", location=here, region="")
    matches = run(cast, latitude=GUADALAJARA[0], longitude=GUADALAJARA[1], max_km=100)
    assert names(matches) == ["C here", "B near"]
    assert matches[1].distance_km == 7


@pytest.mark.django_db
def test_a_confidential_location_is_never_used_to_place_a_service_for_others(cast):
    hidden = LocationFactory(
        organization=cast.owner.organization,
        visibility=Visibility.CONFIDENTIAL,
        latitude=GUADALAJARA[0],
        longitude=GUADALAJARA[1],
    )
    directory_service(cast.owner.organization, name="Safe house", location=hidden, region="")
    assert names(run(cast, latitude=GUADALAJARA[0], longitude=GUADALAJARA[1])) == []


@pytest.mark.django_db
def test_a_confidential_service_matches_through_its_service_area_without_a_distance(cast):
    hidden = LocationFactory(organization=cast.owner.organization, visibility=Visibility.CONFIDENTIAL)
    directory_service(cast.owner.organization, name="Safe house", location=hidden, region="Jalisco")
    [match] = run(cast, region="Jalisco")
    assert match.distance_km is None
    assert "distance not known: the location is confidential" in match.uncertainties


@pytest.mark.django_db
def test_a_service_area_polygon_containing_the_place_matches(cast):
    square = '{"type": "Polygon", "coordinates": [[[-104, 20], [-103, 20], [-103, 21], [-104, 21], [-104, 20]]]}'
    service = directory_service(cast.owner.organization, name="Mobile team", region="", location=None)
    service.service_at_locations.all().delete()
    ServiceArea.objects.create(service=service, name="Metro", extent=square, extent_type="geojson")
    assert names(run(cast, latitude=GUADALAJARA[0], longitude=GUADALAJARA[1])) == ["Mobile team"]


@pytest.mark.django_db
def test_stale_capacity_ranks_below_fresh_capacity_and_says_so(cast, settings):
    settings.DIRECTORY_CAPACITY_STALE_DAYS = 7
    old = timezone.now() - timedelta(days=10)
    directory_service(cast.owner.organization, name="A stale", capacity_updated_at=old)
    directory_service(cast.owner.organization, name="B fresh")
    matches = run(cast)
    assert names(matches) == ["B fresh", "A stale"]
    assert "capacity not updated for 10 days" in matches[1].uncertainties


@pytest.mark.django_db
def test_equal_scores_are_ordered_by_name(cast):
    for name in ["Casa Charlie", "Casa Alfa", "Casa Bravo"]:
        directory_service(cast.owner.organization, name=name)
    matches = run(cast, region="Jalisco")
    assert len({m.score for m in matches}) == 1
    assert names(matches) == ["Casa Alfa", "Casa Bravo", "Casa Charlie"]


@pytest.mark.django_db
def test_a_native_speaker_ranks_above_interpretation(cast):
    directory_service(cast.owner.organization, name="A interpreters", languages=["es"], interpretation_available=True)
    directory_service(cast.owner.organization, name="B speaks it", languages=["tl"])
    assert names(run(cast, languages=("tl",))) == ["B speaks it", "A interpreters"]


@pytest.mark.django_db
def test_a_new_provider_gets_a_neutral_prior_for_its_track_record(cast):
    directory_service(cast.owner.organization)
    [match] = run(cast)
    assert match.components["track_record"] == 0.5
    assert any("neutral prior" in u for u in match.uncertainties)


@pytest.mark.django_db
def test_a_matching_specialization_ranks_higher(cast):
    directory_service(cast.owner.organization, name="A general")
    directory_service(cast.owner.organization, name="B labour", specializations=["labour_exploitation"])
    assert names(run(cast, specializations=("labour_exploitation",))) == ["B labour", "A general"]


@pytest.mark.django_db
def test_the_matching_page_lists_why_each_service_matched(cast):
    directory_service(cast.owner.organization, name="Casa Alfa", languages=["es"])
    response = verified_client(cast.partner.caseworker).get(
        "/directory/match/", {"kind": "shelter", "languages": "es", "region": "Jalisco", "urgency": "routine"}
    )
    assert response.status_code == 200
    assert b"Casa Alfa" in response.content
    assert b"speaks es" in response.content


@pytest.mark.django_db
def test_the_matching_page_explains_bad_input(cast):
    response = verified_client(cast.partner.caseworker).get("/directory/match/", {"kind": "spa", "urgency": "now"})
    assert response.status_code == 400
    assert b"Select a valid choice" in response.content


@pytest.mark.django_db
def test_the_matching_api_answers_with_reasons_and_uncertainties(cast):
    directory_service(cast.owner.organization, name="Casa Alfa", capacity_updated_at=None)
    response = verified_client(cast.partner.coordinator).get(
        "/api/v1/directory/match/", {"kind": "shelter", "region": "Jalisco"}
    )
    [result] = response.json()["results"]
    assert result["service"]["name"] == "Casa Alfa"
    assert "capacity never confirmed" in result["uncertainties"]


@pytest.mark.django_db
def test_the_matching_api_refuses_half_coordinates(cast):
    response = verified_client(cast.partner.coordinator).get(
        "/api/v1/directory/match/", {"kind": "shelter", "latitude": "20.6"}
    )
    assert response.status_code == 400
    assert "longitude" in error_fields(response)


@pytest.mark.django_db
def test_a_match_shows_intake_phones_and_visible_places_but_no_confidential_one(cast):
    from directory.models import Phone

    hidden = LocationFactory(
        organization=cast.owner.organization, name="Hidden house", visibility=Visibility.CONFIDENTIAL
    )
    service = directory_service(cast.owner.organization, location=hidden, region="Jalisco")
    Phone.objects.create(service=service, number="+52 800 123 4567")
    response = verified_client(cast.partner.coordinator).get(
        "/api/v1/directory/match/", {"kind": "shelter", "region": "Jalisco"}
    )
    [result] = response.json()["results"]
    assert result["intake_phones"] == ["+52 800 123 4567"]
    assert result["places"] == []
    assert "Hidden house" not in response.content.decode()


@pytest.mark.django_db
def test_the_owner_sees_its_own_confidential_place_in_a_match(cast):
    hidden = LocationFactory(
        organization=cast.owner.organization, name="Hidden house", visibility=Visibility.CONFIDENTIAL
    )
    directory_service(cast.owner.organization, location=hidden, region="Jalisco")
    [match] = match_services(need=need(region="Jalisco"), viewer=cast.owner.organization)
    assert match.places == ["Hidden house, Jalisco"]


@pytest.mark.django_db
def test_a_service_whose_staff_include_the_asked_gender_ranks_above_one_that_does_not_say(cast):
    # given a better-scoring service that does not say, and one with women on staff
    directory_service(cast.owner.organization, name="A not stated", specializations=["sexual_exploitation"])
    directory_service(cast.owner.organization, name="B women on staff", staff_genders=["female", "male"])
    # when
    matches = run(cast, provider_gender="female", specializations=("sexual_exploitation",))
    # then
    assert names(matches) == ["B women on staff", "A not stated"]
    assert matches[0].score < matches[1].score
    assert "female staff available" in matches[0].reasons
    assert "staff gender not stated" in matches[1].uncertainties


@pytest.mark.django_db
def test_a_service_whose_stated_staff_lack_the_asked_gender_is_left_out(cast):
    directory_service(cast.owner.organization, name="Men on staff", staff_genders=["male"])
    directory_service(cast.owner.organization, name="Not stated")
    assert names(run(cast, provider_gender="female")) == ["Not stated"]


@pytest.mark.django_db
def test_staff_genders_do_not_matter_when_the_need_asks_for_none(cast):
    directory_service(cast.owner.organization, name="A men on staff", staff_genders=["male"])
    directory_service(cast.owner.organization, name="B not stated")
    matches = run(cast)
    assert names(matches) == ["A men on staff", "B not stated"]
    assert not any("staff" in text for m in matches for text in m.reasons + m.uncertainties)


@pytest.mark.django_db
def test_the_matching_api_passes_the_asked_staff_gender(cast):
    directory_service(cast.owner.organization, name="Men on staff", staff_genders=["male"])
    directory_service(cast.owner.organization, name="Women on staff", staff_genders=["female"])
    response = verified_client(cast.partner.coordinator).get(
        "/api/v1/directory/match/", {"kind": "shelter", "provider_gender": "female"}
    )
    [result] = response.json()["results"]
    assert result["service"]["name"] == "Women on staff"
    assert "female staff available" in result["reasons"]
