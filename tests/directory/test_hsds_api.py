import io
import json

import pytest
from django.core.management import CommandError, call_command

from audit.models import AuditEvent
from directory.hsds.io import export_json, export_tabular
from directory.models import Location, Service, Visibility
from orgs.models import Organization
from tests.directory.factories import LocationFactory, directory_service, street_address
from tests.directory.test_hsds import _move_out, confidential_shelter, rich_directory
from tests.factories import OrganizationFactory, verified_client


@pytest.mark.django_db
def test_the_hsds_root_names_the_version_and_profile(cast):
    body = verified_client(cast.partner.caseworker).get("/api/hsds/").json()
    assert body["version"] == "3.0"
    assert body["profile"].startswith("https://")


@pytest.mark.django_db
def test_the_hsds_services_endpoint_pages(cast):
    for name in ["A", "B", "C"]:
        directory_service(cast.owner.organization, name=name)
    body = verified_client(cast.partner.caseworker).get("/api/hsds/services", {"page": 2, "per_page": 2}).json()
    assert [d["name"] for d in body["contents"]] == ["C"]
    assert (body["total_items"], body["total_pages"], body["page_number"], body["last_page"]) == (3, 2, 2, True)


@pytest.mark.django_db
def test_the_hsds_services_endpoint_refuses_a_bad_page_size(cast):
    response = verified_client(cast.partner.caseworker).get("/api/hsds/services", {"per_page": 0})
    assert response.status_code == 400


@pytest.mark.django_db
def test_the_hsds_service_endpoint_answers_one_nested_service(cast):
    service = rich_directory(cast.owner.organization)
    body = verified_client(cast.partner.caseworker).get(f"/api/hsds/services/{service.id}").json()
    assert body["id"] == str(service.id)
    assert body["service_at_locations"][0]["location"]["addresses"][0]["address_1"] == "Avenida Abierta 1"


@pytest.mark.django_db
def test_the_hsds_api_never_shows_a_confidential_location_even_to_its_owner(cast):
    hidden = confidential_shelter(cast.owner.organization)
    client = verified_client(cast.owner.org_admin)
    service = Service.objects.get(name="Safe house")
    for path in ["/api/hsds/services", f"/api/hsds/services/{service.id}"]:
        text = client.get(path).content.decode()
        assert "Calle Secreta" not in text
        assert str(hidden.id) not in text


@pytest.mark.django_db
def test_the_hsds_api_hides_services_of_organizations_that_are_not_vetted(cast):
    service = directory_service(cast.suspended.organization)
    response = verified_client(cast.partner.caseworker).get(f"/api/hsds/services/{service.id}")
    assert response.status_code == 404


def started(response) -> dict:
    """The job a 202 answer points at, as its status endpoint reports it."""
    assert response.status_code == 202
    assert response["Location"] == response.json()["url"]
    return response.json()


@pytest.mark.django_db
def test_the_export_endpoints_start_jobs_whose_files_download_as_json_and_a_zip(
    cast, django_capture_on_commit_callbacks
):
    # given
    rich_directory(cast.owner.organization)
    client = verified_client(cast.partner.coordinator)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        json_job = started(client.post("/api/v1/directory/export/json/", {}, content_type="application/json"))
        zip_job = started(client.post("/api/v1/directory/export/tabular/", {}, content_type="application/json"))
    # then
    status = client.get(json_job["url"]).json()
    assert (status["status"], status["done"], status["total"], status["percent"]) == ("done", 1, 1, 100)
    download = client.get(status["download_url"])
    assert json.loads(b"".join(download.streaming_content))["total_items"] == 1
    download = client.get(client.get(zip_job["url"]).json()["download_url"])
    assert download["Content-Type"] == "application/zip"
    assert b"".join(download.streaming_content)[:2] == b"PK"


@pytest.mark.django_db
def test_a_pending_export_has_no_download_yet(cast):
    client = verified_client(cast.owner.caseworker)
    job = started(client.post("/api/v1/directory/export/json/", {"scope": "public"}, content_type="application/json"))
    assert job["status"] == "pending"
    assert job["download_url"] is None
    assert client.get(f"/api/v1/directory/jobs/{job['id']}/download/").status_code == 404


@pytest.mark.django_db
def test_members_of_another_organization_cannot_see_an_export_job(cast):
    job = started(
        verified_client(cast.owner.caseworker).post(
            "/api/v1/directory/export/json/", {}, content_type="application/json"
        )
    )
    assert verified_client(cast.partner.org_admin).get(job["url"]).status_code == 404
    assert verified_client(cast.owner.org_admin).get(job["url"]).status_code == 200


@pytest.mark.django_db
def test_a_platform_admin_imports_json_and_gets_a_report(cast, django_capture_on_commit_callbacks):
    organization = OrganizationFactory(name="Imported NGO")
    rich_directory(organization)
    documents = export_json(services=Service.objects.filter(organization=organization))
    _move_out(organization)
    client = verified_client(cast.admin)
    with django_capture_on_commit_callbacks(execute=True):
        job = started(client.post("/api/v1/directory/import/json/", documents, content_type="application/json"))
    status = client.get(job["url"]).json()
    assert status["status"] == "done"
    assert status["report"]["created"]["service"] == 1
    assert AuditEvent.objects.filter(action="directory.import").exists()


@pytest.mark.django_db
def test_a_rejected_import_fails_the_job_with_every_rejection(cast, django_capture_on_commit_callbacks):
    client = verified_client(cast.admin)
    with django_capture_on_commit_callbacks(execute=True):
        job = started(
            client.post(
                "/api/v1/directory/import/json/", [{"id": "nope", "status": "active"}], content_type="application/json"
            )
        )
    body = client.get(job["url"]).json()
    assert (body["status"], body["error"]) == ("failed", "rejected")
    assert {(r["table"], r["field"]) for r in body["report"]["rejected"]} == {
        ("service", "id"),
        ("service", "name"),
        ("service", "organization_id"),
    }


@pytest.mark.django_db
def test_a_platform_admin_imports_a_tabular_package(cast, django_capture_on_commit_callbacks):
    organization = OrganizationFactory(name="Tabular NGO")
    rich_directory(organization)
    package = export_tabular(services=Service.objects.filter(organization=organization))
    _move_out(organization)
    upload = io.BytesIO(package)
    upload.name = "hsds.zip"
    with django_capture_on_commit_callbacks(execute=True):
        started(verified_client(cast.admin).post("/api/v1/directory/import/tabular/", {"file": upload}))
    assert Organization.objects.filter(name="Tabular NGO").exists()


@pytest.mark.django_db
def test_the_export_command_writes_a_public_file_without_network_locations(cast, tmp_path):
    network = LocationFactory(
        organization=cast.owner.organization, name="Members office", visibility=Visibility.NETWORK
    )
    street_address(network, "Calle Red 5")
    directory_service(cast.owner.organization, location=network)
    target = tmp_path / "directory.json"
    call_command("hsds_export", str(target), stdout=io.StringIO())
    assert "Calle Red" not in target.read_text()
    assert json.loads(target.read_text())["total_items"] == 1


@pytest.mark.django_db
def test_the_import_command_imports_a_package(db, tmp_path):
    organization = OrganizationFactory(name="Command NGO")
    rich_directory(organization)
    target = tmp_path / "directory.zip"
    target.write_bytes(export_tabular(services=Service.objects.filter(organization=organization)))
    _move_out(organization)
    call_command("hsds_import", str(target), stdout=io.StringIO())
    assert Location.objects.count() == 1


@pytest.mark.django_db
def test_the_hsds_services_endpoint_filters_by_taxonomy_subtree(cast):
    from tests.directory.factories import term

    directory_service(cast.owner.organization, name="Wages", kind="legal_aid.labour")
    directory_service(cast.owner.organization, name="Beds", kind="shelter")
    body = (
        verified_client(cast.partner.caseworker)
        .get("/api/hsds/services", {"taxonomy_term_id": str(term("legal_aid").id)})
        .json()
    )
    assert [d["name"] for d in body["contents"]] == ["Wages"]


@pytest.mark.django_db
def test_the_hsds_services_endpoint_filters_by_organization(cast):
    directory_service(cast.owner.organization, name="Ours")
    directory_service(cast.partner.organization, name="Theirs")
    body = (
        verified_client(cast.partner.caseworker)
        .get("/api/hsds/services", {"organization_id": str(cast.partner.organization.uuid)})
        .json()
    )
    assert [d["name"] for d in body["contents"]] == ["Theirs"]


@pytest.mark.django_db
def test_the_hsds_services_endpoint_filters_by_modification_time(cast):
    from datetime import timedelta

    from django.utils import timezone

    directory_service(cast.owner.organization, name="Old", updated_at=timezone.now() - timedelta(days=30))
    directory_service(cast.owner.organization, name="New")
    since = (timezone.now() - timedelta(days=1)).isoformat()
    body = verified_client(cast.partner.caseworker).get("/api/hsds/services", {"modified_after": since}).json()
    assert [d["name"] for d in body["contents"]] == ["New"]


@pytest.mark.django_db
def test_the_export_command_shows_a_progress_bar(cast, tmp_path):
    directory_service(cast.owner.organization)
    out = io.StringIO()
    call_command("hsds_export", str(tmp_path / "directory.zip"), "--scope", "network", stdout=out)
    assert "[##############################] 100% 1/1 records (done)" in out.getvalue()
    assert (tmp_path / "directory.zip").read_bytes()[:2] == b"PK"


@pytest.mark.django_db
def test_the_import_command_shows_progress_and_every_rejection_then_fails(db, tmp_path):
    target = tmp_path / "bad.json"
    target.write_text(json.dumps([{"id": "nope", "status": "active"}]))
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError, match="nothing imported"):
        call_command("hsds_import", str(target), stdout=out, stderr=err)
    assert "records (failed)" in out.getvalue()
    assert "rejected: service nope field name: " in err.getvalue()
    assert not Service.objects.exists()


@pytest.mark.django_db
def test_the_queue_option_without_a_broker_runs_the_job_here(cast, tmp_path):
    directory_service(cast.owner.organization)
    out = io.StringIO()
    call_command("hsds_export", str(tmp_path / "d.json"), "--queue", stdout=out)
    assert "100% 1/1" in out.getvalue()
