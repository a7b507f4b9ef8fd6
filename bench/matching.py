"""Matching through the API on a large directory: median and 95th percentile per query.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/casehub_directory .venv/bin/python bench/matching.py [--quick]

Builds a throw-away test database next to DATABASE_URL's (test_<name>), fills it with
10,000 services across 1,000 vetted organizations (--quick: 1,000 across 100), then times
GET /api/v1/directory/match/ for a signed-in coordinator. The last line is
`bench: matching p50_ms=M p95_ms=N`.
"""

import argparse
import base64
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("SECRET_KEY", "bench-secret-key-not-for-production-0123456789abcdef")
os.environ.setdefault("CASEHUB_HTTPS", "0")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("LOG_LEVEL", "WARNING")
# A throw-away master key: the benchmark's database is dropped at the end.
os.environ.setdefault("CASEHUB_MASTER_KEYS", f"bench:{base64.b64encode(os.urandom(32)).decode()}")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

REGIONS = [f"Region {n:02d}" for n in range(32)]
LANGUAGES = ["es", "en", "pt", "fr", "tl", "zh", "ar", "ht"]
KINDS_TO_ASK = ["shelter", "legal_aid", "legal_aid.labour", "medical", "mental_health", "interpretation"]
AGE_BANDS = ["12-17", "18-24", "25-59", ""]
GENDERS = ["female", "male", "non_binary", ""]


def build(organizations: int, services_per_org: int, rng: random.Random) -> None:
    from directory.models import (
        CapacityStatus,
        Language,
        Location,
        Service,
        ServiceArea,
        ServiceAtLocation,
        TaxonomyTerm,
        Visibility,
    )
    from orgs.models import Organization, OrganizationStatus

    terms = list(TaxonomyTerm.objects.all())
    now = timezone.now()
    orgs = Organization.objects.bulk_create(
        Organization(
            name=f"Bench organization {n}",
            kind="ngo",
            country="MX",
            contact_email=f"bench{n}@example.org",
            status=OrganizationStatus.VETTED if n % 20 else OrganizationStatus.SUSPENDED,
        )
        for n in range(organizations)
    )
    locations, services, links, languages, areas = [], [], [], [], []
    for org in orgs:
        region_index = rng.randrange(len(REGIONS))
        lat, lon = 14.5 + region_index * 0.5, -117 + region_index * 1.0
        for s in range(services_per_org):
            location = Location(
                organization=org,
                name=f"Site {org.pk}-{s}",
                region=REGIONS[region_index],
                latitude=lat + rng.uniform(-0.3, 0.3),
                longitude=lon + rng.uniform(-0.3, 0.3),
                visibility=rng.choice([Visibility.PUBLIC, Visibility.NETWORK, Visibility.CONFIDENTIAL]),
            )
            service = Service(
                organization=org,
                kind=rng.choice(terms),
                name=f"Service {org.pk}-{s}",
                accepting_referrals=rng.random() > 0.1,
                interpretation_available=rng.random() > 0.7,
                minimum_age=rng.choice([None, None, 12, 18]),
                maximum_age=rng.choice([None, None, 25, 60]),
                serves_male=rng.random() > 0.3,
                accompanied_children=rng.random() > 0.5,
                capacity_status=rng.choice(CapacityStatus.values),
                capacity_updated_at=now - timedelta(days=rng.randrange(0, 30)),
            )
            locations.append(location)
            services.append(service)
            links.append(ServiceAtLocation(service=service, location=location))
            for code in rng.sample(LANGUAGES, rng.randint(1, 3)):
                languages.append(Language(service=service, code=code))
            areas.append(ServiceArea(service=service, name=REGIONS[region_index], region=REGIONS[region_index]))
    Location.objects.bulk_create(locations, batch_size=2000)
    Service.objects.bulk_create(services, batch_size=2000)
    ServiceAtLocation.objects.bulk_create(links, batch_size=2000)
    Language.objects.bulk_create(languages, batch_size=5000)
    ServiceArea.objects.bulk_create(areas, batch_size=5000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def coordinator_client():
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY

    from orgs import services
    from orgs.models import Organization, OrganizationStatus, Role, User

    organization = Organization.objects.create(
        name="Bench caller",
        kind="ngo",
        country="MX",
        contact_email="caller@example.org",
        status=OrganizationStatus.VETTED,
    )
    services.organization_role_groups_create(organization=organization)
    user = User.objects.create_user(username="bench-coordinator", password=None)
    services.membership_add(organization=organization, user=user, role=Role.COORDINATOR, by=None)
    device = services.authenticator_add(user=user, bin_key=os.urandom(20))
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def query(rng: random.Random) -> dict:
    params = {"kind": rng.choice(KINDS_TO_ASK), "urgency": rng.choice(["routine", "soon", "emergency"])}
    if rng.random() < 0.5:
        params["region"] = rng.choice(REGIONS)
    else:
        index = rng.randrange(len(REGIONS))
        params["latitude"] = f"{14.5 + index * 0.5:.2f}"
        params["longitude"] = f"{-117 + index * 1.0:.2f}"
        params["max_km"] = "100"
    params["languages"] = ",".join(rng.sample(LANGUAGES, rng.randint(1, 2)))
    if band := rng.choice(AGE_BANDS):
        params["age_band"] = band
    if gender := rng.choice(GENDERS):
        params["gender"] = gender
    if rng.random() < 0.3:
        params["accept_waitlist"] = "true"
    return params


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1,000 services and 40 queries (under a minute)")
    parser.add_argument("--queries", type=int, default=None)
    parser.add_argument("--seed", type=int, default=6)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        print("bench: set DATABASE_URL to a PostgreSQL database (postgres://...)", file=sys.stderr)
    organizations, per_org = (100, 10) if args.quick else (1000, 10)
    queries = args.queries or (40 if args.quick else 300)
    rng = random.Random(args.seed)

    setup_test_environment()
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        started = time.perf_counter()
        build(organizations, per_org, rng)
        print(
            f"built {organizations * per_org} services across {organizations} organizations "
            f"in {time.perf_counter() - started:.1f}s on {connection.vendor}"
        )
        client = coordinator_client()
        for _ in range(5):  # warm-up: connections, caches, query plans
            client.get("/api/v1/directory/match/", query(rng))
        timings, results = [], []
        for _ in range(queries):
            params = query(rng)
            begin = time.perf_counter()
            response = client.get("/api/v1/directory/match/", params)
            timings.append((time.perf_counter() - begin) * 1000)
            if response.status_code != 200:
                raise SystemExit(f"bench: {params} answered {response.status_code}: {response.content[:300]!r}")
            results.append(len(response.json()["results"]))
        timings.sort()
        p50 = statistics.median(timings)
        p95 = timings[min(len(timings) - 1, round(0.95 * (len(timings) - 1)))]
        print(f"{queries} queries; results per query: median {statistics.median(results):.0f}, max {max(results)}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    print(f"bench: matching p50_ms={p50:.1f} p95_ms={p95:.1f}")


if __name__ == "__main__":
    main()
