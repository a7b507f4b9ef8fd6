from django.core.management.base import BaseCommand
from django.db import transaction

from casehub import search
from casehub.crypto.keyring import clear_data_keys
from casehub.models import Case


class Command(BaseCommand):
    help = (
        "Make every live case's search terms again from its names, phones and e-mail "
        "(after upgrading to a version that makes them differently)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=200)

    def handle(self, *args, **options):
        cases = Case.objects.filter(data_key_wrapped__isnull=False).select_related("organization").order_by("pk")
        total, done = cases.count(), 0
        for case in cases.iterator(chunk_size=options["batch_size"]):
            with transaction.atomic():
                search.reindex(case)
            done += 1
            if done % options["batch_size"] == 0 or done == total:
                clear_data_keys()  # keys unwrapped for a batch are not kept for the next
                self.stdout.write(f"{done}/{total} cases")
        self.stdout.write(f"search terms rebuilt for {done} cases")
