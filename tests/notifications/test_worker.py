"""E-mails of notifications sent by real Celery workers on the real broker: once, even when a worker dies."""

import signal
import tempfile
import time
import uuid
from pathlib import Path

import pytest

from notifications.models import EmailStatus, Notification, NotificationKind
from notifications.services import notify
from notifications.tasks import email_sweep, send_notification_email
from tests import worker
from tests.factories import OrganizationFactory, member
from tests.notifications.mailbox import delivered

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

LEASE_SECONDS = 2
WAIT_SECONDS = worker.RESULT_TIMEOUT_SECONDS


@pytest.fixture(scope="module")
def mailbox_dir():
    with tempfile.TemporaryDirectory(prefix="casehub-mailbox-") as directory:
        yield Path(directory)


@pytest.fixture
def mailbox(mailbox_dir):
    for path in mailbox_dir.iterdir():
        path.unlink()
    return mailbox_dir


def worker_env(mailbox_dir: Path) -> dict:
    return {
        "EMAIL_BACKEND": "tests.notifications.mailbox.HeldFileBackend",
        "CASEHUB_TEST_MAILBOX": str(mailbox_dir),
        "NOTIFICATION_EMAIL_LEASE_SECONDS": str(LEASE_SECONDS),
    }


@pytest.fixture(scope="module")
def mail_worker(django_db_setup, mailbox_dir):
    worker.require_worker()
    with worker.running_worker(env=worker_env(mailbox_dir)) as running:
        yield running


@pytest.fixture
def recipient(db):
    return member(OrganizationFactory(), "coordinator")


def wait_for(condition, running: worker.CeleryWorker | None = None, what: str = "the condition") -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while not condition():
        if running is not None and running.process.poll() is not None:
            pytest.fail(f"the Celery worker exited with {running.process.returncode}:\n{running.output()}")
        if time.monotonic() > deadline:
            log = running.output() if running else ""
            pytest.fail(f"no {what} after {WAIT_SECONDS}s:\n{log}")
        time.sleep(0.05)


def status_of(notification) -> str:
    return Notification.objects.values_list("email_status", flat=True).get(pk=notification.pk)


def test_a_worker_sends_a_notifications_email_exactly_once(mail_worker, mailbox, recipient):
    # given a notification committed here, its task published to the worker on commit
    with worker.publishing_to(mail_worker.queue):
        (notification,) = notify([recipient], NotificationKind.REFERRAL_RECEIVED, f"/referrals/{uuid.uuid4()}/")
    wait_for(lambda: status_of(notification) == EmailStatus.SENT, mail_worker, "e-mail sent")

    # when the same task is delivered again
    outcome = mail_worker.run(send_notification_email, notification.pk)

    # then one e-mail went out, with the title and the link only
    assert outcome == "not_claimed"
    (message,) = delivered(mailbox)
    assert f"To: {recipient.email}" in message
    assert "Subject: CaseHub: You have a new referral" in message
    assert notification.link in message


def test_duplicate_tasks_racing_on_a_worker_send_once(mail_worker, mailbox, recipient):
    # given a notification whose e-mail nobody sent yet
    notification = Notification.objects.create(
        recipient=recipient, kind=NotificationKind.REFERRAL_MESSAGE, link=f"/referrals/{uuid.uuid4()}/"
    )

    # when its task is published three times
    with worker.publishing_to(mail_worker.queue):
        for _ in range(3):
            send_notification_email.delay(notification.pk)
    wait_for(lambda: status_of(notification) == EmailStatus.SENT, mail_worker, "e-mail sent")
    mail_worker.run(email_sweep)  # the last of the three has run when this returns (one queue, one process)

    # then
    assert len(delivered(mailbox)) == 1


def test_an_email_whose_worker_was_killed_before_sending_is_sent_once_after_the_lease(
    django_db_setup, mailbox, recipient
):
    worker.require_worker()
    queue = f"casehub-test-{uuid.uuid4().hex[:12]}"
    env = worker_env(mailbox)

    # given a worker that claimed an e-mail and is killed before it could send it
    (mailbox / "hold").touch()
    with worker.running_worker(queue=queue, env=env) as first:
        with worker.publishing_to(queue):
            (notification,) = notify([recipient], NotificationKind.REFERRAL_OVERDUE, f"/referrals/{uuid.uuid4()}/")
        wait_for((mailbox / "holding").exists, first, "claimed e-mail")
        first.process.send_signal(signal.SIGKILL)
        first.process.wait()
    (mailbox / "hold").unlink()
    assert status_of(notification) == EmailStatus.SENDING
    assert delivered(mailbox) == []

    # when a new worker runs the sweep once the dead worker's claim has expired
    with worker.running_worker(queue=queue, env=env) as second:
        time.sleep(LEASE_SECONDS + 0.5)
        requeued = second.run(email_sweep)
        wait_for(lambda: status_of(notification) == EmailStatus.SENT, second, "e-mail sent")
        # a sweep after that finds nothing left to do
        assert second.run(email_sweep) == 0

    # then exactly one e-mail went out
    assert requeued == 1
    assert len(delivered(mailbox)) == 1
    assert Notification.objects.get(pk=notification.pk).attempts == 2
