import pytest

from directory.models import CapacityStatus, Service, Visibility
from tests.directory.factories import LocationFactory, directory_service, street_address, term
from tests.factories import verified_client

VALID_SERVICE = {
    "name": "Casa Segura",
    "kind": "",
    "status": "active",
    "accepting_referrals": "on",
    "languages": ["es", "en"],
    "genders": ["female", "non_binary"],
    "areas": "Jalisco, MX",
}


def service_post(**overrides) -> dict:
    return {**VALID_SERVICE, "kind": str(term("shelter").pk), **overrides}


@pytest.mark.django_db
def test_a_coordinator_adds_a_service_from_the_form(cast):
    response = verified_client(cast.owner.coordinator).post("/directory/services/new/", service_post())
    service = Service.objects.get()
    assert response.status_code == 302
    assert service.organization == cast.owner.organization
    assert not service.serves_male


@pytest.mark.django_db
def test_the_service_form_keeps_the_input_and_saves_nothing_on_error(cast):
    response = verified_client(cast.owner.org_admin).post(
        "/directory/services/new/", service_post(minimum_age="30", maximum_age="20", name="Casa Kept")
    )
    assert response.status_code == 400
    assert b"The maximum age must not be below the minimum age." in response.content
    assert b'value="Casa Kept"' in response.content
    assert not Service.objects.exists()


@pytest.mark.django_db
def test_the_edit_form_shows_the_current_values(cast):
    service = directory_service(cast.owner.organization, name="Refugio Norte")
    response = verified_client(cast.owner.coordinator).get(f"/directory/services/{service.id}/edit/")
    assert b'value="Refugio Norte"' in response.content


@pytest.mark.django_db
def test_a_coordinator_confirms_capacity(cast):
    service = directory_service(cast.owner.organization, capacity_status=CapacityStatus.HAS_CAPACITY)
    response = verified_client(cast.owner.coordinator).post(
        f"/directory/services/{service.id}/capacity/",
        {"status": "has_capacity", "unit": "beds", "available": "2", "maximum": "10"},
    )
    service.refresh_from_db()
    assert response.status_code == 302
    assert (service.capacity_available, service.capacity_maximum) == (2, 10)


@pytest.mark.django_db
def test_bad_capacity_is_refused_with_a_message_and_not_saved(cast):
    service = directory_service(cast.owner.organization)
    response = verified_client(cast.owner.coordinator).post(
        f"/directory/services/{service.id}/capacity/", {"status": "no_capacity", "available": "3", "maximum": "1"}
    )
    service.refresh_from_db()
    assert response.status_code == 400
    assert service.capacity_status == CapacityStatus.HAS_CAPACITY


@pytest.mark.django_db
def test_capacity_cannot_be_changed_with_get(cast):
    service = directory_service(cast.owner.organization)
    response = verified_client(cast.owner.coordinator).get(f"/directory/services/{service.id}/capacity/")
    assert response.status_code == 405


@pytest.mark.django_db
def test_another_organization_never_sees_a_confidential_address(cast):
    location = LocationFactory(organization=cast.owner.organization, visibility=Visibility.CONFIDENTIAL)
    street_address(location, "Calle Secreta 12")
    service = directory_service(cast.owner.organization, location=location)
    response = verified_client(cast.partner.caseworker).get(f"/directory/services/{service.id}/")
    assert response.status_code == 200
    assert b"Calle Secreta" not in response.content
    assert location.name.encode() not in response.content
    assert b"Confidential location" in response.content


@pytest.mark.django_db
def test_the_owning_organization_sees_its_confidential_address(cast):
    location = LocationFactory(organization=cast.owner.organization, visibility=Visibility.CONFIDENTIAL)
    street_address(location, "Calle Secreta 12")
    service = directory_service(cast.owner.organization, location=location)
    response = verified_client(cast.owner.caseworker).get(f"/directory/services/{service.id}/")
    assert b"Calle Secreta" in response.content


@pytest.mark.django_db
def test_a_location_form_with_a_partial_address_is_refused(cast):
    response = verified_client(cast.owner.coordinator).post(
        "/directory/locations/new/",
        {"name": "Casa", "visibility": "confidential", "location_type": "physical", "address_1": "Calle 1"},
    )
    assert response.status_code == 400
    assert b"An address needs street" in response.content


@pytest.mark.django_db
def test_the_service_list_shows_only_the_organizations_own_services(cast):
    directory_service(cast.owner.organization, name="Ours")
    directory_service(cast.partner.organization, name="Theirs")
    response = verified_client(cast.owner.coordinator).get("/directory/services/")
    assert b"Ours" in response.content
    assert b"Theirs" not in response.content


@pytest.mark.django_db
def test_stale_capacity_is_shown_as_such(cast, settings):
    from datetime import timedelta

    from django.utils import timezone

    settings.DIRECTORY_CAPACITY_STALE_DAYS = 7
    directory_service(cast.owner.organization, capacity_updated_at=timezone.now() - timedelta(days=10))
    response = verified_client(cast.owner.coordinator).get("/directory/services/")
    assert b"Not updated for 1\xc2\xa0week" in response.content


@pytest.mark.django_db
def test_a_coordinator_edits_a_service_and_the_change_is_audited(cast):
    from audit.models import AuditEvent

    service = directory_service(cast.owner.organization)
    response = verified_client(cast.owner.coordinator).post(
        f"/directory/services/{service.id}/edit/", service_post(name="Renamed")
    )
    service.refresh_from_db()
    assert response.status_code == 302
    assert service.name == "Renamed"
    assert AuditEvent.objects.filter(action="directory.service_update", actor=cast.owner.coordinator).exists()


@pytest.mark.django_db
def test_a_location_can_be_made_confidential(cast):
    location = LocationFactory(organization=cast.owner.organization, visibility=Visibility.PUBLIC)
    verified_client(cast.owner.org_admin).post(
        f"/directory/locations/{location.id}/edit/",
        {"name": location.name, "visibility": "confidential", "location_type": "physical"},
    )
    location.refresh_from_db()
    assert location.visibility == Visibility.CONFIDENTIAL


@pytest.mark.django_db
def test_opening_hours_are_saved_from_the_form(cast):
    verified_client(cast.owner.coordinator).post(
        "/directory/services/new/", service_post(open_days=["MO", "FR"], opens_at="09:00", closes_at="17:00")
    )
    schedule = Service.objects.get().schedules.get()
    assert (schedule.byday, schedule.opens_at.hour, schedule.closes_at.hour) == ("MO,FR", 9, 17)


@pytest.mark.django_db
def test_half_given_opening_hours_are_refused(cast):
    response = verified_client(cast.owner.coordinator).post("/directory/services/new/", service_post(open_days=["MO"]))
    assert response.status_code == 400
    assert b"Give the days, the opening and the closing time" in response.content
    assert not Service.objects.exists()


@pytest.mark.django_db
def test_closing_before_opening_is_refused(cast):
    response = verified_client(cast.owner.coordinator).post(
        "/directory/services/new/", service_post(open_days=["MO"], opens_at="18:00", closes_at="09:00")
    )
    assert response.status_code == 400
    assert b"Opening time must be before closing time" in response.content


@pytest.mark.django_db
def test_the_menu_offers_the_directory_to_editors_and_matching_to_caseworkers(cast):
    editor = verified_client(cast.owner.org_admin).get("/").content.decode()
    caseworker = verified_client(cast.owner.caseworker).get("/").content.decode()
    assert "/directory/services/" in editor and "/directory/match/" not in editor
    assert "/directory/match/" in caseworker and "/directory/services/" not in caseworker


@pytest.mark.django_db
def test_a_coordinator_states_the_genders_of_staff_available_to_survivors(cast):
    service = directory_service(cast.owner.organization)
    client = verified_client(cast.owner.coordinator)
    assert b'name="staff_genders"' in client.get(f"/directory/services/{service.id}/edit/").content
    client.post(f"/directory/services/{service.id}/edit/", service_post(staff_genders=["female", "non_binary"]))
    service.refresh_from_db()
    assert service.staff_genders == ["female", "non_binary"]
