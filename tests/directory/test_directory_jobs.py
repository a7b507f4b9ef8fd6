"""HSDS imports and exports as jobs: the task does the work, records progress, and is idempotent."""

import io
import json
import zipfile

import pytest

from audit.models import AuditEvent
from directory.hsds.io import export_json, export_tabular
from directory.hsds.jobs import directory_export_start, directory_import_start, directory_job_run
from directory.models import DirectoryJob, DirectoryJobError, DirectoryJobKind, DirectoryJobStatus, Location, Service
from directory.tasks import run_directory_job
from orgs.models import Organization
from tests.directory.factories import directory_service
from tests.directory.test_hsds import _move_out, confidential_shelter, rich_directory
from tests.factories import OrganizationFactory


def directory_rows() -> dict:
    return {model.__name__: model.objects.count() for model in (Organization, Service, Location)}


@pytest.mark.django_db
def test_starting_an_export_queues_the_task_on_commit_and_the_task_builds_the_file(
    cast, django_capture_on_commit_callbacks
):
    # given
    rich_directory(cast.owner.organization)
    # when
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        job = directory_export_start(
            kind=DirectoryJobKind.EXPORT_JSON,
            scope="network",
            by=cast.owner.caseworker,
            organization=cast.owner.organization,
        )
    # then
    job.refresh_from_db()
    assert len(callbacks) == 1
    assert job.status == DirectoryJobStatus.DONE
    assert (job.done, job.total, job.percent) == (1, 1, 100)
    with job.result.open("rb") as handle:
        assert json.load(handle) == export_json(scope="network")
    assert AuditEvent.objects.filter(action="directory.export").exists()


@pytest.mark.django_db
def test_an_export_records_its_progress_batch_by_batch(cast):
    for number in range(5):
        directory_service(cast.owner.organization, name=f"Service {number}")
    job = directory_export_start(kind=DirectoryJobKind.EXPORT_JSON, scope="public", enqueue=False)
    seen = []
    directory_job_run(job_id=job.pk, batch_size=2, on_progress=lambda j: seen.append((j.done, j.total)))
    assert seen == [(0, 5), (2, 5), (4, 5), (5, 5), (5, 5)]


@pytest.mark.django_db
def test_a_tabular_export_in_batches_equals_the_export_in_one_go(cast):
    for number in range(3):
        directory_service(cast.partner.organization, name=f"Service {number}")
    rich_directory(cast.owner.organization)
    confidential_shelter(cast.owner.organization)
    job = directory_export_start(kind=DirectoryJobKind.EXPORT_TABULAR, scope="network", enqueue=False)
    job = directory_job_run(job_id=job.pk, batch_size=2)

    def contents(data: bytes) -> dict:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            return {name: sorted(package.read(name).decode().splitlines()) for name in package.namelist()}

    with job.result.open("rb") as handle:
        built = contents(handle.read())
    assert built == contents(export_tabular(scope="network"))
    assert "Calle Secreta" not in str(built)
    assert "Hidden house" not in str(built)


@pytest.mark.django_db
def test_a_rerun_of_a_done_job_changes_nothing(cast):
    directory_service(cast.owner.organization)
    job = directory_export_start(kind=DirectoryJobKind.EXPORT_JSON, scope="network", enqueue=False)
    first = directory_job_run(job_id=job.pk)
    directory_service(cast.owner.organization, name="Added later")
    before = list(DirectoryJob.objects.values())
    result = run_directory_job(job.pk)
    assert result == {"status": "done", "done": 1, "total": 1}
    assert list(DirectoryJob.objects.values()) == before
    assert DirectoryJob.objects.get(pk=job.pk).result.name == first.result.name


@pytest.mark.django_db
def test_an_export_interrupted_while_running_starts_over_when_run_again(cast):
    directory_service(cast.owner.organization)
    job = directory_export_start(kind=DirectoryJobKind.EXPORT_JSON, scope="network", enqueue=False)
    DirectoryJob.objects.filter(pk=job.pk).update(status=DirectoryJobStatus.RUNNING, done=7, total=9)
    job = directory_job_run(job_id=job.pk)
    assert (job.status, job.done, job.total) == (DirectoryJobStatus.DONE, 1, 1)


@pytest.mark.django_db
def test_an_import_job_imports_everything_and_keeps_the_report(cast):
    organization = OrganizationFactory(name="Imported NGO")
    rich_directory(organization)
    package = export_tabular(services=Service.objects.filter(organization=organization))
    _move_out(organization)
    job = directory_import_start(kind=DirectoryJobKind.IMPORT_TABULAR, content=package, by=cast.admin, enqueue=False)
    job = directory_job_run(job_id=job.pk)
    assert job.status == DirectoryJobStatus.DONE
    assert job.report["ok"] is True
    assert job.report["created"]["service"] == 1
    assert job.done == job.total > 0
    assert Organization.objects.filter(name="Imported NGO").exists()


@pytest.mark.django_db
def test_a_rerun_of_a_done_import_imports_nothing_twice(cast):
    organization = OrganizationFactory(name="Once NGO")
    rich_directory(organization)
    documents = export_json(services=Service.objects.filter(organization=organization))
    _move_out(organization)
    job = directory_import_start(
        kind=DirectoryJobKind.IMPORT_JSON, content=json.dumps(documents).encode(), enqueue=False
    )
    directory_job_run(job_id=job.pk)
    after_first = directory_rows()
    job = directory_job_run(job_id=job.pk)
    assert job.status == DirectoryJobStatus.DONE
    assert directory_rows() == after_first


@pytest.mark.django_db
def test_a_failed_import_leaves_nothing_behind_and_a_clear_report(cast):
    # given: one good service and one that refers to an organization nobody has heard of
    organization = OrganizationFactory(name="Half NGO")
    rich_directory(organization)
    documents = export_json(services=Service.objects.filter(organization=organization))["contents"]
    _move_out(organization)
    bad = dict(documents[0], id="11111111-1111-4111-8111-111111111111", organization={"id": "nope"})
    bad.pop("service_at_locations", None)
    before = directory_rows()
    # when
    job = directory_import_start(
        kind=DirectoryJobKind.IMPORT_JSON, content=json.dumps([documents[0], bad]).encode(), enqueue=False
    )
    job = directory_job_run(job_id=job.pk)
    # then
    assert (job.status, job.error) == (DirectoryJobStatus.FAILED, DirectoryJobError.REJECTED)
    assert directory_rows() == before
    assert job.report["ok"] is False
    assert job.report["created"] == {}
    assert job.report["rejected"]
    assert all({"table", "record", "field", "reason"} <= set(r) for r in job.report["rejected"])


@pytest.mark.django_db
def test_a_file_that_is_not_json_fails_the_import_with_a_code_and_no_trace(cast):
    job = directory_import_start(kind=DirectoryJobKind.IMPORT_JSON, content=b"{not json", enqueue=False)
    job = directory_job_run(job_id=job.pk)
    assert (job.status, job.error) == (DirectoryJobStatus.FAILED, DirectoryJobError.UNREADABLE)
    assert job.report["rejected"][0]["reason"] == "the file is not JSON"


@pytest.mark.django_db
def test_an_unexpected_error_fails_the_job_with_a_code_only(cast, monkeypatch):
    from directory.hsds import jobs

    def explode(**kwargs):
        raise RuntimeError("secret detail from deep inside")

    monkeypatch.setattr(jobs, "export_tables", explode)
    job = directory_export_start(kind=DirectoryJobKind.EXPORT_JSON, scope="network", enqueue=False)
    job = directory_job_run(job_id=job.pk)
    assert (job.status, job.error) == (DirectoryJobStatus.FAILED, DirectoryJobError.INTERNAL)
    assert "secret" not in json.dumps(list(DirectoryJob.objects.values("report", "error")))


@pytest.mark.django_db
def test_uploads_and_results_are_stored_under_random_names(cast):
    job = directory_import_start(kind=DirectoryJobKind.IMPORT_JSON, content=b"[]", enqueue=False)
    assert job.upload.name.startswith("directory-jobs/")
    assert "upload" not in job.upload.name
