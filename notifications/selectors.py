"""Reads of notifications: a user only ever sees their own (anyone else's is 404)."""

from django.db.models import QuerySet
from django.http import Http404

from notifications.models import Notification


def notifications_of(user) -> QuerySet[Notification]:
    """The user's notifications, newest first."""
    return Notification.objects.filter(recipient=user).select_related("by_organization").order_by("-created_at", "-id")


def notification_for_user(user, notification_id) -> Notification:
    """One of the user's own notifications; another user's, or none, is 404."""
    try:
        return Notification.objects.get(uuid=notification_id, recipient=user)
    except (Notification.DoesNotExist, ValueError):
        raise Http404 from None


def unread_count(user) -> int:
    # Served by the partial index on unread rows.
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
