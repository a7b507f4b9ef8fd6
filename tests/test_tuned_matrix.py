"""The tuned organization: every route against every way an organization can tune a role.

An organization may hide a field group from a role and take a capability away from it. For each
working role (caseworker, coordinator), for the untuned organization, for each field group hidden
in turn and for each of the role's capabilities removed in turn, every case route (pages and API,
export, edit forms, document download) is asked about two cases: one of the organization's own,
assigned to its caseworker, and one another organization shares with it in full. Every list,
count, filter, search and duplicate check is asked too. Each answer is checked:

- its status: the case is invisible (404), the role may not do what the route does or see the
  group it exists for (403), or it goes ahead (a 2xx, a redirect, or a 400 for an empty form);
- its content: no text of a field group the role may not see, nor any text of a case it may not
  open (names, phone, safety plan, narrative, every group);
- lists and searches: exactly the cases the role may open, found only through groups it may read.

The expectation is the policy written out (NEEDS below, and tests/worlds.py's rules), not a call
into casehub.access. The world is built once for the module, inside a transaction rolled back at
the end; each tuning and each request runs in a savepoint rolled back after it.
"""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from casehub.grants import ConsentDecision, ConsentMethod, Purpose
from casehub.services import attachment_add, note_add, task_add
from orgs import capabilities, fieldgroups
from orgs import services as org_services
from orgs.models import Role
from sharing import services
from tests.casehub.factories import a_case
from tests.factories import make_cast, member, module_world, verified_client
from tests.sharing.test_share_matrix import CASE_RULES, WorldCase, case_path, send

pytestmark = pytest.mark.long

ID, CT, SF, CD, NA, DO, NO = (
    fieldgroups.IDENTITY,
    fieldgroups.CONTACT,
    fieldgroups.SAFETY,
    fieldgroups.CASE_DETAILS,
    fieldgroups.NARRATIVE,
    fieldgroups.DOCUMENTS,
    fieldgroups.NOTES,
)
ACTION_CAPABILITY = {action: codename for action, codename in capabilities.ACTION_CODENAMES.items() if codename}

# What a route needs: an action, one of some field groups (any), the owner's side (a recipient
# never does the owner's work), the note's author. Actions touching one group need it too
# (note: notes; task and tasks: case details; document and download: documents); opening a
# document needs the document capability.
NEEDS = {
    "cases:survivor": ("view", (), False),
    "cases:survivor_edit": ("edit", (ID, CT, NA), False),
    "cases:details": ("view", (CD,), False),
    "cases:details_edit": ("edit", (CD,), False),
    "cases:safety": ("view", (SF,), False),
    "cases:safety_edit": ("edit", (SF,), False),
    "cases:notes": ("view", (NO,), False),
    "cases:note_add": ("note", (), False),
    "cases:note_edit": ("note", (), False),
    "cases:tasks": ("view_tasks", (), True),
    "cases:task_add": ("task", (), True),
    "cases:task_done": ("task", (), True),
    "cases:task_edit": ("task", (), True),
    "cases:task_delete": ("task", (), True),
    "cases:documents": ("view", (DO,), False),
    "cases:document_add": ("document", (), False),
    "cases:document_download": ("download", (), False),
    "cases:history": ("view", (), True),
    "rights:case_export_pdf": ("export", (), True),
    "rights:case_export_zip": ("export", (), True),
    "rights:case_export_json": ("export", (), True),
    "cases:manage": ("assign", (), True),
    "cases:assign": ("assign", (), True),
    "cases:restrict": ("restrict", (), True),
    "cases:close": ("close", (), True),
    "cases:reopen": ("close", (), True),
    "cases:erase_request": ("erase", (), True),
    "rights:erase_confirm": ("erase", (), True),
    "cases:erase_cancel": ("erase", (), True),
    "sharing:case": ("consent|share", (), True),
    "sharing:consent_add": ("consent", (), True),
    "rights:consent_withdraw": ("consent", (), True),
    "sharing:share_add": ("share", (), True),
    "sharing:share_revoke": ("share", (), True),
    "sharing:override_add": ("share", (), True),
    "sharing:override_decide": ("share", (), True),
    "sharing:transfer_add": ("transfer", (), True),
    "sharing:transfer_cancel": ("transfer", (), True),
    "api:case": ("view", (), False),
    "api:case_update": ("edit", (CD,), False),  # the body changes the risk level, a case detail
    "api:case_notes": ("view", (NO,), False),
    "api:case_note_create": ("note", (), False),
    "api:case_note": ("view", (NO,), False),
    "api:case_note_update": ("note", (), False),
    "api:case_tasks": ("view_tasks", (), True),
    "api:case_task_create": ("task", (), True),
    "api:case_task_update": ("task", (), True),
    "api:case_task": ("task", (), True),
    "api:case_documents": ("view", (DO,), False),
    "api:case_document_upload": ("document", (), False),
    "api:case_document_download": ("download", (), False),
    "api:case_export_json": ("export", (), True),
    "api:case_export_pdf": ("export", (), True),
    "api:case_export_zip": ("export", (), True),
    "api:case_consents": ("consent", (), True),
    "api:case_consent_withdraw": ("consent", (), True),
    "api:case_shares": ("share", (), True),
    "api:case_share_revoke": ("share", (), True),
    "api:case_share_accesses": ("share", (), True),
    "api:case_override_request": ("share", (), True),
    "api:case_override_approve": ("share", (), True),
    "api:case_override_decline": ("share", (), True),
    "api:case_transfer_offer": ("transfer", (), True),
    "api:referral_need_create": ("edit", (), True),
}
AUTHOR_ONLY = {"cases:note_edit", "api:case_note_update"}
GROUP_OF_ACTION = {"note": NO, "task": CD, "view_tasks": CD, "document": DO, "download": DO}
CAPABILITY_OF_ACTION = {**ACTION_CAPABILITY, "view_tasks": None, "download": ACTION_CAPABILITY["document"]}
# Routes that go ahead and then find nothing to act on (no erasure or transfer by that id).
GOES_AHEAD = {"rights:erase_confirm": {404}, "cases:erase_cancel": {404}, "sharing:transfer_cancel": {404}}
GO = {200, 201, 204, 302, 400}

ROLES = [Role.CASEWORKER, Role.COORDINATOR]
SEEING = {capabilities.SEE_ALL, capabilities.SEE_UNRESTRICTED, capabilities.SEE_ASSIGNED}


def tunings(role: str) -> list[tuple[str, str]]:
    """("none", ""), each field group hidden in turn, each other capability of the role removed in turn."""
    defaults = capabilities.DEFAULTS[role]
    hidden = [("hide", group) for group in sorted(fieldgroups.ALL)]
    dropped = [
        ("drop", codename) for codename in sorted(defaults) if not codename.startswith(capabilities.GROUP_PREFIX)
    ]
    return [("none", ""), *hidden, *dropped]


CONFIGS = [(role, kind, value) for role in ROLES for kind, value in tunings(role)]


def texts(tag: str) -> dict[str, list[str]]:
    return {
        ID: [f"Zt{tag}Name", f"ZT{tag}DOC9"],
        CT: [f"55577{len(tag)}{ord(tag[0])}", f"zt{tag}@example.org"],
        SF: [f"Zt{tag}Plan", f"Zt{tag}Through"],
        CD: [f"Zt{tag}Region"],
        NA: [f"Zt{tag}Story"],
        DO: [f"Zt{tag}DocDesc"],
        NO: [f"Zt{tag}Note"],
        "tasks": [f"Zt{tag}Task"],
    }


class World:
    def __init__(self):
        self.cast = cast = make_cast()
        owner, partner = cast.owner, cast.partner
        second = member(owner.organization, Role.COORDINATOR, username="owner-coordinator-2")
        self.own = self._case(owner, "Own", second, recipient=partner)
        self.theirs = self._case(partner, "Theirs", None, recipient=owner)
        self.clients = {role: verified_client(owner.by_role(role)) for role in ROLES}

    def _case(self, team, tag, second, *, recipient) -> WorldCase:
        text = texts(tag)
        case = a_case(
            team,
            assigned=[team.caseworker],
            legal_name=text[ID][0],
            identity_documents=[{"kind": "passport", "number": text[ID][1]}],
            phones=[text[CT][0]],
            email=text[CT][1],
            safety_plan=text[SF][0],
            contact_instructions={"do_not_contact_directly": True, "contact_only_through": text[SF][1]},
            identified_region=text[CD][0],
            needs=["shelter"],
            narrative=text[NA][0],
        )
        world_case = WorldCase(key=tag, state="active", group="all", case=case, texts=text)
        world_case.note = note_add(case=case, by=team.caseworker, body=text[NO][0])
        world_case.task = task_add(case=case, by=team.caseworker, title=text["tasks"][0])
        world_case.attachment = attachment_add(
            case=case,
            by=team.caseworker,
            upload=SimpleUploadedFile("a.pdf", b"%PDF-1.4 x\n%%EOF\n", content_type="application/pdf"),
            kind="other",
            description=text[DO][0],
        )
        world_case.consent = services.consent_record(
            case=case,
            by=team.coordinator,
            decision=ConsentDecision.GRANTED,
            method=ConsentMethod.WRITTEN,
            provisions=[
                {
                    "recipient_organization": recipient.organization,
                    "field_groups": sorted(fieldgroups.ALL),
                    "purposes": [Purpose.COORDINATION],
                }
            ],
        )
        world_case.share = services.share_create(
            case=case,
            by=team.coordinator,
            to_organization=recipient.organization,
            field_groups=sorted(fieldgroups.ALL),
            purpose=Purpose.COORDINATION,
        )
        if second is not None:
            world_case.override = services.override_request(
                case=case,
                by=second,
                to_organization=self.cast.outsider.organization,
                legal_basis="vital_interests",
                reason="She is in danger tonight and needs a safe place.",
                field_groups=[CT],
                hours=12,
            )
        else:
            world_case.override = world_case.note  # any id of another kind: the route refuses first
        return world_case


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with module_world(django_db_blocker, World) as made:
        yield made


# The policy, written out --------------------------------------------------------------------------


class Tuned:
    """What the tuned role keeps: capabilities, and from them the groups and actions on each case."""

    def __init__(self, role: str, kind: str, value: str):
        caps = set(capabilities.DEFAULTS[role])
        if kind == "hide":
            caps.discard(capabilities.group_codename(value))
        elif kind == "drop":
            caps.discard(value)
        self.role, self.caps = role, frozenset(caps)
        self.groups = {group for group in fieldgroups.ALL if capabilities.group_codename(group) in caps}

    def sees_own(self) -> bool:
        # The own case is assigned to the caseworker: any SEE_* capability shows it to them.
        return bool(self.caps & SEEING) if self.role == Role.CASEWORKER else capabilities.SEE_ALL in self.caps

    def may(self, action: str, *, shared: bool) -> bool:
        if shared and action not in ("view", "note", "download"):
            return False
        codename = CAPABILITY_OF_ACTION.get(action)
        if codename and codename not in self.caps:
            return False
        return action not in GROUP_OF_ACTION or GROUP_OF_ACTION[action] in self.groups

    def case_groups(self, which: str) -> set[str]:
        """The groups of a case the role may see (the partner's case is shared in full)."""
        if which == "own" and not self.sees_own():
            return set()
        return set(self.groups)

    def expected(self, which: str, name: str, actor: str) -> set[int]:
        if which == "own" and not self.sees_own():
            return {404}
        shared = which == "theirs"
        action, groups, owner_only = NEEDS[name]
        allowed = any(self.may(each, shared=shared) for each in action.split("|"))
        if owner_only and shared:
            allowed = False
        if groups and not set(groups) & self.groups:
            allowed = False
        if name in AUTHOR_ONLY and not (actor == Role.CASEWORKER and which == "own"):
            allowed = False  # the own case's note is its caseworker's
        return GOES_AHEAD.get(name, GO) if allowed else {403}


def forbidden_texts(world: World, tuned: Tuned) -> list[str]:
    """Texts the role must never get: of groups it may not see, of cases it may not open, and
    the own case's task titles unless it may read that case's tasks."""
    out = []
    for which, world_case in (("own", world.own), ("theirs", world.theirs)):
        seen = tuned.case_groups(which)
        if which == "own" and seen and tuned.may("view_tasks", shared=False):
            seen = seen | {"tasks"}
        out += [text for group, values in world_case.texts.items() if group not in seen for text in values]
    return out


@pytest.fixture
def tuned_client(world, request):
    role, kind, value = request.param
    with transaction.atomic():
        if kind != "none":
            organization = world.cast.owner.organization
            current = org_services.capabilities_of(organization, role)
            kept = current - ({capabilities.group_codename(value)} if kind == "hide" else {value})
            org_services.capabilities_set(organization=organization, role=role, codenames=kept)
        yield role, Tuned(role, kind, value), world.clients[role]
        transaction.set_rollback(True)


IDS = [f"{role}-{kind}-{value}" if value else f"{role}-untuned" for role, kind, value in CONFIGS]


def test_the_needs_name_every_case_route():
    assert set(NEEDS) == set(CASE_RULES)


@pytest.mark.parametrize("tuned_client", CONFIGS, ids=IDS, indirect=True)
def test_every_case_route_answers_a_tuned_role_as_the_policy_says_and_leaks_nothing(world, db, tuned_client):
    role, tuned, client = tuned_client
    texts_ = forbidden_texts(world, tuned)
    wrong = []
    for which, world_case in (("own", world.own), ("theirs", world.theirs)):
        for name, (method, *_codes) in CASE_RULES.items():
            code, content = send(world, client, method, case_path(world_case, name), name)
            leaked = [text for text in texts_ if text in content]
            if code not in tuned.expected(which, name, role) or leaked:
                wrong.append((which, name, code, sorted(tuned.expected(which, name, role)), leaked))
    assert wrong == []


def _ids(world, content: str) -> set[str]:
    return {which for which, wc in (("own", world.own), ("theirs", world.theirs)) if str(wc.case.uuid) in content}


@pytest.mark.parametrize("tuned_client", CONFIGS, ids=IDS, indirect=True)
def test_every_list_search_filter_and_count_answers_a_tuned_role_as_the_policy_says(world, db, tuned_client):
    role, tuned, client = tuned_client
    own_groups, their_groups = tuned.case_groups("own"), tuned.case_groups("theirs")
    visible = {"theirs"} | ({"own"} if tuned.sees_own() else set())
    own = world.own.texts
    texts_ = forbidden_texts(world, tuned)

    awaiting = {"own"} if tuned.sees_own() and tuned.may("share", shared=False) else set()

    def found_by(group: str) -> set[str]:
        return {"own"} if group in own_groups else set()

    asked = {
        # (method, path, body, the echo to strip): the cases it must list
        "api list": ("GET", "/api/v1/cases/?page_size=100", None, "", visible),
        "api list of needs": (
            "GET",
            "/api/v1/cases/?needs=shelter",
            None,
            "",
            found_by(CD) | ({"theirs"} if CD in their_groups else set()),
        ),
        "api search by name": ("POST", "/api/v1/cases/search/", {"name": own[ID][0]}, own[ID][0], found_by(ID)),
        "api search by phone": ("POST", "/api/v1/cases/search/", {"phone": own[CT][0]}, own[CT][0], found_by(CT)),
        "api search by document": ("POST", "/api/v1/cases/search/", {"document": own[ID][1]}, own[ID][1], found_by(ID)),
        "api shared list": ("GET", "/api/v1/shared/", None, "", {"theirs"}),
        "page list": ("GET", "/cases/?scope=all", None, "", visible - {"theirs"}),
        "page list of needs": ("GET", "/cases/?scope=all&need=shelter", None, "", found_by(CD)),
        "page search by name": ("POST", "/cases/", {"q": own[ID][0], "scope": "all"}, own[ID][0], found_by(ID)),
        "page search by phone": ("POST", "/cases/", {"q": own[CT][0], "scope": "all"}, own[CT][0], found_by(CT)),
        "duplicate check by name": (
            "POST",
            "/cases/new/",
            {"step": "search", "q": own[ID][0]},
            own[ID][0],
            found_by(ID),
        ),
        "duplicate check by phone": (
            "POST",
            "/cases/new/",
            {"step": "search", "q": own[CT][0]},
            own[CT][0],
            found_by(CT),
        ),
        # Its coordinators also find there the emergency request another coordinator made on the own case.
        "shared with us": ("GET", "/sharing/shared/", None, "", {"theirs"} | awaiting),
        # The dashboard lists the cases assigned to the user: the own case is the caseworker's.
        "dashboard": ("GET", "/", None, "", {"own"} if role == Role.CASEWORKER and tuned.sees_own() else set()),
    }
    wrong = []
    for label, (method, path, body, echo, cases) in asked.items():
        with transaction.atomic():
            if method == "GET":
                response = client.get(path)
            elif path.startswith("/api/"):
                response = client.post(path, json.dumps(body), content_type="application/json")
            else:
                response = client.post(path, body, follow=True)
            content = response.content.decode().replace(echo, "") if echo else response.content.decode()
            transaction.set_rollback(True)
        leaked = [text for text in texts_ if text in content]
        if response.status_code != 200 or _ids(world, content) != cases or leaked:
            wrong.append((label, response.status_code, sorted(_ids(world, content)), sorted(cases), leaked))
    count = client.get("/api/v1/cases/count/").json()["count"]
    assert (wrong, count) == ([], len(visible))
