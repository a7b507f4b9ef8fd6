from django.core.management.base import BaseCommand, CommandError

from directory.hsds.jobs import directory_import_start
from directory.management.commands._jobs import queue_requested, run_or_follow
from directory.models import DirectoryJobKind, DirectoryJobStatus


class Command(BaseCommand):
    help = (
        "Import HSDS 3.0 JSON or a tabular zip, all or nothing; imported organizations await vetting. "
        "Runs as a directory job, showing its progress."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="a .json file (Page, list or one service) or a tabular .zip")
        parser.add_argument(
            "--queue", action="store_true", help="hand the work to a Celery worker and follow its progress"
        )

    def handle(self, *args, path, **options):
        kind = DirectoryJobKind.IMPORT_TABULAR if path.endswith(".zip") else DirectoryJobKind.IMPORT_JSON
        try:
            with open(path, "rb") as handle:
                content = handle.read()
        except OSError as error:
            raise CommandError(f"cannot read {path}: {error.strerror}") from None
        queued = queue_requested(options)
        job = directory_import_start(kind=kind, content=content, enqueue=queued)
        job = run_or_follow(self, job, queued=queued)
        report = job.report or {}
        for note in report.get("notes", []):
            self.stdout.write(f"note: {note}")
        if job.status != DirectoryJobStatus.DONE:
            for rejection in report.get("rejected", []):
                where = f"{rejection['table']} {rejection['record']}"
                where += f" field {rejection['field']}" if rejection["field"] else ""
                self.stderr.write(f"rejected: {where}: {rejection['reason']}")
            raise CommandError(
                f"nothing imported ({job.error or job.status}): {len(report.get('rejected', []))} record(s) rejected"
            )
        self.stdout.write(f"imported: {report.get('created', {})}")
