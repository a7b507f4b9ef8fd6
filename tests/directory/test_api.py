import pytest

from directory.models import Service, Visibility
from tests.directory.factories import LocationFactory, directory_service, street_address
from tests.factories import verified_client
from tests.problems import error_fields


@pytest.mark.django_db
def test_an_org_admin_adds_a_service_through_the_api(cast):
    location = LocationFactory(organization=cast.owner.organization)
    response = verified_client(cast.owner.org_admin).post(
        "/api/v1/directory/services/create/",
        {"kind": "legal_aid.labour", "name": "Wage claims", "languages": ["es"], "location_ids": [str(location.id)]},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert response.json()["kind"] == "legal_aid.labour"
    assert Service.objects.get().service_at_locations.count() == 1


@pytest.mark.django_db
def test_an_unknown_kind_is_a_400_and_nothing_is_saved(cast):
    response = verified_client(cast.owner.org_admin).post(
        "/api/v1/directory/services/create/", {"kind": "spa", "name": "Spa"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert "kind" in error_fields(response)
    assert not Service.objects.exists()


@pytest.mark.django_db
def test_a_rule_broken_in_the_service_layer_is_a_400(cast):
    response = verified_client(cast.owner.org_admin).post(
        "/api/v1/directory/services/create/",
        {"kind": "shelter", "name": "Casa", "minimum_age": 40, "maximum_age": 20},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert not Service.objects.exists()


@pytest.mark.django_db
def test_the_service_list_hides_confidential_locations_from_other_organizations(cast):
    location = LocationFactory(organization=cast.owner.organization, visibility=Visibility.CONFIDENTIAL)
    street_address(location, "Calle Secreta 12")
    directory_service(cast.owner.organization, location=location)
    response = verified_client(cast.outsider.coordinator).get("/api/v1/directory/services/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Calle Secreta" not in body
    assert str(location.id) not in body
    assert response.json()["results"][0]["confidential_location"] is True


@pytest.mark.django_db
def test_capacity_is_confirmed_through_the_api(cast):
    service = directory_service(cast.owner.organization)
    response = verified_client(cast.owner.coordinator).post(
        f"/api/v1/directory/services/{service.id}/capacity/",
        {"status": "waitlist"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["capacity"]["status"] == "waitlist"


@pytest.mark.django_db
def test_a_location_with_half_coordinates_is_a_400_and_nothing_is_saved(cast):
    from directory.models import Location

    response = verified_client(cast.owner.org_admin).post(
        "/api/v1/directory/locations/create/", {"name": "Office", "latitude": 20.5}, content_type="application/json"
    )
    assert response.status_code == 400
    assert "longitude" in error_fields(response)
    assert not Location.objects.exists()


@pytest.mark.django_db
def test_the_service_list_runs_the_same_number_of_queries_for_one_or_many_services(cast):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = verified_client(cast.partner.caseworker)
    directory_service(cast.owner.organization)
    client.get("/api/v1/directory/services/")
    with CaptureQueriesContext(connection) as one:
        client.get("/api/v1/directory/services/")
    for _ in range(4):
        directory_service(cast.owner.organization)
    with CaptureQueriesContext(connection) as many:
        client.get("/api/v1/directory/services/")
    assert len(many) == len(one)


@pytest.mark.django_db
def test_the_hsds_services_page_runs_the_same_number_of_queries_for_one_or_many_services(cast):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = verified_client(cast.partner.caseworker)
    directory_service(cast.owner.organization)
    client.get("/api/hsds/services")
    with CaptureQueriesContext(connection) as one:
        client.get("/api/hsds/services")
    for _ in range(4):
        directory_service(cast.owner.organization)
    with CaptureQueriesContext(connection) as many:
        client.get("/api/hsds/services")
    assert len(many) == len(one)


@pytest.mark.django_db
def test_opening_hours_are_set_through_the_api(cast):
    response = verified_client(cast.owner.org_admin).post(
        "/api/v1/directory/services/create/",
        {"kind": "hotline", "name": "Line", "hours": {"days": ["MO", "SU"], "opens_at": "00:00", "closes_at": "23:59"}},
        content_type="application/json",
    )
    assert response.json()["hours"] == {"days": ["MO", "SU"], "opens_at": "00:00", "closes_at": "23:59"}


@pytest.mark.django_db
def test_a_created_service_has_a_location_where_it_is_read(cast):
    client = verified_client(cast.owner.org_admin)
    created = client.post(
        "/api/v1/directory/services/create/",
        {"kind": "legal_aid.labour", "name": "Wage claims", "languages": ["es"]},
        content_type="application/json",
    )
    assert created["Location"] == f"http://testserver/api/v1/directory/services/{created.json()['id']}/"
    assert client.get(created["Location"]).json()["id"] == created.json()["id"]
