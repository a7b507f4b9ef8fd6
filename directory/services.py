"""Writes to the service directory: each one atomic and audited (details never hold personal data)."""

import uuid
from dataclasses import dataclass, field
from datetime import time

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record
from directory.models import (
    Address,
    CapacityStatus,
    Gender,
    ImmigrationStatus,
    Language,
    Location,
    LocationType,
    Phone,
    Schedule,
    ScheduleFrequency,
    Service,
    ServiceArea,
    ServiceAtLocation,
    Specialization,
    TaxonomyTerm,
    Visibility,
)
from orgs.models import Organization, User


@dataclass
class AreaInput:
    name: str
    region: str = ""
    country: str = ""


WEEKDAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


@dataclass
class HoursInput:
    """Weekly opening hours (HSDS schedule, freq WEEKLY); 00:00–23:59 every day is 24/7."""

    days: list[str]
    opens_at: time
    closes_at: time


@dataclass
class ServiceInput:
    """Everything an editor may set on a service (capacity has its own write)."""

    kind: TaxonomyTerm
    name: str
    description: str = ""
    alternate_name: str = ""
    url: str = ""
    email: str = ""
    status: str = "active"
    accepting_referrals: bool = True
    interpretation_available: bool = False
    interpretation_services: str = ""
    application_process: str = ""
    fees_description: str = ""
    response_hours: int | None = None
    specializations: list[str] = field(default_factory=list)
    minimum_age: int | None = None
    maximum_age: int | None = None
    genders: list[str] = field(default_factory=lambda: list(Gender.values))
    staff_genders: list[str] = field(default_factory=list)
    accompanied_children: bool = False
    immigration_statuses: list[str] = field(default_factory=list)
    nationality_note: str = ""
    required_documents: list[str] = field(default_factory=list)
    referral_only: bool = False
    eligibility_note: str = ""
    languages: list[str] = field(default_factory=list)
    location_ids: list[uuid.UUID] = field(default_factory=list)
    areas: list[AreaInput] = field(default_factory=list)
    intake_phone: str = ""
    hours: HoursInput | None = None


@dataclass
class LocationInput:
    name: str
    visibility: str = Visibility.CONFIDENTIAL
    location_type: str = LocationType.PHYSICAL
    description: str = ""
    region: str = ""
    latitude: float | None = None
    longitude: float | None = None
    address_1: str = ""
    city: str = ""
    state_province: str = ""
    postal_code: str = ""
    country: str = ""
    phone: str = ""


SCALAR_FIELDS = [
    "name",
    "description",
    "alternate_name",
    "url",
    "email",
    "status",
    "accepting_referrals",
    "interpretation_available",
    "interpretation_services",
    "application_process",
    "fees_description",
    "response_hours",
    "specializations",
    "minimum_age",
    "maximum_age",
    "accompanied_children",
    "staff_genders",
    "immigration_statuses",
    "nationality_note",
    "required_documents",
    "referral_only",
    "eligibility_note",
]


def _check_service(*, organization: Organization, data: ServiceInput) -> None:
    errors = {}
    if not organization.is_vetted:
        errors["organization"] = _("Only vetted organizations list services.")
    if not data.name.strip():
        errors["name"] = _("Give the service a name.")
    if data.minimum_age is not None and data.maximum_age is not None and data.minimum_age > data.maximum_age:
        errors["maximum_age"] = _("The maximum age must not be below the minimum age.")
    if not data.genders:
        errors["genders"] = _("Choose at least one gender served.")
    if set(data.genders) - set(Gender.values):
        errors["genders"] = _("Unknown gender.")
    if set(data.staff_genders) - set(Gender.values):
        errors["staff_genders"] = _("Unknown gender.")
    if set(data.immigration_statuses) - set(ImmigrationStatus.values):
        errors["immigration_statuses"] = _("Unknown immigration status.")
    if set(data.specializations) - set(Specialization.values):
        errors["specializations"] = _("Unknown specialization.")
    bad_codes = [code for code in data.languages if not (2 <= len(code) <= 3 and code.isalpha())]
    if bad_codes:
        errors["languages"] = _("Use ISO 639 language codes such as en, es or tl; not: %(codes)s") % {
            "codes": ", ".join(bad_codes)
        }
    if data.hours is not None:
        if not data.hours.days or set(data.hours.days) - set(WEEKDAYS):
            errors["hours"] = _("Choose the days the service is open.")
        elif data.hours.opens_at >= data.hours.closes_at:
            errors["hours"] = _("Opening time must be before closing time (use 00:00 to 23:59 for all day).")
    own = set(Location.objects.filter(organization=organization, id__in=data.location_ids).values_list("id", flat=True))
    if own != set(data.location_ids):
        errors["location_ids"] = _("Choose locations of your own organization.")
    if errors:
        raise ValidationError(errors)


def _write_service_children(service: Service, data: ServiceInput) -> None:
    service.languages.all().delete()
    Language.objects.bulk_create(Language(service=service, code=code.lower()) for code in dict.fromkeys(data.languages))
    service.service_areas.all().delete()
    ServiceArea.objects.bulk_create(
        ServiceArea(service=service, name=a.name or a.region or a.country, region=a.region, country=a.country.upper())
        for a in data.areas
    )
    service.service_at_locations.exclude(location_id__in=data.location_ids).delete()
    linked = set(service.service_at_locations.values_list("location_id", flat=True))
    ServiceAtLocation.objects.bulk_create(
        ServiceAtLocation(service=service, location_id=lid) for lid in data.location_ids if lid not in linked
    )
    service.schedules.all().delete()
    if data.hours is not None:
        Schedule.objects.create(
            service=service,
            freq=ScheduleFrequency.WEEKLY,
            byday=",".join(d for d in WEEKDAYS if d in data.hours.days),
            opens_at=data.hours.opens_at,
            closes_at=data.hours.closes_at,
        )
    intake = service.phones.first()
    if data.intake_phone and intake:
        intake.number = data.intake_phone
        intake.save(update_fields=["number"])
    elif data.intake_phone:
        Phone.objects.create(service=service, number=data.intake_phone, type="voice", description="intake")
    elif intake:
        service.phones.all().delete()


def _apply(service: Service, data: ServiceInput) -> None:
    for name in SCALAR_FIELDS:
        setattr(service, name, getattr(data, name))
    service.kind = data.kind
    service.serves_female = Gender.FEMALE in data.genders
    service.serves_male = Gender.MALE in data.genders
    service.serves_non_binary = Gender.NON_BINARY in data.genders
    service.updated_at = timezone.now()


@transaction.atomic
def service_create(*, organization: Organization, by: User | None, data: ServiceInput) -> Service:
    _check_service(organization=organization, data=data)
    service = Service(organization=organization, kind=data.kind)
    _apply(service, data)
    service.save()
    _write_service_children(service, data)
    audit_record("directory.service_create", actor=by, organization=organization, target=service)
    return service


@transaction.atomic
def service_update(*, service: Service, by: User | None, data: ServiceInput) -> Service:
    _check_service(organization=service.organization, data=data)
    _apply(service, data)
    service.save()
    _write_service_children(service, data)
    audit_record("directory.service_update", actor=by, organization=service.organization, target=service)
    return service


@transaction.atomic
def service_capacity_update(
    *,
    service: Service,
    by: User | None,
    status: str,
    unit: str = "",
    available: int | None = None,
    maximum: int | None = None,
) -> Service:
    """Record the current capacity; saving it again unchanged still confirms it is fresh."""
    errors = {}
    if status not in CapacityStatus.values:
        errors["status"] = _("Unknown capacity status.")
    if (available is not None or maximum is not None) and not unit:
        errors["unit"] = _("Say what the numbers count (beds, appointments or interpreter hours).")
    if available is not None and maximum is not None and available > maximum:
        errors["available"] = _("Available cannot be more than the maximum.")
    if errors:
        raise ValidationError(errors)
    service.capacity_status = status
    service.capacity_unit = unit
    service.capacity_available = available
    service.capacity_maximum = maximum
    service.capacity_updated_at = timezone.now()
    service.save(
        update_fields=[
            "capacity_status",
            "capacity_unit",
            "capacity_available",
            "capacity_maximum",
            "capacity_updated_at",
        ]
    )
    audit_record(
        "directory.capacity_update",
        actor=by,
        organization=service.organization,
        target=service,
        details={"status": status},
    )
    return service


def _check_location(data: LocationInput) -> None:
    errors = {}
    if not data.name.strip():
        errors["name"] = _("Give the location a name.")
    if data.visibility not in Visibility.values:
        errors["visibility"] = _("Unknown visibility.")
    if data.location_type not in LocationType.values:
        errors["location_type"] = _("Unknown location type.")
    if (data.latitude is None) != (data.longitude is None):
        errors["longitude"] = _("Give both latitude and longitude, or neither.")
    if data.latitude is not None and not -90 <= data.latitude <= 90:
        errors["latitude"] = _("Latitude must be between -90 and 90.")
    if data.longitude is not None and not -180 <= data.longitude <= 180:
        errors["longitude"] = _("Longitude must be between -180 and 180.")
    address = [data.address_1, data.city, data.state_province, data.postal_code, data.country]
    if any(address) and not all(address):
        errors["address_1"] = _("An address needs street, city, state or province, postal code and country.")
    if data.country and len(data.country) != 2:
        errors["country"] = _("Use the two-letter ISO 3166 country code.")
    if errors:
        raise ValidationError(errors)


def _apply_location(location: Location, data: LocationInput) -> None:
    for name in ["name", "visibility", "location_type", "description", "region", "latitude", "longitude"]:
        setattr(location, name, getattr(data, name))
    location.updated_at = timezone.now()
    location.save()
    location.addresses.all().delete()
    if data.address_1:
        Address.objects.create(
            location=location,
            address_1=data.address_1,
            city=data.city,
            state_province=data.state_province,
            postal_code=data.postal_code,
            country=data.country.upper(),
            address_type=data.location_type if data.location_type != LocationType.VIRTUAL else "physical",
        )
    location.phones.all().delete()
    if data.phone:
        Phone.objects.create(location=location, number=data.phone, type="voice")


@transaction.atomic
def location_create(*, organization: Organization, by: User | None, data: LocationInput) -> Location:
    _check_location(data)
    if not organization.is_vetted:
        raise ValidationError({"organization": _("Only vetted organizations list locations.")})
    location = Location(organization=organization)
    _apply_location(location, data)
    audit_record("directory.location_create", actor=by, organization=organization, target=location)
    return location


@transaction.atomic
def location_update(*, location: Location, by: User | None, data: LocationInput) -> Location:
    _check_location(data)
    _apply_location(location, data)
    audit_record(
        "directory.location_update",
        actor=by,
        organization=location.organization,
        target=location,
        details={"visibility": location.visibility},
    )
    return location
