import pytest
from django.core.exceptions import ValidationError

from audit.models import AuditEvent
from directory import services
from directory.models import CapacityStatus, Service
from directory.services import AreaInput, LocationInput, ServiceInput
from tests.directory.factories import LocationFactory, ServiceFactory, term


def shelter_input(**overrides) -> ServiceInput:
    fields = {"kind": term("shelter"), "name": "Casa Segura", "languages": ["es", "en"]}
    return ServiceInput(**{**fields, **overrides})


@pytest.mark.django_db
def test_service_create_writes_the_service_and_an_audit_event(cast):
    location = LocationFactory(organization=cast.owner.organization)
    service = services.service_create(
        organization=cast.owner.organization,
        by=cast.owner.coordinator,
        data=shelter_input(location_ids=[location.id], areas=[AreaInput(name="Jalisco", region="Jalisco")]),
    )
    assert sorted(service.languages.values_list("code", flat=True)) == ["en", "es"]
    assert service.service_at_locations.get().location == location
    assert AuditEvent.objects.filter(action="directory.service_create", target_id=str(service.id)).exists()


@pytest.mark.django_db
def test_service_create_refuses_a_maximum_age_below_the_minimum(cast):
    with pytest.raises(ValidationError) as error:
        services.service_create(
            organization=cast.owner.organization, by=None, data=shelter_input(minimum_age=18, maximum_age=12)
        )
    assert "maximum_age" in error.value.message_dict
    assert not Service.objects.exists()


@pytest.mark.django_db
def test_service_create_refuses_another_organizations_location(cast):
    foreign = LocationFactory(organization=cast.partner.organization)
    with pytest.raises(ValidationError) as error:
        services.service_create(
            organization=cast.owner.organization, by=None, data=shelter_input(location_ids=[foreign.id])
        )
    assert "location_ids" in error.value.message_dict


@pytest.mark.django_db
def test_service_create_refuses_an_organization_that_is_not_vetted(cast):
    with pytest.raises(ValidationError):
        services.service_create(organization=cast.suspended.organization, by=None, data=shelter_input())


@pytest.mark.django_db
def test_service_update_replaces_languages_and_areas(cast):
    service = services.service_create(organization=cast.owner.organization, by=None, data=shelter_input())
    services.service_update(
        service=service, by=None, data=shelter_input(languages=["tl"], areas=[AreaInput(name="MX", country="MX")])
    )
    assert list(service.languages.values_list("code", flat=True)) == ["tl"]
    assert service.service_areas.get().country == "MX"


@pytest.mark.django_db
def test_capacity_update_refuses_more_available_than_maximum(cast):
    service = ServiceFactory(organization=cast.owner.organization)
    with pytest.raises(ValidationError) as error:
        services.service_capacity_update(
            service=service, by=None, status=CapacityStatus.HAS_CAPACITY, unit="beds", available=5, maximum=3
        )
    assert "available" in error.value.message_dict


@pytest.mark.django_db
def test_capacity_update_records_when_it_was_confirmed(cast):
    service = ServiceFactory(organization=cast.owner.organization, capacity_updated_at=None)
    services.service_capacity_update(service=service, by=None, status=CapacityStatus.WAITLIST)
    service.refresh_from_db()
    assert service.capacity_updated_at is not None
    assert service.capacity_status == CapacityStatus.WAITLIST


@pytest.mark.django_db
def test_location_create_refuses_a_partial_address(cast):
    with pytest.raises(ValidationError) as error:
        services.location_create(
            organization=cast.owner.organization, by=None, data=LocationInput(name="Casa", address_1="Calle 1")
        )
    assert "address_1" in error.value.message_dict
