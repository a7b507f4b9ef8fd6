"""Random small worlds and the case policy written out by hand, for the property tests.

Hypothesis draws organizations (some suspended; some letting caseworkers see every unrestricted
case, hiding field groups from them or taking capabilities away), members in every role (some
deactivated), cases (some restricted, assigned or erased, each with a distinct text in every
field group), shares in every state (live, expired a second ago, expiring now or in a second,
revoked, consent withdrawn, consent ended a second ago or ending in a second) and accepted
referrals (which open the case to the receiving coordinators and the assignee only).

``build`` makes the world through the services, as the application would; ``reference`` decides
what each user may do with each case from the world's description alone, case by case in plain
Python, never through casehub.access.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import strategies as st

from casehub.access import CaseAccess
from casehub.grants import CaseGroupObjectPermission, CaseShare, Purpose
from casehub.models import Case
from casehub.services import attachment_add, note_add
from orgs import capabilities, fieldgroups, services
from orgs.models import Organization, OrganizationStatus, Role, User
from referrals.workflow import need_create, referral_act, referral_create
from rights import services as rights
from sharing import services as sharing
from tests.casehub.factories import a_case
from tests.directory.factories import directory_service
from tests.factories import OrganizationFactory, Team, UserFactory, caseworkers_see_all_cases, platform_admin
from tests.sharing.factories import a_consent, a_share

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
GROUPS = sorted(fieldgroups.ALL)
SHARE_STATES = [
    "active",
    "expired_1s_ago",
    "expires_now",
    "expires_in_1s",
    "revoked",
    "consent_withdrawn",
    "consent_ended_1s_ago",
    "consent_ends_in_1s",
]
LIVE_STATES = {"active", "expires_in_1s", "consent_ends_in_1s"}
DROPPABLE = ["note", "document"]  # capabilities an organization may take from its caseworkers

# The policy, written out: what each role may do with its own organization's cases.
COORDINATOR_ACTIONS = {
    "view", "edit", "note", "task", "view_tasks", "document", "download", "export", "assign", "restrict", "close",
    "erase", "consent", "share", "transfer",
}  # fmt: skip
CASEWORKER_ACTIONS = {"view", "edit", "note", "task", "view_tasks", "document", "download", "export", "consent"}
# An action that touches one field group needs it in the role's scope; opening a document needs
# the document capability.
NEEDS = {
    "note": fieldgroups.NOTES,
    "task": fieldgroups.CASE_DETAILS,
    "view_tasks": fieldgroups.CASE_DETAILS,
    "document": fieldgroups.DOCUMENTS,
    "download": fieldgroups.DOCUMENTS,
}
NEEDS_CAPABILITY = {"note": "note", "document": "document", "download": "document"}


# Names that neither spell nor sound alike (search finds names by sound too).
NAME_SOUNDS = ("Bam", "Dek", "Fil", "Gor", "Jun", "Kap", "Lem", "Mir")


def texts(index: int) -> dict[str, str]:
    """A distinct text in each field group of case ``index`` (digits only for the phone)."""
    return {
        fieldgroups.IDENTITY: f"Zq{index}{NAME_SOUNDS[index]}",
        fieldgroups.CONTACT: f"55501{index:02d}77",
        fieldgroups.SAFETY: f"Zq{index}Plan",
        fieldgroups.CASE_DETAILS: f"Zq{index}Region",
        fieldgroups.NARRATIVE: f"Zq{index}Story",
        fieldgroups.DOCUMENTS: f"Zq{index}Doc",
        fieldgroups.NOTES: f"Zq{index}Note",
    }


@st.composite
def worlds(draw):
    organizations = [
        {
            "suspended": draw(st.integers(0, 4)) == 0,
            "caseworkers_see_all": draw(st.booleans()),
            "hidden_from_caseworkers": draw(st.sets(st.sampled_from(GROUPS), max_size=2)),
            "dropped_from_caseworkers": draw(st.sets(st.sampled_from(DROPPABLE), max_size=1)),
            # (role, deactivated) per member; every organization has an active coordinator to work
            "members": [("coordinator", False)]
            + draw(
                st.lists(
                    st.tuples(
                        st.sampled_from(["caseworker", "caseworker", "coordinator", "org_admin"]),
                        st.integers(0, 4).map(lambda n: n == 0),
                    ),
                    min_size=1,
                    max_size=3,
                )
            ),
        }
        for _ in range(draw(st.integers(2, 3)))
    ]
    cases = []
    for _ in range(draw(st.integers(1, 4))):
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

    def recipient(case):
        return (cases[case]["owner"] + draw(st.integers(1, len(organizations) - 1))) % len(organizations)

    shares = [
        {
            "case": (case := draw(st.integers(0, len(cases) - 1))),
            "to": recipient(case),
            "groups": draw(st.sets(st.sampled_from(GROUPS), min_size=1)),
            "state": draw(st.sampled_from(SHARE_STATES)),
        }
        for _ in range(draw(st.integers(0, 4)))
    ]
    referrals = [
        {
            "case": (case := draw(st.integers(0, len(cases) - 1))),
            "to": recipient(case),
            "groups": draw(st.sets(st.sampled_from(GROUPS), min_size=1)),
            "assignee": draw(st.integers(0, 3)),  # a member of the receiver, as far as it has working ones
        }
        for _ in range(draw(st.integers(0, 1)))
    ]
    return {"organizations": organizations, "cases": cases, "shares": shares, "referrals": referrals}


@dataclass
class Built:
    users: list  # (user, organization index or None, role or None, deactivated)
    members: list  # per organization, its members in the order of the description
    cases: list
    shares: list  # (description, share) for the shares made
    referrals: list  # (description, assignee) for the referrals accepted
    attachments: list  # one per case


def _tune(organization, spec) -> None:
    if spec["caseworkers_see_all"]:
        caseworkers_see_all_cases(organization)
    dropped = {capabilities.group_codename(group) for group in spec["hidden_from_caseworkers"]}
    dropped |= {capabilities.ACTION_CODENAMES[action] for action in spec["dropped_from_caseworkers"]}
    if dropped:
        kept = services.capabilities_of(organization, Role.CASEWORKER) - dropped
        services.capabilities_set(organization=organization, role=Role.CASEWORKER, codenames=kept)


def _case(team, index: int, restricted: bool):
    text = texts(index)
    case = a_case(
        team,
        restricted=restricted,
        legal_name=text[fieldgroups.IDENTITY],
        phones=[text[fieldgroups.CONTACT]],
        safety_plan=text[fieldgroups.SAFETY],
        identified_region=text[fieldgroups.CASE_DETAILS],
        narrative=text[fieldgroups.NARRATIVE],
    )
    note_add(case=case, by=team.coordinator, body=text[fieldgroups.NOTES])
    attachment = attachment_add(
        case=case,
        by=team.coordinator,
        upload=SimpleUploadedFile("a.pdf", b"%PDF-1.4 body\n%%EOF\n", content_type="application/pdf"),
        kind="other",
        description=text[fieldgroups.DOCUMENTS],
    )
    return case, attachment


def _share(owner, case, recipient, spec):
    state = spec["state"]
    if state.startswith("consent_end"):
        # Shared two hours ago for 30 days, under a consent that ends a second before or after now.
        ends = NOW + timedelta(seconds=-1 if state == "consent_ended_1s_ago" else 1)
        with time_machine.travel(NOW - timedelta(hours=2), tick=False):
            a_consent(owner, case, to=recipient.organization, groups=spec["groups"], valid_until=ends)
            return sharing.share_create(
                case=case,
                by=owner.coordinator,
                to_organization=recipient.organization,
                field_groups=sorted(spec["groups"]),
                purpose=Purpose.COORDINATION,
                days=30,
            )
    share = a_share(owner, case, recipient, groups=spec["groups"])
    if state in ("expired_1s_ago", "expires_now", "expires_in_1s"):
        expires_at = NOW + timedelta(seconds={"expired_1s_ago": -1, "expires_now": 0, "expires_in_1s": 1}[state])
        CaseShare.objects.filter(pk=share.pk).update(created_at=NOW - timedelta(days=2), expires_at=expires_at)
        CaseGroupObjectPermission.objects.filter(share=share).update(expires_at=expires_at)
    elif state == "revoked":
        sharing.share_revoke(share=share, by=owner.coordinator)
    elif state == "consent_withdrawn":
        rights.consent_withdraw(consent=share.consent, by=owner.coordinator)
    return share


def _working(members, roles) -> list:
    return [member for member, (role, _deactivated) in zip(members, roles, strict=True) if role != Role.ORG_ADMIN]


def build(world) -> Built:
    """Make the world through the services, as the application would (call under time_machine at NOW)."""
    teams, users, members_of = [], [], []
    for index, spec in enumerate(world["organizations"]):
        organization = OrganizationFactory(name=f"Org {index}", kind="legal_aid")
        _tune(organization, spec)
        members = []
        for role, deactivated in spec["members"]:
            user = UserFactory()
            services.membership_add(organization=organization, user=user, role=role, by=None)
            members.append(user)
            users.append((user, index, role, deactivated))
        teams.append(Team(organization, coordinator=members[0]))
        members_of.append(members)
    users.append((platform_admin(), None, None, False))

    cases, attachments = [], []
    for index, spec in enumerate(world["cases"]):
        case, attachment = _case(teams[spec["owner"]], index, spec["restricted"])
        case.assigned_caseworkers.set([members_of[spec["owner"]][i] for i in spec["assigned"]])
        cases.append(case)
        attachments.append(attachment)

    shares, opened = [], set()
    for spec in world["shares"]:
        if (spec["case"], spec["to"]) in opened:
            continue  # one open share per case and recipient: the service refuses a second
        case, owner = cases[spec["case"]], teams[world["cases"][spec["case"]]["owner"]]
        share = _share(owner, case, teams[spec["to"]], spec)
        share.refresh_from_db()
        if share.ended_at is None:
            opened.add((spec["case"], spec["to"]))
        shares.append((spec, share))

    referrals = []
    for spec in world["referrals"]:
        if (spec["case"], spec["to"]) in opened:
            continue  # the receiver holds a share already: accepting opens no other
        owner, receiver = teams[world["cases"][spec["case"]]["owner"]], teams[spec["to"]]
        candidates = _working(members_of[spec["to"]], world["organizations"][spec["to"]]["members"])
        assignee = candidates[spec["assignee"] % len(candidates)]
        case = cases[spec["case"]]
        a_consent(owner, case, to=receiver.organization, groups=spec["groups"], purposes=[Purpose.REFERRAL])
        need = need_create(case=case, by=owner.coordinator, kind="legal_aid")
        referral = referral_create(
            need=need, service=directory_service(receiver.organization, kind="legal_aid"), by=owner.coordinator
        )
        referral = referral_act(referral=referral, by=owner.coordinator, action="send")
        referral_act(referral=referral, by=receiver.coordinator, action="accept", assignee=assignee)
        opened.add((spec["case"], spec["to"]))
        referrals.append((spec, assignee))

    # Erasure, suspension and deactivation come last: the services refuse to work with them.
    for spec, case in zip(world["cases"], cases, strict=True):
        Case.objects.filter(pk=case.pk).update(updated_at=NOW - timedelta(minutes=spec["updated_minutes_ago"]))
        if spec["erased"]:
            Case.objects.filter(pk=case.pk).update(data_key_wrapped=None)
    for spec, team in zip(world["organizations"], teams, strict=True):
        if spec["suspended"]:
            Organization.objects.filter(pk=team.organization.pk).update(status=OrganizationStatus.SUSPENDED)
    for user, _index, _role, deactivated in users:
        if deactivated:
            User.objects.filter(pk=user.pk).update(is_active=False)
    return Built(
        users=users,
        members=members_of,
        cases=[Case.objects.get(pk=case.pk) for case in cases],
        shares=shares,
        referrals=referrals,
        attachments=attachments,
    )


# The reference ---------------------------------------------------------------------------------------


NOTHING = CaseAccess(frozenset(), frozenset())


def works_cases(world, built: Built, user_index: int) -> bool:
    _user, org_index, role, deactivated = built.users[user_index]
    return not (
        org_index is None
        or deactivated
        or world["organizations"][org_index]["suspended"]
        or role not in (Role.CASEWORKER, Role.COORDINATOR)
    )


def reference(world, built: Built, user_index: int) -> dict[int, CaseAccess]:
    """What the user may do with each case, decided case by case from the world's description."""
    if not works_cases(world, built, user_index):
        return {case.pk: NOTHING for case in built.cases}
    user, org_index, role, _deactivated = built.users[user_index]
    organization = world["organizations"][org_index]
    caseworker = role == Role.CASEWORKER
    hidden = organization["hidden_from_caseworkers"] if caseworker else set()
    dropped = organization["dropped_from_caseworkers"] if caseworker else set()
    result = {}
    for case_index, (spec, case) in enumerate(zip(world["cases"], built.cases, strict=True)):
        if spec["erased"]:
            result[case.pk] = NOTHING
        elif spec["owner"] == org_index:
            assigned = user in [built.members[org_index][i] for i in spec["assigned"]]
            result[case.pk] = _own_reference(organization, spec, role, assigned, hidden, dropped)
        else:
            shared = _shared_groups(built, case_index, org_index, user, role)
            result[case.pk] = _shared_reference(shared - hidden, dropped) if shared else NOTHING
    return result


def _allowed(actions, groups, dropped) -> frozenset:
    return frozenset(
        action
        for action in actions
        if (action not in NEEDS or NEEDS[action] in groups) and NEEDS_CAPABILITY.get(action) not in dropped
    )


def _own_reference(organization, case_spec, role, assigned: bool, hidden, dropped) -> CaseAccess:
    if role == Role.COORDINATOR:
        return CaseAccess(frozenset(COORDINATOR_ACTIONS), frozenset(GROUPS))
    if not (assigned or (organization["caseworkers_see_all"] and not case_spec["restricted"])):
        return NOTHING
    groups = frozenset(GROUPS) - hidden
    return CaseAccess(_allowed(CASEWORKER_ACTIONS, groups, dropped), groups)


def _shared_groups(built, case_index, org_index, user, role) -> set:
    """The groups live shares and accepted referrals open to the user (a referral: its receiver's
    coordinators and its assignee only)."""
    groups = set()
    for spec, _share in built.shares:
        if spec["case"] == case_index and spec["to"] == org_index and spec["state"] in LIVE_STATES:
            groups |= spec["groups"]
    for spec, assignee in built.referrals:
        if spec["case"] == case_index and spec["to"] == org_index and (role == Role.COORDINATOR or user == assignee):
            groups |= spec["groups"]
    return groups


def _shared_reference(groups, dropped) -> CaseAccess:
    """A recipient sees the shared groups its organization lets its role see; it may add notes and
    open documents when those are shared and its role may do so at home."""
    actions = _allowed({"view", "note", "download"}, groups, dropped)
    return CaseAccess(actions, frozenset(groups), shared=True)
