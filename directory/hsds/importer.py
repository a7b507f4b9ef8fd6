"""Import HSDS tables: every record checked first, then all written in one transaction or none.

The report lists every rejected record with its table, id (or row number), field and reason.
Imported organizations arrive as applicants: nothing they list is matched or exported until a
platform admin vets them.
"""

import re
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, time

from django.db import transaction
from django.utils.dateparse import parse_datetime

from audit.models import AuditOutcome
from audit.services import audit_record
from directory.hsds.export import SERVICE_TYPE
from directory.hsds.schema import row_errors
from directory.models import (
    Address,
    AddressType,
    CapacityStatus,
    CapacityUnit,
    Gender,
    ImmigrationStatus,
    Language,
    Location,
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
from orgs.models import Organization, OrganizationKind, OrganizationStatus
from orgs.services import organization_role_groups_create

SUPPORTED = [
    "organization",
    "taxonomy",
    "taxonomy_term",
    "location",
    "address",
    "service",
    "service_at_location",
    "phone",
    "schedule",
    "language",
    "service_area",
    "required_document",
    "attribute",
]
# Imported locations are not confidential (they were published), but stay inside the network
# until their organization says otherwise.
IMPORTED_VISIBILITY = Visibility.NETWORK
LANGUAGE_CODE = re.compile(r"^[A-Za-z]{2,3}$")


@dataclass
class Rejection:
    table: str
    record: str
    field: str
    reason: str

    def __str__(self):
        where = f"{self.table} {self.record}" + (f" field {self.field}" if self.field else "")
        return f"{where}: {self.reason}"


@dataclass
class ImportReport:
    rejections: list[Rejection] = field(default_factory=list)
    created: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.rejections

    def as_dict(self) -> dict:
        return {
            "ok": self.ok,
            "created": self.created,
            "notes": self.notes,
            "rejected": [vars(r) for r in self.rejections],
        }


class _Checker:
    def __init__(self, tables: dict[str, list[dict]]):
        self.tables = {name: list(tables.get(name) or []) for name in SUPPORTED}
        self.report = ImportReport()
        self.rejected = set()
        for name in sorted(set(tables) - set(SUPPORTED)):
            if tables[name]:
                self.report.notes.append(f"table {name} is not supported by CaseHub and was ignored")
        self.ids = {
            name: {row.get("id") for row in rows if isinstance(row, dict)} for name, rows in self.tables.items()
        }
        # Terms of CaseHub's own taxonomy may be referred to without being repeated.
        self.ids["taxonomy_term"] |= {str(pk) for pk in TaxonomyTerm.objects.values_list("id", flat=True)}

    def reject(self, table: str, index: int, row: dict, field_name: str, reason: str) -> None:
        record = str(row.get("id")) if isinstance(row, dict) and row.get("id") else f"row {index + 1}"
        if (table, record, field_name) in self.rejected:
            return  # one reason per field is enough; the first is the most basic
        self.rejected.add((table, record, field_name))
        self.report.rejections.append(Rejection(table, record, field_name, reason))

    def run(self) -> ImportReport:
        for table, rows in self.tables.items():
            counts = Counter(row.get("id") for row in rows if isinstance(row, dict))
            for index, row in enumerate(rows):
                if not isinstance(row, dict) or "__invalid__" in row:
                    reason = row.get("__invalid__") if isinstance(row, dict) else "expected an object"
                    self.reject(table, index, {}, "", reason)
                    continue
                for field_name, message in row_errors(table, row):
                    self.reject(table, index, row, field_name, message)
                if row.get("id") and counts[row["id"]] > 1:
                    self.reject(table, index, row, "id", "the same id appears more than once")
                getattr(self, f"check_{table}", lambda *a: None)(index, row)
        self.check_existing()
        return self.report

    def ref(self, table, index, row, key, target, *, required=False):
        value = row.get(key)
        if value in (None, ""):
            if required:
                self.reject(table, index, row, key, "is required")
            return
        if value not in self.ids[target]:
            where = "CaseHub's taxonomy or this import" if target == "taxonomy_term" else "this import"
            self.reject(table, index, row, key, f"refers to no {target} in {where} ({value})")

    def choice(self, table, index, row, key, allowed, *, many=False):
        value = row.get(key)
        if value in (None, "", []):
            return
        values = value if many and isinstance(value, list) else [value]
        if many and not isinstance(value, list):
            self.reject(table, index, row, key, "must be a list")
            return
        bad = [v for v in values if v not in allowed]
        if bad:
            self.reject(
                table, index, row, key, f"unknown value {', '.join(map(str, bad))}; use one of {', '.join(allowed)}"
            )

    def boolean(self, table, index, row, key):
        if key in row and not isinstance(row[key], bool):
            self.reject(table, index, row, key, "must be true or false")

    def whole(self, table, index, row, key, *, minimum=0, maximum=None):
        value = row.get(key)
        if value is None:
            return
        if isinstance(value, bool) or not isinstance(value, int | float) or value != int(value) or value < minimum:
            self.reject(table, index, row, key, f"must be a whole number of at least {minimum}")
        elif maximum is not None and value > maximum:
            self.reject(table, index, row, key, f"must be at most {maximum}")

    def moment(self, table, index, row, key):
        value = row.get(key)
        if value is not None and (not isinstance(value, str) or parse_datetime(value) is None):
            self.reject(table, index, row, key, "must be a date and time (ISO 8601)")

    def length(self, table, index, row, model, keys):
        for key in keys:
            limit = model._meta.get_field(keys[key]).max_length
            value = row.get(key)
            if isinstance(value, str) and limit and len(value) > limit:
                self.reject(table, index, row, key, f"is longer than {limit} characters")

    def check_organization(self, index, row):
        self.length("organization", index, row, Organization, {"name": "name", "casehub_region": "region"})
        country = row.get("casehub_country")
        if country is not None and not (isinstance(country, str) and len(country) == 2):
            self.reject("organization", index, row, "casehub_country", "must be a two-letter ISO 3166 code")

    def check_service(self, index, row):
        self.ref("service", index, row, "organization_id", "organization", required=True)
        self.length("service", index, row, Service, {"name": "name", "alternate_name": "alternate_name"})
        for key in ["minimum_age", "maximum_age"]:
            self.whole("service", index, row, key, maximum=130)
        low, high = row.get("minimum_age"), row.get("maximum_age")
        if isinstance(low, int | float) and isinstance(high, int | float) and low > high:
            self.reject("service", index, row, "maximum_age", "is below minimum_age")
        self.choice("service", index, row, "casehub_capacity_status", CapacityStatus.values)
        self.choice("service", index, row, "casehub_capacity_unit", CapacityUnit.values)
        self.choice("service", index, row, "casehub_genders_served", Gender.values, many=True)
        if row.get("casehub_genders_served") == []:
            self.reject("service", index, row, "casehub_genders_served", "must name at least one gender")
        self.choice("service", index, row, "casehub_staff_genders", Gender.values, many=True)
        self.choice("service", index, row, "casehub_immigration_statuses", ImmigrationStatus.values, many=True)
        self.choice("service", index, row, "casehub_specializations", Specialization.values, many=True)
        for key in [
            "casehub_accepting_referrals",
            "casehub_interpretation_available",
            "casehub_accompanied_children",
            "casehub_referral_only",
        ]:
            self.boolean("service", index, row, key)
        self.whole("service", index, row, "casehub_response_hours", minimum=1, maximum=720)
        self.whole("service", index, row, "casehub_capacity_available")
        self.whole("service", index, row, "casehub_capacity_maximum")
        available, maximum = row.get("casehub_capacity_available"), row.get("casehub_capacity_maximum")
        if isinstance(available, int) and isinstance(maximum, int) and available > maximum:
            self.reject("service", index, row, "casehub_capacity_available", "is more than casehub_capacity_maximum")
        self.moment("service", index, row, "casehub_capacity_updated")
        self.moment("service", index, row, "last_modified")

    def check_location(self, index, row):
        self.ref("location", index, row, "organization_id", "organization", required=True)
        self.choice("location", index, row, "casehub_visibility", Visibility.values)
        self.length("location", index, row, Location, {"name": "name", "casehub_region": "region"})
        for key, bound in [("latitude", 90), ("longitude", 180)]:
            value = row.get(key)
            if isinstance(value, int | float) and not -bound <= value <= bound:
                self.reject("location", index, row, key, f"must be between -{bound} and {bound}")
        if not row.get("name"):
            self.reject("location", index, row, "name", "is required by CaseHub")

    def check_address(self, index, row):
        self.ref("address", index, row, "location_id", "location", required=True)
        self.choice("address", index, row, "address_type", AddressType.values)
        country = row.get("country")
        if isinstance(country, str) and len(country) != 2:
            self.reject("address", index, row, "country", "must be a two-letter ISO 3166 code")

    def check_service_at_location(self, index, row):
        self.ref("service_at_location", index, row, "service_id", "service", required=True)
        self.ref("service_at_location", index, row, "location_id", "location", required=True)

    def _owned(self, table, index, row):
        if not row.get("service_id") and not row.get("location_id"):
            self.reject(table, index, row, "service_id", "must belong to a service or a location")
        self.ref(table, index, row, "service_id", "service")
        self.ref(table, index, row, "location_id", "location")

    def check_phone(self, index, row):
        self._owned("phone", index, row)

    def check_schedule(self, index, row):
        self._owned("schedule", index, row)
        self.choice("schedule", index, row, "freq", ScheduleFrequency.values)
        for key in ["opens_at", "closes_at"]:
            value = row.get(key)
            if value is not None and _time(value) is None:
                self.reject("schedule", index, row, key, "must be a time such as 09:00")

    def check_language(self, index, row):
        self._owned("language", index, row)
        code = row.get("code")
        if not isinstance(code, str) or not LANGUAGE_CODE.match(code):
            self.reject("language", index, row, "code", "must be an ISO 639-1 or 639-3 code")

    def check_service_area(self, index, row):
        self.ref("service_area", index, row, "service_id", "service", required=True)
        country = row.get("casehub_country")
        if country not in (None, "") and not (isinstance(country, str) and len(country) == 2):
            self.reject("service_area", index, row, "casehub_country", "must be a two-letter ISO 3166 code")

    def check_required_document(self, index, row):
        self.ref("required_document", index, row, "service_id", "service", required=True)
        if not row.get("document"):
            self.reject("required_document", index, row, "document", "is required by CaseHub")

    def check_taxonomy_term(self, index, row):
        self.ref("taxonomy_term", index, row, "parent_id", "taxonomy_term")

    def check_attribute(self, index, row):
        self.ref("attribute", index, row, "link_id", "service", required=True)
        if row.get("link_type") == SERVICE_TYPE:
            self.ref("attribute", index, row, "taxonomy_term_id", "taxonomy_term", required=True)

    def check_existing(self):
        models = {
            "service": Service,
            "location": Location,
            "address": Address,
            "service_at_location": ServiceAtLocation,
            "phone": Phone,
            "schedule": Schedule,
            "language": Language,
            "service_area": ServiceArea,
        }
        for table, model in models.items():
            wanted = [i for i in self.ids[table] if _is_uuid(i)]
            for existing in model.objects.filter(id__in=wanted).values_list("id", flat=True):
                index = next(i for i, r in enumerate(self.tables[table]) if r.get("id") == str(existing))
                self.reject(table, index, self.tables[table][index], "id", "already exists in CaseHub")
        wanted = [i for i in self.ids["organization"] if _is_uuid(i)]
        for existing in Organization.objects.filter(uuid__in=wanted).values_list("uuid", flat=True):
            index = next(i for i, r in enumerate(self.tables["organization"]) if r.get("id") == str(existing))
            self.reject("organization", index, self.tables["organization"][index], "id", "already exists in CaseHub")


def _is_uuid(value) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def _time(value) -> time | None:
    try:
        return time.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _moment(value) -> datetime | None:
    return parse_datetime(value) if value else None


def _kinds(tables) -> tuple[dict[str, TaxonomyTerm], list[str]]:
    """Each service's kind from its service_type attribute; unknown taxonomies become `other`."""
    ours = {str(t.id): t for t in TaxonomyTerm.objects.all()}
    by_code = {t.code: t for t in ours.values()}
    terms = {row["id"]: row for row in tables["taxonomy_term"]}
    kinds, notes = {}, []
    for row in tables["attribute"]:
        if row.get("link_type") != SERVICE_TYPE:
            continue
        term_id = row["taxonomy_term_id"]
        term = ours.get(term_id) or by_code.get(terms.get(term_id, {}).get("code"))
        if term is None:
            notes.append(f"service {row['link_id']}: term {term_id} is not in CaseHub's taxonomy; kind set to other")
        else:
            kinds[row["link_id"]] = term
    return kinds, notes


def _write(tables, report: ImportReport) -> None:
    kinds, notes = _kinds(tables)
    report.notes.extend(notes)
    other = TaxonomyTerm.objects.get(code="other")
    organizations = {}
    first_country = {}
    locations_by_id = {row["id"]: row for row in tables["location"]}
    for row in tables["address"]:
        org_id = locations_by_id[row["location_id"]]["organization_id"]
        first_country.setdefault(org_id, row.get("country", ""))
    for row in tables["organization"]:
        organization = Organization.objects.create(
            uuid=row["id"],
            name=row["name"],
            description="" if row.get("description") == row["name"] else row.get("description", ""),
            contact_email=row.get("email", ""),
            website=row.get("website", ""),
            country=(row.get("casehub_country") or first_country.get(row["id"], "")).upper(),
            region=row.get("casehub_region", ""),
            kind=OrganizationKind.OTHER,
            status=OrganizationStatus.APPLIED,
        )
        organization_role_groups_create(organization=organization)
        organizations[row["id"]] = organization
    Location.objects.bulk_create(
        Location(
            id=row["id"],
            organization=organizations[row["organization_id"]],
            location_type=row["location_type"],
            name=row.get("name", ""),
            alternate_name=row.get("alternate_name", ""),
            description=row.get("description", ""),
            url=row.get("url", ""),
            transportation=row.get("transportation", ""),
            latitude=row.get("latitude"),
            longitude=row.get("longitude"),
            region=row.get("casehub_region", ""),
            visibility=row.get("casehub_visibility", IMPORTED_VISIBILITY),
        )
        for row in tables["location"]
    )
    Address.objects.bulk_create(
        Address(
            id=row["id"],
            location_id=row["location_id"],
            **{
                k: row.get(k, "")
                for k in ["attention", "address_1", "address_2", "city", "region", "state_province", "postal_code"]
            },
            country=row["country"].upper(),
            address_type=row["address_type"],
        )
        for row in tables["address"]
    )
    documents = defaultdict(list)
    for row in tables["required_document"]:
        documents[row["service_id"]].append(row["document"])
    services = []
    for row in tables["service"]:
        genders = row.get("casehub_genders_served", Gender.values)
        services.append(
            Service(
                id=row["id"],
                organization=organizations[row["organization_id"]],
                kind=kinds.get(row["id"], other),
                name=row["name"],
                status=row["status"],
                **{
                    k: row.get(k, "")
                    for k in [
                        "alternate_name",
                        "description",
                        "url",
                        "email",
                        "interpretation_services",
                        "application_process",
                        "fees_description",
                    ]
                },
                minimum_age=_int(row.get("minimum_age")),
                maximum_age=_int(row.get("maximum_age")),
                accepting_referrals=row.get("casehub_accepting_referrals", True),
                interpretation_available=row.get("casehub_interpretation_available", False),
                response_hours=_int(row.get("casehub_response_hours")),
                specializations=row.get("casehub_specializations", []),
                serves_female=Gender.FEMALE in genders,
                serves_male=Gender.MALE in genders,
                serves_non_binary=Gender.NON_BINARY in genders,
                accompanied_children=row.get("casehub_accompanied_children", False),
                staff_genders=row.get("casehub_staff_genders", []),
                immigration_statuses=row.get("casehub_immigration_statuses", []),
                nationality_note=row.get("casehub_nationality_note", ""),
                required_documents=documents.get(row["id"], []),
                referral_only=row.get("casehub_referral_only", False),
                eligibility_note=row.get("casehub_eligibility_note", ""),
                capacity_status=row.get("casehub_capacity_status", CapacityStatus.ASSESSMENT_NEEDED),
                capacity_unit=row.get("casehub_capacity_unit", ""),
                capacity_available=_int(row.get("casehub_capacity_available")),
                capacity_maximum=_int(row.get("casehub_capacity_maximum")),
                capacity_updated_at=_moment(row.get("casehub_capacity_updated")),
                **({"updated_at": _moment(row["last_modified"])} if row.get("last_modified") else {}),
            )
        )
    Service.objects.bulk_create(services)
    ServiceAtLocation.objects.bulk_create(
        ServiceAtLocation(
            id=r["id"], service_id=r["service_id"], location_id=r["location_id"], description=r.get("description", "")
        )
        for r in tables["service_at_location"]
    )
    Phone.objects.bulk_create(
        Phone(
            id=r["id"],
            service_id=r.get("service_id"),
            location_id=r.get("location_id"),
            **{k: r.get(k, "") for k in ["number", "extension", "type", "description"]},
        )
        for r in tables["phone"]
    )
    Schedule.objects.bulk_create(
        Schedule(
            id=r["id"],
            service_id=r.get("service_id"),
            location_id=r.get("location_id"),
            freq=r.get("freq", ""),
            byday=r.get("byday", ""),
            opens_at=_time(r.get("opens_at")),
            closes_at=_time(r.get("closes_at")),
            description=r.get("description", ""),
        )
        for r in tables["schedule"]
    )
    Language.objects.bulk_create(
        Language(
            id=r["id"],
            service_id=r.get("service_id"),
            location_id=r.get("location_id"),
            code=r["code"].lower(),
            name=r.get("name", ""),
            note=r.get("note", ""),
        )
        for r in tables["language"]
    )
    ServiceArea.objects.bulk_create(
        ServiceArea(
            id=r["id"],
            service_id=r["service_id"],
            name=r.get("name", ""),
            description=r.get("description", ""),
            region=r.get("casehub_region", ""),
            country=r.get("casehub_country", "").upper(),
            extent=r.get("extent", ""),
            extent_type=r.get("extent_type", ""),
        )
        for r in tables["service_area"]
    )
    report.created = {
        name: len(tables[name])
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
        ]
    }


def _int(value) -> int | None:
    return None if value is None else int(value)


def hsds_import(*, tables: dict[str, list[dict]], by=None) -> ImportReport:
    """Check every record; write all of them in one transaction, or none and say why."""
    checker = _Checker(tables)
    report = checker.run()
    if not report.ok:
        audit_record(
            "directory.import",
            actor=by,
            outcome=AuditOutcome.FAILURE,
            details={"rejected": len(report.rejections)},
        )
        return report
    with transaction.atomic():
        _write(checker.tables, report)
        audit_record("directory.import", actor=by, details={"created": report.created})
    return report
