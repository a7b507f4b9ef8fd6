"""Notifications for tests, made through notify() as the application makes them."""

import uuid

from notifications.models import NotificationKind
from notifications.services import notify


def a_notification(user, *, kind=NotificationKind.REFERRAL_RECEIVED, link=None, dedupe_key=None):
    link = link or f"/referrals/{uuid.uuid4()}/"
    (notification,) = notify([user], kind, link, dedupe_key=dedupe_key)
    return notification
