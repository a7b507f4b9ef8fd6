"""The optimized access queries against a brute-force reference, over random small worlds.

Hypothesis builds worlds of organizations (some suspended, some letting caseworkers see every
unrestricted case, some hiding field groups from caseworkers), members in every role (some
deactivated), cases (some restricted, assigned or erased) and shares in every state (active,
expired a second ago, expiring exactly now, expiring in a second, revoked, consent withdrawn).
For every user and case, casehub.access must agree with `reference`, which applies the policy
case by case in plain Python from the world's description, never from casehub.access's queries.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import time_machine
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from casehub import fieldgroups
from casehub.access import (
    CaseAccess,
    case_access,
    case_accesses,
    cases_shared_with,
    cases_visible_to,
    visible_cases_count,
    visible_cases_page,
)
from casehub.models import Case
from orgs import capabilities, services
from orgs.models import Organization, OrganizationStatus, Role, User
from sharing import services as sharing
from sharing.models import CaseGroupObjectPermission, CaseShare
from tests.casehub.factories import a_case
from tests.factories import OrganizationFactory, Team, UserFactory, caseworkers_see_all_cases, platform_admin
from tests.sharing.factories import a_share

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
GROUPS = sorted(fieldgroups.ALL)
SHARE_STATES = ["active", "expired_1s_ago", "expires_now", "expires_in_1s", "revoked", "consent_withdrawn"]

# The policy, written out: what each role may do with its own organization's cases.
COORDINATOR_ACTIONS = {
    "view", "edit", "note", "task", "document", "export", "assign", "restrict", "close", "erase", "consent", "share",
    "transfer",
}  # fmt: skip
CASEWORKER_ACTIONS = {"view", "edit", "note", "task", "document", "export", "consent"}


# The world's description ---------------------------------------------------------------------------


@st.composite
def worlds(draw):
    organizations = [
        {
            "suspended": draw(st.booleans()),
            "caseworkers_see_all": draw(st.booleans()),
            "hidden_from_caseworkers": draw(st.sets(st.sampled_from(GROUPS), max_size=2)),
            # (role, deactivated) per member; every organization has an active coordinator to work
            "members": [("coordinator", False)]
            + draw(
                st.lists(
                    st.tuples(st.sampled_from(["caseworker", "caseworker", "coordinator", "org_admin"]), st.booleans()),
                    min_size=1,
                    max_size=3,
                )
            ),
        }
        for _ in range(draw(st.integers(2, 3)))
    ]
    cases = []
    for _ in range(draw(st.integers(1, 5))):
        owner = draw(st.integers(0, len(organizations) - 1))
        members = organizations[owner]["members"]
        cases.append(
            {
                "owner": owner,
                "restricted": draw(st.booleans()),
                "erased": draw(st.integers(0, 5)) == 0,
                "assigned": draw(st.sets(st.sampled_from(range(len(members))))),
                "updated_minutes_ago": draw(st.integers(0, 3)),
            }
        )
    shares = [
        {
            "case": (case := draw(st.integers(0, len(cases) - 1))),
            "to": (cases[case]["owner"] + draw(st.integers(1, len(organizations) - 1))) % len(organizations),
            "groups": draw(st.sets(st.sampled_from(GROUPS), min_size=1)),
            "state": draw(st.sampled_from(SHARE_STATES)),
        }
        for _ in range(draw(st.integers(0, 5)))
    ]
    return {"organizations": organizations, "cases": cases, "shares": shares}


@dataclass
class Built:
    users: list  # (user, organization index or None, role or None, deactivated)
    members: list  # per organization, its members in the order of the description
    cases: list
    shares: list  # (description, share) for the shares made


def build(world) -> Built:
    """Make the world through the services, as the application would."""
    teams, users, members_of = [], [], []
    for index, spec in enumerate(world["organizations"]):
        organization = OrganizationFactory(name=f"Org {index}")
        if spec["caseworkers_see_all"]:
            caseworkers_see_all_cases(organization)
        if spec["hidden_from_caseworkers"]:
            kept = services.capabilities_of(organization, Role.CASEWORKER) - {
                capabilities.group_codename(group) for group in spec["hidden_from_caseworkers"]
            }
            services.capabilities_set(organization=organization, role=Role.CASEWORKER, codenames=kept)
        members = []
        for role, deactivated in spec["members"]:
            user = UserFactory()
            services.membership_add(organization=organization, user=user, role=role, by=None)
            members.append(user)
            users.append((user, index, role, deactivated))
        teams.append(Team(organization, coordinator=members[0]))
        members_of.append(members)
    users.append((platform_admin(), None, None, False))

    cases = []
    for spec in world["cases"]:
        assigned = [members_of[spec["owner"]][i] for i in spec["assigned"]]
        case = a_case(teams[spec["owner"]], restricted=spec["restricted"])
        case.assigned_caseworkers.set(assigned)  # the creator is assigned by default: say exactly who
        cases.append(case)

    shares = []
    for spec in world["shares"]:
        case, owner = cases[spec["case"]], teams[world["cases"][spec["case"]]["owner"]]
        recipient = teams[spec["to"]]
        if CaseShare.objects.filter(
            case=case, to_organization=recipient.organization, ended_at__isnull=True, expires_at__gt=NOW
        ).exists():
            continue  # one live share per case and recipient: the service refuses a second
        share = a_share(owner, case, recipient, groups=spec["groups"])
        state = spec["state"]
        if state in ("expired_1s_ago", "expires_now", "expires_in_1s"):
            expires_at = NOW + timedelta(seconds={"expired_1s_ago": -1, "expires_now": 0, "expires_in_1s": 1}[state])
            CaseShare.objects.filter(pk=share.pk).update(created_at=NOW - timedelta(days=2), expires_at=expires_at)
            CaseGroupObjectPermission.objects.filter(share=share).update(expires_at=expires_at)
        elif state == "revoked":
            sharing.share_revoke(share=share, by=owner.coordinator)
        elif state == "consent_withdrawn":
            sharing.consent_withdraw(consent=share.consent, by=owner.coordinator)
        share.refresh_from_db()
        shares.append((spec, share))

    # Erasure, suspension and deactivation come last: the services refuse to work with them.
    for spec, case in zip(world["cases"], cases, strict=True):
        updated_at = NOW - timedelta(minutes=spec["updated_minutes_ago"])
        Case.objects.filter(pk=case.pk).update(updated_at=updated_at)
        if spec["erased"]:
            Case.objects.filter(pk=case.pk).update(data_key_wrapped=None)
    for spec, team in zip(world["organizations"], teams, strict=True):
        if spec["suspended"]:
            Organization.objects.filter(pk=team.organization.pk).update(status=OrganizationStatus.SUSPENDED)
    for user, _index, _role, deactivated in users:
        if deactivated:
            User.objects.filter(pk=user.pk).update(is_active=False)
    return Built(users=users, members=members_of, cases=[Case.objects.get(pk=case.pk) for case in cases], shares=shares)


# The reference ---------------------------------------------------------------------------------------


NOTHING = CaseAccess(frozenset(), frozenset())


def reference(world, built: Built, user_index: int) -> dict[int, CaseAccess]:
    """What the user may do with each case, decided case by case from the world's description."""
    user, org_index, role, deactivated = built.users[user_index]
    if (
        org_index is None
        or deactivated
        or world["organizations"][org_index]["suspended"]
        or role not in (Role.CASEWORKER, Role.COORDINATOR)
    ):
        return {case.pk: NOTHING for case in built.cases}
    organization = world["organizations"][org_index]
    result = {}
    for case_index, (spec, case) in enumerate(zip(world["cases"], built.cases, strict=True)):
        if spec["erased"]:
            result[case.pk] = NOTHING
        elif spec["owner"] == org_index:
            assigned = user in [built.members[org_index][i] for i in spec["assigned"]]
            result[case.pk] = _own_reference(organization, spec, role, assigned)
        else:
            hidden = organization["hidden_from_caseworkers"] if role == Role.CASEWORKER else set()
            result[case.pk] = _shared_reference(built, case_index, org_index, hidden)
    return result


def _own_reference(organization, case_spec, role, assigned: bool) -> CaseAccess:
    if role == Role.COORDINATOR:
        return CaseAccess(frozenset(COORDINATOR_ACTIONS), frozenset(GROUPS))
    sees = assigned or (organization["caseworkers_see_all"] and not case_spec["restricted"])
    if not sees:
        return NOTHING
    return CaseAccess(frozenset(CASEWORKER_ACTIONS), frozenset(GROUPS) - organization["hidden_from_caseworkers"])


def _shared_reference(built, case_index, org_index, hidden) -> CaseAccess:
    """A live share shows its groups, but not those the recipient hides from the user's role."""
    groups = set()
    for spec, _share in built.shares:
        live = spec["state"] in ("active", "expires_in_1s")
        if spec["case"] == case_index and spec["to"] == org_index and live:
            groups |= spec["groups"]
    if not groups:
        return NOTHING
    groups -= hidden
    actions = {"view", "note"} if fieldgroups.NOTES in groups else {"view"}
    return CaseAccess(frozenset(actions), frozenset(groups), shared=True)


# The property ----------------------------------------------------------------------------------------


def ordered(cases):
    return [case.pk for case in sorted(cases, key=lambda case: (case.updated_at, case.pk), reverse=True)]


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(world=worlds())
def test_the_access_queries_agree_with_the_reference_in_every_world(db, world):
    with time_machine.travel(NOW, tick=False), transaction.atomic():
        built = build(world)
        for user_index, (user, *_rest) in enumerate(built.users):
            user = User.objects.get(pk=user.pk)  # fresh: suspension and deactivation came after membership
            expected = reference(world, built, user_index)
            visible = [case for case in built.cases if expected[case.pk].actions]
            shared = {case.pk for case in visible if expected[case.pk].shared}

            assert set(cases_visible_to(user).values_list("pk", flat=True)) == {case.pk for case in visible}
            assert [case.pk for case in visible_cases_page(user, limit=100)] == ordered(visible)
            assert [case.pk for case in visible_cases_page(user, limit=2, offset=1)] == ordered(visible)[1:3]
            assert visible_cases_count(user) == len(visible)
            assert set(cases_shared_with(user).values_list("pk", flat=True)) == shared
            assert case_accesses(user, built.cases) == expected
            for case in built.cases:
                assert case_access(user, case) == expected[case.pk], (user_index, case.pk)
        transaction.set_rollback(True)
