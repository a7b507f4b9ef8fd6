from celery import shared_task
from django.db import OperationalError


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5, acks_late=True)
def run_directory_job(job_id: int) -> dict:
    """Run (or resume) one HSDS import or export; a finished job is left as it is."""
    from directory.hsds.jobs import directory_job_run

    job = directory_job_run(job_id=job_id)
    return {"status": job.status, "done": job.done, "total": job.total}
