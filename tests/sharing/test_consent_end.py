"""Time travel at the consent's end: a share (or an accepted referral's share) that would last for
weeks ends on every surface the instant the survivor's consent ends.

A case is shared in full with the partner for 30 days under a consent that ends at t; another is
opened to the partner by an accepted referral under a consent that ends at t. At t − 1 s the
recipients read both; at t and at t + 1 s every case route (pages and API) answers 404 and no
list, count, search or page names them or shows a text of theirs. The sweep then ends both
shares, deletes their grants and audits it.
"""

from datetime import timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from audit.models import AuditEvent
from casehub.grants import CaseShare, Purpose, ShareEnd
from casehub.services import attachment_add, note_add, task_add
from orgs import fieldgroups
from referrals.workflow import need_create, referral_act, referral_create
from sharing import services
from tests.casehub.factories import a_case
from tests.directory.factories import directory_service
from tests.factories import make_cast, module_world, verified_client
from tests.sharing.factories import a_consent
from tests.sharing.test_share_matrix import CASE_RULES, WorldCase, case_path, send, sentinels

READS = ["cases:survivor", "cases:details", "cases:safety", "cases:notes", "cases:documents", "api:case"]
LISTS = ["/api/v1/cases/?page_size=100", "/api/v1/shared/", "/sharing/shared/", "/cases/?scope=all", "/"]


def _case(team, index: int) -> WorldCase:
    """A case with a text in every field group (the matrix's sentinels) and a note, task and document."""
    texts = sentinels(index)
    identity, contact, safety = texts[fieldgroups.IDENTITY], texts[fieldgroups.CONTACT], texts[fieldgroups.SAFETY]
    case = a_case(
        team,
        assigned=[team.caseworker],
        legal_name=identity[0],
        phones=[contact[0]],
        email=contact[1],
        safety_plan=safety[1],
        identified_region=texts[fieldgroups.CASE_DETAILS][0],
        narrative=texts[fieldgroups.NARRATIVE][0],
    )
    world_case = WorldCase(key=f"case-{index}", state="active", group="all", case=case, texts=texts)
    world_case.note = note_add(case=case, by=team.caseworker, body=texts[fieldgroups.NOTES][0])
    world_case.task = task_add(case=case, by=team.caseworker, title=texts["owner"][0])
    world_case.attachment = attachment_add(
        case=case,
        by=team.caseworker,
        upload=SimpleUploadedFile("a.pdf", b"%PDF-1.4 x\n%%EOF\n", content_type="application/pdf"),
        kind="other",
        description=texts[fieldgroups.DOCUMENTS][0],
    )
    world_case.override = world_case.note  # an id of another kind: the routes refuse first
    return world_case


class World:
    def __init__(self):
        self.cast = cast = make_cast()
        owner, partner = cast.owner, cast.partner
        self.end = (timezone.now() + timedelta(minutes=10)).replace(microsecond=0)
        self.shared, self.referred = _case(owner, 0), _case(owner, 1)
        self.shared.consent = a_consent(owner, self.shared.case, to=partner.organization, valid_until=self.end)
        self.shared.share = services.share_create(
            case=self.shared.case,
            by=owner.coordinator,
            to_organization=partner.organization,
            field_groups=sorted(fieldgroups.ALL),
            purpose=Purpose.COORDINATION,
            days=30,
        )
        self.referred.consent = a_consent(
            owner, self.referred.case, to=partner.organization, purposes=[Purpose.REFERRAL], valid_until=self.end
        )
        need = need_create(case=self.referred.case, by=owner.coordinator, kind="legal_aid")
        service = directory_service(partner.organization, kind="legal_aid")
        referral = referral_create(need=need, service=service, by=owner.coordinator)
        referral = referral_act(referral=referral, by=owner.coordinator, action="send")
        referral = referral_act(referral=referral, by=partner.coordinator, action="accept", assignee=partner.caseworker)
        self.referred.share = referral.share
        self.clients = {role: verified_client(partner.by_role(role)) for role in ("caseworker", "coordinator")}

    def texts(self) -> list[str]:
        return [text for index in (0, 1) for values in sentinels(index).values() for text in values]


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with module_world(django_db_blocker, World) as made:
        yield made


@pytest.mark.parametrize("role", ["caseworker", "coordinator"])
def test_a_second_before_the_consent_ends_the_recipient_reads_both_cases(world, db, role):
    client = world.clients[role]
    with time_machine.travel(world.end - timedelta(seconds=1), tick=False):
        for world_case in (world.shared, world.referred):
            codes = {name: send(world, client, "GET", case_path(world_case, name), name)[0] for name in READS}
            assert set(codes.values()) == {200}, (world_case.key, codes)
        listed = client.get("/api/v1/cases/?page_size=100").content.decode()
        assert str(world.shared.case.uuid) in listed and str(world.referred.case.uuid) in listed


@pytest.mark.parametrize("role", ["caseworker", "coordinator"])
@pytest.mark.parametrize("after", [0, 1])
def test_at_the_consent_end_and_after_every_surface_refuses(world, db, role, after):
    client = world.clients[role]
    wrong = []
    with time_machine.travel(world.end + timedelta(seconds=after), tick=False):
        for world_case in (world.shared, world.referred):
            uuid = str(world_case.case.uuid)
            for name, (method, *_codes) in CASE_RULES.items():
                code, content = send(world, client, method, case_path(world_case, name), name)
                leaked = [text for text in world.texts() if text in content]
                if code != 404 or leaked:
                    wrong.append((world_case.key, name, code, leaked))
            for path in LISTS:
                content = client.get(path).content.decode()
                if uuid in content or any(text in content for text in world.texts()):
                    wrong.append((world_case.key, path))
        count = client.get("/api/v1/cases/count/").json()["count"]
    assert (wrong, count) == ([], 0)


def test_the_sweep_then_ends_both_shares_and_audits_it(world, db):
    with transaction.atomic(), time_machine.travel(world.end + timedelta(seconds=1), tick=False):
        services.shares_retire_expired()
        for world_case in (world.shared, world.referred):
            share = CaseShare.objects.get(pk=world_case.share.pk)
            assert share.expires_at > world.end + timedelta(days=29)  # the share itself ran for weeks
            assert share.end_reason == ShareEnd.CONSENT_EXPIRED
            assert not share.grants.exists() and not share.user_grants.exists()
            assert AuditEvent.objects.filter(
                action="share.ended", details__share=str(share.uuid), details__reason=ShareEnd.CONSENT_EXPIRED
            ).exists()
        transaction.set_rollback(True)
