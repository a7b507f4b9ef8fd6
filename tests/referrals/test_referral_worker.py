"""The referral deadline sweep on a real Celery worker: each reminder and its e-mail exactly once,
even when the sweep is delivered twice or a worker dies while sending a reminder's e-mail."""

import signal
import time
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from notifications.models import EmailStatus, Notification, NotificationKind
from notifications.tasks import email_sweep, send_notification_email
from referrals.models import Referral
from referrals.tasks import referral_sweep
from tests import worker
from tests.notifications.mailbox import delivered
from tests.notifications.test_worker import (  # noqa: F401 (fixtures)
    LEASE_SECONDS,
    mail_worker,
    mailbox,
    mailbox_dir,
    status_of,
    wait_for,
    worker_env,
)
from tests.referrals.factories import a_referral, a_scene


@pytest.fixture
def cast(committed_cast):
    return committed_cast  # committed: this module's tests need real transactions


pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


REMINDERS = (NotificationKind.REFERRAL_REMINDER, NotificationKind.REFERRAL_OVERDUE)


def crossing(referral, *, half=False, full=False):
    """Move the referral's marks so that the sweep finds it crossing 50% (or 100%) now."""
    now = timezone.now()
    marks = {"half_at": now - timedelta(minutes=1), "due_at": now + timedelta(hours=1), "reminders_sent": 0}
    if full:
        marks = {"half_at": now - timedelta(hours=1), "due_at": now - timedelta(minutes=1), "reminders_sent": 1}
    Referral.objects.filter(pk=referral.pk).update(expires_at=now + timedelta(days=1), **marks)


def reminders():
    return Notification.objects.filter(kind__in=REMINDERS)


def all_sent(count):
    return lambda: reminders().filter(email_status=EmailStatus.SENT).count() == count


def test_a_sweep_delivered_twice_to_a_worker_reminds_and_emails_once(mail_worker, mailbox, cast):  # noqa: F811
    # given one referral crossing 50% and one crossing 100%
    at_half, at_full = a_referral(a_scene(cast), send=True), a_referral(a_scene(cast), send=True)
    crossing(at_half, half=True)
    crossing(at_full, full=True)

    # when the same sweep task is delivered twice
    task_id = str(uuid.uuid4())
    with worker.publishing_to(mail_worker.queue):
        referral_sweep.apply_async(task_id=task_id)
        referral_sweep.apply_async(task_id=task_id)
    wait_for(all_sent(3), mail_worker, "reminder e-mails sent")
    # and each reminder's e-mail task is delivered once more, as a broker may
    with worker.publishing_to(mail_worker.queue):
        for notification_id in reminders().values_list("pk", flat=True):
            send_notification_email.delay(notification_id)
    mail_worker.run(email_sweep)  # every task published before this has run (one queue, one process)

    # then the receiver is reminded of each referral and the sender told of the overdue one, once each
    provider, shelter = cast.partner.coordinator, cast.owner.caseworker
    assert sorted(reminders().values_list("kind", "recipient", "link")) == sorted(
        [
            (NotificationKind.REFERRAL_OVERDUE, provider.pk, f"/referrals/{at_full.uuid}/"),
            (NotificationKind.REFERRAL_OVERDUE, shelter.pk, f"/referrals/{at_full.uuid}/"),
            (NotificationKind.REFERRAL_REMINDER, provider.pk, f"/referrals/{at_half.uuid}/"),
        ]
    )
    messages = delivered(mailbox)
    assert len(messages) == 3
    assert sum(f"To: {provider.email}" in message for message in messages) == 2
    assert sum(f"To: {shelter.email}" in message for message in messages) == 1


def test_a_reminder_email_whose_worker_was_killed_while_sending_is_sent_once_by_its_replacement(
    django_db_setup,
    mailbox,  # noqa: F811
    cast,
):
    worker.require_worker()
    queue = f"casehub-test-{uuid.uuid4().hex[:12]}"
    env = worker_env(mailbox)
    referral = a_referral(a_scene(cast), send=True)
    crossing(referral, half=True)

    # given a worker that ran the sweep and is killed while sending the reminder's e-mail
    (mailbox / "hold").touch()
    with worker.running_worker(queue=queue, env=env) as first:
        assert first.run(referral_sweep)["half"] == 1
        wait_for((mailbox / "holding").exists, first, "reminder e-mail being sent")
        first.process.send_signal(signal.SIGKILL)
        first.process.wait()
    (mailbox / "hold").unlink()
    reminder = reminders().get()
    assert status_of(reminder) == EmailStatus.SENDING
    assert delivered(mailbox) == []

    # when a new worker takes over once the dead worker's claim has expired, and the beat sweeps again
    with worker.running_worker(queue=queue, env=env) as second:
        time.sleep(LEASE_SECONDS + 0.5)
        requeued = second.run(email_sweep)
        wait_for(lambda: status_of(reminder) == EmailStatus.SENT, second, "reminder e-mail sent")
        again = second.run(referral_sweep)
        assert second.run(email_sweep) == 0

    # then the reminder was made once and its e-mail went out once
    assert requeued == 1
    assert again == {"half": 0, "full": 0, "expired": 0, "shares_ended": 0}
    assert reminders().count() == 1
    (message,) = delivered(mailbox)
    assert f"To: {cast.partner.coordinator.email}" in message and reminder.link in message
    assert Notification.objects.get(pk=reminder.pk).attempts == 2
