"""What hsds_export and hsds_import share: run a directory job in-process or follow a worker."""

import sys
import time

from celery import current_app

from directory.hsds.jobs import directory_job_run
from directory.models import DirectoryJob


def bar(job: DirectoryJob, width: int = 30) -> str:
    filled = width * job.percent // 100
    return f"[{'#' * filled}{'-' * (width - filled)}] {job.percent:3d}% {job.done}/{job.total} records ({job.status})"


def queue_requested(options) -> bool:
    """--queue hands the job to a worker; without a broker (eager Celery) it runs here anyway."""
    return options["queue"] and not current_app.conf.task_always_eager  # eager: no broker, nothing to hand over


def run_or_follow(command, job: DirectoryJob, *, queued: bool) -> DirectoryJob:
    def show(current: DirectoryJob) -> None:
        end = "\r" if sys.stdout.isatty() else "\n"
        command.stdout.write(bar(current), ending=end)
        command.stdout.flush()

    if queued:
        while job.is_running:
            show(job)
            time.sleep(1)
            job.refresh_from_db()
        show(job)
    else:
        job = directory_job_run(job_id=job.pk, on_progress=show)
    command.stdout.write("")
    return job
