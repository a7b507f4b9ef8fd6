"""The Sharing tab, the "shared with us" page and the consent explanation: happy paths,
refusals that write nothing, and the wrong people refused."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from casehub.grants import (
    CaseGroupObjectPermission,
    CaseShare,
    CaseTransfer,
    Consent,
    EmergencyOverride,
    OverrideStatus,
    Purpose,
    TransferStatus,
)
from casehub.models import CaseAttachment
from orgs import fieldgroups
from sharing import services
from tests.casehub.factories import a_case
from tests.factories import member, verified_client
from tests.sharing.factories import a_consent, a_share


def url(name, case, **kwargs):
    return reverse(f"sharing:{name}", kwargs={"case_uuid": case.uuid, **kwargs})


def withdraw_url(case, *, consent_uuid):
    return reverse("rights:consent_withdraw", kwargs={"case_uuid": case.uuid, "consent_uuid": consent_uuid})


@pytest.fixture
def case(cast):
    return a_case(cast.owner, assigned=[cast.owner.caseworker], legal_name="Sentinel Quetzal")


def owner_coordinator(cast):
    return verified_client(cast.owner.coordinator)


# The tab ----------------------------------------------------------------------------------------


def test_the_sharing_tab_lists_consents_and_shares_with_the_recipients_accesses(cast, case):
    # given a share the partner's caseworker used
    a_share(cast.owner, case, cast.partner, groups=[fieldgroups.CASE_DETAILS])
    verified_client(cast.partner.caseworker).get(reverse("cases:details", kwargs={"case_uuid": case.uuid}))
    # when
    response = owner_coordinator(cast).get(url("case", case))
    # then
    body = response.content.decode()
    assert response.status_code == 200
    assert "Partner" in body and "Case details" in body and "Coordination of care" in body
    assert "partner-caseworker" in body  # who accessed it
    assert "1 access by the recipient" in body


def test_the_sharing_tab_is_in_the_menu_for_those_who_may_consent(cast, case):
    response = verified_client(cast.owner.caseworker).get(reverse("cases:survivor", kwargs={"case_uuid": case.uuid}))
    assert url("case", case) in response.content.decode()


def test_the_sharing_tab_refuses_a_caseworker_who_may_not_consent(cast, case):
    from orgs.models import Role
    from orgs.services import capabilities_of, capabilities_set

    organization = cast.owner.organization
    current = capabilities_of(organization, Role.CASEWORKER)
    capabilities_set(organization=organization, role=Role.CASEWORKER, codenames=current - {"record_org_case_consent"})
    assert verified_client(cast.owner.caseworker).get(url("case", case)).status_code == 403


def test_the_sharing_tab_is_not_found_for_another_organization(cast, case):
    assert verified_client(cast.outsider.coordinator).get(url("case", case)).status_code == 404


def test_the_sharing_tab_refuses_a_recipient(cast, case):
    a_share(cast.owner, case, cast.partner)
    assert verified_client(cast.partner.coordinator).get(url("case", case)).status_code == 403


# Consent ----------------------------------------------------------------------------------------


def consent_data(cast, **overrides):
    data = {
        "consent-decision": "granted",
        "consent-method": "written",
        "consent-recipient_organization": str(cast.partner.organization.uuid),
        "consent-field_groups": ["identity", "notes"],
        "consent-purposes": ["coordination"],
    }
    data.update(overrides)
    return data


def test_a_caseworker_records_a_consent_with_one_provision(cast, case):
    response = verified_client(cast.owner.caseworker).post(url("consent_add", case), consent_data(cast))
    assert response.status_code == 302
    consent = Consent.objects.get(case=case)
    provision = consent.provisions.get()
    assert provision.recipient_organization == cast.partner.organization
    assert provision.field_groups == ["identity", "notes"] and provision.purposes == ["coordination"]


def test_a_consent_for_a_service_kind_is_recorded(cast, case):
    from directory.models import TaxonomyTerm

    TaxonomyTerm.objects.get_or_create(code="legal_aid", defaults={"name": "Legal aid"})
    data = consent_data(cast, **{"consent-recipient_organization": "", "consent-recipient_service_kind": "legal_aid"})
    assert owner_coordinator(cast).post(url("consent_add", case), data).status_code == 302
    assert Consent.objects.get(case=case).provisions.get().recipient_service_kind == "legal_aid"


def test_a_refusal_is_recorded_without_provisions(cast, case):
    data = consent_data(cast, **{"consent-decision": "refused"})
    assert owner_coordinator(cast).post(url("consent_add", case), data).status_code == 302
    consent = Consent.objects.get(case=case)
    assert consent.decision == "refused" and not consent.provisions.exists()


def test_a_consent_with_a_signed_form_stores_it_as_an_encrypted_attachment(cast, case):
    upload = SimpleUploadedFile("signed.pdf", b"%PDF-1.4 signed\n%%EOF\n", content_type="application/pdf")
    data = consent_data(cast, **{"consent-signed_form": upload})
    assert owner_coordinator(cast).post(url("consent_add", case), data).status_code == 302
    consent = Consent.objects.get(case=case)
    assert consent.signed_form.kind == "consent" and consent.signed_form.case == case


def test_a_verbal_consent_without_a_witness_is_refused_and_writes_nothing(cast, case):
    upload = SimpleUploadedFile("signed.pdf", b"%PDF-1.4 signed\n%%EOF\n", content_type="application/pdf")
    data = consent_data(cast, **{"consent-method": "verbal_witnessed", "consent-signed_form": upload})
    response = owner_coordinator(cast).post(url("consent_add", case), data)
    assert response.status_code == 400
    assert "Name the witness." in response.content.decode()
    assert not Consent.objects.exists() and not CaseAttachment.objects.exists()


def test_a_consent_through_an_interpreter_needs_the_language(cast, case):
    data = consent_data(cast, **{"consent-method": "interpreter"})
    response = owner_coordinator(cast).post(url("consent_add", case), data)
    assert response.status_code == 400 and not Consent.objects.exists()
    data["consent-interpreter_language"] = "fr"
    assert owner_coordinator(cast).post(url("consent_add", case), data).status_code == 302
    assert Consent.objects.get().interpreter_language == "fr"


def test_a_consent_naming_no_recipient_is_refused(cast, case):
    data = consent_data(cast, **{"consent-recipient_organization": ""})
    response = owner_coordinator(cast).post(url("consent_add", case), data)
    assert response.status_code == 400 and not Consent.objects.exists()


def test_withdrawing_consent_ends_its_shares_and_says_how_many(cast, case):
    share = a_share(cast.owner, case, cast.partner)
    response = owner_coordinator(cast).post(
        withdraw_url(case, consent_uuid=share.consent.uuid), {"confirm": "on"}, follow=True
    )
    assert "Consent withdrawn. 1 share ended." in response.content.decode()
    share.refresh_from_db()
    assert share.end_reason == "consent_withdrawn"
    assert not CaseGroupObjectPermission.objects.exists()


def test_withdrawing_consent_needs_the_confirmation_and_writes_nothing_without_it(cast, case):
    share = a_share(cast.owner, case, cast.partner)
    owner_coordinator(cast).post(withdraw_url(case, consent_uuid=share.consent.uuid))
    share.refresh_from_db()
    share.consent.refresh_from_db()
    assert share.consent.withdrawn_at is None and share.is_active


def test_withdrawing_consent_of_another_case_is_not_found(cast, case):
    other = a_case(cast.owner)
    consent = a_consent(cast.owner, other, to=cast.partner.organization)
    response = owner_coordinator(cast).post(withdraw_url(case, consent_uuid=consent.uuid), {"confirm": "on"})
    assert response.status_code == 404
    consent.refresh_from_db()
    assert consent.withdrawn_at is None


# Shares -----------------------------------------------------------------------------------------


def share_data(cast, **overrides):
    data = {
        "share-to_organization": str(cast.partner.organization.uuid),
        "share-field_groups": ["identity"],
        "share-purpose": Purpose.COORDINATION,
        "share-days": "30",
        "share-message": "Please call us.",
    }
    data.update(overrides)
    return data


def test_a_coordinator_shares_within_consent(cast, case):
    a_consent(cast.owner, case, to=cast.partner.organization)
    response = owner_coordinator(cast).post(url("share_add", case), share_data(cast))
    assert response.status_code == 302
    share = CaseShare.objects.get(case=case)
    assert share.field_groups == ["identity"] and share.to_organization == cast.partner.organization
    assert abs(share.expires_at - share.created_at - timedelta(days=30)) < timedelta(minutes=1)


def test_a_share_without_consent_shows_which_part_is_missing_and_writes_nothing(cast, case):
    response = owner_coordinator(cast).post(url("share_add", case), share_data(cast))
    assert response.status_code == 400
    assert "No consent in force covers sharing with this organization." in response.content.decode()
    assert not CaseShare.objects.exists() and not CaseGroupObjectPermission.objects.exists()


def test_a_share_of_a_part_the_consent_leaves_out_names_it(cast, case):
    a_consent(cast.owner, case, to=cast.partner.organization, groups=[fieldgroups.IDENTITY])
    response = owner_coordinator(cast).post(
        url("share_add", case), share_data(cast, **{"share-field_groups": ["identity", "narrative"]})
    )
    assert response.status_code == 400 and "Narrative" in response.content.decode()
    assert not CaseShare.objects.exists()


@override_settings(CASEHUB_SHARE_MAX_DAYS=60)
def test_a_share_longer_than_the_cap_is_refused(cast, case):
    a_consent(cast.owner, case, to=cast.partner.organization)
    response = owner_coordinator(cast).post(url("share_add", case), share_data(cast, **{"share-days": "61"}))
    assert response.status_code == 400 and not CaseShare.objects.exists()


@override_settings(CASEHUB_SHARE_DEFAULT_DAYS=14)
def test_the_share_form_proposes_the_default_days(cast, case):
    response = owner_coordinator(cast).get(url("case", case))
    assert 'value="14"' in response.content.decode()


def test_a_caseworker_may_not_share(cast, case):
    a_consent(cast.owner, case, to=cast.partner.organization)
    response = verified_client(cast.owner.caseworker).post(url("share_add", case), share_data(cast))
    assert response.status_code == 403 and not CaseShare.objects.exists()


def test_a_coordinator_revokes_a_share(cast, case):
    share = a_share(cast.owner, case, cast.partner)
    response = owner_coordinator(cast).post(url("share_revoke", case, share_uuid=share.uuid))
    assert response.status_code == 302
    share.refresh_from_db()
    assert share.end_reason == "revoked" and not share.grants.exists()


def test_a_share_revoke_answers_get_with_405(cast, case):
    share = a_share(cast.owner, case, cast.partner)
    assert owner_coordinator(cast).get(url("share_revoke", case, share_uuid=share.uuid)).status_code == 405


# Emergency access -------------------------------------------------------------------------------


def override_data(cast, **overrides):
    data = {
        "override-to_organization": str(cast.partner.organization.uuid),
        "override-legal_basis": "vital_interests",
        "override-reason": "She is in danger tonight and needs a shelter.",
        "override-field_groups": ["contact"],
        "override-hours": "6",
    }
    data.update(overrides)
    return data


def test_a_coordinator_asks_for_emergency_access(cast, case):
    assert owner_coordinator(cast).post(url("override_add", case), override_data(cast)).status_code == 302
    override = EmergencyOverride.objects.get(case=case)
    assert override.status == OverrideStatus.REQUESTED and not CaseShare.objects.exists()


@override_settings(CASEHUB_OVERRIDE_MAX_HOURS=12)
def test_emergency_access_longer_than_the_cap_is_refused(cast, case):
    response = owner_coordinator(cast).post(url("override_add", case), override_data(cast, **{"override-hours": "13"}))
    assert response.status_code == 400 and not EmergencyOverride.objects.exists()


def test_emergency_access_with_a_short_reason_is_refused(cast, case):
    response = owner_coordinator(cast).post(url("override_add", case), override_data(cast, **{"override-reason": "x"}))
    assert response.status_code == 400 and not EmergencyOverride.objects.exists()


def a_request(cast, case):
    return services.override_request(
        case=case,
        by=cast.owner.coordinator,
        to_organization=cast.partner.organization,
        legal_basis="vital_interests",
        reason="She is in danger tonight and needs a shelter.",
        field_groups=["contact"],
        hours=6,
    )


def test_a_second_coordinator_approves_and_every_case_page_shows_the_banner(cast, case):
    # given
    override = a_request(cast, case)
    second = member(cast.owner.organization, "coordinator", username="owner-coordinator-2")
    # when
    response = verified_client(second).post(
        url("override_decide", case, override_uuid=override.uuid), {"decision": "approve"}
    )
    # then
    assert response.status_code == 302
    override.refresh_from_db()
    assert override.status == OverrideStatus.APPROVED and override.share.is_active
    page = verified_client(cast.owner.caseworker).get(reverse("cases:notes", kwargs={"case_uuid": case.uuid}))
    assert "Emergency access is active." in page.content.decode()


def test_the_requester_cannot_approve_their_own_request(cast, case):
    override = a_request(cast, case)
    owner_coordinator(cast).post(url("override_decide", case, override_uuid=override.uuid), {"decision": "approve"})
    override.refresh_from_db()
    assert override.status == OverrideStatus.REQUESTED and not CaseShare.objects.exists()


def test_the_requester_cancels_their_request(cast, case):
    override = a_request(cast, case)
    owner_coordinator(cast).post(url("override_decide", case, override_uuid=override.uuid), {"decision": "cancel"})
    override.refresh_from_db()
    assert override.status == OverrideStatus.CANCELLED


def test_a_second_coordinator_declines(cast, case):
    override = a_request(cast, case)
    second = member(cast.owner.organization, "coordinator", username="owner-coordinator-2")
    verified_client(second).post(url("override_decide", case, override_uuid=override.uuid), {"decision": "decline"})
    override.refresh_from_db()
    assert override.status == OverrideStatus.DECLINED and not CaseShare.objects.exists()


def test_no_banner_without_active_emergency_access(cast, case):
    page = owner_coordinator(cast).get(reverse("cases:survivor", kwargs={"case_uuid": case.uuid}))
    assert "Emergency access is active." not in page.content.decode()


# Transfer ---------------------------------------------------------------------------------------


def test_a_coordinator_offers_a_transfer_and_cancels_it(cast, case):
    a_consent(cast.owner, case, to=cast.partner.organization)
    data = {"transfer-to_organization": str(cast.partner.organization.uuid), "transfer-message": "Moving."}
    assert owner_coordinator(cast).post(url("transfer_add", case), data).status_code == 302
    transfer = CaseTransfer.objects.get(case=case)
    assert owner_coordinator(cast).post(url("transfer_cancel", case, transfer_uuid=transfer.uuid)).status_code == 302
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.CANCELLED


def test_a_transfer_without_consent_is_refused_and_writes_nothing(cast, case):
    data = {"transfer-to_organization": str(cast.partner.organization.uuid)}
    response = owner_coordinator(cast).post(url("transfer_add", case), data)
    assert response.status_code == 400 and not CaseTransfer.objects.exists()


def offered(cast, case):
    a_consent(cast.owner, case, to=cast.partner.organization)
    return services.transfer_offer(case=case, by=cast.owner.coordinator, to_organization=cast.partner.organization)


def test_the_receiving_coordinator_accepts_a_transfer_from_the_shared_page(cast, case):
    transfer = offered(cast, case)
    client = verified_client(cast.partner.coordinator)
    assert "Accept the case" in client.get(reverse("sharing:shared")).content.decode()
    response = client.post(
        reverse("sharing:transfer_decide", kwargs={"transfer_uuid": transfer.uuid}), {"decision": "accept"}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.organization == cast.partner.organization


def test_the_receiving_coordinator_declines_a_transfer(cast, case):
    transfer = offered(cast, case)
    verified_client(cast.partner.coordinator).post(
        reverse("sharing:transfer_decide", kwargs={"transfer_uuid": transfer.uuid}), {"decision": "decline"}
    )
    transfer.refresh_from_db()
    case.refresh_from_db()
    assert transfer.status == TransferStatus.DECLINED and case.organization == cast.owner.organization


def test_a_receiving_caseworker_may_not_decide_a_transfer(cast, case):
    transfer = offered(cast, case)
    response = verified_client(cast.partner.caseworker).post(
        reverse("sharing:transfer_decide", kwargs={"transfer_uuid": transfer.uuid}), {"decision": "accept"}
    )
    assert response.status_code == 403
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.OFFERED


def test_a_coordinator_of_another_organization_does_not_find_the_transfer(cast, case):
    transfer = offered(cast, case)
    response = verified_client(cast.outsider.coordinator).post(
        reverse("sharing:transfer_decide", kwargs={"transfer_uuid": transfer.uuid}), {"decision": "accept"}
    )
    assert response.status_code == 404


# Shared with us ---------------------------------------------------------------------------------


def test_shared_with_us_shows_the_name_only_when_identity_is_shared(cast, case):
    other = a_case(cast.owner, legal_name="Hidden Heron")
    a_share(cast.owner, case, cast.partner, groups=[fieldgroups.IDENTITY])
    a_share(cast.owner, other, cast.partner, groups=[fieldgroups.NOTES])
    body = verified_client(cast.partner.caseworker).get(reverse("sharing:shared")).content.decode()
    assert "Sentinel Quetzal" in body and "Hidden Heron" not in body
    assert case.case_number in body and other.case_number in body and "Owner" in body


def test_shared_with_us_shows_the_risk_only_with_case_details(cast, case):
    case.risk_level = "immediate"
    case.save(update_fields=["risk_level"])
    a_share(cast.owner, case, cast.partner, groups=[fieldgroups.IDENTITY])
    body = verified_client(cast.partner.caseworker).get(reverse("sharing:shared")).content.decode()
    assert "Immediate" not in body


def test_shared_with_us_leaves_out_expired_and_revoked_shares(cast, case):
    share = a_share(cast.owner, case, cast.partner)
    services.share_revoke(share=share, by=cast.owner.coordinator)
    other = a_case(cast.owner, legal_name="Expired Egret")
    expired = a_share(cast.owner, other, cast.partner)
    CaseShare.objects.filter(pk=expired.pk).update(
        created_at=timezone.now() - timedelta(days=2), expires_at=timezone.now() - timedelta(seconds=1)
    )
    CaseGroupObjectPermission.objects.filter(share=expired).update(expires_at=timezone.now() - timedelta(seconds=1))
    body = verified_client(cast.partner.caseworker).get(reverse("sharing:shared")).content.decode()
    assert case.case_number not in body and other.case_number not in body


def test_shared_with_us_lists_emergency_requests_waiting_for_a_second_coordinator(cast, case):
    a_request(cast, case)
    second = member(cast.owner.organization, "coordinator", username="owner-coordinator-2")
    assert case.case_number in verified_client(second).get(reverse("sharing:shared")).content.decode()


def test_shared_with_us_is_refused_to_org_admins(cast):
    assert verified_client(cast.owner.org_admin).get(reverse("sharing:shared")).status_code == 403


def test_listing_shared_names_is_audited(cast, case):
    a_share(cast.owner, case, cast.partner, groups=[fieldgroups.IDENTITY])
    verified_client(cast.partner.caseworker).get(reverse("sharing:shared"))
    event = AuditEvent.objects.filter(action="case.listed").latest("id")
    assert event.details["cases"] == [str(case.uuid)] and event.organization == cast.partner.organization


# Consent explanation ----------------------------------------------------------------------------


def test_the_consent_explanation_is_in_spanish_when_asked(cast):
    body = (
        verified_client(cast.owner.caseworker).get(reverse("sharing:consent_explanation") + "?lang=es").content.decode()
    )
    assert 'lang="es"' in body and "Puedes decir que no" in body


def test_the_consent_explanation_defaults_to_the_active_language(cast):
    client = verified_client(cast.owner.caseworker)
    body = client.get(reverse("sharing:consent_explanation"), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Compartir tu información" in body
    body = client.get(reverse("sharing:consent_explanation") + "?lang=xx").content.decode()
    assert "Sharing your information" in body


def test_the_consent_explanation_says_consent_is_never_a_condition_and_can_be_withdrawn(cast):
    body = verified_client(cast.owner.caseworker).get(reverse("sharing:consent_explanation")).content.decode()
    assert "never a condition" in body and "take back your yes at any time" in body
    assert "<style" not in body and "<script" not in body and "style=" not in body
