import sys

from celery import current_app
from django.core.management.base import BaseCommand, CommandError

from casehub.crypto.keyring import clear_data_keys
from casehub.crypto.keys import key_provider
from casehub.crypto.rotation import master_key_retirable, master_key_rotation_run, master_key_rotation_start
from casehub.models import KeyRotation, KeyRotationStatus


def bar(rotation: KeyRotation, width: int = 30) -> str:
    filled = width * rotation.percent // 100
    return f"[{'#' * filled}{'-' * (width - filled)}] {rotation.percent:3d}% {rotation.done}/{rotation.total} data keys"


class Command(BaseCommand):
    help = (
        "Re-wrap every data key under the active master key (the first in CASEHUB_MASTER_KEYS), in "
        "batches, then rebuild blind indexes. Resumes an unfinished rotation. Safe while the app runs."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500)
        parser.add_argument(
            "--queue", action="store_true", help="hand the work to a Celery worker and follow its progress"
        )

    def handle(self, *args, **options):
        provider = key_provider()
        self.stdout.write(f"active master key: {provider.active_key_id}")
        queue = options["queue"] and not current_app.conf.task_always_eager  # eager: no broker, nothing to hand over
        rotation = master_key_rotation_start(enqueue=queue)
        if queue:
            rotation = self.follow(rotation)
        else:
            rotation = master_key_rotation_run(
                rotation_id=rotation.pk, batch_size=options["batch_size"], on_progress=self.show
            )
        self.stdout.write("")
        clear_data_keys()
        if rotation.status != KeyRotationStatus.DONE:
            raise CommandError(f"rotation {rotation.uuid} stopped: {rotation.error or rotation.status}")
        self.stdout.write(f"rotation {rotation.uuid} done: {rotation.done} data keys re-wrapped, ")
        self.stdout.write(f"{rotation.indexes_rebuilt} rows re-indexed")
        for key_id in provider.key_ids()[1:]:
            if master_key_retirable(key_id=key_id):
                self.stdout.write(f"master key {key_id} wraps no data key any more and can be retired")

    def show(self, rotation: KeyRotation) -> None:
        end = "\n" if not sys.stdout.isatty() else "\r"
        self.stdout.write(bar(rotation), ending=end)
        self.stdout.flush()

    def follow(self, rotation: KeyRotation) -> KeyRotation:
        import time

        while rotation.status in (KeyRotationStatus.PENDING, KeyRotationStatus.RUNNING):
            self.show(rotation)
            time.sleep(1)
            rotation.refresh_from_db()
        self.show(rotation)
        return rotation
