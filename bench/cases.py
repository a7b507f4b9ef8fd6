"""Case list and exact-name search through the API: encrypted cases against a plain-field twin.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/casehub_api .venv/bin/python bench/cases.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/casehub_api .venv/bin/python bench/cases.py --quick

Builds a throw-away test database next to DATABASE_URL's (test_<name>) and fills one
organization with 100,000 cases (--quick: 10,000): one fresh data key per case
(data_keys_assign, on the case row), coded fields, an encrypted legal name (a third also have a preferred
name) and phone, and the search terms they give (casehub/search.py: words, sounds, national
number, each encrypted with its blind index), all with bulk inserts. The twin is a bench-only
model created with schema_editor: the same coded columns and indexes, with the names in plain
columns of a twin names table and the same search terms (words and sounds) in an indexed twin
terms table.

Timed through the Django test client with a coordinator's API token, in one run, alternating
the variants so machine drift is shared: the first page of GET /api/v1/cases/ (50 cases,
display names decrypted, the listing audited) against the same page from the twin, and
POST /api/v1/cases/search/ {"name": …} (every word by spelling or sound: index values narrowed
by ids, the survivors' terms decrypted and compared) against the twin's indexed word lookups. Both twins go through the same authentication, pagination, serializer and
audit, so the ratios show what encryption and blind indexes cost. Medians are reported; the
last line is

    bench: cases list_ms=L search_ms=S list_ratio=LR search_ratio=SR
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
os.environ["DEBUG"] = "0"  # DEBUG would keep every query in memory
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("LOG_LEVEL", "WARNING")
if "CASEHUB_MASTER_KEYS" not in os.environ and "CASEHUB_KEY_FILE" not in os.environ:
    import base64

    os.environ["CASEHUB_MASTER_KEYS"] = f"bench:{base64.b64encode(os.urandom(32)).decode()}"

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, models, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.urls import include, path  # noqa: E402
from django.utils import timezone  # noqa: E402
from rest_framework.response import Response  # noqa: E402
from rest_framework.views import APIView  # noqa: E402

from casehub import coding  # noqa: E402
from casehub.access import CaseAccess, CaseAction, CaseSet  # noqa: E402
from casehub.multichoice import MultiChoiceField  # noqa: E402
from casehub.pagination import CaseCursor  # noqa: E402
from casehub.search import group_of, name_words, terms_of, word_terms  # noqa: E402
from casehub.selectors import CaseRow  # noqa: E402
from casehub.serializers import CaseFilterInput, CaseListOutput  # noqa: E402
from orgs import fieldgroups  # noqa: E402

FIRST = [f"{a}{b}" for a in ("Ana", "Luz", "Mar", "Eva", "Sol", "Rosa", "Iris", "Noa") for b in ("", "ía", "ela")]
LAST = [f"{a}{b}" for a in ("García", "López", "Pérez", "Ramos", "Cruz", "Díaz", "Vega", "Rojas") for b in "ABCDEFGH"]


class PlainCase(models.Model):
    """The twin: Case's listed columns, with the display names in the clear."""

    uuid = models.UUIDField(unique=True)
    organization = models.ForeignKey("orgs.Organization", on_delete=models.CASCADE, related_name="+")
    case_number = models.CharField(max_length=32)
    external_reference = models.CharField(max_length=100, blank=True, default="")
    created_at = models.DateTimeField()
    status = models.CharField(max_length=10)
    risk_level = models.CharField(max_length=10)
    restricted = models.BooleanField(default=False)
    gender = models.CharField(max_length=30, blank=True)
    age_band = models.CharField(max_length=10)
    citizenship = MultiChoiceField()
    primary_language = models.CharField(max_length=3, blank=True)
    other_languages = MultiChoiceField()
    exploitation_types = MultiChoiceField()
    sexual_exploitation_types = MultiChoiceField()
    forced_labour_industry = models.CharField(max_length=60, blank=True)
    recruitment_methods = MultiChoiceField()
    recruitment_websites = MultiChoiceField()
    control_methods = MultiChoiceField()
    vulnerabilities = MultiChoiceField()
    trafficking_status = models.CharField(max_length=40, blank=True)
    identified_country = models.CharField(max_length=2, blank=True)
    identified_region = models.CharField(max_length=100, blank=True)
    needs = MultiChoiceField()

    class Meta:
        app_label = "casehub"
        db_table = "bench_plain_case"
        indexes = [models.Index(fields=["organization", "-created_at", "-id"], name="bench_plain_org_created")]


class PlainName(models.Model):
    case = models.ForeignKey(PlainCase, on_delete=models.CASCADE)
    kind = models.CharField(max_length=10)
    value = models.CharField(max_length=200, db_index=True)

    class Meta:
        app_label = "casehub"
        db_table = "bench_plain_name"


class PlainWord(models.Model):
    """The twin's search: the same terms as ours (words and sounds of names), in the clear, indexed."""

    case = models.ForeignKey(PlainCase, on_delete=models.CASCADE)
    word = models.CharField(max_length=200, db_index=True)

    class Meta:
        app_label = "casehub"
        db_table = "bench_plain_word"


class PlainCaseListApi(APIView):
    """The twin of CaseListApi: same authentication, filter parsing, pagination, serializer and audit."""

    def get(self, request):
        filters = CaseFilterInput(data=request.query_params)
        filters.is_valid(raise_exception=True)
        organization = request.user.membership.organization
        pager = CaseCursor(request)
        page, next_link = pager.page(CaseSet([PlainCase.objects.filter(organization=organization)]))
        return pager.response(plain_output(request, page), next_link)

    def post(self, request):
        """The twin of CaseSearchApi: every word of the name, by spelling or sound, at most 100 matches."""
        organization = request.user.membership.organization
        found = PlainCase.objects.filter(organization=organization)
        for word in name_words(request.data["name"]):
            found = found.filter(pk__in=PlainWord.objects.filter(word__in=word_terms(word)).values("case_id"))
        return Response({"results": plain_output(request, list(found.order_by("-created_at", "-id")[:100]))})


def plain_output(request, page) -> list:
    """Audit and serialize a page of twins as CaseListApi does: display names from one query."""
    from casehub.services import cases_listed

    cases_listed(cases=page, by=request.user, groups=["case_details", "identity"])
    names = {}
    for row in PlainName.objects.filter(case__in=[c.pk for c in page], kind__in=["preferred", "legal"]).order_by(
        "case_id", "id"
    ):
        if row.case_id not in names or row.kind == "preferred":
            names[row.case_id] = row.value
    every = CaseAccess(frozenset({CaseAction.VIEW}), frozenset({fieldgroups.IDENTITY, fieldgroups.CASE_DETAILS}))
    return CaseListOutput([CaseRow(case, every, names.get(case.pk, "")) for case in page], many=True).data


urlpatterns = [
    path("api/bench/plain-cases/", PlainCaseListApi.as_view()),
    path("", include("config.urls")),
]


def coded(rng: random.Random) -> dict:
    return {
        "status": rng.choice(["open", "active", "closed"]),
        "risk_level": rng.choice(["low", "medium", "high", "immediate"]),
        "gender": rng.choice(coding.Gender.values),
        "age_band": rng.choice(coding.AgeBand.values),
        "citizenship": [rng.choice(["MX", "HN", "GT", "SV", "VE"])],
        "primary_language": rng.choice(["es", "en", "pt"]),
        "exploitation_types": rng.sample(coding.ExploitationType.values, 2),
        "needs": rng.sample(coding.Need.values, 3),
        "vulnerabilities": rng.sample(coding.Vulnerability.values, 2),
        "trafficking_status": rng.choice(coding.TraffickingStatus.values),
        "identified_country": "MX",
        "identified_region": "Jalisco",
    }


def build(size: int, rng: random.Random):
    """One organization, its coordinator's token, `size` encrypted cases and `size` twin cases."""
    from casehub.crypto.keyring import clear_data_keys, data_keys_assign
    from casehub.models import Case, NameKind, SearchTerm, SurvivorName, SurvivorPhone
    from orgs import services
    from orgs.models import Organization, OrganizationStatus, Role, User

    organization = Organization.objects.create(
        name="Bench shelter", kind="shelter", country="MX", contact_email="bench@example.org"
    )
    Organization.objects.filter(pk=organization.pk).update(status=OrganizationStatus.VETTED)
    services.organization_role_groups_create(organization=organization)
    coordinator = User.objects.create_user(username="bench-coordinator", password="x")  # noqa: S106
    services.membership_add(organization=organization, user=coordinator, role=Role.COORDINATOR, by=None)
    _token, raw = services.api_token_create(user=coordinator, name="bench", days=1)

    start = timezone.now() - timedelta(days=400)
    names_used = []
    batch = 5000
    for offset in range(0, size, batch):
        count = min(batch, size - offset)
        with transaction.atomic():
            rows, plain = [], []
            for n in range(count):
                i = offset + n
                fields = coded(rng)
                created = start + timedelta(seconds=i * 300)
                number = f"SHL-2026-{i + 1:06d}"
                rows.append(Case(organization=organization, case_number=number, created_at=created, **fields))
                plain.append(
                    PlainCase(
                        uuid=rows[-1].uuid, organization=organization, case_number=number, created_at=created, **fields
                    )
                )
            data_keys_assign(rows)  # one fresh data key per case, on the case row
            Case.objects.bulk_create(rows, batch_size=1000)
            PlainCase.objects.bulk_create(plain, batch_size=1000)
            names, phones, plain_names, terms, words = [], [], [], [], []
            for case, twin in zip(rows, plain, strict=True):
                first = len(names)
                legal = f"{rng.choice(FIRST)} {rng.choice(LAST)} {rng.choice(LAST)}"
                names_used.append(legal)
                names.append(SurvivorName(case=case, kind=NameKind.LEGAL, value=legal))
                plain_names.append(PlainName(case=twin, kind="legal", value=legal))
                if rng.random() < 0.33:
                    preferred = rng.choice(FIRST)
                    names.append(SurvivorName(case=case, kind=NameKind.PREFERRED, value=preferred))
                    plain_names.append(PlainName(case=twin, kind="preferred", value=preferred))
                phones.append(SurvivorPhone(case=case, value=f"+52 33 {rng.randrange(10**8):08d}"))
                spoken = [name.value for name in names[first:]]
                for term in sorted(terms_of(names=spoken, phones=[phones[-1].value], country="MX")):
                    terms.append(SearchTerm(case=case, organization=organization, group=group_of(term), value=term))
                words.extend(PlainWord(case=twin, word=term) for term in sorted(terms_of(names=spoken)))
            SurvivorName.objects.bulk_create(names, batch_size=1000)
            SearchTerm.objects.bulk_create(terms, batch_size=1000)
            PlainWord.objects.bulk_create(words, batch_size=1000)
            SurvivorPhone.objects.bulk_create(phones, batch_size=1000)
            PlainName.objects.bulk_create(plain_names, batch_size=1000)
        clear_data_keys()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")  # as autovacuum leaves a loaded table: visibility map set
    return raw, names_used


def timed(client: Client, url: str, params: dict) -> float:
    """A list is a GET; a search is a POST with the name in the body (never in the URL)."""
    begin = time.perf_counter()
    response = client.post(url, params, content_type="application/json") if params else client.get(url)
    elapsed = (time.perf_counter() - begin) * 1000
    if response.status_code != 200:
        raise SystemExit(f"bench: {url} answered {response.status_code}: {response.content[:300]!r}")
    body = response.json()
    if not (body["results"] if isinstance(body, dict) else body):
        raise SystemExit(f"bench: {url} found nothing")
    return elapsed


def explain(user, name: str) -> None:
    """Print the plans of the encrypted list's and search's main queries (for indexes)."""
    from casehub.access import cases_for_user
    from casehub.selectors import case_search

    for part in cases_for_user(user).parts:
        print("list plan:\n" + part.order_by("-created_at", "-id")[:51].explain())
    for part in case_search(user, name=name).parts:
        print("search plan:\n" + part.order_by("-created_at", "-id")[:51].explain())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10,000 cases and 30 repetitions (under a minute)")
    parser.add_argument("--size", type=int, default=None)
    parser.add_argument("--repeat", type=int, default=None)
    parser.add_argument("--explain", action="store_true", help="print the query plans")
    parser.add_argument("--seed", type=int, default=4)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        print("bench: set DATABASE_URL to a PostgreSQL database (postgres://...)", file=sys.stderr)
    size = args.size or (10_000 if args.quick else 100_000)
    repeat = args.repeat or (30 if args.quick else 200)
    rng = random.Random(args.seed)

    setup_test_environment()
    settings.ROOT_URLCONF = __name__
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False, serialize=False)
    try:
        with connection.schema_editor() as editor:
            editor.create_model(PlainCase)
            editor.create_model(PlainName)
            editor.create_model(PlainWord)
        started = time.perf_counter()
        raw, names = build(size, rng)
        print(f"built {size} cases (and {size} twins) in {time.perf_counter() - started:.1f}s on {connection.vendor}")
        if args.explain:
            from orgs.services import api_token_lookup

            explain(api_token_lookup(raw).user, names[0])
        client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
        urls = {
            "list": ("/api/v1/cases/", "/api/bench/plain-cases/"),
            "search": ("/api/v1/cases/search/", "/api/bench/plain-cases/"),
        }

        def params(key: str, name: str) -> dict:
            return {"name": name} if key == "search" else {}

        for _ in range(5):  # warm-up: connection, caches, query plans
            for key, (ours, twin) in urls.items():
                timed(client, ours, params(key, names[0]))
                timed(client, twin, params(key, names[0]))
        times = {key: ([], []) for key in urls}
        for n in range(repeat):
            name = names[rng.randrange(len(names))]
            for key, (ours, twin) in urls.items():
                pair = [(0, ours), (1, twin)] if n % 2 == 0 else [(1, twin), (0, ours)]
                for index, url in pair:
                    times[key][index].append(timed(client, url, params(key, name)))
        medians = {key: (statistics.median(a), statistics.median(b)) for key, (a, b) in times.items()}
        for key, (ours, twin) in medians.items():
            print(f"{key}: encrypted {ours:.2f} ms, plain twin {twin:.2f} ms (medians of {repeat})")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    list_ms, list_twin = medians["list"]
    search_ms, search_twin = medians["search"]
    print(
        f"bench: cases list_ms={list_ms:.1f} search_ms={search_ms:.1f} "
        f"list_ratio={list_ms / list_twin:.2f} search_ratio={search_ms / search_twin:.2f}"
    )


if __name__ == "__main__":
    main()
