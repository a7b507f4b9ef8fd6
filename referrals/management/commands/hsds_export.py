import json

from django.core.management.base import BaseCommand

from referrals.hsds.io import export_json, export_tabular


class Command(BaseCommand):
    help = (
        "Export the directory of vetted organizations in HSDS 3.0 (JSON or tabular zip); never confidential locations."
    )

    def add_arguments(self, parser):
        parser.add_argument("output", help="file to write (.json or .zip)")
        parser.add_argument("--scope", choices=["public", "network"], default="public")

    def handle(self, *args, output, scope, **options):
        if output.endswith(".zip"):
            with open(output, "wb") as handle:
                handle.write(export_tabular(scope=scope))
        else:
            with open(output, "w", encoding="utf-8") as handle:
                json.dump(export_json(scope=scope), handle, indent=2, ensure_ascii=False)
        self.stdout.write(f"wrote {output} ({scope} scope)")
