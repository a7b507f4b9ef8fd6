"""The authorization matrix of sharing, generated from the URL configuration.

Actors (every role of the owner and recipient organizations, an unrelated organization, a
suspended recipient organization, a deactivated recipient user, a platform admin) × share states
(none, active, expired at t−1 s / t / t+1 s, revoked, consent withdrawn) × each field group (a
share of exactly one group) × every case page, API endpoint, action and list.

Every cell asserts the status code and that the response holds no sentinel of a field group
outside what the actor may see, nor the id of a case the actor may not open (so no list, count or
search reveals it). A case route (or sharing route) without a rule here fails the suite.

The world is built once for the module (inside a transaction rolled back at the end); each
request runs in a savepoint that is rolled back, so writes do not leak from cell to cell.
"""

import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from casehub.grants import CaseGroupObjectPermission, CaseShare, ConsentDecision, ConsentMethod, Purpose
from casehub.services import attachment_add, note_add, task_add
from orgs import fieldgroups
from orgs import services as org_services
from orgs.models import Organization, OrganizationStatus, Role
from rights import services as rights
from sharing import services
from tests.casehub.factories import a_case
from tests.factories import make_cast, member, module_world, verified_client

pytestmark = pytest.mark.long

GROUPS = sorted(fieldgroups.ALL)
ACTORS = [
    "owner_caseworker",
    "owner_coordinator",
    "owner_admin",
    "partner_caseworker",
    "partner_coordinator",
    "partner_admin",
    "outsider",
    "suspended_recipient",
    "deactivated_recipient",
    "platform",
]
RECIPIENTS = {"partner_caseworker", "partner_coordinator"}
OWNERS = {"owner_caseworker", "owner_coordinator"}
# Share states made in the world; the expiry states are the active shares seen at other moments.
MADE_STATES = ["none", "active", "revoked", "withdrawn"]
MOMENTS = {"now": None, "expiry-1s": -1, "expiry": 0, "expiry+1s": 1}
STATES = ["none", "active", "expiry-1s", "expiry", "expiry+1s", "revoked", "withdrawn"]
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
MISSING = uuid.UUID(int=1)  # a record id that names nothing


def sentinels(index: int) -> dict[str, list[str]]:
    """Distinct text in every field of every field group of case ``index``; "owner" is never shared."""
    return {
        fieldgroups.IDENTITY: [
            f"ZzIdLegal{index:02d}z",
            f"ZzIdPreferred{index:02d}z",
            f"ZzIdAlias{index:02d}z",
            f"ZZIDDOC{index}X",
            f"ZzIdAge{index:02d}z",
            f"1901-02-{index + 1:02d}",
        ],
        fieldgroups.CONTACT: [f"5550199{index:03d}", f"zzcontact{index}@example.org", f"ZzCtAddress{index:02d}z"],
        fieldgroups.SAFETY: [f"ZzSfThrough{index:02d}z", f"ZzSfPlan{index:02d}z"],
        fieldgroups.CASE_DETAILS: [f"ZzCdRegion{index:02d}z"],
        fieldgroups.NARRATIVE: [f"ZzNarrative{index:02d}z"],
        fieldgroups.DOCUMENTS: [f"ZzDocDesc{index:02d}z", f"ZzDocFile{index:02d}z"],
        fieldgroups.NOTES: [f"ZzNote{index:02d}z"],
        "owner": [f"ZzTask{index:02d}z", f"ZzConsentNote{index:02d}z", f"ZzShareMessage{index:02d}z"],
    }


@dataclass
class WorldCase:
    key: str
    state: str
    group: str
    case: object
    texts: dict
    note: object = None
    task: object = None
    attachment: object = None
    consent: object = None
    share: object = None
    override: object = None
    paths: dict = field(default_factory=dict)


class World:
    def __init__(self):
        self.cast = cast = make_cast()
        owner, partner = cast.owner, cast.partner
        suspended = cast.suspended.organization
        Organization.objects.filter(pk=suspended.pk).update(status=OrganizationStatus.VETTED)
        suspended.refresh_from_db()
        deactivated = member(partner.organization, Role.CASEWORKER, username="partner-deactivated")
        second = member(owner.organization, Role.COORDINATOR, username="owner-coordinator-2")
        self.cases: dict[str, WorldCase] = {}
        for group in GROUPS:
            for state in MADE_STATES:
                self._make_case(len(self.cases), group, state, second, suspended)
        transferred = a_case(owner, legal_name="ZzTransferLegal", assigned=[owner.caseworker])
        self._consent(transferred, [partner.organization])
        self.transfer = services.transfer_offer(
            case=transferred, by=owner.coordinator, to_organization=partner.organization
        )
        # The shares end at one instant soon, so that the sessions are still fresh when the
        # tests travel to it.
        self.expiry = (timezone.now() + timedelta(minutes=10)).replace(microsecond=0)
        CaseShare.objects.filter(ended_at__isnull=True).update(expires_at=self.expiry)
        CaseGroupObjectPermission.objects.update(expires_at=self.expiry)
        org_services.membership_deactivate(membership=deactivated.membership, by=partner.org_admin)
        Organization.objects.filter(pk=suspended.pk).update(status=OrganizationStatus.SUSPENDED)
        users = {
            "owner_caseworker": owner.caseworker,
            "owner_coordinator": owner.coordinator,
            "owner_admin": owner.org_admin,
            "partner_caseworker": partner.caseworker,
            "partner_coordinator": partner.coordinator,
            "partner_admin": partner.org_admin,
            "outsider": cast.outsider.coordinator,
            "suspended_recipient": cast.suspended.coordinator,
            "deactivated_recipient": deactivated,
            "platform": cast.admin,
        }
        self.clients = {actor: verified_client(user) for actor, user in users.items()}

    def _consent(self, case, organizations, notes=""):
        provisions = [
            {"recipient_organization": organization, "field_groups": GROUPS, "purposes": [Purpose.COORDINATION]}
            for organization in organizations
        ]
        return services.consent_record(
            case=case,
            by=self.cast.owner.coordinator,
            decision=ConsentDecision.GRANTED,
            method=ConsentMethod.WRITTEN,
            provisions=provisions,
            notes=notes,
        )

    def _make_case(self, index, group, state, second, suspended):
        owner, partner = self.cast.owner, self.cast.partner
        texts = sentinels(index)
        identity, contact, safety = texts[fieldgroups.IDENTITY], texts[fieldgroups.CONTACT], texts[fieldgroups.SAFETY]
        case = a_case(
            owner,
            assigned=[owner.caseworker],
            legal_name=identity[0],
            preferred_name=identity[1],
            aliases=[identity[2]],
            identity_documents=[{"kind": "passport", "number": identity[3]}],
            estimated_age=identity[4],
            date_of_birth=date.fromisoformat(identity[5]),
            phones=[f"+52 {contact[0]}"],
            email=contact[1],
            current_address=contact[2],
            contact_instructions={"do_not_contact_directly": True, "contact_only_through": safety[0]},
            safety_plan=safety[1],
            identified_region=texts[fieldgroups.CASE_DETAILS][0],
            needs=["shelter"],
            exploitation_types=["ForcedLabour"],
            narrative=texts[fieldgroups.NARRATIVE][0],
        )
        world_case = WorldCase(key=f"{state}-{group}", state=state, group=group, case=case, texts=texts)
        world_case.note = note_add(case=case, by=owner.caseworker, body=texts[fieldgroups.NOTES][0])
        world_case.task = task_add(case=case, by=owner.caseworker, title=texts["owner"][0])
        world_case.attachment = attachment_add(
            case=case,
            by=owner.caseworker,
            upload=SimpleUploadedFile(
                "scan.pdf", b"%PDF-1.4 " + texts[fieldgroups.DOCUMENTS][1].encode(), content_type="application/pdf"
            ),
            kind="other",
            description=texts[fieldgroups.DOCUMENTS][0],
        )
        world_case.consent = self._consent(case, [partner.organization, suspended], notes=texts["owner"][1])
        if state != "none":
            world_case.share = services.share_create(
                case=case,
                by=owner.coordinator,
                to_organization=partner.organization,
                field_groups=[group],
                purpose=Purpose.COORDINATION,
                message=texts["owner"][2],
            )
            services.share_create(
                case=case,
                by=owner.coordinator,
                to_organization=suspended,
                field_groups=[group],
                purpose=Purpose.COORDINATION,
            )
        if state == "revoked":
            services.share_revoke(share=world_case.share, by=owner.coordinator)
        if state == "withdrawn":
            rights.consent_withdraw(consent=world_case.consent, by=owner.coordinator)
        world_case.override = services.override_request(
            case=case,
            by=second,
            to_organization=self.cast.outsider.organization,
            legal_basis="vital_interests",
            reason="She is in danger tonight and needs a safe place.",
            field_groups=[fieldgroups.CONTACT],
            hours=12,
        )
        self.cases[world_case.key] = world_case

    def moment(self, name: str):
        offset = MOMENTS[name]
        if offset is None:
            return None
        return self.expiry + timedelta(seconds=offset)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with module_world(django_db_blocker, World) as made:
        yield made


# The rules ---------------------------------------------------------------------------------------

# For a case route: (method, owner caseworker, owner coordinator, recipient with an active share).
# A code may be a function of the world case (the owner's answers depend on the share's state) or,
# for the recipient, of the one shared field group. An actor who may not open the case gets 404;
# members of a suspended organization 403; the deactivated user is sent to sign in again.


def for_groups(code, **by_group):
    return lambda group: by_group.get(group, code)


def when_state(code, **by_state):
    return lambda world_case: by_state.get(world_case.state, code)


def for_notes(code):
    return for_groups(403, notes=code)


def for_documents(code):
    return for_groups(403, documents=code)


PAGE = ("GET", 200, 200, 403)
COORDINATOR_PAGE = ("GET", 403, 200, 403)
CASE_RULES = {
    # Case pages (casehub/urls.py): a recipient sees the tabs of its shared groups, never the
    # owner's own work (tasks, history, management) and changes nothing but notes it may add.
    "cases:survivor": ("GET", 200, 200, 200),
    "cases:survivor_edit": PAGE,
    "cases:details": ("GET", 200, 200, for_groups(403, case_details=200)),
    "cases:details_edit": PAGE,
    "cases:safety": ("GET", 200, 200, for_groups(403, safety=200)),
    "cases:safety_edit": PAGE,
    "cases:notes": ("GET", 200, 200, for_notes(200)),
    "cases:note_add": ("POST", 302, 302, for_notes(302)),
    "cases:note_edit": ("GET", 200, 403, 403),  # the owner's caseworker wrote the note
    "cases:tasks": PAGE,
    "cases:task_add": ("POST", 302, 302, 403),
    "cases:task_done": ("POST", 302, 302, 403),
    "cases:task_edit": PAGE,
    "cases:task_delete": ("POST", 302, 302, 403),
    "cases:documents": ("GET", 200, 200, for_documents(200)),
    "cases:document_add": ("POST", 400, 400, 403),
    "cases:document_download": ("GET", 200, 200, for_documents(200)),
    "cases:history": PAGE,
    # The survivor's copy (rights/urls.py): the owner's, never a recipient's.
    "rights:case_export_pdf": PAGE,
    "rights:case_export_zip": PAGE,
    "rights:case_export_json": PAGE,
    "cases:manage": COORDINATOR_PAGE,
    "cases:assign": ("POST", 403, 302, 403),
    "cases:restrict": ("POST", 403, 302, 403),
    "cases:close": ("POST", 403, 302, 403),
    "cases:reopen": ("POST", 403, 400, 403),  # the case is open
    "cases:erase_request": ("POST", 403, 302, 403),
    "rights:erase_confirm": ("POST", 403, 404, 403),  # no such erasure request
    "cases:erase_cancel": ("POST", 403, 404, 403),
    # Sharing pages (sharing/urls.py): the owner's; a recipient is refused every one.
    "sharing:case": PAGE,
    "sharing:consent_add": ("POST", 400, 400, 403),  # an empty form
    # An action that cannot be done (already withdrawn, already ended) comes back with a message.
    "rights:consent_withdraw": ("POST", 302, 302, 403),
    "sharing:share_add": ("POST", 403, 400, 403),
    "sharing:share_revoke": ("POST", 403, when_state(302, none=404), 403),
    "sharing:override_add": ("POST", 403, 400, 403),
    "sharing:override_decide": ("POST", 403, 302, 403),
    "sharing:transfer_add": ("POST", 403, 400, 403),
    "sharing:transfer_cancel": ("POST", 403, 404, 403),  # no such transfer
    # Case API (casehub/api.py)
    "api:case": ("GET", 200, 200, 200),
    "api:case_update": ("PATCH", 200, 200, 403),
    "api:case_notes": ("GET", 200, 200, for_notes(200)),
    "api:case_note_create": ("POST", 201, 201, for_notes(201)),
    "api:case_note": ("GET", 200, 200, for_notes(200)),
    "api:case_note_update": ("PATCH", 200, 403, 403),
    "api:case_tasks": ("GET", 200, 200, 403),
    "api:case_task_create": ("POST", 201, 201, 403),
    "api:case_task_update": ("PATCH", 200, 200, 403),
    "api:case_task": ("DELETE", 204, 204, 403),
    "api:case_documents": ("GET", 200, 200, for_documents(200)),
    "api:case_document_upload": ("POST", 201, 201, 403),
    "api:case_document_download": ("GET", 200, 200, for_documents(200)),
    "api:case_export_json": ("GET", 200, 200, 403),
    "api:case_export_pdf": ("GET", 200, 200, 403),
    "api:case_export_zip": ("GET", 200, 200, 403),
    # Sharing API (sharing/api_urls.py)
    "api:case_consents": ("GET", 200, 200, 403),
    "api:case_consent_withdraw": ("POST", when_state(200, withdrawn=400), when_state(200, withdrawn=400), 403),
    "api:case_shares": ("GET", 403, 200, 403),
    "api:case_share_revoke": ("POST", 403, when_state(200, none=404, revoked=400, withdrawn=400), 403),
    "api:case_share_accesses": ("GET", 403, when_state(200, none=404), 403),
    "api:case_override_request": ("POST", 403, 201, 403),
    "api:case_override_approve": ("POST", 403, 200, 403),
    "api:case_override_decline": ("POST", 403, 200, 403),
    "api:case_transfer_offer": ("POST", 403, when_state(201, withdrawn=400), 403),
    # Referral API (referrals/urls.py): a need is the owner's to record.
    "api:referral_need_create": ("POST", 201, 201, 403),
}

# For routes without a case: (method, code per actor in ACTORS order).
OTHER_RULES = {
    "cases:list": ("GET", "200 200 403 200 200 403 200 403 403 403"),
    "cases:new": ("POST", "200 200 403 200 200 403 200 403 403 403"),  # a search by name, its result followed
    "api:cases": ("GET", "200 200 200 200 200 200 200 403 403 200"),
    "api:cases_count": ("GET", "200 200 200 200 200 200 200 403 403 200"),
    "api:cases_search": ("POST", "200 200 200 200 200 200 200 403 403 200"),
    "api:shared_cases": ("GET", "200 200 200 200 200 200 200 403 403 200"),
    "api:transfers": ("GET", "200 200 403 200 200 403 200 403 403 403"),
    "api:transfer_accept": ("POST", "404 404 403 403 200 403 404 403 403 403"),
    "api:transfer_decline": ("POST", "404 404 403 403 200 403 404 403 403 403"),
    "api:transfer_cancel": ("POST", "403 200 403 404 404 403 404 403 403 403"),
    "sharing:shared": ("GET", "200 200 403 200 200 403 200 403 403 403"),
    "sharing:consent_explanation": ("GET", "200 200 200 200 200 200 200 403 403 200"),
    "sharing:transfer_decide": ("POST", "404 404 403 403 302 403 404 403 403 403"),
}

BODIES = {
    "cases:note_add": {"body": "Called."},
    "cases:task_add": {"title": "Visit"},
    "cases:close": {"reason": "Moved away."},
    "cases:reopen": {"reason": "Back."},
    "cases:erase_request": {"erase-reason": "survivor_request"},
    "cases:assign": {},
    "api:referral_need_create": {"kind": "shelter"},
    "rights:consent_withdraw": {"confirm": "on"},
    "sharing:override_decide": {"decision": "decline"},
    "sharing:transfer_decide": {"decision": "decline"},
    "api:case_update": {"risk_level": "high"},
    "api:case_note_create": {"body": "Called back."},
    "api:case_note_update": {"body": "Called back twice."},
    "api:case_task_create": {"title": "Book interpreter"},
    "api:case_task_update": {"done": True},
}
# The lists' searches look for the survivor of the case whose identity is shared.
SHARED_NAME = sentinels(GROUPS.index(fieldgroups.IDENTITY) * len(MADE_STATES) + MADE_STATES.index("active"))[
    fieldgroups.IDENTITY
][0]
BODIES["api:cases_search"] = {"name": SHARED_NAME}
BODIES["cases:new"] = {"step": "search", "q": SHARED_NAME}


# The routes, from the URL configuration -----------------------------------------------------------


def matrix_routes() -> set[str]:
    """Every case page, every /api/v1/ route with a case id, and every sharing and rights route."""
    names = set()

    def walk(patterns, namespace="", prefix=""):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                walk(pattern.url_patterns, inner, route)
            elif isinstance(pattern, URLPattern) and pattern.name:
                name = namespace + pattern.name
                sharing = pattern.callback.__module__.startswith(("sharing.", "rights."))
                if name.startswith("cases:") or sharing or (route.startswith("api/v1/") and "case_id" in route):
                    names.add(name)

    walk(get_resolver().url_patterns)
    return names


def test_every_case_and_sharing_route_has_a_rule():
    assert matrix_routes() - CASE_RULES.keys() - OTHER_RULES.keys() == set()


def test_the_rules_name_no_route_that_does_not_exist():
    assert (CASE_RULES.keys() | OTHER_RULES.keys()) - matrix_routes() - {
        "api:cases",
        "api:cases_count",
        "api:cases_search",
    } == set()


# Requests ----------------------------------------------------------------------------------------


def case_path(world_case: WorldCase, name: str) -> str:
    case = world_case.case.uuid
    share = world_case.share.uuid if world_case.share else MISSING
    api = f"/api/v1/cases/{case}"
    paths = {
        "api:case": f"{api}/",
        "api:case_update": f"{api}/update/",
        "api:case_notes": f"{api}/notes/",
        "api:case_note_create": f"{api}/notes/create/",
        "api:case_note": f"{api}/notes/{world_case.note.uuid}/",
        "api:case_note_update": f"{api}/notes/{world_case.note.uuid}/update/",
        "api:case_tasks": f"{api}/tasks/",
        "api:case_task_create": f"{api}/tasks/create/",
        "api:case_task_update": f"{api}/tasks/{world_case.task.uuid}/update/",
        "api:case_task": f"{api}/tasks/{world_case.task.uuid}/",
        "api:case_documents": f"{api}/documents/",
        "api:case_document_upload": f"{api}/documents/upload/",
        "api:case_document_download": f"{api}/documents/{world_case.attachment.uuid}/",
        "api:case_export_json": f"{api}/export.json",
        "api:case_export_pdf": f"{api}/export.pdf",
        "api:case_export_zip": f"{api}/export.zip",
        "api:case_consents": f"{api}/consents/",
        "api:case_consent_withdraw": f"{api}/consents/{world_case.consent.uuid}/withdraw/",
        "api:case_shares": f"{api}/shares/",
        "api:case_share_revoke": f"{api}/shares/{share}/revoke/",
        "api:case_share_accesses": f"{api}/shares/{share}/accesses/",
        "api:case_override_request": f"{api}/overrides/",
        "api:case_override_approve": f"{api}/overrides/{world_case.override.uuid}/approve/",
        "api:case_override_decline": f"{api}/overrides/{world_case.override.uuid}/decline/",
        "api:case_transfer_offer": f"{api}/transfers/",
        "api:referral_need_create": f"/api/v1/referrals/cases/{case}/needs/create/",
    }
    if name in paths:
        return paths[name]
    page = f"/cases/{case}"
    return {
        "cases:note_edit": f"{page}/notes/{world_case.note.uuid}/edit/",
        "cases:task_done": f"{page}/tasks/{world_case.task.uuid}/done/",
        "cases:task_edit": f"{page}/tasks/{world_case.task.uuid}/edit/",
        "cases:task_delete": f"{page}/tasks/{world_case.task.uuid}/delete/",
        "cases:document_download": f"{page}/documents/{world_case.attachment.uuid}/",
        "rights:erase_confirm": f"{page}/erase/{MISSING}/confirm/",
        "cases:erase_cancel": f"{page}/erase/{MISSING}/cancel/",
        "rights:consent_withdraw": f"/sharing/cases/{case}/consents/{world_case.consent.uuid}/withdraw/",
        "sharing:share_revoke": f"/sharing/cases/{case}/shares/{share}/revoke/",
        "sharing:override_decide": f"/sharing/cases/{case}/overrides/{world_case.override.uuid}/decide/",
        "sharing:transfer_cancel": f"/sharing/cases/{case}/transfers/{MISSING}/cancel/",
    }.get(name) or _page(name, case)


def _page(name: str, case) -> str:
    from django.urls import reverse

    return reverse(name, kwargs={"case_uuid": case})


def send(world, client, method: str, path: str, name: str, body=None, *, follow: bool = False):
    partner = str(world.cast.partner.organization.uuid)
    if body is None:
        body = BODIES.get(name, {})
    if name == "api:case_override_request":
        body = {
            "to_organization": partner,
            "legal_basis": "vital_interests",
            "reason": "She is in danger tonight and needs a safe place.",
            "field_groups": ["contact"],
            "hours": 12,
        }
    if name == "api:case_transfer_offer":
        body = {"to_organization": partner}
    with transaction.atomic():
        if method == "GET":
            response = client.get(path)
        elif name == "api:case_document_upload":
            response = client.post(path, {"file": SimpleUploadedFile("p.png", PNG), "kind": "photo"})
        elif method == "PATCH":
            response = client.patch(path, body, content_type="application/json")
        elif method == "DELETE":
            response = client.delete(path)
        elif name.startswith("api:"):
            response = client.post(path, body, content_type="application/json")
        else:
            response = client.post(path, body, follow=follow)
        content = response.getvalue() if response.streaming else response.content
        transaction.set_rollback(True)
    return response.status_code, content.decode("utf-8", "replace")


# What each actor may see -------------------------------------------------------------------------


def share_active(world_case: WorldCase, moment: str) -> bool:
    if world_case.state != "active":
        return False
    return MOMENTS[moment] is None or MOMENTS[moment] < 0


def visible_groups(actor: str, world_case: WorldCase, moment: str) -> set[str]:
    if actor in OWNERS:
        return set(fieldgroups.ALL) | {"owner"}
    if actor in RECIPIENTS and share_active(world_case, moment):
        return {world_case.group}
    return set()


def forbidden(world, actor: str, moment: str, asked=None) -> list[str]:
    """Text that must not appear in any response to the actor: fields outside their scope, ids of
    cases they may not open (but for the ``asked`` case, whose id the actor sent in the URL)."""
    texts = []
    for world_case in world.cases.values():
        groups = visible_groups(actor, world_case, moment)
        texts += [text for group, values in world_case.texts.items() if group not in groups for text in values]
        if not groups and world_case is not asked:
            texts.append(str(world_case.case.uuid))
    return texts


def expected_for_case(actor: str, world_case: WorldCase, moment: str, name: str) -> int:
    method, caseworker, coordinator, recipient = CASE_RULES[name]
    if actor == "suspended_recipient":
        return 403
    if actor == "deactivated_recipient":
        return 403
    if actor in OWNERS:
        code = caseworker if actor == "owner_caseworker" else coordinator
        return code(world_case) if callable(code) else code
    if actor in RECIPIENTS and share_active(world_case, moment):
        return recipient(world_case.group) if callable(recipient) else recipient
    return 404


def leaks(content: str, texts: list[str]) -> list[str]:
    return [text for text in texts if text in content]


def travel(world, moment: str):
    at = world.moment(moment)
    return time_machine.travel(at, tick=False) if at else _nowhere()


class _nowhere:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


# The matrix --------------------------------------------------------------------------------------


# The owners and the recipients meet every share state of every field group; the recipients also
# meet the expiry moments (t-1 s, t, t+1 s), the only actors whose answers hang on the share's
# clock (expected_for_case). Everyone else is never let in: only a share in force could leak to
# them, so they meet each group's active share.
def case_combos(actors) -> list[tuple[str, str, str]]:
    return [
        (actor, f"{state}-{group}", moment)
        for actor in actors
        for group in GROUPS
        for state in (MADE_STATES if actor in OWNERS | RECIPIENTS or actor == "owner_admin" else ["active"])
        for moment in (list(MOMENTS) if state == "active" and actor in RECIPIENTS else ["now"])
    ]


def combo_ids(combos) -> list[str]:
    return [f"{actor}-{key}@{moment}" for actor, key, moment in combos]


def case_routes_answer_as_the_rules_say(world, actor: str, key: str, moment: str) -> None:
    world_case = world.cases[key]
    client = world.clients[actor]
    wrong = []
    with travel(world, moment):
        texts = forbidden(world, actor, moment, asked=world_case)
        for name, (method, *_codes) in CASE_RULES.items():
            code, content = send(world, client, method, case_path(world_case, name), name)
            expected = expected_for_case(actor, world_case, moment, name)
            if code != expected or leaks(content, texts):
                wrong.append((name, code, expected, leaks(content, texts)))
    assert wrong == []


# Two classes, so that the two halves of the matrix can run on two workers (xdist's loadscope
# keeps a class on one worker, and each worker builds the module's world once).
RECIPIENT_COMBOS = case_combos([actor for actor in ACTORS if actor in RECIPIENTS])
OTHER_COMBOS = case_combos([actor for actor in ACTORS if actor not in RECIPIENTS])


class TestTheRecipientsOfAShare:
    @pytest.mark.parametrize(("actor", "key", "moment"), RECIPIENT_COMBOS, ids=combo_ids(RECIPIENT_COMBOS))
    def test_every_case_route_answers_as_the_rules_say_and_leaks_nothing(self, world, db, key, moment, actor):
        case_routes_answer_as_the_rules_say(world, actor, key, moment)


class TestEveryoneElse:
    @pytest.mark.parametrize(("actor", "key", "moment"), OTHER_COMBOS, ids=combo_ids(OTHER_COMBOS))
    def test_every_case_route_answers_as_the_rules_say_and_leaks_nothing(self, world, db, key, moment, actor):
        case_routes_answer_as_the_rules_say(world, actor, key, moment)


def other_expected(actor: str, name: str) -> int:
    code = OTHER_RULES[name][1].split()[ACTORS.index(actor)]
    return int(code)


def other_path(world, name: str) -> str:
    return {
        "cases:list": "/cases/?scope=all",
        "cases:new": "/cases/new/",
        "api:cases": "/api/v1/cases/?page_size=100",
        "api:cases_count": "/api/v1/cases/count/",
        "api:cases_search": "/api/v1/cases/search/",
        "api:shared_cases": "/api/v1/shared/?page_size=100",
        "api:transfers": "/api/v1/transfers/",
        "api:transfer_accept": f"/api/v1/transfers/{world.transfer.uuid}/accept/",
        "api:transfer_decline": f"/api/v1/transfers/{world.transfer.uuid}/decline/",
        "api:transfer_cancel": f"/api/v1/transfers/{world.transfer.uuid}/cancel/",
        "sharing:shared": "/sharing/shared/",
        "sharing:consent_explanation": "/sharing/consent-explanation/",
        "sharing:transfer_decide": f"/sharing/transfers/{world.transfer.uuid}/decide/",
    }[name]


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("moment", list(MOMENTS))
def test_every_list_and_transfer_route_answers_as_the_rules_say_and_leaks_nothing(world, db, moment, actor):
    client = world.clients[actor]
    wrong = []
    with travel(world, moment):
        texts = forbidden(world, actor, moment)
        for name, (method, _codes) in OTHER_RULES.items():
            # A search is answered by a redirect to its result (post/redirect/get): the result is checked.
            code, content = send(world, client, method, other_path(world, name), name, follow=name == "cases:new")
            # The search page shows back what was typed; the case it names must not show.
            unseen = [text for text in texts if text != SHARED_NAME]
            if code != other_expected(actor, name) or leaks(content, unseen):
                wrong.append((name, code, other_expected(actor, name), leaks(content, unseen)))
    assert wrong == []


def searches(world_case: WorldCase) -> list[dict]:
    identity, contact = world_case.texts[fieldgroups.IDENTITY], world_case.texts[fieldgroups.CONTACT]
    return [{"name": identity[0]}, {"phone": f"+52 {contact[0]}"}, {"document": identity[3]}]


@pytest.mark.parametrize("actor", ACTORS)
def test_search_by_exact_name_phone_or_document_finds_only_the_owners_cases(world, db, actor):
    # The cases with a live share of each group: the ones a search could wrongly reveal.
    client = world.clients[actor]
    wrong = []
    for group in GROUPS:
        world_case = world.cases[f"active-{group}"]
        for body in searches(world_case):
            api_code, api_content = send(world, client, "POST", "/api/v1/cases/search/", "api:cases_search", body)
            query = next(iter(body.values()))
            page_code, page_content = send(
                world, client, "POST", "/cases/new/", "cases:new", {"step": "search", "q": query}, follow=True
            )
            found = str(world_case.case.uuid) in api_content, str(world_case.case.uuid) in page_content
            if found != (actor in OWNERS, actor in OWNERS):
                wrong.append((group, body, found, api_code, page_code))
    assert wrong == []
