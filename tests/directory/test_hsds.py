import copy
import json
from datetime import time

import pytest
from django.conf import settings
from django.utils import timezone
from jsonschema import Draft202012Validator, FormatChecker

from directory.hsds.export import export_tables
from directory.hsds.io import export_json, export_tabular, import_json, import_tabular
from directory.hsds.schema import document_errors
from directory.hsds.tabular import read_package
from directory.models import Language, Location, Phone, Schedule, Service, ServiceArea, Visibility
from orgs.models import Organization, OrganizationStatus
from tests.directory.factories import LocationFactory, directory_service, street_address
from tests.factories import OrganizationFactory

SCHEMA = settings.HSDS_SCHEMA_DIR / "compiled"  # the official schema, vendored (test_vendored_schema.py)


def rich_directory(organization) -> Service:
    public = LocationFactory(organization=organization, name="Drop-in centre", visibility=Visibility.PUBLIC)
    street_address(public, "Avenida Abierta 1")
    Phone.objects.create(location=public, number="+52 33 1111 2222", type="voice")
    Language.objects.create(location=public, code="es", name="Spanish", note="front desk")
    Schedule.objects.create(
        location=public, freq="WEEKLY", byday="MO,TU,WE,TH,FR", opens_at=time(8), closes_at=time(20)
    )
    service = directory_service(
        organization,
        name="Casa Alfa",
        kind="legal_aid.labour",
        languages=("es", "tl"),
        location=public,
        minimum_age=16,
        maximum_age=60,
        serves_male=False,
        accompanied_children=True,
        staff_genders=["female", "non_binary"],
        immigration_statuses=["irregular", "asylum"],
        nationality_note="Any nationality",
        required_documents=["any photo id"],
        referral_only=True,
        eligibility_note="Survivors of labour exploitation",
        specializations=["labour_exploitation"],
        response_hours=48,
        interpretation_available=True,
        interpretation_services="Phone interpreters",
        capacity_unit="appointments",
        capacity_available=3,
        capacity_maximum=10,
        url="https://example.org/casa",
        email="intake@example.org",
    )
    Phone.objects.create(service=service, number="+52 800 000 0000", type="voice", description="intake")
    Schedule.objects.create(service=service, freq="WEEKLY", byday="MO,TU", opens_at=time(9), closes_at=time(17))
    ServiceArea.objects.create(
        service=service,
        name="Metro",
        extent='{"type": "Polygon", "coordinates": [[[-104, 20], [-103, 20], [-103, 21], [-104, 20]]]}',
        extent_type="geojson",
    )
    ServiceArea.objects.create(service=service, name="Mexico", country="MX")
    return service


def confidential_shelter(organization) -> Location:
    hidden = LocationFactory(organization=organization, name="Hidden house", visibility=Visibility.CONFIDENTIAL)
    street_address(hidden, "Calle Secreta 12")
    Phone.objects.create(location=hidden, number="+52 33 9999 9999")
    directory_service(organization, name="Safe house", location=hidden)
    return hidden


@pytest.mark.django_db
def test_the_json_export_validates_against_the_official_service_schema(cast):
    rich_directory(cast.owner.organization)
    confidential_shelter(cast.owner.organization)
    validator = Draft202012Validator(json.loads((SCHEMA / "service.json").read_text()), format_checker=FormatChecker())
    documents = export_json()["contents"]
    assert len(documents) == 2
    for document in documents:
        assert list(validator.iter_errors(document)) == []


@pytest.mark.django_db
def test_the_tabular_export_validates_against_the_official_tabular_schema(cast):
    rich_directory(cast.owner.organization)
    validator = Draft202012Validator(json.loads((SCHEMA / "tabular.json").read_text()), format_checker=FormatChecker())
    tables = read_package(export_tabular())
    assert list(validator.iter_errors(tables)) == []
    assert {"service", "location", "service_at_location", "taxonomy_term", "attribute"} <= set(tables)


@pytest.mark.django_db
def test_the_tabular_package_describes_every_csv_file(cast):
    import io
    import zipfile

    rich_directory(cast.owner.organization)
    archive = zipfile.ZipFile(io.BytesIO(export_tabular()))
    package = json.loads(archive.read("datapackage.json"))
    assert {r["path"] for r in package["resources"]} == set(archive.namelist()) - {"datapackage.json"}


@pytest.mark.django_db
def test_confidential_locations_never_appear_in_an_export(cast):
    import io
    import zipfile

    hidden = confidential_shelter(cast.owner.organization)
    archive = zipfile.ZipFile(io.BytesIO(export_tabular()))
    text = json.dumps(export_json()) + "".join(archive.read(n).decode() for n in archive.namelist())
    for secret in [str(hidden.id), "Calle Secreta", "Hidden house", "+52 33 9999 9999"]:
        assert secret not in text


@pytest.mark.django_db
def test_a_service_at_a_confidential_location_is_exported_with_its_intake_phone_only(cast):
    confidential_shelter(cast.owner.organization)
    service = Service.objects.get(name="Safe house")
    Phone.objects.create(service=service, number="+52 800 111 1111")
    [document] = [d for d in export_json()["contents"] if d["name"] == "Safe house"]
    assert document["service_at_locations"] == []
    assert [p["number"] for p in document["phones"]] == ["+52 800 111 1111"]


@pytest.mark.django_db
def test_the_public_scope_leaves_out_network_only_locations(cast):
    network = LocationFactory(
        organization=cast.owner.organization, name="Members office", visibility=Visibility.NETWORK
    )
    directory_service(cast.owner.organization, location=network)
    assert "Members office" not in json.dumps(export_tables(scope="public"))
    assert "Members office" in json.dumps(export_tables(scope="network"))


@pytest.mark.django_db
def test_services_of_organizations_that_are_not_vetted_are_not_exported(cast):
    directory_service(cast.suspended.organization, name="Suspended service")
    assert "Suspended service" not in json.dumps(export_json())


def _move_out(organization):
    """Export one organization's directory, then remove it, so an import can bring it back."""
    services = Service.objects.filter(organization=organization)
    exported = export_tables(services=services)
    Service.objects.filter(organization=organization).delete()
    Location.objects.filter(organization=organization).delete()
    organization.role_groups.all().delete()
    Organization.objects.filter(pk=organization.pk).delete()
    return exported


@pytest.mark.django_db
def test_a_json_round_trip_keeps_every_supported_field(db):
    organization = OrganizationFactory(name="Round Trip", description="Labour rights NGO")
    rich_directory(organization)
    before = export_tables(services=Service.objects.filter(organization=organization))
    documents = export_json(services=Service.objects.filter(organization=organization))
    _move_out(organization)
    report = import_json(documents)
    assert report.ok, report.rejections
    assert export_tables(services=Service.objects.all()) == before


@pytest.mark.django_db
def test_a_tabular_round_trip_keeps_every_supported_field(db):
    organization = OrganizationFactory(name="Round Trip", description="Labour rights NGO")
    rich_directory(organization)
    before = export_tables(services=Service.objects.filter(organization=organization))
    package = export_tabular(services=Service.objects.filter(organization=organization))
    _move_out(organization)
    report = import_tabular(package)
    assert report.ok, report.rejections
    assert export_tables(services=Service.objects.all()) == before


@pytest.mark.django_db
def test_imported_organizations_are_not_vetted(db):
    organization = OrganizationFactory(name="Round Trip")
    rich_directory(organization)
    documents = export_json(services=Service.objects.filter(organization=organization))
    _move_out(organization)
    import_json(documents)
    assert Organization.objects.get(name="Round Trip").status == OrganizationStatus.APPLIED


def _documents(db_org):
    rich_directory(db_org)
    documents = export_json(services=Service.objects.filter(organization=db_org))["contents"]
    _move_out(db_org)
    return copy.deepcopy(documents)


@pytest.mark.django_db
def test_an_import_with_a_bad_reference_is_rejected_whole(db):
    documents = _documents(OrganizationFactory(name="Bad ref"))
    documents[0]["service_at_locations"][0]["location"]["organization_id"] = "00000000-0000-4000-8000-000000000000"
    report = import_json(documents)
    assert not report.ok
    assert [(r.table, r.field) for r in report.rejections] == [("location", "organization_id")]
    assert "refers to no organization" in report.rejections[0].reason
    assert not Service.objects.exists()
    assert not Organization.objects.filter(name="Bad ref").exists()


@pytest.mark.django_db
def test_an_import_with_an_invalid_value_is_rejected_whole_with_the_field_named(db):
    documents = _documents(OrganizationFactory(name="Bad value"))
    documents[0]["status"] = "open all hours"
    documents[0]["casehub_capacity_status"] = "plenty"
    report = import_json(documents)
    fields = sorted(r.field for r in report.rejections)
    assert fields == ["casehub_capacity_status", "status"]
    assert all(r.record == documents[0]["id"] for r in report.rejections)
    assert not Service.objects.exists()


@pytest.mark.django_db
def test_an_import_missing_a_required_field_is_rejected_whole(db):
    documents = _documents(OrganizationFactory(name="Missing"))
    del documents[0]["name"]
    report = import_json(documents)
    assert [(r.table, r.field, r.reason) for r in report.rejections] == [("service", "name", "is required")]
    assert not Location.objects.exists()


@pytest.mark.django_db
def test_a_tabular_import_reports_every_rejected_row(db):
    import io
    import zipfile

    organization = OrganizationFactory(name="Tabular")
    rich_directory(organization)
    package = export_tabular(services=Service.objects.filter(organization=organization))
    _move_out(organization)
    source = zipfile.ZipFile(io.BytesIO(package))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            data = source.read(name).decode()
            if name == "languages.csv":
                data = data.replace(",tl,", ",tagalog!,")
            if name == "services.csv":
                data = data.replace(",16,60,", ",sixteen,60,")
            target.writestr(name, data)
    report = import_tabular(out.getvalue())
    problems = sorted((r.table, r.field) for r in report.rejections)
    assert problems == [("language", "code"), ("service", "minimum_age")]
    assert not Service.objects.exists()


@pytest.mark.django_db
def test_an_import_refuses_ids_that_already_exist(cast):
    rich_directory(cast.owner.organization)
    report = import_json(export_json())
    assert not report.ok
    assert any(r.reason == "already exists in CaseHub" for r in report.rejections)


@pytest.mark.django_db
def test_a_file_that_is_not_a_package_is_reported(db):
    report = import_tabular(b"not a zip")
    assert [r.reason for r in report.rejections] == ["the file is not a zip archive"]


@pytest.mark.django_db
def test_document_errors_name_the_path_of_each_problem(db):
    errors = document_errors({"id": "not-a-uuid", "name": "x", "status": "active"})
    assert errors == ["id: 'not-a-uuid' is not a 'uuid'"]


@pytest.mark.django_db
def test_capacity_timestamps_survive_a_round_trip(db):
    organization = OrganizationFactory(name="Clock")
    service = rich_directory(organization)
    confirmed = service.capacity_updated_at
    documents = export_json(services=Service.objects.filter(organization=organization))
    _move_out(organization)
    import_json(documents)
    assert abs(Service.objects.get().capacity_updated_at - confirmed) < timezone.timedelta(milliseconds=1)


@pytest.mark.django_db
def test_the_eligibility_description_is_generated_from_the_rules(cast):
    rich_directory(cast.owner.organization)
    [document] = export_json()["contents"]
    text = document["eligibility_description"]
    assert text.startswith("Ages 16-60. Serves women and girls, non-binary people. Accepts accompanying children.")
    assert "Documents required: any photo id" in text
    assert (document["minimum_age"], document["maximum_age"]) == (16, 60)


@pytest.mark.django_db
def test_a_package_with_garbled_csv_is_rejected_with_a_reason(db):
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("datapackage.json", json.dumps({"resources": [{"name": "service", "path": "services.csv"}]}))
        archive.writestr("services.csv", 'id,name\n"a\0b,c\n')
    report = import_tabular(out.getvalue())
    assert not report.ok
    assert all(r.reason for r in report.rejections)
    assert not Service.objects.exists()


@pytest.mark.django_db
def test_a_refused_import_is_audited_as_a_failure(db):
    from audit.models import AuditEvent, AuditOutcome

    import_json([{"id": "nope"}])
    assert AuditEvent.objects.get(action="directory.import").outcome == AuditOutcome.FAILURE
