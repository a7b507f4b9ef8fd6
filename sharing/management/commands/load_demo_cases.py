"""Demo cases for `make run`: a few fictional cases of the demo shelter, one shared with the
demo legal aid under the survivor's consent. Idempotent, DEBUG only."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from casehub.grants import ConsentDecision, ConsentMethod, Purpose
from casehub.models import Case
from casehub.services import case_create
from orgs import fieldgroups
from orgs.models import Membership, Organization, Role
from sharing.services import consent_record, share_create

# Fictional people only.
CASES = [
    {"legal_name": "María Demo Ejemplo", "gender": "Feminine", "age_band": "18-24", "narrative": "Demo narrative."},
    {"legal_name": "Jean Demo Exemple", "gender": "Masculine", "age_band": "25-34"},
    {"legal_name": "Ana Demo Prueba", "gender": "Feminine", "age_band": "12-17"},
]


class Command(BaseCommand):
    help = "Load demo cases and one consented share (run load_demo first)."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="load even with DEBUG off (never in production)")

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError("demo data is for development: run with DEBUG=1 (or --force on a throwaway database)")
        shelter = Organization.objects.filter(name="Casa Segura Shelter").first()
        legal = Organization.objects.filter(name="Justicia Legal Aid").first()
        if shelter is None or legal is None or Case.objects.filter(organization=shelter).exists():
            self.stdout.write("demo cases: nothing to do")
            return
        coordinator = Membership.objects.get(organization=shelter, role=Role.COORDINATOR, is_active=True).user
        caseworker = Membership.objects.get(organization=shelter, role=Role.CASEWORKER, is_active=True).user
        with transaction.atomic():
            cases = [case_create(organization=shelter, by=coordinator, **details) for details in CASES]
            for case in cases:
                case.assigned_caseworkers.add(caseworker)
            groups = [fieldgroups.IDENTITY, fieldgroups.CASE_DETAILS, fieldgroups.NOTES]
            consent_record(
                case=cases[0],
                by=coordinator,
                decision=ConsentDecision.GRANTED,
                method=ConsentMethod.WRITTEN,
                provisions=[{"recipient_organization": legal, "field_groups": groups, "purposes": [Purpose.LEGAL]}],
            )
            share_create(
                case=cases[0], by=coordinator, to_organization=legal, field_groups=groups, purpose=Purpose.LEGAL
            )
        self.stdout.write(f"demo cases: {len(cases)} cases, one shared with {legal.name}")
