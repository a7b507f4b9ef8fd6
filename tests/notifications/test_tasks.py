"""The e-mail task sends each notification's e-mail once; the sweep rescues the ones a worker lost."""

import smtplib
import uuid
from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.utils import timezone

from config.celery import app as celery_app
from notifications.models import EmailStatus, Notification, NotificationKind
from notifications.services import MAX_EMAIL_ATTEMPTS
from notifications.tasks import email_sweep, send_notification_email
from tests.notifications.factories import a_notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def notification(cast):
    # Made outside an on-commit capture: the e-mail is left for the test to send.
    return a_notification(cast.partner.coordinator, link="/referrals/7b0c1a52-8f6e-4a8e-9a57-7f1d2a0c3b11/")


class FlakyBackend(EmailBackend):
    """A mail server that is unreachable for the first `failures` messages."""

    failures = 0

    def send_messages(self, messages):
        if FlakyBackend.failures:
            FlakyBackend.failures -= 1
            raise smtplib.SMTPServerDisconnected("connection unexpectedly closed")
        return super().send_messages(messages)


@pytest.fixture
def flaky_mail(settings):
    settings.EMAIL_BACKEND = "tests.notifications.test_tasks.FlakyBackend"
    # Eager Celery runs a retry at once, but only if the Retry it raises is not propagated.
    celery_app.conf.task_eager_propagates = False
    yield FlakyBackend
    celery_app.conf.task_eager_propagates = True
    FlakyBackend.failures = 0


def test_the_email_has_the_title_and_the_absolute_link_only(notification, settings):
    # when
    send_notification_email(notification.pk)

    # then
    (message,) = mail.outbox
    assert message.to == [notification.recipient.email]
    assert message.subject == "CaseHub: You have a new referral"
    assert message.body == f"You have a new referral\n\n{settings.SITE_URL}{notification.link}\n"


def test_it_records_the_email_as_sent(notification):
    send_notification_email(notification.pk)
    notification.refresh_from_db()
    assert (notification.email_status, notification.attempts) == (EmailStatus.SENT, 1)
    assert notification.email_sent_at is not None


def test_the_task_run_twice_sends_once(notification):
    # when the task is delivered twice
    send_notification_email(notification.pk)
    outcome = send_notification_email(notification.pk)

    # then
    assert outcome == "not_claimed"
    assert len(mail.outbox) == 1


def test_it_does_not_send_an_email_another_worker_is_sending(notification):
    # given another worker's fresh claim
    Notification.objects.filter(pk=notification.pk).update(
        email_status=EmailStatus.SENDING, email_claimed_at=timezone.now()
    )

    # when
    send_notification_email(notification.pk)

    # then
    assert mail.outbox == []


def test_a_transient_failure_is_retried_then_sent_once(notification, flaky_mail):
    # given a mail server that drops the first two connections
    flaky_mail.failures = 2

    # when (eager: the retries run at once)
    send_notification_email.delay(notification.pk)

    # then
    assert len(mail.outbox) == 1
    notification.refresh_from_db()
    assert (notification.email_status, notification.attempts) == (EmailStatus.SENT, 3)


def test_an_email_failing_on_every_attempt_is_marked_failed(notification, flaky_mail):
    # given a mail server that is down for longer than the retries last
    flaky_mail.failures = 100

    # when
    send_notification_email.delay(notification.pk)

    # then
    notification.refresh_from_db()
    assert (notification.email_status, notification.attempts) == (EmailStatus.FAILED, MAX_EMAIL_ATTEMPTS)
    assert mail.outbox == []


@pytest.mark.parametrize("change", [{"is_active": False}, {"email": ""}])
def test_it_skips_inactive_users_and_users_without_email(notification, change):
    # given
    type(notification.recipient).objects.filter(pk=notification.recipient_id).update(**change)

    # when
    send_notification_email(notification.pk)

    # then
    notification.refresh_from_db()
    assert notification.email_status == EmailStatus.SKIPPED
    assert mail.outbox == []


def test_the_sweep_requeues_an_email_stuck_in_sending_past_its_lease(notification, settings):
    # given a worker that claimed the e-mail and died before sending it
    claimed = timezone.now() - timedelta(seconds=settings.NOTIFICATION_EMAIL_LEASE_SECONDS + 1)
    Notification.objects.filter(pk=notification.pk).update(
        email_status=EmailStatus.SENDING, email_claimed_at=claimed, attempts=1
    )

    # when
    requeued = email_sweep()

    # then
    assert requeued == 1
    assert len(mail.outbox) == 1
    notification.refresh_from_db()
    assert (notification.email_status, notification.attempts) == (EmailStatus.SENT, 2)


def test_the_sweep_leaves_an_email_whose_claim_is_within_its_lease(notification):
    # given a worker busy sending it
    Notification.objects.filter(pk=notification.pk).update(
        email_status=EmailStatus.SENDING, email_claimed_at=timezone.now(), attempts=1
    )

    # when
    requeued = email_sweep()

    # then
    assert requeued == 0
    assert mail.outbox == []


def test_the_sweep_sends_a_pending_email_whose_task_was_lost(notification, settings):
    # given an e-mail whose task never reached a worker
    created = timezone.now() - timedelta(seconds=settings.NOTIFICATION_EMAIL_LEASE_SECONDS + 1)
    Notification.objects.filter(pk=notification.pk).update(created_at=created)

    # when
    email_sweep()

    # then
    assert len(mail.outbox) == 1


def test_the_sweep_gives_up_on_an_email_out_of_attempts(notification, settings):
    # given
    claimed = timezone.now() - timedelta(seconds=settings.NOTIFICATION_EMAIL_LEASE_SECONDS + 1)
    Notification.objects.filter(pk=notification.pk).update(
        email_status=EmailStatus.SENDING, email_claimed_at=claimed, attempts=MAX_EMAIL_ATTEMPTS
    )

    # when
    email_sweep()

    # then
    notification.refresh_from_db()
    assert notification.email_status == EmailStatus.FAILED
    assert mail.outbox == []


def test_the_sweep_runs_on_beat(settings):
    schedule = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "notifications.tasks.email_sweep" in schedule


def test_every_kind_has_a_title_distinct_from_its_code():
    assert all(kind.label != kind.value for kind in NotificationKind)
    assert len({kind.value for kind in NotificationKind}) == len(NotificationKind)


def test_an_unknown_notification_id_sends_nothing(db):
    assert send_notification_email(uuid.uuid4().int % 10**9) == "not_claimed"
