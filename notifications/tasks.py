"""E-mail delivery for notifications: one task per e-mail, and the beat sweep that rescues lost ones."""

import logging

from celery import shared_task
from django.conf import settings

from notifications import services

logger = logging.getLogger(__name__)

# Both below the lease, so a worker is stopped before another may claim its e-mail
# (enforced by the prefork pool; EMAIL_TIMEOUT bounds the mail server either way).
_LEASE = settings.NOTIFICATION_EMAIL_LEASE_SECONDS


@shared_task(
    bind=True,
    acks_late=True,
    max_retries=services.MAX_EMAIL_ATTEMPTS - 1,
    soft_time_limit=max(1, _LEASE // 2),
    time_limit=max(2, _LEASE * 3 // 4),
)
def send_notification_email(self, notification_id: int) -> str:
    """Send one notification's e-mail unless it was sent, skipped or is being sent by another worker."""
    try:
        return services.notification_email_send(notification_id=notification_id)
    except OSError as error:
        if self.request.retries >= self.max_retries:
            services.notification_email_fail(notification_id=notification_id)
            logger.warning("notification e-mail %s failed after %s attempts", notification_id, self.request.retries + 1)
            return "failed"
        # 30 s, 1 min, 2 min, 4 min, 8 min.
        raise self.retry(exc=error, countdown=30 * 2**self.request.retries) from error


@shared_task
def email_sweep() -> int:
    """Publish again the e-mails whose worker died or whose task was lost (run by beat)."""
    due = services.emails_due()
    for notification_id in due:
        send_notification_email.delay(notification_id)
    return len(due)
