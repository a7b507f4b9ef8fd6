from celery import shared_task
from django.db import OperationalError


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5, acks_late=True)
def run_directory_job(job_id: int) -> dict:
    """Run (or resume) one HSDS import or export; a finished job is left as it is."""
    from referrals.hsds.jobs import directory_job_run

    job = directory_job_run(job_id=job_id)
    return {"status": job.status, "done": job.done, "total": job.total}


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def referral_sweep() -> dict:
    """Referral reminders (50%, 100%), expiry (200%) and follow-up shares ended (run by beat)."""
    from referrals.workflow import referral_sweep as sweep

    return sweep()
