"""The directory as HSDS tables, honouring location visibility.

Confidential locations never leave the database: their rows, addresses, phones, languages and
links to services are left out, and their services keep only the intake phone. The `public`
scope also leaves out locations visible to network members only.
"""

import uuid

from django.db.models import Prefetch

from directory import taxonomy
from directory.models import Gender, ImmigrationStatus, Location, Service, ServiceAtLocation, TaxonomyTerm, Visibility
from orgs.models import OrganizationStatus

SCOPES = {
    "public": [Visibility.PUBLIC],
    "network": [Visibility.PUBLIC, Visibility.NETWORK],
}
SERVICE_TYPE = "service_type"


def derived_id(owner, text: str) -> str:
    """A stable id for a row we do not store as such (a required document, a kind link)."""
    return str(uuid.uuid5(uuid.UUID(str(owner)), text))


def _clean(row: dict) -> dict:
    """Drop empty values: HSDS leaves absent what a CSV cell would leave blank."""
    return {k: v for k, v in row.items() if v not in ("", None, [])}


def eligibility_description(service: Service) -> str:
    parts = []
    if service.minimum_age is not None or service.maximum_age is not None:
        low = service.minimum_age if service.minimum_age is not None else 0
        parts.append(f"Ages {low}-{service.maximum_age}" if service.maximum_age is not None else f"Ages {low} and over")
    genders = service.genders_served
    if len(genders) < len(Gender.values):
        parts.append("Serves " + ", ".join(str(Gender(g).label).lower() for g in genders))
    parts.append("Accepts accompanying children" if service.accompanied_children else "No accompanying children")
    if service.immigration_statuses:
        labels = ", ".join(str(ImmigrationStatus(s).label).lower() for s in service.immigration_statuses)
        parts.append(f"Immigration status: {labels}")
    if service.nationality_note:
        parts.append(f"Nationality: {service.nationality_note}")
    if service.required_documents:
        parts.append("Documents required: " + ", ".join(service.required_documents))
    if service.referral_only:
        parts.append("By referral only")
    if service.eligibility_note:
        parts.append(service.eligibility_note)
    return ". ".join(parts) + "."


def _service_row(s: Service) -> dict:
    return _clean(
        {
            "id": str(s.id),
            "organization_id": str(s.organization.uuid),
            "name": s.name,
            "alternate_name": s.alternate_name,
            "description": s.description,
            "url": s.url,
            "email": s.email,
            "status": s.status,
            "interpretation_services": s.interpretation_services,
            "application_process": s.application_process,
            "fees_description": s.fees_description,
            "eligibility_description": eligibility_description(s),
            "minimum_age": s.minimum_age,
            "maximum_age": s.maximum_age,
            "last_modified": s.updated_at.isoformat().replace("+00:00", "Z"),
            # Profile extensions (docs/hsds-profile.md).
            "casehub_accepting_referrals": s.accepting_referrals,
            "casehub_interpretation_available": s.interpretation_available,
            "casehub_response_hours": s.response_hours,
            "casehub_specializations": s.specializations,
            "casehub_genders_served": s.genders_served,
            "casehub_staff_genders": s.staff_genders,
            "casehub_accompanied_children": s.accompanied_children,
            "casehub_immigration_statuses": s.immigration_statuses,
            "casehub_nationality_note": s.nationality_note,
            "casehub_referral_only": s.referral_only,
            "casehub_eligibility_note": s.eligibility_note,
            "casehub_capacity_status": s.capacity_status,
            "casehub_capacity_unit": s.capacity_unit,
            "casehub_capacity_available": s.capacity_available,
            "casehub_capacity_maximum": s.capacity_maximum,
            "casehub_capacity_updated": s.capacity_updated_at.isoformat().replace("+00:00", "Z")
            if s.capacity_updated_at
            else None,
        }
    )


def _location_rows(loc: Location, tables: dict) -> None:
    tables["location"].append(
        _clean(
            {
                "id": str(loc.id),
                "organization_id": str(loc.organization.uuid),
                "location_type": loc.location_type,
                "name": loc.name,
                "alternate_name": loc.alternate_name,
                "description": loc.description,
                "url": loc.url,
                "transportation": loc.transportation,
                "latitude": loc.latitude,
                "longitude": loc.longitude,
                "casehub_visibility": loc.visibility,
                "casehub_region": loc.region,
            }
        )
    )
    for a in loc.addresses.all():
        tables["address"].append(
            _clean(
                {
                    "id": str(a.id),
                    "location_id": str(loc.id),
                    "attention": a.attention,
                    "address_1": a.address_1,
                    "address_2": a.address_2,
                    "city": a.city,
                    "region": a.region,
                    "state_province": a.state_province,
                    "postal_code": a.postal_code,
                    "country": a.country,
                    "address_type": a.address_type,
                }
            )
        )
    for p in loc.phones.all():
        tables["phone"].append(_phone_row(p, location_id=str(loc.id)))
    for sc in loc.schedules.all():
        tables["schedule"].append(_schedule_row(sc, location_id=str(loc.id)))
    for lang in loc.languages.all():
        tables["language"].append(
            _clean(
                {
                    "id": str(lang.id),
                    "location_id": str(loc.id),
                    "code": lang.code,
                    "name": lang.name,
                    "note": lang.note,
                }
            )
        )


def _phone_row(p, **owner) -> dict:
    return _clean(
        {
            "id": str(p.id),
            **owner,
            "number": p.number,
            "extension": p.extension,
            "type": p.type,
            "description": p.description,
        }
    )


def _schedule_row(sc, **owner) -> dict:
    return _clean(
        {
            "id": str(sc.id),
            **owner,
            "freq": sc.freq,
            "byday": sc.byday,
            "opens_at": sc.opens_at.strftime("%H:%M") if sc.opens_at else None,
            "closes_at": sc.closes_at.strftime("%H:%M") if sc.closes_at else None,
            "description": sc.description,
        }
    )


def taxonomy_tables() -> dict:
    terms = list(TaxonomyTerm.objects.all())
    return {
        "taxonomy": [
            {
                "id": taxonomy.TAXONOMY_ID,
                "name": taxonomy.TAXONOMY_NAME,
                "description": "CaseHub's open taxonomy of services for survivors of human trafficking.",
                "uri": taxonomy.TAXONOMY_URI,
                "version": "1",
            }
        ],
        "taxonomy_term": [
            _clean(
                {
                    "id": str(t.id),
                    "code": t.code,
                    "name": t.name,
                    "description": t.description or t.name,
                    "parent_id": str(t.parent_id) if t.parent_id else None,
                    "taxonomy": taxonomy.TAXONOMY_NAME,
                    "taxonomy_id": taxonomy.TAXONOMY_ID,
                }
            )
            for t in terms
        ],
    }


def export_tables(*, scope: str = "network", services=None) -> dict[str, list[dict]]:
    """The directory of vetted organizations (or the given services) as HSDS tables."""
    visible = SCOPES[scope]
    located = Location.objects.select_related("organization").prefetch_related(
        "addresses", "phones", "languages", "schedules"
    )
    if services is None:
        services = Service.objects.filter(organization__status=OrganizationStatus.VETTED)
    services = services.select_related("organization", "kind").prefetch_related(
        "phones",
        "schedules",
        "languages",
        "service_areas",
        Prefetch(
            "service_at_locations",
            ServiceAtLocation.objects.filter(location__visibility__in=visible).prefetch_related(
                Prefetch("location", located)
            ),
        ),
    )
    tables = {
        name: []
        for name in [
            "organization",
            "service",
            "location",
            "service_at_location",
            "address",
            "phone",
            "schedule",
            "language",
            "service_area",
            "required_document",
            "attribute",
        ]
    }
    tables.update(taxonomy_tables())
    organizations, locations = {}, {}
    for s in services.order_by("id"):
        organizations[s.organization.pk] = s.organization
        tables["service"].append(_service_row(s))
        tables["attribute"].append(
            {
                "id": derived_id(s.id, f"kind:{s.kind_id}"),
                "link_id": str(s.id),
                "taxonomy_term_id": str(s.kind_id),
                "link_type": SERVICE_TYPE,
                "link_entity": "service",
            }
        )
        for p in s.phones.all():
            tables["phone"].append(_phone_row(p, service_id=str(s.id)))
        for sc in s.schedules.all():
            tables["schedule"].append(_schedule_row(sc, service_id=str(s.id)))
        for lang in s.languages.all():
            tables["language"].append(
                _clean(
                    {
                        "id": str(lang.id),
                        "service_id": str(s.id),
                        "code": lang.code,
                        "name": lang.name,
                        "note": lang.note,
                    }
                )
            )
        for area in s.service_areas.all():
            tables["service_area"].append(
                _clean(
                    {
                        "id": str(area.id),
                        "service_id": str(s.id),
                        "name": area.name,
                        "description": area.description,
                        "extent": area.extent,
                        "extent_type": area.extent_type,
                        "casehub_region": area.region,
                        "casehub_country": area.country,
                    }
                )
            )
        for document in s.required_documents:
            tables["required_document"].append(
                {"id": derived_id(s.id, f"document:{document}"), "service_id": str(s.id), "document": document}
            )
        for link in s.service_at_locations.all():
            locations[link.location.pk] = link.location
            tables["service_at_location"].append(
                _clean(
                    {
                        "id": str(link.id),
                        "service_id": str(s.id),
                        "location_id": str(link.location_id),
                        "description": link.description,
                    }
                )
            )
    for loc in sorted(locations.values(), key=lambda x: str(x.id)):
        if loc.visibility not in visible:  # never reached: SCOPES never lists confidential
            raise RuntimeError("a location outside the export scope reached the export")
        _location_rows(loc, tables)
    for org in sorted(organizations.values(), key=lambda o: str(o.uuid)):
        tables["organization"].append(
            _clean(
                {
                    "id": str(org.uuid),
                    "name": org.name,
                    "description": org.description or org.name,
                    "email": org.contact_email,
                    "website": org.website,
                    "casehub_country": org.country,
                    "casehub_region": org.region,
                }
            )
        )
    return tables
