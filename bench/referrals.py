"""Referrals at network scale: a coordinator's incoming queue and the deadline sweep.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/casehub_referrals .venv/bin/python bench/referrals.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/casehub_referrals .venv/bin/python bench/referrals.py --quick

Builds a throw-away test database next to DATABASE_URL's (test_<name>) with one shelter,
ten providers (each with a legal-aid service) and 100,000 referrals (--quick: 10,000), bulk
inserted: 2,000 cases (one data key each) with 50 needs each, one referral per need, spread over
the providers, 40% still open (sent, acknowledged, information requested, accepted, in
progress), the rest answered or closed. Deadline marks are spread over a month around "now",
with the reminders already sent for marks long past, so each sweep finds what a beat sweep
finds at scale: about 1% of referrals crossing 50%, 0.5% crossing 100% and 0.1% expiring
(--due-fraction scales these).

Timed:
- queue: GET /api/v1/referrals/incoming/ (first page, 25 referrals, overdue first, as on the queue page) with the
  busiest provider coordinator's API token, through authentication, selector and serializer;
  median of --repeat runs.
- sweep: referrals.sweep.referral_sweep once over the whole table (reminders to receivers
  at 50% and 100%, senders told at 100%, expiry at 200%, each through notify() with its
  dedupe key). Publishing each notification's e-mail task is stubbed out: delivery is a
  separate Celery task in production, not part of the sweep.

Last line:

    bench: referrals queue_ms=Q sweep_s=S
"""

import argparse
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
os.environ["DEBUG"] = "0"
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("LOG_LEVEL", "WARNING")
if "CASEHUB_MASTER_KEYS" not in os.environ and "CASEHUB_KEY_FILE" not in os.environ:
    import base64

    os.environ["CASEHUB_MASTER_KEYS"] = f"bench:{base64.b64encode(os.urandom(32)).decode()}"

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

OPEN = ["sent", "acknowledged", "information_requested", "accepted", "in_progress"]
CLOSED = ["declined", "completed", "failed", "withdrawn", "expired"]
STEP = {"sent": "acknowledge", "acknowledged": "decide", "accepted": "first_contact"}


def team(name: str, kind: str):
    from orgs import services
    from orgs.models import Organization, OrganizationStatus, Role, User

    organization = Organization.objects.create(name=name, kind=kind, country="MX", contact_email=f"{kind}@example.org")
    Organization.objects.filter(pk=organization.pk).update(status=OrganizationStatus.VETTED)
    organization.refresh_from_db()
    services.organization_role_groups_create(organization=organization)
    coordinator = User.objects.create_user(username=f"{name.lower().replace(' ', '-')}-coordinator", password="x")  # noqa: S106
    services.membership_add(organization=organization, user=coordinator, role=Role.COORDINATOR, by=None)
    return organization, coordinator


def build(size: int, rng: random.Random, due_fraction: float):
    from casehub.crypto.keyring import clear_data_keys, data_keys_assign
    from casehub.models import Case
    from directory.models import Service, TaxonomyTerm
    from orgs import services
    from referrals.models import Referral, ServiceNeed

    shelter, shelter_coordinator = team("Bench shelter", "shelter")
    kind = TaxonomyTerm.objects.get(code="legal_aid")
    providers = []
    for n in range(10):
        organization, coordinator = team(f"Provider {n}", "legal_aid")
        service = Service.objects.create(organization=organization, kind=kind, name=f"Legal aid {n}")
        providers.append((organization, coordinator, service))
    busiest = providers[0]
    _token, raw = services.api_token_create(user=busiest[1], name="bench", days=1)

    now = timezone.now()
    needs_per_case = 50
    cases = []
    with transaction.atomic():
        for i in range(max(1, size // needs_per_case)):
            cases.append(
                Case(organization=shelter, case_number=f"SHL-{i:06d}", age_band="25-34", identified_region="Jalisco")
            )
        data_keys_assign(cases)
        Case.objects.bulk_create(cases, batch_size=1000)
    clear_data_keys()
    batch = 10_000
    half_share, full_share, expire_share = 0.01 * due_fraction, 0.005 * due_fraction, 0.001 * due_fraction
    for offset in range(0, size, batch):
        count = min(batch, size - offset)
        with transaction.atomic():
            needs = [
                ServiceNeed(
                    case=cases[(offset + n) // needs_per_case], kind="legal_aid", created_by=shelter_coordinator
                )
                for n in range(count)
            ]
            ServiceNeed.objects.bulk_create(needs, batch_size=2000)
            rows = []
            for n, need in enumerate(needs):
                # The busiest provider gets 30% of the network's referrals.
                organization, _coordinator, service = busiest if rng.random() < 0.3 else rng.choice(providers[1:])
                state = rng.choice(OPEN) if rng.random() < 0.4 else rng.choice(CLOSED)
                sent = now - timedelta(days=rng.uniform(0, 30))
                row = Referral(
                    case=need.case,
                    need=need,
                    service=service,
                    from_organization=shelter,
                    to_organization=organization,
                    created_by=shelter_coordinator,
                    sent_by=shelter_coordinator,
                    state=state,
                    reference=f"R-B{offset + n:09d}",
                    need_kind="legal_aid",
                    urgency=rng.choice(["emergency", "urgent", "routine"]),
                    age_band="25-34",
                    region="Jalisco",
                    created_at=sent,
                    sent_at=sent,
                    state_changed_at=sent,
                )
                if state in STEP:
                    row.deadline_step = STEP[state]
                    row.clock_started_at = sent
                    roll = rng.random()
                    if roll < half_share:  # crossing 50% now
                        row.half_at, row.due_at = now - timedelta(minutes=1), now + timedelta(hours=3)
                    elif roll < half_share + full_share:  # crossing 100% now
                        row.half_at, row.due_at, row.reminders_sent = now - timedelta(hours=4), now, 1
                    else:  # marks in the future, or long past and already reminded
                        shift = timedelta(hours=rng.uniform(-300, 300))
                        row.half_at, row.due_at = now + shift - timedelta(hours=4), now + shift
                        row.reminders_sent = 2 if shift < timedelta(0) else 0
                        if row.half_at <= now and row.reminders_sent == 0:
                            row.reminders_sent = 1
                    if row.deadline_step != "first_contact":
                        if state == "sent" and roll > 1 - expire_share * 2.5:
                            row.expires_at = now - timedelta(minutes=1)
                        else:
                            row.expires_at = max(row.due_at, now) + timedelta(days=2)
                elif state in CLOSED:
                    row.answered_at = sent + timedelta(hours=rng.uniform(0.5, 72))
                rows.append(row)
            Referral.objects.bulk_create(rows, batch_size=2000)
        clear_data_keys()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return raw, busiest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10,000 referrals and 20 repetitions")
    parser.add_argument("--size", type=int, default=None)
    parser.add_argument("--repeat", type=int, default=None)
    parser.add_argument("--due-fraction", type=float, default=1.0)
    parser.add_argument("--explain", action="store_true", help="print the queue's query plan")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        print("bench: set DATABASE_URL to a PostgreSQL database (postgres://...)", file=sys.stderr)
    size = args.size or (10_000 if args.quick else 100_000)
    repeat = args.repeat or (20 if args.quick else 100)
    rng = random.Random(args.seed)

    setup_test_environment()
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    from notifications import services as notification_services
    from notifications.models import Notification
    from referrals.models import Referral
    from referrals.sweep import referral_sweep

    notification_services._publish_email = lambda notification_id: None
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False, serialize=False)
    try:
        started = time.perf_counter()
        raw, busiest = build(size, rng, args.due_fraction)
        open_count = Referral.objects.filter(to_organization=busiest[0], state__in=OPEN).count()
        print(f"built {size} referrals in {time.perf_counter() - started:.1f}s on {connection.vendor}")
        print(f"busiest provider: {open_count} open referrals")
        if args.explain:
            from referrals.selectors import QUEUE_ORDER

            queue = Referral.objects.filter(
                to_organization=busiest[0], state__in=OPEN[:3] + ["accepted", "in_progress", "on_hold"]
            )
            print(queue.order_by(*QUEUE_ORDER)[:50].explain(analyze=True))
        client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
        url = "/api/v1/referrals/incoming/"
        for _ in range(5):
            client.get(url)
        times = []
        for _ in range(repeat):
            begin = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - begin) * 1000)
            if response.status_code != 200 or len(response.json()) != 25:
                raise SystemExit(f"bench: {url} answered {response.status_code}: {response.content[:300]!r}")
        queue_ms = statistics.median(times)
        print(f"queue: {queue_ms:.2f} ms (median of {repeat}, first page of 25)")
        begin = time.perf_counter()
        counts = referral_sweep()
        sweep_s = time.perf_counter() - begin
        print(f"sweep: {sweep_s:.2f} s, {counts}, {Notification.objects.count()} notifications")
        again = referral_sweep()
        print(f"second sweep (nothing new): {again}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    print(f"bench: referrals queue_ms={queue_ms:.1f} sweep_s={sweep_s:.2f}")


if __name__ == "__main__":
    main()
