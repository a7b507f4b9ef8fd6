"""Demo services for `make run`, for the demo organizations of `load_demo`: idempotent, DEBUG only."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from directory import services
from directory.models import CapacityStatus, Service, TaxonomyTerm, Visibility
from directory.services import AreaInput, LocationInput, ServiceInput
from orgs.models import Organization

# organization name, location (name, visibility, region, lat, lon), services (name, kind, languages, capacity)
DEMO = [
    (
        "Casa Segura Shelter",
        ("Casa Segura house", Visibility.CONFIDENTIAL, "Jalisco", 20.67, -103.35),
        [
            ("Emergency shelter for women", "shelter", ["es", "en"], CapacityStatus.HAS_CAPACITY),
            ("Trauma counselling", "mental_health", ["es"], CapacityStatus.WAITLIST),
        ],
    ),
    (
        "Justicia Legal Aid",
        ("Justicia office", Visibility.PUBLIC, "Ciudad de México", 19.43, -99.13),
        [
            ("Visas for survivors", "legal_aid.immigration", ["es", "en", "fr"], CapacityStatus.HAS_CAPACITY),
            ("Unpaid wages claims", "legal_aid.labour", ["es"], CapacityStatus.ASSESSMENT_NEEDED),
        ],
    ),
    (
        "Línea Libre Hotline",
        ("Línea Libre (phone only)", Visibility.NETWORK, "Nacional", None, None),
        [("24-hour hotline", "hotline", ["es", "en", "ht"], CapacityStatus.HAS_CAPACITY)],
    ),
]


class Command(BaseCommand):
    help = "Load demo directory services for the demo organizations (run load_demo first)."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="load even with DEBUG off (never in production)")

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError("demo data is for development: run with DEBUG=1 (or --force on a throwaway database)")
        created = 0
        with transaction.atomic():
            for org_name, (loc_name, visibility, region, lat, lon), offered in DEMO:
                organization = Organization.objects.filter(name=org_name).first()
                if organization is None or organization.services.exists():
                    continue
                location = services.location_create(
                    organization=organization,
                    by=None,
                    data=LocationInput(
                        name=loc_name, visibility=visibility, region=region, latitude=lat, longitude=lon
                    ),
                )
                for name, kind, languages, capacity in offered:
                    service = services.service_create(
                        organization=organization,
                        by=None,
                        data=ServiceInput(
                            kind=TaxonomyTerm.objects.get(code=kind),
                            name=name,
                            languages=languages,
                            location_ids=[location.id],
                            areas=[AreaInput(name=region, region=region)]
                            if region != "Nacional"
                            else [AreaInput(name="MX", country="MX")],
                            intake_phone="+52 800 000 0000",
                        ),
                    )
                    services.service_capacity_update(service=service, by=None, status=capacity)
                    created += 1
        self.stdout.write(f"demo directory: {created} services added ({Service.objects.count()} in all)")
