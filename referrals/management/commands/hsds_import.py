import json

from django.core.management.base import BaseCommand, CommandError

from referrals.hsds.io import import_json, import_tabular


class Command(BaseCommand):
    help = "Import HSDS 3.0 JSON or a tabular zip, all or nothing; imported organizations await vetting."

    def add_arguments(self, parser):
        parser.add_argument("path", help="a .json file (Page, list or one service) or a tabular .zip")

    def handle(self, *args, path, **options):
        if path.endswith(".zip"):
            with open(path, "rb") as handle:
                report = import_tabular(handle.read())
        else:
            with open(path, encoding="utf-8") as handle:
                try:
                    data = json.load(handle)
                except ValueError as error:
                    raise CommandError(f"{path} is not JSON: {error}") from None
            report = import_json(data)
        for note in report.notes:
            self.stdout.write(f"note: {note}")
        if not report.ok:
            for rejection in report.rejections:
                self.stderr.write(f"rejected: {rejection}")
            raise CommandError(f"nothing imported: {len(report.rejections)} record(s) rejected")
        self.stdout.write(f"imported: {report.created}")
