"""Demo data for `make run`: idempotent, and refused outside DEBUG unless forced."""

import base64
import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from orgs import services
from orgs.models import Authenticator, Membership, Organization, OrganizationReference, OrganizationStatus, Role, User

DEMO_PASSWORD = "casehub-demo-2026"

ORGANIZATIONS = [
    ("shelter", "Casa Segura Shelter", "shelter", "MX", "Jalisco", ["es", "en"]),
    ("legal", "Justicia Legal Aid", "legal_aid", "MX", "Ciudad de México", ["es", "en", "fr"]),
    ("hotline", "Línea Libre Hotline", "hotline", "MX", "Nacional", ["es", "en", "ht"]),
]


class Command(BaseCommand):
    help = "Load demo organizations and accounts (idempotent) and print how to sign in."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="load even with DEBUG off (never in production)")

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError("demo data is for development: run with DEBUG=1 (or --force on a throwaway database)")
        with transaction.atomic():
            accounts = self._load()
        self.stdout.write(f"\nDemo accounts (password for all: {DEMO_PASSWORD})\n")
        self.stdout.write("Second factor: a recovery code below, or add the key to an authenticator app.\n\n")
        for username, label, secret, codes in accounts:
            self.stdout.write(f"  {username:<22} {label}\n")
            self.stdout.write(f"      authenticator key: {secret}\n")
            self.stdout.write(f"      recovery codes:    {' '.join(codes[:3])}\n")

    def _user(self, username, email, **extra):
        user, created = User.objects.get_or_create(username=username, defaults={"email": email, **extra})
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        return user

    def _second_factor(self, user):
        device = Authenticator.objects.filter(user=user, confirmed=True).first()
        if device is None:
            device = services.authenticator_add(user=user, bin_key=os.urandom(20))
        codes = services.recovery_codes_generate(user=user)
        return base64.b32encode(device.bin_key).decode(), codes

    def _load(self):
        accounts = []
        admin = self._user("platform-admin", "platform-admin@example.org", is_platform_admin=True)
        accounts.append((admin.username, "platform admin", *self._second_factor(admin)))
        vetted = []
        for slug, name, kind, country, region, languages in ORGANIZATIONS:
            org, created = Organization.objects.get_or_create(
                name=name,
                defaults={
                    "kind": kind,
                    "country": country,
                    "region": region,
                    "languages": languages,
                    "contact_email": f"contact@{slug}.example.org",
                    "description": f"Demo {kind.replace('_', ' ')} organization.",
                    "status": OrganizationStatus.VETTED,
                    "documents_checked": True,
                    "contact_verified": True,
                },
            )
            if created:
                services.organization_role_groups_create(organization=org)
            vetted.append(org)
            for role in Role.values:
                username = f"{slug}-{role.replace('_', '-')}"
                user = self._user(username, f"{username}@example.org")
                if not Membership.objects.filter(user=user, is_active=True).exists():
                    services.membership_add(organization=org, user=user, role=role, by=admin)
                accounts.append((username, f"{Role(role).label}, {name}", *self._second_factor(user)))
        if not Organization.objects.filter(name="Nueva Esperanza NGO").exists():
            applicant = Organization.objects.create(
                name="Nueva Esperanza NGO",
                kind="ngo",
                country="GT",
                region="Quetzaltenango",
                languages=["es"],
                contact_email="contact@nueva.example.org",
                description="Demo applicant organization.",
            )
            services.organization_role_groups_create(organization=applicant)
            user = self._user("applicant-admin", "applicant-admin@example.org")
            services.membership_add(organization=applicant, user=user, role=Role.ORG_ADMIN, by=None)
            for referee in vetted[:2]:
                OrganizationReference.objects.create(applicant=applicant, referee=referee)
        applicant_admin = User.objects.get(username="applicant-admin")
        accounts.append(
            ("applicant-admin", "org admin of a pending application", *self._second_factor(applicant_admin))
        )
        return accounts
