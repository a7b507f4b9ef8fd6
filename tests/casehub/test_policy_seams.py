"""The seams between surfaces, one regression per breakage of issue 13: every page, API view,
export and search now asks the one case policy, so each of these failed before and holds now."""

import json
import shutil
import subprocess
from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from casehub import services
from casehub.grants import CaseShare, Purpose, ShareEnd
from orgs import capabilities, fieldgroups
from orgs import services as org_services
from orgs.models import Role
from rights import services as rights
from sharing import services as sharing
from tests.casehub.factories import a_case
from tests.factories import member, verified_client
from tests.referrals.factories import a_referral, a_scene, accepted
from tests.sharing.factories import a_consent

NAME, PHONE, PLAN, STORY, NOTE = "Zz Hidden Name", "+52 33 5550 1234", "ZzSafetyPlan", "ZzStoryText", "ZzNoteText"
PDF = b"%PDF-1.4 ZzDocBody\n%%EOF\n"


def hide(team, role, *groups, drop=()):
    """The team's organization hides ``groups`` (and removes the ``drop`` capabilities) from ``role``."""
    current = org_services.capabilities_of(team.organization, role)
    hidden = {capabilities.group_codename(group) for group in groups} | set(drop)
    org_services.capabilities_set(organization=team.organization, role=role, codenames=current - hidden)


def a_full_case(team, **fields):
    case = a_case(
        team,
        assigned=[team.caseworker],
        legal_name=NAME,
        phones=[PHONE],
        safety_plan=PLAN,
        narrative=STORY,
        needs=["shelter"],
        **fields,
    )
    services.note_add(case=case, by=team.coordinator, body=NOTE)
    return case


def share_with_partner(cast, case, groups, **fields):
    """The owner shares ``groups`` of the case with the partner, for coordination (under a consent made before)."""
    return sharing.share_create(
        case=case,
        by=cast.owner.coordinator,
        to_organization=cast.partner.organization,
        field_groups=groups,
        purpose=Purpose.COORDINATION,
        **fields,
    )


def pdf_text(content: bytes) -> str:
    """The text of a PDF (its fonts are embedded subsets: the bytes never hold the text as such)."""
    if shutil.which("pdftotext") is None:
        pytest.skip("needs pdftotext (poppler-utils)")
    return subprocess.run(["pdftotext", "-", "-"], input=content, capture_output=True, check=True).stdout.decode()


def body(response) -> str:
    return (b"".join(response.streaming_content) if response.streaming else response.content).decode("latin-1")


# 1. A share ends with its consent --------------------------------------------------------------


def test_a_share_ends_when_its_consent_ends_though_the_share_runs_longer(cast):
    case = a_full_case(cast.owner)
    a_consent(cast.owner, case, to=cast.partner.organization, valid_until=timezone.now() + timedelta(minutes=10))
    share_with_partner(cast, case, [fieldgroups.IDENTITY, fieldgroups.CONTACT], days=30)
    client = verified_client(cast.partner.coordinator)
    api, page = f"/api/v1/cases/{case.uuid}/", reverse("cases:survivor", kwargs={"case_uuid": case.uuid})
    assert client.get(api).status_code == 200
    with time_machine.travel(timezone.now() + timedelta(minutes=15)):
        assert client.get(api).status_code == 404
        assert client.get(page).status_code == 404
        assert NAME not in body(client.get("/api/v1/shared/"))


def test_a_referral_share_ends_when_its_consent_ends(cast):
    scene = a_scene(cast, consent=False)
    a_consent(
        cast.owner,
        scene.case,
        to=cast.partner.organization,
        groups=[fieldgroups.IDENTITY],
        purposes=[Purpose.REFERRAL],
        valid_until=timezone.now() + timedelta(minutes=10),
    )
    accepted(scene)
    client = verified_client(cast.partner.caseworker)  # the assignee
    assert client.get(f"/api/v1/cases/{scene.case.uuid}/").status_code == 200
    with time_machine.travel(timezone.now() + timedelta(minutes=15)):
        assert client.get(f"/api/v1/cases/{scene.case.uuid}/").status_code == 404


def test_the_sweep_ends_a_share_whose_consent_ended_and_audits_it(cast):
    case = a_full_case(cast.owner)
    a_consent(cast.owner, case, to=cast.partner.organization, valid_until=timezone.now() + timedelta(minutes=10))
    share = share_with_partner(cast, case, [fieldgroups.IDENTITY], days=30)
    with time_machine.travel(timezone.now() + timedelta(minutes=15)):
        assert sharing.shares_retire_expired() == 1
    share.refresh_from_db()
    assert share.end_reason == ShareEnd.CONSENT_EXPIRED
    assert not share.grants.exists()
    ended = AuditEvent.objects.filter(action="share.ended").order_by("-id").first()
    assert ended.details["reason"] == ShareEnd.CONSENT_EXPIRED


# 2. The data-subject export leaves out hidden groups --------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/cases/{case}/export.json",
        "/cases/{case}/export.pdf",
        "/api/v1/cases/{case}/export.json",
        "/api/v1/cases/{case}/export.pdf",
    ],
)
def test_the_export_leaves_out_the_field_groups_the_exporter_may_not_see(cast, url):
    case = a_full_case(cast.owner)
    hide(cast.owner, Role.CASEWORKER, fieldgroups.NARRATIVE, fieldgroups.CONTACT)
    response = verified_client(cast.owner.caseworker).get(url.format(case=case.uuid))
    assert response.status_code == 200
    text = pdf_text(response.content) if url.endswith(".pdf") else body(response)
    if url.endswith(".json"):
        data = json.loads(text)
        assert "narrative" not in data["survivor"] and "phones" not in data["survivor"]
        assert data["left_out"] == [fieldgroups.CONTACT, fieldgroups.NARRATIVE]
        assert data["survivor"]["legal_name"] == NAME
    assert NAME in text  # the identity the exporter sees is there
    assert STORY not in text and "5550" not in text


def test_the_export_is_audited_with_the_groups_it_held(cast):
    case = a_full_case(cast.owner)
    hide(cast.owner, Role.CASEWORKER, fieldgroups.NARRATIVE)
    verified_client(cast.owner.caseworker).get(f"/cases/{case.uuid}/export.json")
    event = AuditEvent.objects.filter(action="case.exported").get()
    assert event.details["groups"] == sorted(fieldgroups.ALL - {fieldgroups.NARRATIVE})


# 3. The survivor edit page -----------------------------------------------------------------------


def test_the_survivor_edit_page_neither_shows_nor_offers_hidden_fields(cast):
    case = a_full_case(cast.owner)
    hide(cast.owner, Role.CASEWORKER, fieldgroups.IDENTITY, fieldgroups.NARRATIVE)
    response = verified_client(cast.owner.caseworker).get(
        reverse("cases:survivor_edit", kwargs={"case_uuid": case.uuid})
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert NAME not in page and STORY not in page
    assert 'name="legal_name"' not in page and 'name="narrative"' not in page
    assert 'name="phones"' in page


def test_saving_the_survivor_edit_page_leaves_hidden_fields_as_they_were(cast):
    case = a_full_case(cast.owner)
    hide(cast.owner, Role.CASEWORKER, fieldgroups.IDENTITY, fieldgroups.NARRATIVE)
    url = reverse("cases:survivor_edit", kwargs={"case_uuid": case.uuid})
    response = verified_client(cast.owner.caseworker).post(
        url, {"legal_name": "Overwritten", "narrative": "", "phones": "+52 1"}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.narrative == STORY
    assert services.survivor_details(case, {fieldgroups.IDENTITY})["legal_name"] == NAME


def test_the_update_service_refuses_fields_outside_the_editors_groups(cast):
    case = a_full_case(cast.owner)
    hide(cast.owner, Role.CASEWORKER, fieldgroups.NARRATIVE)
    with pytest.raises(PermissionDenied):
        services.case_update(case=case, by=cast.owner.caseworker, narrative="")
    case.refresh_from_db()
    assert case.narrative == STORY


# 4. Names where identity is hidden ---------------------------------------------------------------


def test_no_list_page_names_a_survivor_whose_identity_the_role_may_not_see(cast):
    case = a_full_case(cast.owner)
    hide(cast.owner, Role.CASEWORKER, fieldgroups.IDENTITY)
    client = verified_client(cast.owner.caseworker)
    for url in (reverse("cases:list"), reverse("home")):
        response = client.get(url)
        assert response.status_code == 200 and case.case_number in response.content.decode()
        assert NAME not in response.content.decode(), url
    found = client.post(reverse("cases:list"), {"q": case.case_number}, follow=True).content.decode()
    assert case.case_number in found and NAME not in found


def test_shared_with_us_names_no_survivor_whose_identity_the_recipient_role_may_not_see(cast):
    case = a_full_case(cast.owner)
    a_consent(cast.owner, case, to=cast.partner.organization)
    share_with_partner(cast, case, sorted(fieldgroups.ALL))
    hide(cast.partner, Role.CASEWORKER, fieldgroups.IDENTITY)
    page = verified_client(cast.partner.caseworker).get(reverse("sharing:shared")).content.decode()
    assert case.case_number in page and NAME not in page
    assert NAME in verified_client(cast.partner.coordinator).get(reverse("sharing:shared")).content.decode()


# 5. Page search and filters ----------------------------------------------------------------------


def test_the_page_search_finds_no_case_by_a_phone_the_searcher_may_not_see(cast):
    case = a_full_case(cast.owner)
    client = verified_client(cast.owner.caseworker)
    assert case.case_number in client.post(reverse("cases:list"), {"q": PHONE}, follow=True).content.decode()
    hide(cast.owner, Role.CASEWORKER, fieldgroups.CONTACT)
    assert case.case_number not in client.post(reverse("cases:list"), {"q": PHONE}, follow=True).content.decode()
    assert (
        case.case_number
        not in client.post(reverse("cases:new"), {"step": "search", "q": PHONE}, follow=True).content.decode()
    )


def test_the_need_filter_lists_no_case_whose_details_the_role_may_not_see(cast):
    case = a_full_case(cast.owner)
    client = verified_client(cast.owner.caseworker)
    assert case.case_number in client.get(reverse("cases:list"), {"need": "shelter"}).content.decode()
    hide(cast.owner, Role.CASEWORKER, fieldgroups.CASE_DETAILS)
    assert case.case_number not in client.get(reverse("cases:list"), {"need": "shelter"}).content.decode()
    assert case.case_number in client.get(reverse("cases:list")).content.decode()


# 6. Document download ----------------------------------------------------------------------------


@pytest.mark.parametrize("surface", ["page", "api"])
def test_a_document_is_not_downloaded_by_a_role_without_the_document_capability(cast, surface):
    case = a_full_case(cast.owner)
    attachment = services.attachment_add(
        case=case,
        by=cast.owner.coordinator,
        upload=SimpleUploadedFile("a.pdf", PDF, content_type="application/pdf"),
        kind="other",
    )
    hide(cast.owner, Role.CASEWORKER, drop=[capabilities.ACTION_CODENAMES["document"]])
    url = {
        "page": reverse("cases:document_download", kwargs={"case_uuid": case.uuid, "attachment_uuid": attachment.uuid}),
        "api": f"/api/v1/cases/{case.uuid}/documents/{attachment.uuid}/",
    }[surface]
    response = verified_client(cast.owner.caseworker).get(url)
    assert response.status_code == 403
    assert b"ZzDocBody" not in (b"".join(response.streaming_content) if response.streaming else response.content)


# 7. The duplicate check is no oracle: tests/casehub/test_case_list.py
#    (test_the_duplicate_check_answers_alike_whether_or_not_a_case_the_user_cannot_open_matches)


# 8. Consent withdrawn: the referral's offer tier and thread close to the receiver -----------------


def test_after_consent_is_withdrawn_the_receiver_reads_no_offer_tier_nor_thread_and_cannot_write(cast):
    scene = a_scene(cast)
    referral = a_referral(scene, send=True)
    client = verified_client(cast.partner.coordinator)
    client.post(
        f"/api/v1/referrals/{referral.uuid}/messages/create/", {"body": "ZzThread"}, content_type="application/json"
    )
    assert client.get(f"/api/v1/referrals/{referral.uuid}/").json()["region"] == "Jalisco"
    consent = referral.consent
    rights.consent_withdraw(consent=consent, by=cast.owner.coordinator)
    detail = client.get(f"/api/v1/referrals/{referral.uuid}/").json()
    assert "region" not in detail and "need_kind" not in detail and detail["state"] == "consent_withdrawn"
    assert client.get(f"/api/v1/referrals/{referral.uuid}/messages/").status_code == 403
    posted = client.post(
        f"/api/v1/referrals/{referral.uuid}/messages/create/", {"body": "Still there?"}, content_type="application/json"
    )
    assert posted.status_code == 403
    page = client.get(reverse("referrals:referral_detail", kwargs={"referral_id": referral.uuid})).content.decode()
    assert "ZzThread" not in page and "Jalisco" not in page
    refused = client.post(reverse("referrals:referral_message", kwargs={"referral_id": referral.uuid}), {"body": "Hi"})
    assert refused.status_code == 403


def test_the_sender_still_reads_its_own_referral_after_withdrawal(cast):
    scene = a_scene(cast)
    referral = a_referral(scene, send=True)
    rights.consent_withdraw(consent=referral.consent, by=cast.owner.coordinator)
    detail = verified_client(cast.owner.caseworker).get(f"/api/v1/referrals/{referral.uuid}/").json()
    assert detail["region"] == "Jalisco"


# 9. Accepting a referral opens the case to the assignee and coordinators only --------------------


def test_accepting_a_referral_opens_the_case_to_the_assignee_and_coordinators_only(cast):
    other = member(cast.partner.organization, Role.CASEWORKER, username="partner-caseworker-2")
    scene = a_scene(cast)
    accepted(scene)  # assigned to cast.partner.caseworker
    url = f"/api/v1/cases/{scene.case.uuid}/"
    assert verified_client(cast.partner.caseworker).get(url).status_code == 200
    assert verified_client(cast.partner.coordinator).get(url).status_code == 200
    assert verified_client(other).get(url).status_code == 404


def test_handing_a_referral_to_another_caseworker_moves_the_case_with_it(cast):
    from referrals.workflow import referral_assign

    other = member(cast.partner.organization, Role.CASEWORKER, username="partner-caseworker-2")
    scene = a_scene(cast)
    referral = accepted(scene)
    referral_assign(referral=referral, by=cast.partner.coordinator, assignee=other)
    url = f"/api/v1/cases/{scene.case.uuid}/"
    assert verified_client(other).get(url).status_code == 200
    assert verified_client(cast.partner.caseworker).get(url).status_code == 404


# 10. Safety is its own group ----------------------------------------------------------------------


def test_sharing_contact_does_not_hand_over_the_safety_plan(cast):
    case = a_full_case(cast.owner, contact_instructions={"do_not_contact_directly": True, "safe_times": "ZzSafeTimes"})
    a_consent(cast.owner, case, to=cast.partner.organization, groups=[fieldgroups.CONTACT])
    share_with_partner(cast, case, [fieldgroups.CONTACT])
    client = verified_client(cast.partner.coordinator)
    detail = client.get(f"/api/v1/cases/{case.uuid}/").json()["details"]
    assert detail["phones"] == [PHONE]
    assert "safety_plan" not in detail and "contact_instructions" not in detail
    page = client.get(reverse("cases:survivor", kwargs={"case_uuid": case.uuid})).content.decode()
    assert PHONE in page and PLAN not in page and "ZzSafeTimes" not in page
    assert "safety plan and contact instructions are not shown to you" in page
    assert client.get(reverse("cases:safety", kwargs={"case_uuid": case.uuid})).status_code == 403


def test_a_consent_to_share_contact_does_not_cover_safety(cast):
    case = a_full_case(cast.owner)
    a_consent(cast.owner, case, to=cast.partner.organization, groups=[fieldgroups.CONTACT])
    with pytest.raises(sharing.ShareRefused):
        share_with_partner(cast, case, [fieldgroups.CONTACT, fieldgroups.SAFETY])
    assert not CaseShare.objects.exists()


@pytest.mark.parametrize(
    "url", [reverse("sharing:consent_explanation") + "?lang=en", reverse("sharing:consent_explanation") + "?lang=es"]
)
def test_the_explanation_read_to_the_survivor_says_contact_does_not_carry_the_safety_plan(cast, url):
    page = verified_client(cast.owner.caseworker).get(url).content.decode()
    assert ("does <strong>not</strong> give them your safety plan" in page) or (
        "<strong>no</strong> le da tu plan" in page
    )


def test_every_consent_and_share_form_names_the_safety_group_and_what_it_holds(cast):
    case = a_full_case(cast.owner)
    page = verified_client(cast.owner.coordinator).get(reverse("sharing:case", kwargs={"case_uuid": case.uuid}))
    text = page.content.decode()
    assert text.count('value="safety"') == 3  # consent, share, emergency access
    assert "safety plan and contact instructions" in text


def test_the_migration_gives_the_safety_group_to_the_roles_that_saw_contact(cast):
    from importlib import import_module

    from django.apps import apps
    from django.db import connection

    migration = import_module("orgs.migrations.0005_safety_capability")
    safety = capabilities.group_codename(fieldgroups.SAFETY)
    hide(cast.owner, Role.CASEWORKER, fieldgroups.SAFETY)
    hide(cast.owner, Role.COORDINATOR, fieldgroups.SAFETY, fieldgroups.CONTACT)

    class Editor:
        pass

    editor = Editor()
    editor.connection = connection
    migration.grant_safety_where_contact_was(apps, editor)
    assert safety in org_services.capabilities_of(cast.owner.organization, Role.CASEWORKER)
    assert safety not in org_services.capabilities_of(cast.owner.organization, Role.COORDINATOR)


# What the pages say of what they hide -----------------------------------------------------------


def test_the_survivor_tab_says_which_parts_it_does_not_show(cast):
    case = a_full_case(cast.owner)
    hide(cast.owner, Role.CASEWORKER, fieldgroups.IDENTITY, fieldgroups.CONTACT)
    page = verified_client(cast.owner.caseworker).get(reverse("cases:survivor", kwargs={"case_uuid": case.uuid}))
    assert "Not shown to you: Identity, Contact." in page.content.decode()


def test_intake_offers_no_field_of_a_group_hidden_from_the_role(cast):
    hide(cast.owner, Role.CASEWORKER, fieldgroups.IDENTITY, fieldgroups.CONTACT)
    page = verified_client(cast.owner.caseworker).get(reverse("cases:new")).content.decode()
    assert 'name="legal_name"' not in page and 'name="phone"' not in page and 'name="needs"' in page


def test_opening_a_case_with_details_the_role_may_not_see_is_refused(cast):
    hide(cast.owner, Role.CASEWORKER, fieldgroups.IDENTITY)
    with pytest.raises(PermissionDenied):
        services.case_create(organization=cast.owner.organization, by=cast.owner.caseworker, legal_name="Zz")
    case = services.case_create(organization=cast.owner.organization, by=cast.owner.caseworker, needs=["shelter"])
    assert case.needs == ["shelter"]


def test_a_refusal_is_a_page_of_the_site_that_says_why(cast):
    case = a_full_case(cast.owner)
    response = verified_client(cast.owner.caseworker).get(reverse("cases:manage", kwargs={"case_uuid": case.uuid}))
    assert response.status_code == 403
    assert "Your role does not allow this" in response.content.decode()
    assert NAME not in response.content.decode()
