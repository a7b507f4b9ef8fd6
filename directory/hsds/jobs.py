"""HSDS imports and exports as jobs: recorded in a DirectoryJob row, run by a Celery task.

Starting a job stores its input (the uploaded file of an import) under a random name and
queues the task on commit. Running it is idempotent: a job that is done or failed is left as
it is. An export is rebuilt from scratch on every run, batch by batch of services, with its
progress saved after each batch. An import stays all-or-nothing: it runs in one transaction
together with the job's final status, so a crash leaves neither records nor a "done" job, and
a re-run starts over. Its progress moves in phases (read, checked, written): counts written
inside the import's transaction would not be visible to anyone until it commits anyway.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable

from django.core.files.base import ContentFile
from django.db import OperationalError, transaction
from django.db.models import F
from django.utils import timezone

from audit.services import audit_record
from directory.hsds.documents import service_documents, tables_from_documents
from directory.hsds.export import export_tables
from directory.hsds.importer import ImportReport, Rejection, hsds_import
from directory.hsds.io import page
from directory.hsds.tabular import PackageError, read_package, write_package
from directory.models import (
    EXPORT_KINDS,
    IMPORT_KINDS,
    DirectoryJob,
    DirectoryJobError,
    DirectoryJobKind,
    DirectoryJobStatus,
    Service,
)
from orgs.models import OrganizationStatus

logger = logging.getLogger(__name__)
Progress = Callable[[DirectoryJob], None]
BATCH_SIZE = 200
SCOPES = ("network", "public")


def directory_export_start(*, kind: str, scope: str, by=None, organization=None, enqueue: bool = True) -> DirectoryJob:
    """Record an export of the directory and (on commit) queue the task that builds it."""
    if kind not in EXPORT_KINDS or scope not in SCOPES:
        raise ValueError(f"not an export: {kind} {scope}")
    with transaction.atomic():
        job = DirectoryJob.objects.create(kind=kind, scope=scope, started_by=by, organization=organization)
        audit_record(
            "directory.export_started",
            actor=by,
            organization=organization,
            target=job,
            details={"kind": kind, "scope": scope},
        )
        if enqueue:
            _enqueue(job)
    return job


def directory_import_start(*, kind: str, content: bytes, by=None, enqueue: bool = True) -> DirectoryJob:
    """Store an uploaded HSDS file under a random name, record its import and (on commit) queue it."""
    if kind not in IMPORT_KINDS:
        raise ValueError(f"not an import: {kind}")
    with transaction.atomic():
        job = DirectoryJob(kind=kind, started_by=by)
        job.upload.save("upload", ContentFile(content), save=False)
        job.save()
        audit_record("directory.import_started", actor=by, target=job, details={"kind": kind, "bytes": len(content)})
        if enqueue:
            _enqueue(job)
    return job


def _enqueue(job: DirectoryJob) -> None:
    from directory.tasks import run_directory_job

    job_id = job.pk
    transaction.on_commit(lambda: run_directory_job.delay(job_id))


def directory_job_run(
    *, job_id: int, batch_size: int = BATCH_SIZE, on_progress: Progress | None = None
) -> DirectoryJob:
    """Run (or re-run after a crash) one job; a finished job is returned untouched."""
    job = DirectoryJob.objects.get(pk=job_id)
    if job.status in (DirectoryJobStatus.DONE, DirectoryJobStatus.FAILED):
        return job
    DirectoryJob.objects.filter(pk=job_id).update(status=DirectoryJobStatus.RUNNING, started_at=timezone.now())
    job.refresh_from_db()
    try:
        if job.kind in IMPORT_KINDS:
            _run_import(job, on_progress)
        else:
            _run_export(job, batch_size, on_progress)
    except OperationalError:
        raise  # the database went away: the task retries, and the run starts over
    except Exception:
        # The code goes to the page; the trace only to the logs.
        logger.exception("directory job %s failed", job.uuid)
        _finish(job, status=DirectoryJobStatus.FAILED, error=DirectoryJobError.INTERNAL)
    job.refresh_from_db()
    if on_progress:
        on_progress(job)
    return job


def _finish(job: DirectoryJob, *, status: str, error: str = "", **fields) -> None:
    DirectoryJob.objects.filter(pk=job.pk).update(status=status, error=error, finished_at=timezone.now(), **fields)


def _progress(job: DirectoryJob, on_progress: Progress | None, **fields) -> None:
    DirectoryJob.objects.filter(pk=job.pk).update(**fields)
    job.refresh_from_db()
    if on_progress:
        on_progress(job)


def _run_export(job: DirectoryJob, batch_size: int, on_progress: Progress | None) -> None:
    services = Service.objects.filter(organization__status=OrganizationStatus.VETTED)
    ids = list(services.order_by("id").values_list("id", flat=True))
    _progress(job, on_progress, total=len(ids), done=0)
    documents: list[dict] = []
    tables: dict[str, dict[str, dict]] = {}
    for start in range(0, max(len(ids), 1), batch_size):
        batch = ids[start : start + batch_size]
        part = export_tables(scope=job.scope, services=services.filter(id__in=batch))
        if job.kind == DirectoryJobKind.EXPORT_JSON:
            documents.extend(service_documents(part))
        else:
            for name, rows in part.items():
                # Organizations, locations and taxonomy terms recur across batches: keep each once.
                merged = tables.setdefault(name, {})
                for row in rows:
                    merged.setdefault(row.get("id") or json.dumps(row, sort_keys=True), row)
        _progress(job, on_progress, done=F("done") + len(batch))
    if job.kind == DirectoryJobKind.EXPORT_JSON:
        content = json.dumps(page(documents, total=len(documents)), indent=2, ensure_ascii=False).encode()
    else:
        rows = {name: sorted(merged.values(), key=lambda r: str(r.get("id"))) for name, merged in tables.items()}
        content = write_package(rows)
    with transaction.atomic():
        if job.result:
            job.result.delete(save=False)  # a re-run after a crash replaces its half-built file
        job.result.save("result", ContentFile(content), save=False)
        _finish(job, status=DirectoryJobStatus.DONE, result=job.result.name, total=len(ids), done=len(ids))
        audit_record(
            "directory.export",
            actor=job.started_by,
            organization=job.organization,
            target=job,
            details={"kind": job.kind, "scope": job.scope, "services": len(ids)},
        )


def _read_import(job: DirectoryJob) -> tuple[dict | None, ImportReport | None]:
    """The tables of the uploaded file, or a report saying why it could not be read."""
    with job.upload.open("rb") as handle:
        content = handle.read()
    if job.kind == DirectoryJobKind.IMPORT_TABULAR:
        try:
            return read_package(content), None
        except PackageError as error:
            return None, ImportReport(rejections=[Rejection("datapackage", "(package)", "", str(error))])
    try:
        data = json.loads(content)
    except ValueError:
        return None, ImportReport(rejections=[Rejection("service", "(document)", "", "the file is not JSON")])
    if isinstance(data, dict) and "contents" in data:
        data = data["contents"]
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list):
        return None, ImportReport(rejections=[Rejection("service", "(document)", "", "expected service documents")])
    return tables_from_documents(data), None


def _run_import(job: DirectoryJob, on_progress: Progress | None) -> None:
    tables, unreadable = _read_import(job)
    if unreadable is not None:
        _finish(job, status=DirectoryJobStatus.FAILED, error=DirectoryJobError.UNREADABLE, report=unreadable.as_dict())
        return
    records = sum(len(rows) for rows in tables.values() if isinstance(rows, list))
    _progress(job, on_progress, total=records, done=0)
    with transaction.atomic():
        # The job row is locked for the whole import: a second worker given the same job waits,
        # then finds it finished. Records and the job's "done" commit together or not at all.
        locked = DirectoryJob.objects.select_for_update().get(pk=job.pk)
        if locked.status != DirectoryJobStatus.RUNNING:
            return
        report = hsds_import(tables=tables, by=job.started_by)
        if report.ok:
            _finish(job, status=DirectoryJobStatus.DONE, report=report.as_dict(), done=records)
    if not report.ok:
        _finish(job, status=DirectoryJobStatus.FAILED, error=DirectoryJobError.REJECTED, report=report.as_dict())
