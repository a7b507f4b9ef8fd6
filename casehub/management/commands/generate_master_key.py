from django.core.management.base import BaseCommand, CommandError

from casehub.crypto.errors import KeyConfigurationError
from casehub.crypto.keys import new_master_key_entry


class Command(BaseCommand):
    help = (
        "Print a new master key entry (id:base64key). Put it first in CASEHUB_MASTER_KEYS or the key file "
        "to make it the active key; keep the older keys listed until rotate_master_key has finished."
    )

    def add_arguments(self, parser):
        parser.add_argument("--id", default="", help="key id (1-16 letters, digits, - or _); default k<YYYYMMDD>")

    def handle(self, *args, **options):
        from django.utils import timezone

        key_id = options["id"] or timezone.now().strftime("k%Y%m%d")
        try:
            self.stdout.write(new_master_key_entry(key_id))
        except KeyConfigurationError as exc:
            raise CommandError(str(exc)) from None
