import shutil

from django.core.management.base import BaseCommand, CommandError

from directory.hsds.jobs import directory_export_start
from directory.management.commands._jobs import queue_requested, run_or_follow
from directory.models import DirectoryJobKind, DirectoryJobStatus


class Command(BaseCommand):
    help = (
        "Export the directory of vetted organizations in HSDS 3.0 (JSON or tabular zip); never confidential "
        "locations. Runs as a directory job, showing its progress."
    )

    def add_arguments(self, parser):
        parser.add_argument("output", help="file to write (.json or .zip)")
        parser.add_argument("--scope", choices=["public", "network"], default="public")
        parser.add_argument(
            "--queue", action="store_true", help="hand the work to a Celery worker and follow its progress"
        )

    def handle(self, *args, output, scope, **options):
        kind = DirectoryJobKind.EXPORT_TABULAR if output.endswith(".zip") else DirectoryJobKind.EXPORT_JSON
        queued = queue_requested(options)
        job = directory_export_start(kind=kind, scope=scope, enqueue=queued)
        job = run_or_follow(self, job, queued=queued)
        if job.status != DirectoryJobStatus.DONE:
            raise CommandError(f"export {job.uuid} stopped: {job.error or job.status}")
        with job.result.open("rb") as source, open(output, "wb") as target:
            shutil.copyfileobj(source, target)
        self.stdout.write(f"wrote {output} ({scope} scope, {job.total} services; job {job.uuid})")
