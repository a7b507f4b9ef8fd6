"""GET /api/v1/notifications/ and POST /api/v1/notifications/<id>/read/: one's own notifications only."""

import pytest

from notifications.api import NewestFirst
from notifications.models import NotificationKind
from tests.factories import verified_client
from tests.notifications.factories import a_notification

pytestmark = pytest.mark.django_db


def test_it_lists_the_users_own_notifications_newest_first(cast):
    # given
    first = a_notification(cast.partner.coordinator, kind=NotificationKind.SHARE_RECEIVED)
    second = a_notification(cast.partner.coordinator, kind=NotificationKind.REFERRAL_OVERDUE)
    a_notification(cast.partner.caseworker)

    # when
    body = verified_client(cast.partner.coordinator).get("/api/v1/notifications/").json()

    # then
    assert [n["id"] for n in body["results"]] == [str(second.uuid), str(first.uuid)]
    assert body["results"][0] == {
        "id": str(second.uuid),
        "kind": "referral_overdue",
        "title": "A referral is overdue",
        "link": second.link,
        "created_at": body["results"][0]["created_at"],
        "read_at": None,
    }


def test_it_pages_with_a_cursor(cast, monkeypatch):
    # given
    monkeypatch.setattr(NewestFirst, "page_size", 2)
    made = [a_notification(cast.partner.coordinator) for _ in range(3)]
    client = verified_client(cast.partner.coordinator)

    # when
    first = client.get("/api/v1/notifications/").json()
    second = client.get(first["next"]).json()

    # then
    ids = [n["id"] for n in first["results"] + second["results"]]
    assert ids == [str(n.uuid) for n in reversed(made)]
    assert "cursor=" in first["next"]
    assert second["next"] is None


def test_marking_read_returns_the_notification_read(cast):
    notification = a_notification(cast.partner.coordinator)
    response = verified_client(cast.partner.coordinator).post(f"/api/v1/notifications/{notification.uuid}/read/")
    assert response.status_code == 200
    assert response.json()["read_at"] is not None
    notification.refresh_from_db()
    assert not notification.is_unread


def test_marking_someone_elses_notification_read_is_404(cast):
    notification = a_notification(cast.partner.caseworker)
    response = verified_client(cast.partner.coordinator).post(f"/api/v1/notifications/{notification.uuid}/read/")
    assert response.status_code == 404
    notification.refresh_from_db()
    assert notification.is_unread
