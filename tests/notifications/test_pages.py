"""The inbox page and the unread count in the navigation."""

from datetime import timedelta

import pytest
from django.utils import timezone

from notifications.models import Notification, NotificationKind
from tests.factories import verified_client
from tests.notifications.factories import a_notification

pytestmark = pytest.mark.django_db


def test_the_inbox_lists_the_users_notifications_newest_first(cast):
    # given
    older = a_notification(cast.partner.coordinator, kind=NotificationKind.SHARE_RECEIVED)
    Notification.objects.filter(pk=older.pk).update(created_at=timezone.now() - timedelta(hours=1))
    newer = a_notification(cast.partner.coordinator, kind=NotificationKind.REFERRAL_RECEIVED)

    # when
    response = verified_client(cast.partner.coordinator).get("/notifications/")

    # then
    assert [n.pk for n in response.context["notifications"]] == [newer.pk, older.pk]
    body = response.content.decode()
    assert body.index("You have a new referral") < body.index("A case was shared with your organization")
    assert f'href="{newer.link}"' in body


def test_the_inbox_marks_unread_notifications(cast):
    a_notification(cast.partner.coordinator)
    body = verified_client(cast.partner.coordinator).get("/notifications/").content.decode()
    assert 'class="unread"' in body


def test_the_inbox_shows_no_one_elses_notifications(cast):
    a_notification(cast.partner.caseworker)
    response = verified_client(cast.partner.coordinator).get("/notifications/")
    assert list(response.context["notifications"]) == []


def test_marking_one_read_keeps_the_others_unread(cast):
    # given
    first, second = a_notification(cast.partner.coordinator), a_notification(cast.partner.coordinator)

    # when
    response = verified_client(cast.partner.coordinator).post(f"/notifications/{first.uuid}/read/")

    # then
    assert response["Location"] == "/notifications/"
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.is_unread, second.is_unread) == (False, True)


def test_opening_a_notification_marks_it_read_and_goes_to_its_object(cast):
    notification = a_notification(cast.partner.coordinator)
    response = verified_client(cast.partner.coordinator).post(f"/notifications/{notification.uuid}/read/", {"open": ""})
    assert response["Location"] == notification.link
    notification.refresh_from_db()
    assert not notification.is_unread


def test_marking_someone_elses_notification_read_is_404(cast):
    notification = a_notification(cast.partner.caseworker)
    response = verified_client(cast.partner.coordinator).post(f"/notifications/{notification.uuid}/read/")
    assert response.status_code == 404
    notification.refresh_from_db()
    assert notification.is_unread


def test_marking_all_read_marks_only_the_users_own(cast):
    # given
    mine = [a_notification(cast.partner.coordinator) for _ in range(2)]
    theirs = a_notification(cast.partner.caseworker)

    # when
    verified_client(cast.partner.coordinator).post("/notifications/read/")

    # then
    assert Notification.objects.filter(pk__in=[n.pk for n in mine], read_at__isnull=True).count() == 0
    theirs.refresh_from_db()
    assert theirs.is_unread


def test_the_navigation_shows_the_unread_count(cast):
    # given
    for _ in range(3):
        a_notification(cast.partner.coordinator)
    a_notification(cast.partner.caseworker)

    # when
    response = verified_client(cast.partner.coordinator).get("/")

    # then
    assert response.context["unread_notifications"] == 3
    assert "3 unread" in response.content.decode()


def test_the_navigation_shows_no_count_when_all_is_read(cast):
    response = verified_client(cast.partner.coordinator).get("/")
    body = response.content.decode()
    assert 'href="/notifications/"' in body
    assert "unread" not in body


def test_the_inbox_speaks_spanish(cast):
    a_notification(cast.partner.coordinator)
    client = verified_client(cast.partner.coordinator)
    client.post("/i18n/setlang/", {"language": "es", "next": "/"})
    body = client.get("/notifications/").content.decode()
    assert "Notificaciones" in body
    assert "Tiene una nueva derivación" in body
