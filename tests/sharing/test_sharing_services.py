"""Consent, shares, expiry, revocation, withdrawal, overrides and transfers, at the service layer."""

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from audit.models import AuditEvent
from casehub.access import (
    CaseAction,
    case_access,
    cases_for_user,
)
from casehub.grants import (
    CaseGroupObjectPermission,
    CaseShare,
    ConsentDecision,
    ConsentMethod,
    LegalBasis,
    OverrideStatus,
    Purpose,
    ShareStatus,
    TransferStatus,
)
from casehub.models import Case, CaseEvent
from casehub.selectors import case_search
from casehub.services import note_add
from directory.models import Service, TaxonomyTerm
from orgs import fieldgroups
from orgs.models import Organization, OrganizationStatus
from rights import services as rights
from sharing import services
from tests.casehub.factories import a_case
from tests.sharing.factories import a_consent, a_share

DETAILS = [fieldgroups.CASE_DETAILS]


def sees(user, case) -> bool:
    return case.pk in cases_for_user(user).ids()


# Consent gates every share ----------------------------------------------------------------------


def test_a_share_without_consent_is_refused_naming_the_recipient_and_writes_nothing(cast):
    case = a_case(cast.owner)
    with pytest.raises(services.ShareRefused) as refused:
        a_share(cast.owner, case, cast.partner, consent=False)
    assert refused.value.code == "recipient"
    assert not CaseShare.objects.exists() and not CaseGroupObjectPermission.objects.exists()


def test_a_share_for_a_purpose_the_consent_does_not_cover_is_refused_naming_the_purpose(cast):
    case = a_case(cast.owner)
    a_consent(cast.owner, case, to=cast.partner.organization, purposes=[Purpose.REFERRAL])
    with pytest.raises(services.ShareRefused) as refused:
        a_share(cast.owner, case, cast.partner, purpose=Purpose.LEGAL, consent=False)
    assert refused.value.code == "purpose"
    assert not CaseShare.objects.exists()


def test_a_share_of_a_field_group_the_consent_leaves_out_is_refused_naming_the_group(cast):
    case = a_case(cast.owner)
    a_consent(cast.owner, case, to=cast.partner.organization, groups=DETAILS)
    with translation.override("en"), pytest.raises(services.ShareRefused) as refused:
        a_share(cast.owner, case, cast.partner, groups=[fieldgroups.CASE_DETAILS, fieldgroups.NARRATIVE], consent=False)
    assert refused.value.code == "field_groups"
    assert "Narrative" in refused.value.messages[0]
    assert not CaseShare.objects.exists()


def test_a_refused_consent_covers_nothing(cast):
    case = a_case(cast.owner)
    services.consent_record(
        case=case, by=cast.owner.coordinator, decision=ConsentDecision.REFUSED, method=ConsentMethod.WRITTEN
    )
    with pytest.raises(services.ShareRefused):
        a_share(cast.owner, case, cast.partner, consent=False)


def test_consent_for_a_service_kind_covers_a_vetted_provider_of_a_narrower_kind(cast):
    case = a_case(cast.owner)
    term = TaxonomyTerm.objects.get(code="legal_aid.immigration")
    Service.objects.create(organization=cast.partner.organization, kind=term, name="Immigration clinic")
    a_consent(cast.owner, case, kind="legal_aid", groups=DETAILS)
    share = a_share(cast.owner, case, cast.partner, groups=DETAILS, consent=False)
    assert share.is_active
    with pytest.raises(services.ShareRefused):
        a_share(cast.owner, case, cast.outsider, groups=DETAILS, consent=False)


def test_a_caseworker_records_consent_but_only_a_coordinator_shares(cast):
    case = a_case(cast.owner, assigned=[cast.owner.caseworker])
    services.consent_record(
        case=case,
        by=cast.owner.caseworker,
        decision=ConsentDecision.GRANTED,
        method=ConsentMethod.INTERPRETER,
        interpreter_language="es",
        provisions=[
            {"recipient_organization": cast.partner.organization, "field_groups": DETAILS, "purposes": ["coordination"]}
        ],
    )
    with pytest.raises(PermissionDenied):
        services.share_create(
            case=case,
            by=cast.owner.caseworker,
            to_organization=cast.partner.organization,
            field_groups=DETAILS,
            purpose=Purpose.COORDINATION,
        )


def test_consent_through_an_interpreter_names_the_language(cast):
    case = a_case(cast.owner)
    with pytest.raises(ValidationError):
        a_consent(cast.owner, case, to=cast.partner.organization, method=ConsentMethod.INTERPRETER)


def test_no_share_goes_to_a_suspended_organization(cast):
    case = a_case(cast.owner)
    a_consent(cast.owner, case, to=cast.partner.organization)
    Organization.objects.filter(pk=cast.partner.organization.pk).update(status=OrganizationStatus.SUSPENDED)
    cast.partner.organization.refresh_from_db()
    with pytest.raises(ValidationError):
        a_share(cast.owner, case, cast.partner, consent=False)


# What a share grants ----------------------------------------------------------------------------


def test_a_share_lets_the_recipients_caseworker_and_coordinator_see_the_case_and_no_one_else(cast):
    case = a_case(cast.owner)
    a_share(cast.owner, case, cast.partner)
    assert sees(cast.partner.coordinator, case) and sees(cast.partner.caseworker, case)
    for user in (cast.partner.org_admin, cast.outsider.coordinator, cast.suspended.coordinator, cast.admin):
        assert not sees(user, case)


def test_the_recipient_sees_only_the_shared_field_groups(cast):
    case = a_case(cast.owner)
    a_share(cast.owner, case, cast.partner, groups=[fieldgroups.CASE_DETAILS, fieldgroups.CONTACT])
    access = case_access(cast.partner.caseworker, case)
    assert access.groups == {fieldgroups.CASE_DETAILS, fieldgroups.CONTACT}
    assert access.actions == {CaseAction.VIEW} and access.shared


def test_a_share_with_notes_lets_the_recipient_add_notes_the_owner_sees(cast):
    case = a_case(cast.owner)
    a_share(cast.owner, case, cast.partner, groups=[fieldgroups.NOTES])
    assert CaseAction.NOTE in case_access(cast.partner.caseworker, case).actions
    note = note_add(case=case, by=cast.partner.caseworker, body="Seen at the clinic")
    assert note.organization == cast.partner.organization
    assert fieldgroups.NOTES in case_access(cast.owner.coordinator, case).groups


def test_grants_exist_for_the_recipients_caseworker_and_coordinator_groups_per_permission(cast):
    case = a_case(cast.owner)
    share = a_share(cast.owner, case, cast.partner, groups=DETAILS)
    assert share.grants.count() == 2 * 2  # (view_case + view_case_case_details) x 2 groups
    assert set(share.grants.values_list("expires_at", flat=True)) == {share.expires_at}


def test_a_share_expires_at_its_second_without_waiting_for_the_clean_up_task(cast):
    case = a_case(cast.owner)
    share = a_share(cast.owner, case, cast.partner, days=1)
    with time_machine.travel(share.expires_at - timedelta(seconds=1), tick=False):
        assert sees(cast.partner.coordinator, case)
    with time_machine.travel(share.expires_at, tick=False):
        assert not sees(cast.partner.coordinator, case)
        assert share.status == ShareStatus.EXPIRED
    with time_machine.travel(share.expires_at + timedelta(seconds=1), tick=False):
        assert not sees(cast.partner.coordinator, case)
        assert case_access(cast.partner.coordinator, case).actions == frozenset()


def test_the_clean_up_task_ends_expired_shares_and_deletes_their_grants(cast):
    case = a_case(cast.owner)
    share = a_share(cast.owner, case, cast.partner, days=1)
    with time_machine.travel(share.expires_at + timedelta(minutes=1), tick=False):
        assert services.shares_retire_expired() == 1
    share.refresh_from_db()
    assert share.status == ShareStatus.EXPIRED and not share.grants.exists()


def test_an_expired_share_can_be_renewed_before_the_clean_up_task_runs(cast):
    case = a_case(cast.owner)
    share = a_share(cast.owner, case, cast.partner, days=1)
    with time_machine.travel(share.expires_at + timedelta(minutes=1), tick=False):
        renewed = a_share(cast.owner, case, cast.partner, consent=False)
        assert renewed.is_active and sees(cast.partner.coordinator, case)


def test_a_share_longer_than_the_limit_is_refused(cast, settings):
    settings.CASEHUB_SHARE_MAX_DAYS = 10
    case = a_case(cast.owner)
    with pytest.raises(ValidationError):
        a_share(cast.owner, case, cast.partner, days=11)
    assert not CaseShare.objects.exists()


def test_revoking_a_share_removes_access_at_once(cast):
    case = a_case(cast.owner)
    share = a_share(cast.owner, case, cast.partner)
    services.share_revoke(share=share, by=cast.owner.coordinator)
    share.refresh_from_db()
    assert share.status == ShareStatus.REVOKED and not share.grants.exists()
    assert not sees(cast.partner.caseworker, case)


def test_withdrawing_consent_ends_every_share_resting_on_it(cast):
    case = a_case(cast.owner)
    consent = a_consent(cast.owner, case, to=cast.partner.organization)
    share = a_share(cast.owner, case, cast.partner, consent=False)
    ended = rights.consent_withdraw(consent=consent, by=cast.owner.coordinator)
    assert [s.pk for s in ended] == [share.pk]
    share.refresh_from_db()
    assert share.status == ShareStatus.CONSENT_WITHDRAWN
    assert not sees(cast.partner.coordinator, case)
    with pytest.raises(services.ShareRefused):
        a_share(cast.owner, case, cast.partner, consent=False)


def test_suspending_the_recipient_removes_access_on_the_next_request(cast):
    case = a_case(cast.owner)
    a_share(cast.owner, case, cast.partner)
    Organization.objects.filter(pk=cast.partner.organization.pk).update(status=OrganizationStatus.SUSPENDED)
    assert not sees(cast.partner.coordinator, case)


def test_shares_from_a_suspended_owner_stay_readable(cast):
    case = a_case(cast.owner)
    a_share(cast.owner, case, cast.partner)
    Organization.objects.filter(pk=cast.owner.organization.pk).update(status=OrganizationStatus.SUSPENDED)
    assert sees(cast.partner.coordinator, case)


def test_a_deactivated_recipient_sees_nothing(cast):
    case = a_case(cast.owner)
    a_share(cast.owner, case, cast.partner)
    cast.partner.caseworker.is_active = False
    assert not sees(cast.partner.caseworker, case)


def test_sharing_is_audited_without_personal_data(cast):
    case = a_case(cast.owner, legal_name="Sentinel Person")
    a_share(cast.owner, case, cast.partner)
    events = AuditEvent.objects.filter(action__in=["share.created", "consent.recorded"])
    assert events.count() == 2
    assert "Sentinel" not in str(list(events.values_list("details", flat=True)))


# The permission backend -------------------------------------------------------------------------


def test_the_permission_backend_answers_for_shares_with_expiry_and_scope(cast):
    case = a_case(cast.owner)
    share = a_share(cast.owner, case, cast.partner, groups=DETAILS, days=1)
    user = cast.partner.coordinator
    assert user.has_perm("casehub.view_case", case)
    assert user.has_perm("casehub.view_case_case_details", case)
    assert not user.has_perm("casehub.view_case_identity", case)
    assert not user.has_perm("casehub.view_case")  # no model-level case permissions
    with time_machine.travel(share.expires_at, tick=False):
        assert not user.has_perm("casehub.view_case", case)


def test_the_permission_backend_reads_role_capabilities_on_the_own_organization(cast):
    organization = cast.owner.organization
    assert cast.owner.coordinator.has_perm("orgs.share_org_cases", organization)
    assert not cast.owner.caseworker.has_perm("orgs.share_org_cases", organization)
    assert not cast.partner.coordinator.has_perm("orgs.share_org_cases", organization)


# The visible-cases query ------------------------------------------------------------------------


def test_the_union_page_and_count_agree_with_the_visible_cases_query(cast):
    own = [a_case(cast.owner) for _ in range(3)]
    theirs = [a_case(cast.partner) for _ in range(3)]
    for case in theirs[:2]:
        a_share(cast.partner, case, cast.owner)
    for user in (cast.owner.coordinator, cast.owner.caseworker):
        visible = cases_for_user(user)
        expected = list(visible.queryset().order_by("-updated_at", "-id"))
        assert visible.page(limit=10) == expected
        assert visible.page(limit=2, offset=1) == expected[1:3]
        assert visible.count() == len(expected)
    assert cases_for_user(cast.owner.coordinator).count() == len(own) + 2


# Emergency overrides ----------------------------------------------------------------------------


def test_an_emergency_override_needs_a_second_coordinator_and_is_time_boxed(cast):
    from tests.factories import member

    second = member(cast.owner.organization, "coordinator", username="second-coordinator")
    case = a_case(cast.owner)
    override = services.override_request(
        case=case,
        by=cast.owner.coordinator,
        to_organization=cast.partner.organization,
        legal_basis=LegalBasis.VITAL_INTERESTS,
        reason="Imminent danger reported by the hotline tonight.",
        field_groups=[fieldgroups.CONTACT],
        hours=12,
    )
    with pytest.raises(PermissionDenied):
        services.override_decide(override=override, by=cast.owner.coordinator, approve=True)
    assert not sees(cast.partner.coordinator, case)
    override = services.override_decide(override=override, by=second, approve=True)
    share = CaseShare.objects.get(override=override)
    assert share.expires_at == override.decided_at + timedelta(hours=12)
    assert sees(cast.partner.coordinator, case)
    assert case_access(cast.partner.coordinator, case).groups == {fieldgroups.CONTACT}


# Transfers --------------------------------------------------------------------------------------


def test_an_accepted_transfer_hands_the_case_over_with_its_history(cast):
    case = a_case(cast.owner, legal_name="Transfera Person")
    a_consent(cast.owner, case, to=cast.partner.organization)
    transfer = services.transfer_offer(case=case, by=cast.owner.coordinator, to_organization=cast.partner.organization)
    assert not sees(cast.partner.coordinator, case)
    services.transfer_decide(transfer=transfer, by=cast.partner.coordinator, accept=True)
    case = Case.objects.get(pk=case.pk)
    assert case.organization == cast.partner.organization
    assert sees(cast.partner.coordinator, case) and not sees(cast.owner.coordinator, case)
    assert CaseEvent.objects.filter(case=case, action="created").exists()
    assert CaseEvent.objects.filter(case=case, action="transferred").exists()
    # the survivor is found by name under the new organization's index key
    assert case_search(cast.partner.coordinator, text="transfera person").ids() == {case.pk}


def test_only_the_receiving_coordinator_accepts_a_transfer(cast):
    case = a_case(cast.owner)
    a_consent(cast.owner, case, to=cast.partner.organization)
    transfer = services.transfer_offer(case=case, by=cast.owner.coordinator, to_organization=cast.partner.organization)
    for user in (cast.partner.caseworker, cast.owner.coordinator, cast.outsider.coordinator):
        with pytest.raises(PermissionDenied):
            services.transfer_decide(transfer=transfer, by=user, accept=True)
    assert Case.objects.get(pk=case.pk).organization == cast.owner.organization


# Notifications ----------------------------------------------------------------------------------


def test_the_recipients_are_told_of_a_share_and_of_its_end_without_details(cast):
    from notifications.models import Notification, NotificationKind

    case = a_case(cast.owner, legal_name="Sentinel Person")
    share = a_share(cast.owner, case, cast.partner)
    services.share_revoke(share=share, by=cast.owner.coordinator)
    received = Notification.objects.filter(kind=NotificationKind.SHARE_RECEIVED)
    ended = Notification.objects.filter(kind=NotificationKind.SHARE_ENDED)
    recipients = {cast.partner.coordinator.pk, cast.partner.caseworker.pk}
    assert set(received.values_list("recipient", flat=True)) == recipients
    assert set(ended.values_list("recipient", flat=True)) == recipients
    assert str(case.uuid) not in ended.first().link  # the case is out of reach: no link to it


def erase(cast, case) -> None:
    from casehub.crypto.shredding import case_erase_request
    from casehub.models import ErasureReason
    from rights.services import case_erase_confirm
    from tests.factories import member

    erasure = case_erase_request(case=case, by=cast.owner.coordinator, reason=ErasureReason.SURVIVOR_REQUEST)
    case_erase_confirm(erasure=erasure, by=member(cast.owner.organization, "coordinator", username="second"))


def test_erasing_a_case_ends_its_shares(cast):
    case = a_case(cast.owner)
    share = a_share(cast.owner, case, cast.partner)
    erase(cast, case)
    share.refresh_from_db()
    assert share.status == ShareStatus.CASE_ERASED and not share.grants.exists()


def test_erasing_a_case_cancels_the_transfer_waiting_for_an_answer(cast):
    case = a_case(cast.owner)
    a_consent(cast.owner, case, to=cast.partner.organization)
    transfer = services.transfer_offer(case=case, by=cast.owner.coordinator, to_organization=cast.partner.organization)
    erase(cast, case)
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.CANCELLED and transfer.decided_at is not None


def test_erasing_a_case_cancels_the_emergency_override_waiting_for_a_second_coordinator(cast):
    case = a_case(cast.owner)
    override = services.override_request(
        case=case,
        by=cast.owner.coordinator,
        to_organization=cast.partner.organization,
        legal_basis=LegalBasis.VITAL_INTERESTS,
        reason="Imminent danger reported by the hotline tonight.",
        field_groups=[fieldgroups.CONTACT],
        hours=12,
    )
    erase(cast, case)
    override.refresh_from_db()
    assert override.status == OverrideStatus.CANCELLED


def test_a_recipient_that_hides_a_field_group_from_its_caseworkers_hides_it_on_shared_cases_too(cast):
    from orgs.services import organization_settings_update

    organization_settings_update(
        organization=cast.partner.organization,
        by=cast.partner.org_admin,
        caseworkers_see_all_cases=False,
        caseworker_field_groups=sorted(fieldgroups.ALL - {fieldgroups.NARRATIVE}),
    )
    case = a_case(cast.owner)
    a_share(cast.owner, case, cast.partner, groups=[fieldgroups.NARRATIVE, fieldgroups.CASE_DETAILS])
    assert case_access(cast.partner.caseworker, case).groups == {fieldgroups.CASE_DETAILS}
    assert case_access(cast.partner.coordinator, case).groups == {fieldgroups.NARRATIVE, fieldgroups.CASE_DETAILS}
    assert case.pk not in cases_for_user(cast.partner.caseworker, group=fieldgroups.NARRATIVE).ids()
