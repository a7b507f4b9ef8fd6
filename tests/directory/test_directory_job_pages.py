"""The directory job pages: start an import or export, follow its progress, read the report, download."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from directory.hsds.jobs import directory_export_start
from directory.models import DirectoryJob, DirectoryJobKind, DirectoryJobStatus
from tests.directory.factories import directory_service
from tests.factories import verified_client


@pytest.mark.django_db
def test_a_member_starts_an_export_and_downloads_it_from_the_job_page(cast, django_capture_on_commit_callbacks):
    # given
    directory_service(cast.owner.organization, name="Casa Beta")
    client = verified_client(cast.partner.caseworker)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/directory/jobs/export/", {"format": "json", "scope": "network"})
    # then
    job = DirectoryJob.objects.get()
    assert response["Location"] == job.get_absolute_url()
    page = client.get(job.get_absolute_url()).content.decode()
    assert 'http-equiv="refresh"' not in page
    assert f"/directory/jobs/{job.uuid}/download/" in page
    download = client.get(f"/directory/jobs/{job.uuid}/download/")
    assert json.loads(b"".join(download.streaming_content))["contents"][0]["name"] == "Casa Beta"


@pytest.mark.django_db
def test_a_running_job_page_refreshes_itself_and_shows_a_progress_bar(cast):
    job = directory_export_start(
        kind=DirectoryJobKind.EXPORT_TABULAR, scope="public", organization=cast.owner.organization, enqueue=False
    )
    DirectoryJob.objects.filter(pk=job.pk).update(status=DirectoryJobStatus.RUNNING, done=3, total=4)
    page = verified_client(cast.owner.caseworker).get(job.get_absolute_url()).content.decode()
    assert '<meta http-equiv="refresh" content="3">' in page
    assert '<progress max="100" value="75"' in page
    assert "3 of 4 records (75%)" in page
    assert "<script" not in page and "style=" not in page
    assert "/download/" not in page


@pytest.mark.django_db
def test_the_jobs_page_lists_recent_jobs_and_refreshes_while_one_runs(cast):
    directory_export_start(
        kind=DirectoryJobKind.EXPORT_JSON, scope="public", organization=cast.owner.organization, enqueue=False
    )
    page = verified_client(cast.owner.coordinator).get("/directory/jobs/").content.decode()
    assert 'http-equiv="refresh"' in page
    assert "<progress" in page
    assert 'action="/directory/jobs/export/"' in page
    assert 'action="/directory/jobs/import/"' not in page


@pytest.mark.django_db
def test_a_platform_admin_sees_the_import_form_and_not_the_export_form(cast):
    page = verified_client(cast.admin).get("/directory/jobs/").content.decode()
    assert 'action="/directory/jobs/import/"' in page
    assert 'action="/directory/jobs/export/"' not in page


@pytest.mark.django_db
def test_a_rejected_import_shows_every_rejected_record_on_its_page(cast, django_capture_on_commit_callbacks):
    client = verified_client(cast.admin)
    upload = SimpleUploadedFile("x.json", json.dumps([{"id": "nope", "status": "active"}]).encode())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/directory/jobs/import/", {"format": "json", "file": upload})
    page = client.get(response["Location"]).content.decode()
    assert "Records were rejected: nothing was imported" in page
    assert "3 rejected records" in page
    assert "organization_id" in page


@pytest.mark.django_db
def test_an_import_without_a_file_is_refused_and_starts_nothing(cast):
    response = verified_client(cast.admin).post("/directory/jobs/import/", {"format": "json"})
    assert response.status_code == 400
    assert not DirectoryJob.objects.exists()


@pytest.mark.django_db
def test_an_import_job_page_offers_no_download(cast):
    client = verified_client(cast.admin)
    client.post("/directory/jobs/import/", {"format": "json", "file": SimpleUploadedFile("x.json", b"[]")})
    job = DirectoryJob.objects.get()
    assert client.get(f"/directory/jobs/{job.uuid}/download/").status_code == 404
