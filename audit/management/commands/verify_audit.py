from django.core.management.base import BaseCommand, CommandError

from audit.services import audit_verify


class Command(BaseCommand):
    help = (
        "Verify the audit trail's hash chains from their last checkpoints (--full: from the start); "
        "exits non-zero and names the first broken event."
    )

    def add_arguments(self, parser):
        parser.add_argument("--full", action="store_true", help="reread every event, ignoring checkpoints")

    def handle(self, *args, full=False, **options):
        report = audit_verify(full=full)
        if not report.ok:
            raise CommandError(f"audit chain broken after {report.checked} good events: {report.problem}")
        self.stdout.write(f"audit chain intact: {report.checked} events checked")
