"""Referral deadlines on a frozen clock: marks per urgency and step, pauses, the sweep's
reminders (each exactly once), the sender told at 100%, expiry at 200%, and no personal data."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail

from audit.models import AuditEvent
from audit.services import audit_verify
from casehub.grants import CaseShare
from notifications.models import Notification, NotificationKind
from referrals.models import Referral, ReferralEvent, ReferralState
from referrals.sweep import referral_sweep
from referrals.workflow import need_create, referral_act, referral_create
from tests.referrals.factories import a_referral, a_scene, accepted

MONDAY_10 = datetime(2027, 3, 1, 10, 0, tzinfo=UTC)  # after the consents the tests record


@pytest.fixture(autouse=True)
def _utc_directory(settings):
    settings.CASEHUB_DIRECTORY_TIMEZONE = "UTC"


def at(days=0, hours=0):
    return MONDAY_10 + timedelta(days=days, hours=hours)


def test_a_routine_referral_must_be_acknowledged_within_two_business_days(cast):
    with time_machine.travel(MONDAY_10, tick=False):
        referral = a_referral(a_scene(cast), send=True)
    assert referral.deadline_step == "acknowledge"
    assert (referral.half_at, referral.due_at, referral.expires_at) == (at(1), at(2), at(4))


def test_an_emergency_runs_on_the_wall_clock(cast):
    with time_machine.travel(datetime(2027, 3, 6, 22, 0, tzinfo=UTC), tick=False):  # a Saturday night
        referral = a_referral(a_scene(cast, urgency="emergency"), send=True)
    assert referral.due_at == datetime(2027, 3, 6, 23, 0, tzinfo=UTC)


def test_acknowledging_starts_the_decision_clock(cast):
    scene = a_scene(cast, urgency="urgent")
    with time_machine.travel(MONDAY_10, tick=False):
        referral = a_referral(scene, send=True)
    with time_machine.travel(at(hours=1), tick=False):
        referral = referral_act(referral=referral, by=scene.provider.coordinator, action="acknowledge")
    assert referral.deadline_step == "decide" and referral.reminders_sent == 0
    assert referral.due_at == at(days=1, hours=1)  # one business day of 8 hours


def test_a_question_stops_the_clock_and_the_answer_restarts_it_without_the_pause(cast):
    scene = a_scene(cast, urgency="urgent")
    with time_machine.travel(MONDAY_10, tick=False):
        referral = a_referral(scene, send=True)
        referral = referral_act(referral=referral, by=scene.provider.coordinator, action="acknowledge")
    with time_machine.travel(at(hours=2), tick=False):
        referral = referral_act(
            referral=referral, by=scene.provider.coordinator, action="request_information", note="Documents?"
        )
    assert (referral.half_at, referral.due_at, referral.expires_at) == (None, None, None)
    with time_machine.travel(at(hours=4), tick=False):
        referral = referral_act(referral=referral, by=scene.shelter.caseworker, action="answer", note="None yet.")
    assert referral.deadline_step == "decide"
    assert referral.due_at == at(days=1, hours=2)  # 8 business hours, less the two paused ones


def acknowledged_at(cast, when, *, question_until=None):
    """An emergency (wall clock) referral sent at MONDAY_10 and read at ``when``: acknowledged,
    or asked a question there that the sender answers at ``question_until``."""
    scene = a_scene(cast, urgency="emergency")
    with time_machine.travel(MONDAY_10, tick=False):
        referral = a_referral(scene, send=True)
    with time_machine.travel(when, tick=False):
        if question_until is None:
            return referral_act(referral=referral, by=scene.provider.coordinator, action="acknowledge")
        referral = referral_act(
            referral=referral, by=scene.provider.coordinator, action="request_information", note="Documents?"
        )
    with time_machine.travel(question_until, tick=False):
        return referral_act(referral=referral, by=scene.shelter.caseworker, action="answer", note="None yet.")


def test_a_question_before_acknowledgement_starts_the_decision_clock_paused(cast):
    # given an emergency referral, sent
    scene = a_scene(cast, urgency="emergency")
    with time_machine.travel(MONDAY_10, tick=False):
        referral = a_referral(scene, send=True)
    # when the receiver asks a question half an hour later
    with time_machine.travel(at(hours=0.5), tick=False):
        referral = referral_act(
            referral=referral, by=scene.provider.coordinator, action="request_information", note="Documents?"
        )
    # then asking counts as acknowledging: the decide clock started there and stands still
    assert (referral.deadline_step, referral.clock_started_at) == ("decide", at(hours=0.5))
    assert referral.clock_pauses == [[at(hours=0.5).isoformat(), None]]
    assert (referral.half_at, referral.due_at, referral.expires_at) == (None, None, None)


def test_the_answer_resumes_the_decision_clock_so_the_question_adds_its_three_hours(cast):
    # given two emergency referrals read at 10:30: one acknowledged, one asked a question
    plain = acknowledged_at(cast, at(hours=0.5))
    # when the sender answers the question three hours later
    asked = acknowledged_at(cast, at(hours=0.5), question_until=at(hours=3.5))
    # then the decide clock runs from 10:30 less the question: due three hours later
    assert asked.deadline_step == plain.deadline_step == "decide"
    assert asked.clock_started_at == plain.clock_started_at == at(hours=0.5)
    assert asked.clock_pauses == [[at(hours=0.5).isoformat(), at(hours=3.5).isoformat()]]
    assert asked.due_at - plain.due_at == timedelta(hours=3)
    assert plain.due_at == at(hours=4.5)  # an emergency is decided within 4 hours of reading it


def test_a_question_after_acknowledgement_pauses_and_resumes_the_same_decision_clock(cast):
    scene = a_scene(cast, urgency="emergency")
    with time_machine.travel(MONDAY_10, tick=False):
        referral = a_referral(scene, send=True)
        referral = referral_act(referral=referral, by=scene.provider.coordinator, action="acknowledge")
    with time_machine.travel(at(hours=1), tick=False):
        referral = referral_act(
            referral=referral, by=scene.provider.coordinator, action="request_information", note="Documents?"
        )
    assert referral.due_at is None
    with time_machine.travel(at(hours=4), tick=False):
        referral = referral_act(referral=referral, by=scene.shelter.caseworker, action="answer", note="None yet.")
    assert (referral.deadline_step, referral.clock_started_at) == ("decide", MONDAY_10)
    assert referral.clock_pauses == [[at(hours=1).isoformat(), at(hours=4).isoformat()]]
    assert referral.due_at == at(hours=7)


def test_a_paused_referral_is_neither_reminded_nor_expired(cast):
    scene = a_scene(cast)
    with time_machine.travel(MONDAY_10, tick=False):
        referral = a_referral(scene, send=True)
        referral_act(referral=referral, by=scene.provider.coordinator, action="request_information", note="Why?")
    counts = referral_sweep(now=at(days=30))
    assert counts == {"half": 0, "full": 0, "expired": 0, "shares_ended": 0}


def test_the_sweep_reminds_the_receiver_at_half_time_once(cast):
    scene = a_scene(cast)
    with time_machine.travel(MONDAY_10, tick=False):
        referral = a_referral(scene, send=True)
    referral_sweep(now=at(days=1, hours=1))
    referral_sweep(now=at(days=1, hours=2))
    reminders = Notification.objects.filter(kind=NotificationKind.REFERRAL_REMINDER)
    assert list(reminders.values_list("recipient", flat=True)) == [scene.provider.coordinator.pk]
    assert reminders.get().link == f"/referrals/{referral.uuid}/"


def test_at_full_time_the_receiver_is_reminded_and_the_sender_told_once(cast):
    scene = a_scene(cast)
    with time_machine.travel(MONDAY_10, tick=False):
        a_referral(scene, send=True)
    for hours in (1, 2, 3):
        referral_sweep(now=at(days=2, hours=hours))
    overdue = Notification.objects.filter(kind=NotificationKind.REFERRAL_OVERDUE)
    assert sorted(overdue.values_list("recipient", flat=True)) == sorted(
        [scene.provider.coordinator.pk, scene.shelter.caseworker.pk]
    )
    assert Notification.objects.filter(kind=NotificationKind.REFERRAL_REMINDER).count() == 1


def test_at_twice_the_time_an_unanswered_referral_expires_and_both_sides_are_told(cast):
    scene = a_scene(cast)
    with time_machine.travel(MONDAY_10, tick=False):
        referral = a_referral(scene, send=True)
    with time_machine.travel(at(days=4, hours=1), tick=False):
        counts = referral_sweep()
        referral_sweep()
    referral.refresh_from_db()
    assert counts["expired"] == 1 and referral.state == ReferralState.EXPIRED and referral.fhir_status == "cancelled"
    expired = Notification.objects.filter(kind=NotificationKind.REFERRAL_EXPIRED)
    assert scene.shelter.caseworker.pk in expired.values_list("recipient", flat=True)
    assert expired.filter(recipient=scene.provider.coordinator).count() == 1
    scene.need.refresh_from_db()
    assert scene.need.status == "open"


def test_no_notification_or_email_carries_personal_data(cast, django_capture_on_commit_callbacks):
    scene = a_scene(cast)
    with django_capture_on_commit_callbacks(execute=True):
        with time_machine.travel(MONDAY_10, tick=False):
            referral = a_referral(scene, send=True)
            referral_act(referral=referral, by=scene.provider.coordinator, action="request_information", note="Ana?")
            referral_act(referral=referral, by=scene.shelter.caseworker, action="answer", note="Ana Secretname")
        referral_sweep(now=at(days=30))
    secrets = ["Ana", "Secretname", scene.case.case_number, "lawyer", "Jalisco"]
    texts = [n.link + n.kind + n.title for n in Notification.objects.all()]
    texts += [m.subject + m.body for m in mail.outbox]
    assert texts and mail.outbox
    for text in texts:
        assert not any(secret in text for secret in secrets), text


def more_referrals(scene, count):
    """``count`` more sent referrals of the scene's case, one need each."""
    return [
        referral_act(
            referral=referral_create(
                need=need_create(case=scene.case, by=scene.shelter.caseworker, kind="legal_aid"),
                service=scene.service,
                by=scene.shelter.caseworker,
            ),
            by=scene.shelter.caseworker,
            action="send",
        )
        for _ in range(count)
    ]


def test_a_sweep_expiring_many_referrals_takes_as_few_queries_as_expiring_a_few(cast, django_assert_max_num_queries):
    # given: twelve referrals past 200%, their reminders already sent
    scene = a_scene(cast)
    with time_machine.travel(MONDAY_10, tick=False):
        referrals = [a_referral(scene, send=True), *more_referrals(scene, 11)]
    referral_sweep(now=at(days=3))
    # when
    with django_assert_max_num_queries(25):
        counts = referral_sweep(now=at(days=4, hours=1))
    # then
    assert counts["expired"] == 12
    assert {referral.state for referral in Referral.objects.filter(pk__in=[r.pk for r in referrals])} == {"expired"}


def test_each_expired_referral_gets_its_event_audit_record_and_notifications(cast):
    # given
    scene = a_scene(cast)
    with time_machine.travel(MONDAY_10, tick=False):
        referrals = [a_referral(scene, send=True), *more_referrals(scene, 2)]
    acknowledged = referral_act(referral=referrals[2], by=scene.provider.coordinator, action="acknowledge")
    # when
    referral_sweep(now=at(days=30))
    # then
    for referral in referrals:
        referral.refresh_from_db()
        assert (referral.state, referral.deadline_step, referral.due_at, referral.expires_at) == (
            "expired",
            "",
            None,
            None,
        )
        event = ReferralEvent.objects.get(referral=referral, action="expire")
        assert (event.actor, event.to_state, event.note) == (None, "expired", None)
        assert AuditEvent.objects.filter(action="referral.expire", target_id=str(referral.uuid)).count() == 1
        told = Notification.objects.filter(
            kind=NotificationKind.REFERRAL_EXPIRED, dedupe_key=f"referral:{referral.uuid}:event:{event.uuid}"
        )
        assert sorted(told.values_list("recipient", flat=True)) == sorted(
            [scene.shelter.coordinator.pk, scene.shelter.caseworker.pk, scene.provider.coordinator.pk]
        )
    assert ReferralEvent.objects.get(referral=acknowledged, action="expire").from_state == "acknowledged"
    assert audit_verify().ok


def test_expiry_ends_a_share_that_an_unanswered_referral_should_not_have(cast):
    # given: an accepted referral's share, its referral put back to "sent" behind the services' back
    scene = a_scene(cast)
    with time_machine.travel(MONDAY_10, tick=False):
        referral = accepted(scene)
    Referral.objects.filter(pk=referral.pk).update(state="sent", deadline_step="acknowledge", expires_at=at(days=1))
    # when
    referral_sweep(now=at(days=2))
    # then
    assert CaseShare.objects.get(pk=referral.share_id).ended_at is not None
