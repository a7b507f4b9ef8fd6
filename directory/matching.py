"""Provider matching: hard filters first, then an explainable score.

A need carries no identifying data: a kind of service, an age band, a gender, languages,
a coarse location (region or rounded coordinates, never a safe address) and constraints.
Filters that can run in the database do; the rest run on the few services left. Each match
lists why it matched and what is uncertain, and the score is the weighted sum of published
components (WEIGHTS), so a coordinator can see why one provider ranks above another. A need
that asks for a provider gender puts services whose staff include it above those that do not
say, whatever their score, and leaves out services whose stated staff do not include it.

Confidential locations are never used to place a service for another organization: their
coordinates and region would leak a shelter's whereabouts through repeated searches, so such a
service matches another organization's need only through its declared service areas.
"""

import json
import math
from dataclasses import dataclass, field, replace
from datetime import datetime

from django.conf import settings
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from directory.access import location_is_visible, visible_locations_q
from directory.models import (
    CapacityStatus,
    Gender,
    ImmigrationStatus,
    Language,
    Service,
    ServiceArea,
    ServiceAtLocation,
    ServiceStatus,
    TaxonomyTerm,
)
from orgs.models import Organization, OrganizationStatus

AGE_BANDS = {
    "0-11": (0, 11),
    "12-17": (12, 17),
    "18-24": (18, 24),
    "25-59": (25, 59),
    "60+": (60, 130),
}
URGENCIES = {
    "routine": gettext_lazy("Routine"),
    "soon": gettext_lazy("Within days"),
    "emergency": gettext_lazy("Emergency (today)"),
}
# Published weights of the score components; they sum to 1.
WEIGHTS = {"distance": 0.30, "language": 0.25, "capacity": 0.25, "specialization": 0.10, "track_record": 0.10}
COMPONENT_LABELS = {
    "distance": gettext_lazy("distance"),
    "language": gettext_lazy("language"),
    "capacity": gettext_lazy("capacity and its freshness"),
    "specialization": gettext_lazy("specialization"),
    "track_record": gettext_lazy("response time and acceptance rate"),
}
STAFF_AVAILABLE = {
    Gender.FEMALE: gettext_lazy("female staff available"),
    Gender.MALE: gettext_lazy("male staff available"),
    Gender.NON_BINARY: gettext_lazy("non-binary staff available"),
}
# Until referrals exist, every provider gets the same neutral prior, never zero.
NEUTRAL_PRIOR = 0.5
CAPACITY_VALUE = {
    CapacityStatus.HAS_CAPACITY: 1.0,
    CapacityStatus.ASSESSMENT_NEEDED: 0.6,
    CapacityStatus.WAITLIST: 0.3,
    CapacityStatus.NO_CAPACITY: 0.1,
}


@dataclass(frozen=True)
class Need:
    kind: TaxonomyTerm
    age_band: str = ""
    gender: str = ""
    languages: tuple[str, ...] = ()
    region: str = ""
    country: str = ""
    latitude: float | None = None
    longitude: float | None = None
    max_km: float | None = None
    urgency: str = "routine"
    accept_waitlist: bool = False
    accompanying_children: int = 0
    immigration_status: str = ""
    has_documents: bool | None = None
    specializations: tuple[str, ...] = ()
    provider_gender: str = ""  # the gender of staff the survivor asks for (Gender), or none

    @property
    def has_point(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    @property
    def radius_km(self) -> float:
        return float(self.max_km or settings.DIRECTORY_MATCH_MAX_KM)


@dataclass
class Match:
    service: Service
    score: float
    components: dict[str, float]
    reasons: list[str] = field(default_factory=list)
    uncertainties: list[str] = field(default_factory=list)
    distance_km: float | None = None
    # Where the viewer may see the service delivered: names and regions of visible locations.
    places: list[str] = field(default_factory=list)

    @property
    def intake_phones(self) -> list[str]:
        return [phone.number for phone in self.service.phones.all()]


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(a))


def _in_ring(lon: float, lat: float, ring: list) -> bool:
    inside = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
        if (y1 > lat) != (y2 > lat) and lon < (x2 - x1) * (lat - y1) / (y2 - y1) + x1:
            inside = not inside
    return inside


def extent_contains(extent: str, latitude: float, longitude: float) -> bool:
    """Whether a GeoJSON Polygon or MultiPolygon (outer rings) contains the point."""
    try:
        shape = json.loads(extent)
        geometry = shape.get("geometry", shape)
        kind, coordinates = geometry["type"], geometry["coordinates"]
    except (ValueError, KeyError, TypeError, AttributeError):
        return False
    polygons = [coordinates] if kind == "Polygon" else coordinates if kind == "MultiPolygon" else []
    for polygon in polygons:
        ring = [tuple(point[:2]) for point in polygon[0]]
        holes = [[tuple(point[:2]) for point in hole] for hole in polygon[1:]]
        if _in_ring(longitude, latitude, ring) and not any(_in_ring(longitude, latitude, h) for h in holes):
            return True
    return False


def _candidates(need: Need, viewer: Organization):
    kind = need.kind.code
    queryset = Service.objects.filter(
        Q(kind__code=kind) | Q(kind__code__startswith=f"{kind}."),
        organization__status=OrganizationStatus.VETTED,
        status=ServiceStatus.ACTIVE,
        accepting_referrals=True,
    )
    if need.age_band in AGE_BANDS:
        low, high = AGE_BANDS[need.age_band]
        queryset = queryset.exclude(minimum_age__gt=high).exclude(maximum_age__lt=low)
    if need.gender in Gender.values:
        queryset = queryset.filter(**{f"serves_{need.gender}": True})
    if need.accompanying_children:
        queryset = queryset.filter(accompanied_children=True)
    if not need.accept_waitlist:
        queryset = queryset.exclude(capacity_status__in=[CapacityStatus.NO_CAPACITY, CapacityStatus.WAITLIST])
    if need.languages:
        speaks = Exists(Language.objects.filter(service=OuterRef("pk"), code__in=need.languages))
        queryset = queryset.filter(speaks | Q(interpretation_available=True))
    places = Q()
    if need.region:
        places |= Exists(ServiceArea.objects.filter(service=OuterRef("pk"), region__iexact=need.region))
        places |= Exists(
            ServiceAtLocation.objects.filter(service=OuterRef("pk"), location__region__iexact=need.region).filter(
                visible_locations_q(viewer, prefix="location__")
            )
        )
    if need.country and need.region:
        places |= Exists(ServiceArea.objects.filter(service=OuterRef("pk"), region="", country__iexact=need.country))
    elif need.country:
        # Anywhere in the country: an area in it, or the provider is there.
        places |= Exists(ServiceArea.objects.filter(service=OuterRef("pk"), country__iexact=need.country))
        places |= Q(organization__country__iexact=need.country)
    if need.has_point:
        # A bounding box narrows in the database; the exact distance is computed below.
        dlat = need.radius_km / 111.0
        dlon = need.radius_km / (111.0 * max(math.cos(math.radians(need.latitude)), 0.01))
        places |= Exists(
            ServiceAtLocation.objects.filter(
                visible_locations_q(viewer, prefix="location__"),
                service=OuterRef("pk"),
                location__latitude__range=(need.latitude - dlat, need.latitude + dlat),
                location__longitude__range=(need.longitude - dlon, need.longitude + dlon),
            )
        )
        places |= Exists(ServiceArea.objects.filter(service=OuterRef("pk")).exclude(extent=""))
    if places:
        queryset = queryset.filter(places)
    return queryset.select_related("kind", "organization").prefetch_related(
        "languages",
        "phones",
        "service_areas",
        Prefetch("service_at_locations", ServiceAtLocation.objects.select_related("location")),
    )


def _age_check(need: Need, service: Service, match: Match) -> None:
    if need.age_band not in AGE_BANDS:
        return
    low, high = AGE_BANDS[need.age_band]
    lowest = service.minimum_age if service.minimum_age is not None else 0
    highest = service.maximum_age if service.maximum_age is not None else 130
    if lowest <= low and high <= highest:
        match.reasons.append(_("serves ages %(band)s") % {"band": need.age_band})
    else:
        match.uncertainties.append(
            _("serves ages %(low)s–%(high)s, which covers only part of %(band)s")
            % {"low": lowest, "high": highest, "band": need.age_band}
        )


def _eligible(need: Need, service: Service, match: Match) -> bool:
    if service.immigration_statuses:
        if need.immigration_status and need.immigration_status not in service.immigration_statuses:
            return False
        if not need.immigration_status:
            statuses = ", ".join(str(ImmigrationStatus(s).label) for s in service.immigration_statuses)
            match.uncertainties.append(
                _("serves only some immigration statuses: %(statuses)s") % {"statuses": statuses}
            )
    if service.required_documents:
        if need.has_documents is False:
            return False
        if need.has_documents is None:
            match.uncertainties.append(
                _("asks for documents: %(docs)s") % {"docs": ", ".join(service.required_documents)}
            )
    else:
        match.reasons.append(_("no documents required"))
    if need.gender:
        match.reasons.append(_("serves %(gender)s") % {"gender": Gender(need.gender).label})
    if need.provider_gender:
        if need.provider_gender in service.staff_genders:
            match.reasons.append(str(STAFF_AVAILABLE[need.provider_gender]))
        elif service.staff_genders:
            return False
        else:
            match.uncertainties.append(_("staff gender not stated"))
    if need.accompanying_children:
        match.reasons.append(_("accepts accompanying children"))
    if service.referral_only:
        match.reasons.append(_("takes referrals only"))
    _age_check(need, service, match)
    return True


def _distance(need: Need, service: Service, viewer: Organization, match: Match) -> tuple[bool, float]:
    """Whether the service is within reach of the need, and the distance component."""
    area_regions = {a.region.casefold() for a in service.service_areas.all() if a.region}
    area_countries = {a.country.casefold() for a in service.service_areas.all() if a.country and not a.region}
    visible = [link.location for link in service.service_at_locations.all()]
    visible = [loc for loc in visible if location_is_visible(loc, viewer)]
    hidden = len(visible) < len(service.service_at_locations.all())
    match.places = [", ".join(p for p in (loc.name, loc.region) if p) for loc in visible]
    in_region = bool(need.region) and (
        need.region.casefold() in area_regions
        or any(loc.region.casefold() == need.region.casefold() for loc in visible)
    )
    country = need.country.casefold()
    whole_country = bool(country) and country in area_countries
    # With no region asked, a service anywhere in the country is within reach.
    anywhere_in_country = (
        bool(country)
        and not need.region
        and (
            country in {a.country.casefold() for a in service.service_areas.all() if a.country}
            or service.organization.country.casefold() == country
        )
    )
    if need.has_point:
        distances = [
            haversine_km(need.latitude, need.longitude, loc.latitude, loc.longitude)
            for loc in visible
            if loc.latitude is not None and loc.longitude is not None
        ]
        nearest = min(distances) if distances else None
        if nearest is not None and nearest <= need.radius_km:
            match.distance_km = round(nearest)
            match.reasons.append(_("about %(km)s km away") % {"km": match.distance_km})
            return True, max(0.0, 1.0 - nearest / need.radius_km)
        if any(
            a.extent and extent_contains(a.extent, need.latitude, need.longitude) for a in service.service_areas.all()
        ):
            match.reasons.append(_("the place is inside its service area"))
            match.uncertainties.append(_("distance not known"))
            return True, 0.6
    if in_region:
        match.reasons.append(_("serves %(region)s") % {"region": need.region})
        if hidden:
            match.uncertainties.append(_("distance not known: the location is confidential"))
        return True, 0.6
    if whole_country:
        match.reasons.append(_("serves all of %(country)s") % {"country": need.country.upper()})
        return True, 0.4
    if anywhere_in_country:
        match.reasons.append(_("in %(country)s") % {"country": need.country.upper()})
        return True, 0.4
    if need.has_point or need.region or need.country:
        return False, 0.0
    match.uncertainties.append(_("no place given: distance not considered"))
    return True, NEUTRAL_PRIOR


def _language(need: Need, service: Service, match: Match) -> float:
    if not need.languages:
        return 1.0
    spoken = {language.code for language in service.languages.all()}
    covered = [code for code in need.languages if code in spoken]
    missing = [code for code in need.languages if code not in spoken]
    if covered:
        match.reasons.append(_("speaks %(languages)s") % {"languages": ", ".join(covered)})
    if missing and service.interpretation_available:
        match.reasons.append(_("interpretation available for %(languages)s") % {"languages": ", ".join(missing)})
        match.uncertainties.append(_("relies on interpretation for %(languages)s") % {"languages": ", ".join(missing)})
        return 0.6 + 0.4 * len(covered) / len(need.languages)
    return len(covered) / len(need.languages)


def _capacity(need: Need, service: Service, now: datetime, match: Match) -> float:
    status = CapacityStatus(service.capacity_status)
    value = CAPACITY_VALUE[status]
    if need.urgency == "emergency" and status in (CapacityStatus.WAITLIST, CapacityStatus.NO_CAPACITY):
        value /= 2
    text = str(status.label)
    if service.capacity_unit and service.capacity_available is not None:
        text += _(": %(available)s %(unit)s available") % {
            "available": service.capacity_available,
            "unit": service.get_capacity_unit_display().lower(),
        }
    (match.reasons if status == CapacityStatus.HAS_CAPACITY else match.uncertainties).append(text)
    if service.capacity_updated_at is None:
        match.uncertainties.append(_("capacity never confirmed"))
        return value / 2
    if service.capacity_is_stale(now):
        days = (now - service.capacity_updated_at).days
        match.uncertainties.append(_("capacity not updated for %(days)s days") % {"days": days})
        return value / 2
    return value


def _specialization(need: Need, service: Service, match: Match) -> float:
    if not need.specializations:
        return NEUTRAL_PRIOR
    shared = [s for s in need.specializations if s in service.specializations]
    if shared:
        match.reasons.append(_("specialized: %(list)s") % {"list": ", ".join(shared)})
    return len(shared) / len(need.specializations)


# The filters a coordinator can widen or drop in one click when nothing matches, each with what
# it does to the need: the region (look in the whole country), the place altogether, and the
# survivor's details that narrow the providers.
RELAXATIONS = {
    "region": (gettext_lazy("the region"), lambda need: replace(need, region="")),
    "place": (
        gettext_lazy("where help is needed"),
        lambda need: replace(need, region="", country="", latitude=None, longitude=None),
    ),
    "language": (gettext_lazy("the language"), lambda need: replace(need, languages=())),
    "age": (gettext_lazy("the age band"), lambda need: replace(need, age_band="")),
    "gender": (gettext_lazy("the gender served"), lambda need: replace(need, gender="")),
    "provider_gender": (gettext_lazy("the provider gender"), lambda need: replace(need, provider_gender="")),
}
APPLIES = {
    "region": lambda need: bool(need.region),
    "place": lambda need: bool(need.region or need.country or need.has_point),
    "language": lambda need: bool(need.languages),
    "age": lambda need: bool(need.age_band),
    "gender": lambda need: bool(need.gender),
    "provider_gender": lambda need: bool(need.provider_gender),
}


def relaxed(need: Need, names) -> Need:
    """The need with the named filters widened or dropped (unknown names are ignored)."""
    for name in names:
        if name in RELAXATIONS:
            need = RELAXATIONS[name][1](need)
    return need


@dataclass(frozen=True)
class Exclusion:
    name: str
    label: str
    excluded: int  # services found once this filter alone is widened or dropped


def exclusions(*, need: Need, viewer: Organization, keep=lambda match: True) -> list[Exclusion]:
    """Why nothing matched: for each filter of the need, how many services (that ``keep`` keeps)
    widening or dropping it alone would find."""
    found = []
    for name, (label, _relax) in RELAXATIONS.items():
        if not APPLIES[name](need):
            continue
        count = sum(1 for m in match_services(need=relaxed(need, [name]), viewer=viewer, limit=1000) if keep(m))
        if count:
            found.append(Exclusion(name, str(label), count))
    return found


def match_services(*, need: Need, viewer: Organization, limit: int = 20, now: datetime | None = None) -> list[Match]:
    """Services that meet the need, best first; equal scores are ordered by distance, then name."""
    now = now or timezone.now()
    matches = []
    for service in _candidates(need, viewer):
        match = Match(service=service, score=0.0, components={})
        match.reasons.append(_("offers %(kind)s") % {"kind": service.kind.label})
        if not _eligible(need, service, match):
            continue
        reachable, distance = _distance(need, service, viewer, match)
        if not reachable:
            continue
        match.components = {
            "distance": distance,
            "language": _language(need, service, match),
            "capacity": _capacity(need, service, now, match),
            "specialization": _specialization(need, service, match),
            "track_record": NEUTRAL_PRIOR,
        }
        match.uncertainties.append(_("no referral history yet: response time and acceptance rate are a neutral prior"))
        match.score = round(100 * sum(WEIGHTS[k] * v for k, v in match.components.items()), 1)
        matches.append(match)
    far = float("inf")
    matches.sort(
        key=lambda m: (
            bool(need.provider_gender) and need.provider_gender not in m.service.staff_genders,
            -m.score,
            m.distance_km if m.distance_km is not None else far,
            m.service.name,
            str(m.service.id),
        )
    )
    return matches[:limit]
