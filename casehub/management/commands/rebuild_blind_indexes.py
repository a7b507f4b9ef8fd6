from django.core.management.base import BaseCommand

from casehub.crypto.keyring import clear_data_keys
from casehub.crypto.rotation import blind_indexes_rebuild


class Command(BaseCommand):
    help = "Recompute every blind index under the active master key (after rotation or a bits change)."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args, **options):
        rows = blind_indexes_rebuild(batch_size=options["batch_size"])
        clear_data_keys()
        self.stdout.write(f"{rows} rows re-indexed")
