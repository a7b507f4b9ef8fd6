"""notify_each: many events in a few queries, with notify()'s rules."""

import pytest

from notifications.models import Notification, NotificationKind
from notifications.services import notify_each


def test_each_event_notifies_its_users_once_per_dedupe_key(cast, django_assert_max_num_queries):
    events = [
        (
            [cast.owner.caseworker, cast.owner.coordinator],
            NotificationKind.REFERRAL_REMINDER,
            f"/referrals/{n}/",
            f"k{n}",
        )
        for n in range(20)
    ]
    with django_assert_max_num_queries(6):
        notify_each(events)
    notify_each(events)
    assert Notification.objects.count() == 40
    assert Notification.objects.filter(organization=cast.owner.organization).count() == 40


def test_an_unsafe_link_is_refused_and_nothing_is_written(cast):
    with pytest.raises(ValueError):
        notify_each([([cast.owner.caseworker], NotificationKind.REFERRAL_REMINDER, "/referrals/?name=Ana", None)])
    assert not Notification.objects.exists()
