"""Reads of the directory that carry a rule (visibility, ownership)."""

from django.db.models import Prefetch, QuerySet

from directory.access import location_is_visible
from directory.models import Location, Service, ServiceAtLocation
from orgs.models import Organization


def services_of(organization: Organization) -> QuerySet:
    return (
        Service.objects.filter(organization=organization)
        .select_related("kind")
        .prefetch_related(
            "languages", Prefetch("service_at_locations", ServiceAtLocation.objects.select_related("location"))
        )
    )


def locations_of(organization: Organization) -> QuerySet:
    return Location.objects.filter(organization=organization).prefetch_related("addresses", "phones")


def service_places(service: Service, viewer: Organization | None) -> list[dict]:
    """The service's locations as a viewer may see them: a confidential one only as a notice."""
    places = []
    for link in service.service_at_locations.select_related("location").prefetch_related(
        "location__addresses", "location__phones"
    ):
        location = link.location
        if location_is_visible(location, viewer):
            places.append({"location": location, "confidential": False})
        else:
            places.append({"location": None, "confidential": True})
    return places
