"""Needs and referrals at the service layer: offer tier, consent gating, grant widening and revocation."""

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from audit.models import AuditEvent
from casehub.access import case_access, cases_for_user
from casehub.grants import CaseShare, Purpose
from orgs import fieldgroups
from referrals.models import NeedStatus, Outcome, OutcomeReview, Referral, ReferralEvent, ReferralState, ServiceNeed
from referrals.sweep import referral_sweep
from referrals.workflow import need_create, referral_act, referral_create
from rights.services import consent_withdraw
from tests.factories import member
from tests.referrals.factories import OFFER_GROUPS, a_referral, a_referral_consent, a_scene, accepted
from tests.sharing.factories import a_consent


def sees(user, case) -> bool:
    return case.pk in cases_for_user(user).ids()


# Offer tier -------------------------------------------------------------------------------------


def test_a_referral_carries_only_the_offer_tier_with_a_random_reference(cast):
    scene = a_scene(cast, language="es", safety_flags=["do_not_contact_directly"])
    referral = a_referral(scene)
    assert referral.reference.startswith("R-") and scene.case.case_number not in referral.reference
    assert (referral.need_kind, referral.urgency, referral.age_band, referral.gender) == (
        "legal_aid",
        "routine",
        "25-34",
        "Feminine",
    )
    assert referral.languages == ["es"] and referral.region == "Jalisco"
    assert referral.constraints["safety_flags"] == ["do_not_contact_directly"]


def test_the_need_reason_is_encrypted_under_the_case_key(cast):
    scene = a_scene(cast)
    assert b"Needs a lawyer" not in bytes(scene.need.reason_sealed)


def test_a_sent_referral_does_not_open_the_case_to_the_receiver(cast):
    scene = a_scene(cast)
    a_referral(scene, send=True)
    assert not sees(scene.provider.coordinator, scene.case)


def test_only_services_of_the_needed_kind_can_be_referred_to(cast):
    from tests.directory.factories import directory_service

    scene = a_scene(cast)
    shelter = directory_service(cast.partner.organization, kind="shelter")
    with pytest.raises(ValidationError):
        referral_create(need=scene.need, service=shelter, by=scene.shelter.caseworker)


def test_a_need_takes_one_open_referral_at_a_time(cast):
    scene = a_scene(cast)
    a_referral(scene)
    with pytest.raises(ValidationError):
        a_referral(scene)


def test_an_outsider_cannot_refer_someone_elses_case(cast):
    scene = a_scene(cast)
    with pytest.raises(PermissionDenied):
        referral_create(need=scene.need, service=scene.service, by=cast.outsider.caseworker)


def test_need_create_refuses_an_unknown_kind_and_writes_nothing(cast):
    scene = a_scene(cast)
    with pytest.raises(ValidationError):
        need_create(case=scene.case, by=scene.shelter.caseworker, kind="no_such_kind")
    assert ServiceNeed.objects.filter(case=scene.case).count() == 1


# Consent gating ---------------------------------------------------------------------------------


def test_without_consent_for_referral_a_referral_waits_for_consent(cast):
    scene = a_scene(cast, consent=False)
    referral = a_referral(scene, send=True)
    assert referral.state == ReferralState.AWAITING_CONSENT
    assert referral.sent_at is None


def test_consent_for_another_purpose_does_not_let_it_go(cast):
    scene = a_scene(cast, consent=False)
    a_consent(cast.owner, scene.case, to=cast.partner.organization, purposes=[Purpose.COORDINATION])
    assert a_referral(scene, send=True).state == ReferralState.AWAITING_CONSENT


def test_a_referral_awaiting_consent_moves_on_once_consent_is_recorded_and_it_is_resent(cast):
    scene = a_scene(cast, consent=False)
    referral = a_referral(scene, send=True)
    with pytest.raises(ValidationError):
        referral_act(referral=referral, by=scene.shelter.caseworker, action="send")
    a_referral_consent(cast, scene.case)
    referral = referral_act(referral=referral, by=scene.shelter.caseworker, action="send")
    assert referral.state == ReferralState.SENT and referral.consent is not None


def test_consent_for_the_providers_service_kind_is_enough(cast):
    scene = a_scene(cast, consent=False)
    a_consent(cast.owner, scene.case, kind="legal_aid", groups=OFFER_GROUPS, purposes=[Purpose.REFERRAL])
    assert a_referral(scene, send=True).state == ReferralState.SENT


# Grants -----------------------------------------------------------------------------------------


def test_acceptance_widens_access_to_the_field_groups_the_consent_allows(cast):
    scene = a_scene(cast)
    referral = accepted(scene)
    share = referral.share
    assert share.purpose == Purpose.REFERRAL and share.created_by == scene.provider.coordinator
    assert sorted(share.field_groups) == sorted(OFFER_GROUPS)
    access = case_access(scene.provider.coordinator, scene.case)
    assert access.groups == frozenset(OFFER_GROUPS)
    assert fieldgroups.IDENTITY not in access.groups
    assert AuditEvent.objects.filter(action="share.created", details__referral=str(referral.uuid)).exists()


@pytest.mark.parametrize(
    ("actor", "action", "args"),
    [
        ("sender", "withdraw", {}),
        ("assignee", "fail", {"reason": Outcome.UNABLE_TO_CONTACT}),
    ],
)
def test_withdrawal_and_failure_end_the_share_at_once(cast, actor, action, args):
    scene = a_scene(cast)
    referral = accepted(scene)
    by = scene.shelter.caseworker if actor == "sender" else scene.provider.caseworker
    referral_act(referral=referral, by=by, action=action, **args)
    assert CaseShare.objects.get(pk=referral.share_id).ended_at is not None
    assert not sees(scene.provider.coordinator, scene.case)


def test_a_completed_referral_keeps_the_share_for_the_follow_up_period_then_the_sweep_ends_it(cast, settings):
    settings.REFERRAL_FOLLOW_UP_DAYS = 14
    scene = a_scene(cast)
    referral = accepted(scene)
    referral_act(referral=referral, by=scene.provider.caseworker, action="start")
    referral = referral_act(referral=referral, by=scene.provider.caseworker, action="complete", outcome="need_met")
    assert sees(scene.provider.coordinator, scene.case)
    referral_sweep(now=timezone.now() + timedelta(days=13))
    assert CaseShare.objects.get(pk=referral.share_id).ended_at is None
    with time_machine.travel(timezone.now() + timedelta(days=15)):
        referral_sweep()
        assert CaseShare.objects.get(pk=referral.share_id).ended_at is not None


def test_completion_with_the_need_met_marks_the_need_met(cast):
    scene = a_scene(cast)
    referral = accepted(scene)
    referral_act(referral=referral, by=scene.provider.caseworker, action="start")
    referral_act(referral=referral, by=scene.provider.caseworker, action="complete", outcome="need_met")
    scene.need.refresh_from_db()
    assert scene.need.status == NeedStatus.MET


def test_withdrawing_consent_cancels_pending_and_active_referrals_in_the_same_transaction(cast):
    scene = a_scene(cast)
    referral = accepted(scene)
    consent_withdraw(consent=referral.consent, by=cast.owner.coordinator)
    referral.refresh_from_db()
    assert referral.state == ReferralState.CONSENT_WITHDRAWN
    assert referral.fhir_status == "cancelled"
    assert not sees(scene.provider.coordinator, scene.case)


def test_a_withdrawal_failing_in_the_referrals_leaves_consent_and_referral_as_they_were(cast, monkeypatch):
    from referrals import workflow

    scene = a_scene(cast)
    referral = a_referral(scene, send=True)

    def boom(*args, **kwargs):
        raise RuntimeError("audit down")

    monkeypatch.setattr(workflow, "audit_record", boom)
    with pytest.raises(RuntimeError):
        consent_withdraw(consent=referral.consent, by=cast.owner.coordinator)
    referral.refresh_from_db()
    referral.consent.refresh_from_db()
    assert referral.state == ReferralState.SENT and referral.consent.withdrawn_at is None


# Outcomes, events, next match ------------------------------------------------------------------


def test_the_sender_confirms_or_disputes_an_outcome_without_changing_the_state(cast):
    scene = a_scene(cast)
    referral = accepted(scene)
    referral_act(referral=referral, by=scene.provider.caseworker, action="start")
    referral_act(referral=referral, by=scene.provider.caseworker, action="complete", outcome="partly_met")
    referral = referral_act(referral=referral, by=scene.shelter.caseworker, action="dispute_outcome", note="Not so.")
    assert (referral.state, referral.outcome, referral.outcome_review) == (
        ReferralState.COMPLETED,
        Outcome.PARTLY_MET,
        OutcomeReview.DISPUTED,
    )


def test_every_transition_is_an_event_with_its_note_encrypted(cast):
    scene = a_scene(cast)
    referral = a_referral(scene, send=True)
    referral_act(referral=referral, by=scene.provider.coordinator, action="request_information", note="Age proof?")
    events = list(ReferralEvent.objects.filter(referral=referral))
    assert [(e.action, e.from_state, e.to_state) for e in events] == [
        ("create", "draft", "draft"),
        ("send", "draft", "sent"),
        ("request_information", "sent", "information_requested"),
    ]
    assert events[-1].note == "Age proof?" and b"Age proof" not in bytes(events[-1].note_sealed)
    assert events[-1].actor_organization == cast.partner.organization


def test_a_declined_attempt_leaves_the_need_open_for_the_next_match(cast):
    from tests.directory.factories import directory_service

    scene = a_scene(cast)
    referral = a_referral(scene, send=True)
    referral_act(referral=referral, by=scene.provider.coordinator, action="decline", reason="no_capacity")
    scene.need.refresh_from_db()
    assert scene.need.status == NeedStatus.OPEN
    a_consent(cast.owner, scene.case, to=cast.outsider.organization, purposes=[Purpose.REFERRAL])
    other = directory_service(cast.outsider.organization, kind="legal_aid")
    following = referral_create(need=scene.need, service=other, by=scene.shelter.caseworker)
    assert following.pk != referral.pk and following.state == ReferralState.DRAFT
    assert Referral.objects.filter(need=scene.need).count() == 2


# Notifications of state changes -----------------------------------------------------------------


def test_sending_notifies_the_receiving_coordinators_only(cast):
    from notifications.models import Notification, NotificationKind

    scene = a_scene(cast)
    referral = a_referral(scene, send=True)
    received = Notification.objects.filter(kind=NotificationKind.REFERRAL_RECEIVED)
    assert list(received.values_list("recipient", flat=True)) == [scene.provider.coordinator.pk]
    assert received.get().link == referral.get_absolute_url()


def test_a_receivers_decision_notifies_the_sending_side_not_the_actor(cast):
    from notifications.models import Notification, NotificationKind

    scene = a_scene(cast)
    referral = a_referral(scene, send=True)
    referral_act(referral=referral, by=scene.provider.coordinator, action="acknowledge")
    updated = set(
        Notification.objects.filter(kind=NotificationKind.REFERRAL_UPDATED).values_list("recipient", flat=True)
    )
    assert updated == {scene.shelter.caseworker.pk, scene.shelter.coordinator.pk}


def told_of_the_next_act():
    """Who is told what by the act that follows: {user pk: [kinds]}."""
    from notifications.models import Notification

    first = Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    def told() -> dict:
        rows = Notification.objects.filter(pk__gt=first).values_list("recipient", "kind")
        out: dict = {}
        for recipient, kind in rows:
            out.setdefault(recipient, []).append(kind)
        return out

    return told


def test_accepting_tells_the_sending_side_and_the_assignee_once_each_and_no_one_else(cast):
    from notifications.models import NotificationKind

    scene = a_scene(cast)
    second = member(scene.provider.organization, "caseworker", username="not_assigned")
    referral = a_referral(scene, send=True)
    told = told_of_the_next_act()
    referral_act(referral=referral, by=scene.provider.coordinator, action="accept", assignee=scene.provider.caseworker)
    assert told() == {
        scene.shelter.caseworker.pk: [NotificationKind.REFERRAL_UPDATED],
        scene.shelter.coordinator.pk: [NotificationKind.REFERRAL_UPDATED],
        scene.provider.caseworker.pk: [NotificationKind.REFERRAL_ASSIGNED],
    }
    assert second.pk not in told()


def test_a_coordinator_accepting_for_themselves_is_not_told_of_it(cast):
    scene = a_scene(cast)
    referral = a_referral(scene, send=True)
    told = told_of_the_next_act()
    referral_act(referral=referral, by=scene.provider.coordinator, action="accept")
    assert scene.provider.coordinator.pk not in told()


def test_withdrawing_an_accepted_referral_tells_each_person_once(cast):
    referral = accepted(a_scene(cast))
    told = told_of_the_next_act()
    referral_act(referral=referral, by=cast.owner.caseworker, action="withdraw", reason="survivor_declined")
    assert told() and all(len(kinds) == 1 for kinds in told().values()), told()


def test_a_draft_entered_in_error_notifies_nobody(cast):
    from notifications.models import Notification

    scene = a_scene(cast)
    referral = a_referral(scene)
    referral_act(referral=referral, by=scene.shelter.caseworker, action="enter_in_error")
    assert not Notification.objects.exists()


def test_the_receiving_coordinator_hands_accepted_work_to_a_caseworker(cast):
    from referrals.workflow import referral_assign

    scene = a_scene(cast)
    referral = a_referral(scene, send=True)
    referral = referral_act(referral=referral, by=scene.provider.coordinator, action="accept")
    assert referral.assigned_to == scene.provider.coordinator
    referral = referral_assign(referral=referral, by=scene.provider.coordinator, assignee=scene.provider.caseworker)
    assert referral.assigned_to == scene.provider.caseworker
    with pytest.raises(ValidationError):
        referral_assign(referral=referral, by=scene.provider.coordinator, assignee=cast.outsider.caseworker)
    with pytest.raises(PermissionDenied):
        referral_assign(referral=referral, by=scene.shelter.coordinator, assignee=scene.shelter.caseworker)
