import getpass

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from audit.services import audit_record
from orgs.models import User


class Command(BaseCommand):
    help = "Create a platform admin (vets organizations; never sees case content). Asks for the password."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("email")

    def handle(self, *args, username, email, **options):
        if User.objects.filter(username__iexact=username).exists():
            raise CommandError("that username is taken")
        password = getpass.getpass("Password: ")
        if password != getpass.getpass("Password again: "):
            raise CommandError("the passwords differ")
        user = User(username=username, email=email, is_platform_admin=True)
        try:
            password_validation.validate_password(password, user)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        user.set_password(password)
        with transaction.atomic():
            user.save()
            audit_record("platform_admin.created", target=user)
        self.stdout.write(f"created {username}; they set up their second factor at first sign-in")
