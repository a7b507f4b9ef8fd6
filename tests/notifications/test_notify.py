"""notify(): one row per recipient in the caller's transaction, one e-mail each after commit."""

import uuid

import pytest
from django.core import mail
from django.db import transaction

from notifications.models import EmailStatus, Notification, NotificationKind
from notifications.services import notify

pytestmark = pytest.mark.django_db

LINK = f"/referrals/{uuid.uuid4()}/"


def test_it_creates_one_notification_per_recipient_with_their_organization(cast):
    # when
    notify([cast.partner.coordinator, cast.outsider.coordinator], NotificationKind.REFERRAL_RECEIVED, LINK)

    # then
    rows = Notification.objects.order_by("recipient__username")
    assert [(n.recipient, n.organization) for n in rows] == [
        (cast.outsider.coordinator, cast.outsider.organization),
        (cast.partner.coordinator, cast.partner.organization),
    ]
    assert all(n.kind == "referral_received" and n.link == LINK and n.read_at is None for n in rows)


def test_it_emails_each_recipient_once_after_commit(cast, django_capture_on_commit_callbacks):
    # when
    with django_capture_on_commit_callbacks(execute=True):
        notify([cast.partner.coordinator, cast.partner.caseworker], NotificationKind.REFERRAL_RECEIVED, LINK)

    # then
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [cast.partner.coordinator.email, cast.partner.caseworker.email]
    )
    assert set(Notification.objects.values_list("email_status", flat=True)) == {EmailStatus.SENT}


def test_it_sends_nothing_before_the_transaction_commits(cast, django_capture_on_commit_callbacks):
    # when the caller's transaction has not committed
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notify([cast.partner.coordinator], NotificationKind.REFERRAL_RECEIVED, LINK)

    # then the e-mail waits for the commit
    assert len(callbacks) == 1
    assert mail.outbox == []


def test_it_sends_nothing_when_the_transaction_rolls_back(cast, django_capture_on_commit_callbacks):
    # when
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        notify([cast.partner.coordinator], NotificationKind.REFERRAL_RECEIVED, LINK)
        raise RuntimeError("the referral could not be saved")

    # then
    assert Notification.objects.count() == 0
    assert mail.outbox == []


def test_a_dedupe_key_prevents_a_second_notification(cast, django_capture_on_commit_callbacks):
    # given
    key = f"referral:{uuid.uuid4()}:reminder50:ack"
    with django_capture_on_commit_callbacks(execute=True):
        notify([cast.partner.coordinator], NotificationKind.REFERRAL_REMINDER, LINK, dedupe_key=key)

    # when the same event is notified again
    with django_capture_on_commit_callbacks(execute=True):
        again = notify([cast.partner.coordinator], NotificationKind.REFERRAL_REMINDER, LINK, dedupe_key=key)

    # then
    assert again == []
    assert Notification.objects.count() == 1
    assert len(mail.outbox) == 1


def test_a_dedupe_key_still_notifies_recipients_not_yet_notified(cast):
    # given
    key = f"referral:{uuid.uuid4()}:overdue:ack"
    notify([cast.partner.coordinator], NotificationKind.REFERRAL_OVERDUE, LINK, dedupe_key=key)

    # when
    created = notify(
        [cast.partner.coordinator, cast.partner.org_admin], NotificationKind.REFERRAL_OVERDUE, LINK, dedupe_key=key
    )

    # then
    assert [n.recipient for n in created] == [cast.partner.org_admin]


def test_notifications_without_a_dedupe_key_are_never_merged(cast):
    notify([cast.partner.coordinator], NotificationKind.REFERRAL_MESSAGE, LINK)
    notify([cast.partner.coordinator], NotificationKind.REFERRAL_MESSAGE, LINK)
    assert Notification.objects.count() == 2


@pytest.mark.parametrize(
    "link", ["https://evil.example/", "//evil.example/", "/cases/?name=Ana", "/cases/Ana Example/", "cases/1/"]
)
def test_it_refuses_a_link_that_is_not_a_plain_site_path(cast, link):
    with pytest.raises(ValueError):
        notify([cast.partner.coordinator], NotificationKind.REFERRAL_RECEIVED, link)


def test_it_refuses_an_unknown_kind(cast):
    with pytest.raises(ValueError):
        notify([cast.partner.coordinator], "survivor_named_ana", LINK)
