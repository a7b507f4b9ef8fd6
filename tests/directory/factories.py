"""Directory factories: services, locations and needs built by hand for each test."""

import factory
from django.utils import timezone

from directory.models import (
    Address,
    CapacityStatus,
    Language,
    Location,
    Service,
    ServiceArea,
    ServiceAtLocation,
    TaxonomyTerm,
    Visibility,
)


def term(code: str) -> TaxonomyTerm:
    return TaxonomyTerm.objects.get(code=code)


class LocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Location

    name = factory.Sequence(lambda n: f"Location {n}")
    region = "Jalisco"
    latitude = 20.67
    longitude = -103.35
    visibility = Visibility.PUBLIC


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service

    name = factory.Sequence(lambda n: f"Service {n}")
    kind = factory.LazyFunction(lambda: term("shelter"))
    description = "A service for survivors."
    capacity_status = CapacityStatus.HAS_CAPACITY
    capacity_updated_at = factory.LazyFunction(timezone.now)


def directory_service(
    organization,
    *,
    kind: str = "shelter",
    languages=("es",),
    region: str = "Jalisco",
    location: Location | None = None,
    visibility: str = Visibility.PUBLIC,
    **fields,
) -> Service:
    """A service at one location of its organization, speaking languages, serving region."""
    service = ServiceFactory(organization=organization, kind=term(kind), **fields)
    if location is None:
        location = LocationFactory(organization=organization, region=region, visibility=visibility)
    ServiceAtLocation.objects.create(service=service, location=location)
    for code in languages:
        Language.objects.create(service=service, code=code)
    if region:
        ServiceArea.objects.create(service=service, name=region, region=region)
    return service


def street_address(location: Location, street: str = "Calle Secreta 12") -> Address:
    return Address.objects.create(
        location=location,
        address_1=street,
        city="Guadalajara",
        state_province="Jalisco",
        postal_code="44100",
        country="MX",
    )
