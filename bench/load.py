"""A bounded load test of the production stack: gunicorn against 100,000 cases, driven by locust.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/casehub_load .venv/bin/python bench/load.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/casehub_load .venv/bin/python bench/load.py --quick

Builds, once, a PostgreSQL database named after DATABASE_URL's (<name>_load, or
<name>_load_quick with --quick) and reuses it while its marker (var/bench-load-<database>.json,
which also keeps the bench's master key, secret key and API tokens) says it was built at this
size; --rebuild drops and builds it again. The data: 100 vetted organizations (--quick: 10),
each with two coordinators and four caseworkers (API tokens), a legal-aid service, 1,000 cases
(--quick: 500) with a fresh data key each, an encrypted legal name (a third also a preferred
name), phone and narrative, and their search terms (casehub.search, blind-indexed), each case
assigned to a caseworker; referrals from other organizations' cases (history, and pending ones
topped up to --pending per organization before every locust run, so each has referrals to act
on) and notifications for every member.

Then it starts gunicorn on 127.0.0.1:8201 with production settings (DEBUG=0, CASEHUB_HTTPS=0,
CACHE_URL=redis://127.0.0.1:6379/9, no CELERY_BROKER_URL: tasks run eagerly inside the
request, e-mail to the dummy backend; sync workers, 2 * cores + 1, as measured best in
docs/BENCHMARKS.md), waits until it answers, and runs locust (bench/loadtest/locustfile.py)
headless: a warm-up, then steps of 10, 25 and 50 concurrent users, each for --duration
seconds, with no think time (--think S: S seconds between requests on average). Each user is a
member of one organization acting through the REST API with its own token (the mix is in the
locustfile). Per step it prints requests/s, p50 and p95 overall and per action, the errors (any
non-2xx/3xx answer or connection error), what PostgreSQL was doing (sampled: queries running,
queries waiting for a lock, above all for the audit chain's head row) and the CPU time per
request of gunicorn and of locust. gunicorn and locust are stopped on exit, on Ctrl-C and on
failure. The last line is

    bench: load rps_10=… p95_ms_10=… rps_25=… p95_ms_25=… rps_50=… p50_ms_50=… p95_ms_50=… errors=…
"""

import argparse
import base64
import csv
import json
import os
import random
import resource
import secrets
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
VAR = ROOT / "var"
LOCUSTFILE = ROOT / "bench" / "loadtest" / "locustfile.py"
BIN = Path(sys.executable).parent
PORT = 8201
STEPS = (10, 25, 50)

FIRST = [
    f"{a}{b}" for a in ("Ana", "Luz", "Mar", "Eva", "Sol", "Rosa", "Iris", "Noa", "Lía", "Ada") for b in ("", "ía")
]
LAST = [f"{a}{b}" for a in ("García", "López", "Pérez", "Ramos", "Cruz", "Díaz", "Vega", "Rojas") for b in "ABCDEFGH"]


def database_url(base: str, name: str) -> str:
    parts = urlsplit(base)
    return urlunsplit(parts._replace(path=f"/{name}"))


def settings_env(state: dict, url: str) -> dict:
    """The production-like environment of gunicorn (and of this process while it builds)."""
    return {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": url,
        "DEBUG": "0",
        "CASEHUB_HTTPS": "0",
        "SECRET_KEY": state["secret_key"],
        "CASEHUB_MASTER_KEYS": state["master_keys"],
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "CACHE_URL": "redis://127.0.0.1:6379/9",
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        "LOG_LEVEL": "WARNING",
    }


def django_setup(env: dict) -> None:
    os.environ.pop("CELERY_BROKER_URL", None)  # eager: tasks run in the request, as without a worker
    os.environ.pop("CASEHUB_KEY_FILE", None)
    os.environ.update(env)
    import django

    django.setup()


# Building ------------------------------------------------------------------------------------


def coded(rng: random.Random) -> dict:
    from casehub import coding

    return {
        "status": rng.choice(["open", "active"]),
        "risk_level": rng.choice(["low", "medium", "high"]),
        "gender": rng.choice(coding.Gender.values),
        "age_band": rng.choice(coding.AgeBand.values),
        "citizenship": [rng.choice(["MX", "HN", "GT", "SV", "VE"])],
        "primary_language": rng.choice(["es", "en", "pt"]),
        "exploitation_types": rng.sample(coding.ExploitationType.values, 2),
        "needs": rng.sample(coding.Need.values, 3),
        "vulnerabilities": rng.sample(coding.Vulnerability.values, 2),
        "identified_country": "MX",
        "identified_region": "Jalisco",
    }


def organization_build(index: int, cases: int, rng: random.Random) -> dict:
    """One vetted organization, its members and tokens, its service and its encrypted cases."""
    from django.db import transaction
    from django.utils import timezone

    from casehub.crypto.keyring import clear_data_keys, data_keys_assign
    from casehub.models import Case, NameKind, SearchTerm, SurvivorName, SurvivorPhone
    from casehub.search import group_of, terms_of
    from directory.models import Service, TaxonomyTerm
    from orgs import services
    from orgs.models import Organization, OrganizationStatus, Role, User

    organization = Organization.objects.create(
        name=f"Load organization {index}", kind="ngo", country="MX", contact_email=f"load{index}@example.org"
    )
    Organization.objects.filter(pk=organization.pk).update(status=OrganizationStatus.VETTED)
    organization.refresh_from_db()
    services.organization_role_groups_create(organization=organization)
    service = Service.objects.create(
        organization=organization, kind=TaxonomyTerm.objects.get(code="legal_aid"), name=f"Legal aid {index}"
    )
    members = {"coordinator": [], "caseworker": []}
    for role, count in ((Role.COORDINATOR, 2), (Role.CASEWORKER, 4)):
        for n in range(count):
            user = User.objects.create_user(username=f"load-{index}-{role}-{n}", password=None)
            services.membership_add(organization=organization, user=user, role=role, by=None)
            _token, raw = services.api_token_create(user=user, name="load bench", days=365)
            members[role].append({"id": user.pk, "token": raw, "cases": []})
    start = timezone.now() - timedelta(days=400)
    rows, names, phones, terms = [], [], [], []
    for i in range(cases):
        rows.append(
            Case(
                organization=organization,
                case_number=f"L{index}-{i + 1:05d}",
                created_at=start + timedelta(minutes=i * 500),
                updated_at=start + timedelta(minutes=i * 500),
                narrative="Met at the shelter intake; wants legal advice about documents and work.",
                **coded(rng),
            )
        )
    with transaction.atomic():
        data_keys_assign(rows)
        Case.objects.bulk_create(rows, batch_size=1000)
        sample = []
        for n, case in enumerate(rows):
            legal = f"{rng.choice(FIRST)} {rng.choice(LAST)} {rng.choice(LAST)}"
            spoken = [legal]
            names.append(SurvivorName(case=case, kind=NameKind.LEGAL, value=legal))
            if rng.random() < 0.33:
                spoken.append(rng.choice(FIRST))
                names.append(SurvivorName(case=case, kind=NameKind.PREFERRED, value=spoken[-1]))
            phone = f"+52 33 {rng.randrange(10**8):08d}"
            phones.append(SurvivorPhone(case=case, value=phone))
            for term in sorted(terms_of(names=spoken, phones=[phone], country="MX")):
                terms.append(SearchTerm(case=case, organization=organization, group=group_of(term), value=term))
            worker = members["caseworker"][n % len(members["caseworker"])]
            worker["cases"].append([str(case.uuid), legal])
            if n % 5 == 0:
                sample.append([str(case.uuid), legal])
        SurvivorName.objects.bulk_create(names, batch_size=1000)
        SurvivorPhone.objects.bulk_create(phones, batch_size=1000)
        SearchTerm.objects.bulk_create(terms, batch_size=2000)
        through = Case.assigned_caseworkers.through
        through.objects.bulk_create(
            [
                through(case_id=case.pk, user_id=members["caseworker"][n % len(members["caseworker"])]["id"])
                for n, case in enumerate(rows)
            ],
            batch_size=2000,
        )
    clear_data_keys()
    return {
        "id": organization.pk,
        "service": str(service.pk),
        "coordinators": members["coordinator"],
        "caseworkers": members["caseworker"],
        "cases": sample[:200],
    }


def referrals_add(organizations: list[dict], per_organization: int, state: str, rng: random.Random) -> None:
    """``per_organization`` referrals in ``state`` to each organization, from cases of the others."""
    from django.db import transaction
    from django.utils import timezone

    from casehub.models import Case
    from referrals.models import Referral, ServiceNeed

    if per_organization <= 0:
        return
    now = timezone.now()
    with transaction.atomic():
        needs, plans = [], []
        for target in organizations:
            others = [o for o in organizations if o is not target]
            for _ in range(per_organization):
                sender = rng.choice(others)
                case_uuid = rng.choice(sender["cases"])[0]
                plans.append((sender, target, case_uuid))
        cases = dict(Case.objects.filter(uuid__in={p[2] for p in plans}).values_list("uuid", "pk"))
        for sender, _target, case_uuid in plans:
            needs.append(
                ServiceNeed(
                    case_id=cases[uuid.UUID(case_uuid)],
                    kind="legal_aid",
                    created_by_id=sender["coordinators"][0]["id"],
                    status="open",
                )
            )
        ServiceNeed.objects.bulk_create(needs, batch_size=2000)
        rows = []
        for need, (sender, target, _case) in zip(needs, plans, strict=True):
            sent = now - timedelta(hours=rng.uniform(0.1, 3) if state == "sent" else rng.uniform(24, 2000))
            row = Referral(
                case_id=need.case_id,
                need=need,
                service_id=target["service"],
                from_organization_id=sender["id"],
                to_organization_id=target["id"],
                created_by_id=sender["coordinators"][0]["id"],
                sent_by_id=sender["coordinators"][0]["id"],
                state=state,
                reference=f"R-L{secrets.token_hex(6).upper()}",
                need_kind="legal_aid",
                urgency=rng.choice(["urgent", "routine"]),
                age_band="25-34",
                region="Jalisco",
                created_at=sent,
                sent_at=sent,
                state_changed_at=sent,
            )
            if state == "sent":  # the acknowledge clock runs, far from expiring
                row.deadline_step, row.clock_started_at = "acknowledge", sent
                row.half_at, row.due_at = now + timedelta(days=10), now + timedelta(days=20)
                row.expires_at = now + timedelta(days=40)
            else:
                row.answered_at = sent + timedelta(hours=rng.uniform(1, 48))
            rows.append(row)
        Referral.objects.bulk_create(rows, batch_size=2000)


def notifications_add(organizations: list[dict], per_member: int, rng: random.Random) -> None:
    from django.utils import timezone

    from notifications.models import EmailStatus, Notification, NotificationKind

    now = timezone.now()
    rows = []
    for organization in organizations:
        for member in organization["coordinators"] + organization["caseworkers"]:
            for n in range(per_member):
                case = rng.choice(member["cases"] or organization["cases"])
                rows.append(
                    Notification(
                        recipient_id=member["id"],
                        organization_id=organization["id"],
                        kind=rng.choice([NotificationKind.CASE_ASSIGNED, NotificationKind.REFERRAL_RECEIVED]),
                        link=f"/cases/{case[0]}/",
                        subject=f"L{n:05d}",
                        read_at=now if n % 2 else None,
                        email_status=EmailStatus.SENT,
                    )
                )
    Notification.objects.bulk_create(rows, batch_size=5000)
    Notification.objects.filter(created_at__gte=now).update(created_at=now - timedelta(days=1))


def build(organizations: int, cases: int, rng: random.Random) -> list[dict]:
    from django.db import connection

    built = []
    started = time.perf_counter()
    for index in range(organizations):
        built.append(organization_build(index, cases, rng))
        if index % 10 == 9:
            print(f"  {index + 1} organizations ({time.perf_counter() - started:.0f} s)", flush=True)
    referrals_add(built, 3, "declined", rng)
    referrals_add(built, 3, "completed", rng)
    notifications_add(built, 30, rng)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return built


def pending_top_up(organizations: list[dict], pending: int, rng: random.Random) -> dict:
    """Referrals waiting for each organization's answer, at least ``pending`` of them; returns
    {organization id: {"sent": [uuid...], "acknowledged": [uuid...]}} for the locustfile."""
    from referrals.models import Referral

    waiting = {o["id"]: {"sent": [], "acknowledged": []} for o in organizations}
    rows = Referral.objects.filter(state__in=["sent", "acknowledged"]).values_list("to_organization_id", "state", "pk")
    for organization_id, state, pk in rows:
        if organization_id in waiting:
            waiting[organization_id][state].append(pk)
    short = min(len(w["sent"]) + len(w["acknowledged"]) for w in waiting.values())
    if short < pending:
        referrals_add(organizations, pending - short, "sent", rng)
        return pending_top_up(organizations, pending, rng)
    uuids = dict(Referral.objects.filter(state__in=["sent", "acknowledged"]).values_list("pk", "uuid"))
    return {
        str(organization_id): {state: [str(uuids[pk]) for pk in pks] for state, pks in w.items()}
        for organization_id, w in waiting.items()
    }


def database_ready(base_url: str, name: str, marker: Path, size: tuple, rebuild: bool) -> dict:
    """The marker's state if the database is built at this size, else a fresh one to build with."""
    import psycopg

    if marker.exists() and not rebuild:
        state = json.loads(marker.read_text())
        if state.get("size") == list(size):
            try:
                psycopg.connect(database_url(base_url, name), autocommit=True).close()
                return state
            except psycopg.OperationalError:
                pass
    with psycopg.connect(database_url(base_url, "postgres"), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    marker.unlink(missing_ok=True)
    return {
        "size": list(size),
        "secret_key": secrets.token_urlsafe(50),
        "master_keys": f"load:{base64.b64encode(os.urandom(32)).decode()}",
        "organizations": None,
    }


# Running -------------------------------------------------------------------------------------


class Stack:
    """gunicorn and locust, each in its own process group, stopped with everything under it."""

    def __init__(self):
        self.processes = []

    def start(self, command: list[str], env: dict, log: Path) -> subprocess.Popen:
        out = open(log, "w")  # noqa: SIM115 (kept open for the process's life)
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
        self.processes.append(process)
        return process

    def stop(self) -> None:
        for process in reversed(self.processes):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in reversed(self.processes):
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        self.processes.clear()


def wait_until_serving(process: subprocess.Popen, log: Path, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"bench: gunicorn stopped (exit {process.returncode}):\n{log.read_text()[-3000:]}")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{PORT}/api/v1/me/", timeout=2)  # noqa: S310
        except urllib.error.HTTPError:
            return  # it answered (401/403 without a token)
        except OSError:
            time.sleep(0.3)
        else:
            return
    raise SystemExit("bench: gunicorn did not answer in time")


def locust_step(stack: Stack, env: dict, users: int, seconds: int, prefix: Path) -> dict:
    """One headless locust run at ``users`` concurrent users; the stats of its CSV, by action."""
    command = [
        str(BIN / "locust"),
        "-f",
        str(LOCUSTFILE),
        "--headless",
        "--only-summary",
        "--host",
        f"http://127.0.0.1:{PORT}",
        "-u",
        str(users),
        "-r",
        str(users),
        "-t",
        f"{seconds}s",
        "--stop-timeout",
        "10",
        "--csv",
        str(prefix),
        "--exit-code-on-error",
        "0",
    ]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    process = stack.start(command, env, prefix.with_suffix(".log"))
    if process.wait() != 0:
        raise SystemExit(f"bench: locust failed:\n{prefix.with_suffix('.log').read_text()[-3000:]}")
    stack.processes.remove(process)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    rows = {"locust_cpu": after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime}
    with open(f"{prefix}_stats.csv") as stats:
        for row in csv.DictReader(stats):
            rows[row["Name"]] = {
                "requests": int(row["Request Count"]),
                "errors": int(row["Failure Count"]),
                "rps": float(row["Requests/s"]),
                "p50": float(row["50%"]),
                "p95": float(row["95%"]),
            }
    return rows


class LockSampler(threading.Thread):
    """Samples pg_stat_activity while a step runs: how many queries run, and how many wait for a
    lock (and of those, for the audit chain's head row, which every audited request locks)."""

    def __init__(self, url: str, name: str):
        super().__init__(daemon=True)
        self.url, self.name = url, name
        self.samples, self.active, self.waiting, self.audit = 0, 0, 0, 0
        self.done = threading.Event()

    def run(self):
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as connection:
            while not self.done.wait(0.2):
                active, waiting, audit = connection.execute(
                    "SELECT count(*) FILTER (WHERE state = 'active'),"
                    " count(*) FILTER (WHERE wait_event_type = 'Lock'),"
                    " count(*) FILTER (WHERE wait_event_type = 'Lock' AND query ILIKE '%%audithead%%')"
                    " FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                    [self.name],
                ).fetchone()
                self.samples += 1
                self.active, self.waiting, self.audit = self.active + active, self.waiting + waiting, self.audit + audit

    def summary(self) -> str:
        self.done.set()
        self.join()
        n = max(1, self.samples)
        return (
            f"  PostgreSQL, mean of {self.samples} samples: {self.active / n:.1f} queries running,"
            f" {self.waiting / n:.1f} waiting for a lock ({self.audit / n:.1f} for the audit head)"
        )


def cpu_seconds(pid: int) -> float:
    """CPU time (user and system) of a process and its children (gunicorn's workers)."""
    import psutil

    root = psutil.Process(pid)
    return sum(sum(p.cpu_times()[:2]) for p in [root, *root.children(recursive=True)])


def load_average() -> str:
    return " ".join(f"{figure:.2f}" for figure in os.getloadavg())


def report(users: int, rows: dict) -> None:
    print(f"{users} users:")
    print(f"  {'action':<22} {'requests':>9} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'errors':>7}")
    for name, row in sorted(
        ((k, v) for k, v in rows.items() if k != "locust_cpu"), key=lambda item: (item[0] == "Aggregated", item[0])
    ):
        label = "all" if name == "Aggregated" else name
        print(
            f"  {label:<22} {row['requests']:>9} {row['rps']:>7.1f} {row['p50']:>7.0f} {row['p95']:>7.0f}"
            f" {row['errors']:>7}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="5,000 cases over 10 organizations, 3 s steps")
    parser.add_argument("--rebuild", action="store_true", help="build the database again even if it is there")
    parser.add_argument("--duration", type=int, default=None, help="seconds per step (60; --quick 3)")
    parser.add_argument("--warmup", type=int, default=None, help="seconds of warm-up at 10 users (10; --quick 1)")
    parser.add_argument("--workers", type=int, default=None, help="gunicorn workers (2 * cores + 1)")
    parser.add_argument("--threads", type=int, default=1, help="gunicorn threads per worker (above 1: gthread)")
    parser.add_argument("--pending", type=int, default=None, help="referrals waiting per organization (100)")
    parser.add_argument("--think", type=float, default=0, help="seconds a user waits between requests, on average")
    parser.add_argument("--seed", type=int, default=16)
    args = parser.parse_args()
    base_url = os.environ.get("DATABASE_URL", "")
    if not base_url.startswith(("postgres://", "postgresql://")):
        print("bench: set DATABASE_URL to a PostgreSQL database (postgres://...)", file=sys.stderr)
        raise SystemExit(2)
    organizations, cases = (10, 500) if args.quick else (100, 1000)
    duration = args.duration or (3 if args.quick else 60)
    warmup = args.warmup if args.warmup is not None else (1 if args.quick else 10)
    workers = args.workers or 2 * (os.cpu_count() or 1) + 1
    pending = args.pending or (40 if args.quick else 100)
    rng = random.Random(args.seed)

    VAR.mkdir(exist_ok=True)
    name = urlsplit(base_url).path.lstrip("/") + ("_load_quick" if args.quick else "_load")
    marker = VAR / f"bench-load-{name}.json"
    state = database_ready(base_url, name, marker, (organizations, cases), args.rebuild)
    url = database_url(base_url, name)
    env = settings_env(state, url)
    django_setup(env)
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("migrate", verbosity=0)  # a reused database follows the code's migrations too
    if state["organizations"] is None:
        state["organizations"] = build(organizations, cases, rng)
        marker.write_text(json.dumps(state))
        print(
            f"built {organizations * cases} cases over {organizations} organizations in "
            f"{time.perf_counter() - started:.0f} s"
        )
    else:
        print(f"reusing {name}: {organizations * cases} cases over {organizations} organizations")
    plan_file = VAR / f"bench-load-{name}-plan.json"

    def plan() -> None:
        """Before each locust run: the referrals still waiting (earlier runs answered some)."""
        from django.db import connections

        waiting = pending_top_up(state["organizations"], pending, rng)
        plan_file.write_text(json.dumps({"organizations": state["organizations"], "waiting": waiting}))
        connections.close_all()

    stack = Stack()
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    results = {}
    try:
        server_env = {**os.environ, **env, "PYTHONUNBUFFERED": "1"}
        kind = ["--worker-class", "gthread", "--threads", str(args.threads)] if args.threads > 1 else []
        log = VAR / "bench-load-gunicorn.log"
        gunicorn = stack.start(
            [str(BIN / "gunicorn"), "config.wsgi", "--bind", f"127.0.0.1:{PORT}", "--workers", str(workers), *kind],
            server_env,
            log,
        )
        wait_until_serving(gunicorn, log)
        print(f"gunicorn: {workers} workers" + (f", gthread, {args.threads} threads each" if kind else ", sync"))
        think = f"think time {args.think:g} s on average" if args.think else "no think time"
        print(f"load: REST API with API tokens, {think}; load average {load_average()}")
        locust_env = {**os.environ, "LOAD_PLAN": str(plan_file), "LOAD_THINK": str(args.think), "PYTHONUNBUFFERED": "1"}
        if warmup:
            plan()
            locust_step(stack, locust_env, STEPS[0], warmup, VAR / "bench-load-warmup")
        for users in STEPS:
            plan()
            sampler = LockSampler(url, name)
            sampler.start()
            app = cpu_seconds(gunicorn.pid)
            results[users] = locust_step(stack, locust_env, users, duration, VAR / f"bench-load-{users}")
            app = cpu_seconds(gunicorn.pid) - app
            report(users, results[users])
            print(sampler.summary())
            count = max(1, results[users]["Aggregated"]["requests"])
            locust = results[users]["locust_cpu"]
            print(
                f"  CPU per request: gunicorn {app / count * 1000:.1f} ms, locust {locust / count * 1000:.1f} ms;"
                f" gunicorn used {app / duration:.2f} cores; load average {load_average()}"
            )
    finally:
        stack.stop()
    print(f"load average after: {load_average()}")
    errors = sum(rows["Aggregated"]["errors"] for rows in results.values())
    figures = " ".join(
        f"rps_{users}={rows['Aggregated']['rps']:.1f} p95_ms_{users}={rows['Aggregated']['p95']:.0f}"
        for users, rows in results.items()
        if users != STEPS[-1]
    )
    last = results[STEPS[-1]]["Aggregated"]
    print(
        f"bench: load {figures} rps_50={last['rps']:.1f} p50_ms_50={last['p50']:.0f} "
        f"p95_ms_50={last['p95']:.0f} errors={errors}"
    )


if __name__ == "__main__":
    main()
