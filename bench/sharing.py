"""Visible cases at a million cases: the case list API, and casehub.access against django-guardian.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/casehub_proof .venv/bin/python bench/sharing.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/casehub_proof .venv/bin/python bench/sharing.py --quick

Builds a throw-away test database next to DATABASE_URL's (test_<name>) and loads, in bulk SQL
(INSERT ... SELECT generate_series), the data of docs/research (authz.md §2): 1,000 vetted
organizations with Zipf-like sizes (the largest has ~95,000 cases), 20,000 users (per
organization: an org admin, a tenth coordinators, the rest caseworkers; members of their role
groups), 1,000,000 cases (each assigned to one caseworker of its organization, 5% restricted,
updated_at spread over 400 days) and 50,000 shared cases: one consent, one CaseShare and the
grant rows sharing.services._grant writes (view_case plus view_case_<group> per shared field
group, for the recipient's caseworker and coordinator groups, ending with the share or, earlier,
its consent). Recipients are drawn uniformly (as in the research); 5% of the shares have expired
and 5% rest on a consent that ended an hour ago, without the clean-up task having run (their
grants are still there, reads must ignore them). Encrypted fields stay NULL, no names are stored
and data keys are dummy bytes: nothing is decrypted. --quick: 100,000 cases, 100 organizations,
2,000 users, 5,000 shares.

The guardian side is the design a guardian-only application needs: per-case rows for
own-organization access. Bench-only direct-foreign-key tables (NaiveCase{User,Group}
ObjectPermission, guardian's base classes, created with schema_editor, `enabled = False` so the
application never sees them) hold view_case for every case to its owner's coordinator group,
view_case for every assigned case to its caseworker (a user row), and view_case for every live
share to the recipient's two role groups (the naive design deletes grants when shares end).
guardian's own get_objects_for_user(user, "casehub.view_case", Case, accept_global_perms=False,
with_superuser=False) runs unchanged, its model lookup pointed at those tables.

Timed, in one run, for a coordinator and a caseworker of the largest organization, alternating
the variants so machine drift is shared:

- the path users hit: GET /api/v1/cases/?scope=all (the first page, 50 cases) and
  GET /api/v1/cases/count/?scope=all, with the user's API token, through the Django test client
  (middleware, token authentication, the actor, the UNION ALL page or count, the rows' accesses,
  serialization and the audit record of the listing);
- the visible-set query alone, against guardian's: the first page (25 rows by -updated_at, -id,
  the list page's order) of casehub.access.cases_for_user and its count, and the first page (and
  count) of get_objects_for_user's queryset, each call with the user freshly loaded.

Before timing, for both users, the visible set of cases_for_user, guardian's and a brute-force
reference written in SQL from the loaded rows must be the same set, with the same count, and the
API's first page the same cases as cases_for_user's first page in the API's order. Medians are
reported; each figure is the worse of the two users; the last line is

    bench: sharing api_page_ms=A api_count_ms=C page_ms=P count_ms=N guardian_page_ms=G speedup=S same_set=1

(speedup = guardian_page_ms / page_ms: the visible-set query against guardian's.)
"""

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path
from unittest import mock

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

from django.db import connection, models  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase  # noqa: E402

from casehub.models import Case  # noqa: E402
from orgs import fieldgroups  # noqa: E402


class NaiveCaseUserObjectPermission(UserObjectPermissionBase):
    """A guardian-only design's per-case user rows (bench only; the application never reads it)."""

    enabled = False
    content_object = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")

    class Meta(UserObjectPermissionBase.Meta):
        abstract = False
        app_label = "casehub"
        db_table = "bench_naive_case_user_perm"


class NaiveCaseGroupObjectPermission(GroupObjectPermissionBase):
    """A guardian-only design's per-case group rows (bench only)."""

    enabled = False
    content_object = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")

    class Meta(GroupObjectPermissionBase.Meta):
        abstract = False
        app_label = "casehub"
        db_table = "bench_naive_case_group_perm"


def zipf_sizes(total: int, organizations: int, largest_share: float) -> list[int]:
    """Organization sizes 1/k^s, the exponent chosen so the largest holds ``largest_share`` of all."""
    low, high = 0.1, 3.0
    for _ in range(60):
        s = (low + high) / 2
        weights = [k**-s for k in range(1, organizations + 1)]
        if weights[0] / sum(weights) > largest_share:
            high = s
        else:
            low = s
    sizes = [max(1, round(total * w / sum(weights))) for w in weights]
    sizes[0] += total - sum(sizes)
    return sizes


def insert_select(model, columns: dict[str, str], from_sql: str, params=()) -> int:
    """INSERT INTO model's table SELECT: ``columns`` maps attnames to SQL; every other NOT NULL
    column gets its Python default as a parameter; nullable ones stay NULL."""
    names, values, defaults = [], [], []
    for field in model._meta.concrete_fields:
        if field.primary_key and field.attname not in columns:
            continue
        if field.attname in columns:
            names.append(field.column)
            values.append(columns[field.attname])
        elif not field.null:
            names.append(field.column)
            values.append("%s")
            defaults.append(field.get_db_prep_save(field.get_default(), connection))
    sql = f"INSERT INTO {model._meta.db_table} ({', '.join(names)}) SELECT {', '.join(values)} {from_sql}"
    with connection.cursor() as cursor:
        cursor.execute(sql, [*defaults, *params])
        return cursor.rowcount


def execute(sql: str, params=()) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def copy_rows(table: str, columns: list[str], rows) -> None:
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def build(cases: int, organizations: int, users: int, shares: int, rng: random.Random) -> dict:
    from django.contrib.auth.models import Group, Permission
    from django.contrib.contenttypes.models import ContentType

    from casehub.grants import VIEW_CASE, CaseGroupObjectPermission, CaseShare, Consent
    from casehub.grants import group_codename as share_codename
    from orgs import capabilities
    from orgs.models import Membership, Organization, OrganizationGroupObjectPermission, OrgRoleGroup, Role, User

    # Organizations, role groups and their default capabilities (a few thousand rows: the ORM).
    case_sizes = zipf_sizes(cases, organizations, 0.095)
    orgs = Organization.objects.bulk_create(
        Organization(
            name=f"Bench organization {i}",
            kind="ngo",
            country="MX",
            contact_email=f"org{i}@example.org",
            status="vetted",
        )
        for i in range(organizations)
    )
    groups = Group.objects.bulk_create(Group(name=f"org:{o.uuid}:{role}") for o in orgs for role in Role.values)
    role_groups = OrgRoleGroup.objects.bulk_create(
        OrgRoleGroup(organization=o, role=role, group=groups[i * len(Role.values) + j])
        for i, o in enumerate(orgs)
        for j, role in enumerate(Role.values)
    )
    org_permissions = {
        p.codename: p for p in Permission.objects.filter(content_type=ContentType.objects.get_for_model(Organization))
    }
    OrganizationGroupObjectPermission.objects.bulk_create(
        (
            OrganizationGroupObjectPermission(
                content_object_id=rg.organization_id, group_id=rg.group_id, permission=org_permissions[codename]
            )
            for rg in role_groups
            for codename in capabilities.DEFAULTS[rg.role]
        ),
        batch_size=5000,
    )

    # Users: per organization an org admin, a tenth coordinators, the rest caseworkers.
    user_sizes = [max(3, round(users * size / cases)) for size in case_sizes]
    execute("CREATE TEMP TABLE bench_org (org_id int PRIMARY KEY, idx int, cases int, users int, coords int, ncw int)")
    copy_rows(
        "bench_org",
        ["org_id", "idx", "cases", "users", "coords", "ncw"],
        (
            (
                o.pk,
                i,
                case_sizes[i],
                user_sizes[i],
                max(1, user_sizes[i] // 10),
                user_sizes[i] - 1 - max(1, user_sizes[i] // 10),
            )
            for i, o in enumerate(orgs)
        ),
    )
    execute(
        """CREATE TEMP TABLE bench_user AS
        SELECT o.org_id, 'bench-' || o.idx || '-' || g AS username,
               CASE WHEN g = 1 THEN 'org_admin' WHEN g <= 1 + o.coords THEN 'coordinator' ELSE 'caseworker' END AS role,
               g - 2 - o.coords AS cw_n, NULL::bigint AS user_id
        FROM bench_org o, generate_series(1, o.users) g"""
    )
    insert_select(
        User,
        {
            "password": "'!'",
            "username": "b.username",
            "email": "b.username || '@example.org'",
            "uuid": "gen_random_uuid()",
        },
        "FROM bench_user b",
    )
    execute("UPDATE bench_user b SET user_id = u.id FROM orgs_user u WHERE u.username = b.username")
    execute("CREATE INDEX ON bench_user (org_id, role, cw_n)")
    insert_select(
        Membership,
        {"user_id": "b.user_id", "organization_id": "b.org_id", "role": "b.role", "started_at": "now()"},
        "FROM bench_user b",
    )
    execute(
        f"""INSERT INTO {User.groups.through._meta.db_table} (user_id, group_id)
        SELECT b.user_id, rg.group_id FROM bench_user b
        JOIN {OrgRoleGroup._meta.db_table} rg ON rg.organization_id = b.org_id AND rg.role = b.role"""
    )

    # Cases, each assigned to one caseworker of its organization.
    insert_select(
        Case,
        {
            "uuid": "gen_random_uuid()",
            "organization_id": "o.org_id",
            "case_number": "'B-' || o.idx || '-' || g",
            "created_at": "now() - interval '500 days'",
            "data_key_id": "o.org_id::bigint * 1000000 + g",
            "data_key_wrapped": "'\\x00'::bytea",
            "data_key_master_id": "'bench'",
            "restricted": "random() < 0.05",
            "updated_at": "now() - random() * interval '400 days'",
        },
        "FROM bench_org o, generate_series(1, o.cases) g",
    )
    execute(
        f"""INSERT INTO {Case.assigned_caseworkers.through._meta.db_table} (case_id, user_id)
        SELECT c.id, b.user_id FROM casehub_case c JOIN bench_org o ON o.org_id = c.organization_id
        JOIN bench_user b ON b.org_id = c.organization_id AND b.role = 'caseworker' AND b.cw_n = c.id %% o.ncw"""
    )

    # Shares: one consent, one share and its grants per shared case, recipients drawn uniformly.
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, organization_id FROM casehub_case ORDER BY random() LIMIT {shares}")
        shared = cursor.fetchall()
    org_ids = [o.pk for o in orgs]
    rows, perms = [], []
    for case_id, from_org in shared:
        to_org = rng.choice(org_ids)
        if to_org == from_org:
            to_org = org_ids[(org_ids.index(to_org) + 1) % len(org_ids)]
        groups_shared = rng.sample(sorted(fieldgroups.ALL), rng.randint(1, 3))
        ending = rng.random()
        expired, consent_ended = ending < 0.05, 0.05 <= ending < 0.10
        rows.append((case_id, from_org, to_org, "|" + "|".join(sorted(groups_shared)) + "|", expired, consent_ended))
        perms += [(case_id, VIEW_CASE)] + [(case_id, share_codename(g)) for g in groups_shared]
    execute(
        "CREATE TEMP TABLE bench_share (case_id bigint PRIMARY KEY, from_org int, to_org int, groups text,"
        " expired bool, consent_ended bool)"
    )
    copy_rows("bench_share", ["case_id", "from_org", "to_org", "groups", "expired", "consent_ended"], rows)
    execute("CREATE TEMP TABLE bench_share_perm (case_id bigint, codename text)")
    copy_rows("bench_share_perm", ["case_id", "codename"], perms)
    first_coordinator = (
        "(SELECT user_id FROM bench_user b WHERE b.org_id = s.from_org AND b.role = 'coordinator' LIMIT 1)"
    )
    insert_select(
        Consent,
        {
            "uuid": "gen_random_uuid()",
            "case_id": "s.case_id",
            "decision": "'granted'",
            "method": "'written'",
            "valid_from": "now() - interval '30 days'",
            "valid_until": "CASE WHEN s.consent_ended THEN now() - interval '1 hour' END",
            "recorded_by_id": first_coordinator,
            "recorded_at": "now() - interval '30 days'",
        },
        "FROM bench_share s",
    )
    insert_select(
        CaseShare,
        {
            "uuid": "gen_random_uuid()",
            "case_id": "s.case_id",
            "from_organization_id": "s.from_org",
            "to_organization_id": "s.to_org",
            "consent_id": "k.id",
            "field_groups": "s.groups",
            "purpose": "'coordination'",
            "created_by_id": first_coordinator,
            "created_at": "now() - interval '20 days'",
            "expires_at": "CASE WHEN s.expired THEN now() - interval '1 day' ELSE now() + interval '10 days' END",
        },
        f"FROM bench_share s JOIN {Consent._meta.db_table} k ON k.case_id = s.case_id",
    )
    case_type = ContentType.objects.get_for_model(Case)
    execute(
        f"""INSERT INTO {CaseGroupObjectPermission._meta.db_table} (permission_id, group_id, content_object_id, share_id, expires_at)
        SELECT p.id, rg.group_id, s.case_id, s.id, LEAST(s.expires_at, COALESCE(k.valid_until, s.expires_at))
        FROM {CaseShare._meta.db_table} s
        JOIN {Consent._meta.db_table} k ON k.id = s.consent_id
        JOIN {OrgRoleGroup._meta.db_table} rg ON rg.organization_id = s.to_organization_id AND rg.role IN ('caseworker', 'coordinator')
        JOIN bench_share_perm sp ON sp.case_id = s.case_id
        JOIN auth_permission p ON p.content_type_id = %s AND p.codename = sp.codename""",
        [case_type.pk],
    )

    # The guardian-only design's rows (view_case only: that is all the comparison asks).
    view_case = Permission.objects.get(content_type=case_type, codename=VIEW_CASE).pk
    execute(
        f"""INSERT INTO {NaiveCaseGroupObjectPermission._meta.db_table} (permission_id, group_id, content_object_id)
        SELECT %s, rg.group_id, c.id FROM casehub_case c
        JOIN {OrgRoleGroup._meta.db_table} rg ON rg.organization_id = c.organization_id AND rg.role = 'coordinator'
        UNION ALL
        SELECT DISTINCT %s, g.group_id, g.content_object_id FROM {CaseGroupObjectPermission._meta.db_table} g
        WHERE g.expires_at > now()""",
        [view_case, view_case],
    )
    execute(
        f"""INSERT INTO {NaiveCaseUserObjectPermission._meta.db_table} (permission_id, user_id, content_object_id)
        SELECT %s, a.user_id, a.case_id FROM {Case.assigned_caseworkers.through._meta.db_table} a""",
        [view_case],
    )
    execute("VACUUM ANALYZE")
    largest = orgs[0].pk
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT role, min(user_id) FROM bench_user WHERE org_id = %s AND role IN ('coordinator', 'caseworker') GROUP BY role",
            [largest],
        )
        people = dict(cursor.fetchall())
        counts = {}
        for table in (
            Case._meta.db_table,
            CaseShare._meta.db_table,
            CaseGroupObjectPermission._meta.db_table,
            NaiveCaseGroupObjectPermission._meta.db_table,
            NaiveCaseUserObjectPermission._meta.db_table,
            User._meta.db_table,
        ):
            cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608
            counts[table] = cursor.fetchone()[0]
    return {
        "coordinator": people["coordinator"],
        "caseworker": people["caseworker"],
        "counts": counts,
        "largest_cases": case_sizes[0],
    }


def kept_world() -> dict:
    """The people to time in a database kept by an earlier --keep run."""
    from orgs.models import Membership

    largest = Case.objects.values("organization_id").annotate(n=models.Count("pk")).order_by("-n").first()
    people = {
        role: Membership.objects.filter(organization_id=largest["organization_id"], role=role)
        .order_by("user_id")[0]
        .user_id
        for role in ("coordinator", "caseworker")
    }
    return {**people, "counts": {}, "largest_cases": largest["n"]}


def fresh_user(user_id):
    from orgs.models import User

    return User.objects.get(pk=user_id)


def api_client(user_id):
    """A test client carrying a fresh API token of the user (as an integration calls the API)."""
    from django.test import Client

    from orgs.services import api_token_create

    _token, raw = api_token_create(user=fresh_user(user_id), name="bench", days=30)
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def api_page(client) -> list[str]:
    response = client.get("/api/v1/cases/?scope=all")
    assert response.status_code == 200, response.status_code
    return [row["id"] for row in response.json()["results"]]


def api_count(client) -> int:
    response = client.get("/api/v1/cases/count/?scope=all")
    assert response.status_code == 200, response.status_code
    return response.json()["count"]


def ours_page(user):
    from casehub.access import cases_for_user

    return [case.pk for case in cases_for_user(user).page(order=("-updated_at", "-id"), limit=25)]


def ours_count(user):
    from casehub.access import cases_for_user

    return cases_for_user(user).count()


def reference_set(user) -> set[int]:
    """The visible set, from the rows in plain SQL: the role's own cases (a coordinator every one
    of the organization, a caseworker the assigned ones) and the cases with a live view_case row
    for the role's group."""
    from django.contrib.contenttypes.models import ContentType

    from casehub.grants import CaseGroupObjectPermission
    from orgs.models import OrgRoleGroup

    membership = user.membership
    own = (
        "SELECT id FROM casehub_case WHERE organization_id = %s AND data_key_wrapped IS NOT NULL"
        if membership.role == "coordinator"
        else f"SELECT a.case_id FROM {Case.assigned_caseworkers.through._meta.db_table} a "
        "JOIN casehub_case c ON c.id = a.case_id WHERE c.organization_id = %s AND a.user_id = %s"
    )
    params = [membership.organization_id] + ([] if membership.role == "coordinator" else [user.pk])
    group = OrgRoleGroup.objects.get(organization_id=membership.organization_id, role=membership.role).group_id
    shared = (
        f"SELECT g.content_object_id FROM {CaseGroupObjectPermission._meta.db_table} g "
        "JOIN auth_permission p ON p.id = g.permission_id "
        "WHERE g.group_id = %s AND p.codename = 'view_case' AND p.content_type_id = %s AND g.expires_at > now()"
    )
    params += [group, ContentType.objects.get_for_model(Case).pk]
    with connection.cursor() as cursor:
        cursor.execute(f"{own} UNION {shared}", params)  # noqa: S608
        return {row[0] for row in cursor.fetchall()}


def guardian_queryset(user):
    from guardian.shortcuts import get_objects_for_user

    with (
        mock.patch("guardian.shortcuts.get_user_obj_perms_model", return_value=NaiveCaseUserObjectPermission),
        mock.patch("guardian.shortcuts.get_group_obj_perms_model", return_value=NaiveCaseGroupObjectPermission),
    ):
        return get_objects_for_user(user, "casehub.view_case", Case, accept_global_perms=False, with_superuser=False)


def guardian_page(user):
    return list(guardian_queryset(user).order_by("-updated_at", "-id").values_list("pk", flat=True)[:25])


def guardian_count(user):
    return guardian_queryset(user).count()


def timed(function, user_id, clients) -> float:
    subject = clients[user_id] if function in (api_page, api_count) else fresh_user(user_id)
    begin = time.perf_counter()
    function(subject)
    return (time.perf_counter() - begin) * 1000


def explain(user_id) -> None:
    from casehub.access import cases_for_user

    user = fresh_user(user_id)
    for part in cases_for_user(user).parts:
        print(part.order_by("-updated_at", "-id")[:25].explain(analyze=True))
    print(guardian_queryset(user).order_by("-updated_at", "-id")[:25].explain(analyze=True))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="100,000 cases (under a minute)")
    parser.add_argument("--repeat", type=int, default=None)
    parser.add_argument("--explain", action="store_true", help="print the query plans (EXPLAIN ANALYZE)")
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="keep (and reuse) the loaded test database")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        raise SystemExit("bench: set DATABASE_URL to a PostgreSQL database (postgres://...)")
    scale = 10 if args.quick else 1
    cases, organizations, users, shares = 1_000_000 // scale, 1000 // scale, 20_000 // scale, 50_000 // scale
    repeat = args.repeat or (15 if args.quick else 31)
    rng = random.Random(args.seed)

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=args.keep, serialize=False)
    try:
        started = time.perf_counter()
        if args.keep and NaiveCaseGroupObjectPermission._meta.db_table in connection.introspection.table_names():
            world = kept_world()
        else:
            with connection.schema_editor() as editor:
                editor.create_model(NaiveCaseUserObjectPermission)
                editor.create_model(NaiveCaseGroupObjectPermission)
            world = build(cases, organizations, users, shares, rng)
        print(
            f"built in {time.perf_counter() - started:.1f}s: "
            + ", ".join(f"{t}={n}" for t, n in world["counts"].items())
        )
        print(f"largest organization: {world['largest_cases']} cases")
        if args.explain:
            explain(world["coordinator"])
            explain(world["caseworker"])

        # Same answers first: the whole visible set against guardian's and the reference, the
        # count, the first page, and the API's first page.
        from casehub.access import cases_for_user

        same = True
        clients = {world[role]: api_client(world[role]) for role in ("coordinator", "caseworker")}
        for role in ("coordinator", "caseworker"):
            user = fresh_user(world[role])
            ours = cases_for_user(user).ids()
            theirs = set(guardian_queryset(user).values_list("pk", flat=True))
            reference = reference_set(user)
            first = [str(case.uuid) for case in cases_for_user(user).page(order=("-created_at", "-id"), limit=50)]
            agree = (
                ours == theirs == reference
                and ours_count(user) == api_count(clients[user.pk]) == len(ours)
                and ours_page(user) == guardian_page(user)
                and api_page(clients[user.pk]) == first
            )
            same &= agree
            print(
                f"{role}: {len(ours)} visible cases (guardian {len(theirs)}, reference {len(reference)}), agree: {agree}"
            )

        variants = {
            "api_page": api_page,
            "api_count": api_count,
            "page": ours_page,
            "count": ours_count,
            "guardian_page": guardian_page,
            "guardian_count": guardian_count,
        }
        times = {(role, key): [] for role in ("coordinator", "caseworker") for key in variants}
        for _ in range(3):  # warm-up: caches and plans
            for role in ("coordinator", "caseworker"):
                for function in variants.values():
                    timed(function, world[role], clients)
        for n in range(repeat):
            for role in ("coordinator", "caseworker"):
                order = list(variants.items()) if n % 2 == 0 else list(reversed(variants.items()))
                for key, function in order:
                    times[(role, key)].append(timed(function, world[role], clients))
        medians = {key: statistics.median(values) for key, values in times.items()}
        best = {key: min(values) for key, values in times.items()}
        for role in ("coordinator", "caseworker"):
            print(
                f"{role} (medians of {repeat}): "
                + ", ".join(f"{key} {medians[(role, key)]:.2f} ms" for key in variants)
                + "; best: "
                + ", ".join(f"{key} {best[(role, key)]:.2f}" for key in variants)
            )
    finally:
        if not args.keep:
            connection.creation.destroy_test_db(old_name, verbosity=0)
    worst = {key: max(medians[("coordinator", key)], medians[("caseworker", key)]) for key in variants}
    print(
        f"bench: sharing api_page_ms={worst['api_page']:.1f} api_count_ms={worst['api_count']:.1f} "
        f"page_ms={worst['page']:.1f} count_ms={worst['count']:.1f} "
        f"guardian_page_ms={worst['guardian_page']:.1f} speedup={worst['guardian_page'] / worst['page']:.1f} "
        f"same_set={int(same)}"
    )


if __name__ == "__main__":
    main()
