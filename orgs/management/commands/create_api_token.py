from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from orgs.models import User
from orgs.services import api_token_create


class Command(BaseCommand):
    help = "Create a personal API token for USERNAME and print it once."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="created by an operator")
        parser.add_argument("--days", type=int, default=90)

    def handle(self, *args, username, name, days, **options):
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError("no active user with that username")
        try:
            _token, raw = api_token_create(user=user, name=name, days=days)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(raw)
