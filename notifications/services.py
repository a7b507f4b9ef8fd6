"""Notify people of events, and deliver each notification's e-mail once.

E-mail delivery guarantee (docs in the module, tests in tests/notifications/):

- A notification is written in the caller's transaction; its e-mail task is published only
  after that transaction commits (`transaction.on_commit`), so a rolled-back event sends nothing.
- A worker must claim the e-mail before sending it: one conditional UPDATE moves it from
  `pending` to `sending`. The database lets exactly one claim win, so a duplicated task, a
  redelivered message or the sweep racing a worker never sends a second e-mail.
- After the mail server accepted the message the row becomes `sent`.
- A transient failure (OSError, which covers every smtplib error) gives the claim back
  (`pending`) and the task retries with backoff; after the last attempt the row is `failed`.
- If a worker dies between its claim and marking the row sent, the row stays `sending`. Once
  its claim is older than NOTIFICATION_EMAIL_LEASE_SECONDS it may be claimed again, and the
  beat sweep (`email_sweep`) re-publishes it. If the worker died *after* the server accepted the
  message but before the row was marked sent, this sends it a second time: the guarantee is
  exactly once, except at least once in that crash window, which no database and mail server
  without a shared transaction can close. We choose a possible duplicate over a lost e-mail.
  The task's time limits stay below the lease, so a slow worker is stopped before its claim
  expires, and EMAIL_TIMEOUT bounds a hanging mail server.
"""

import re
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from notifications.models import EmailStatus, Notification, NotificationKind
from orgs.models import Membership

# A path of route words and opaque ids: no query string, no spaces, no scheme or host.
SAFE_LINK = re.compile(r"^/[A-Za-z0-9_\-./]*$")
# Attempts at one e-mail, first try and retries together (see tasks.send_notification_email).
MAX_EMAIL_ATTEMPTS = 6


def email_lease() -> timedelta:
    return timedelta(seconds=settings.NOTIFICATION_EMAIL_LEASE_SECONDS)


def about(*, subject: str = "", change=None, by_organization_id: int | None = None) -> dict:
    """What a notification is about: a reference or case number, a coded change (its label, kept
    in English and translated when shown) and the organization that acted. Nothing else fits."""
    with translation.override("en"):
        change_text = str(change) if change else ""
    return {"subject": subject[:40], "change": change_text[:60], "by_organization_id": by_organization_id}


def notify(
    users: Iterable, kind: str, link: str, dedupe_key: str | None = None, *, about: dict | None = None
) -> list[Notification]:
    """Notify each user of one event, in the caller's transaction; e-mails go out after commit.

    With a dedupe_key, a user already notified of that event is not notified again (also when
    two transactions race: the unique constraint lets one row in). ``about`` comes from about().
    Returns the new notifications.
    """
    kind = NotificationKind(kind)
    if not SAFE_LINK.match(link) or link.startswith("//"):
        raise ValueError("a notification link is a site-relative path of opaque ids, without a query string")
    recipients = {user.pk: user for user in users}
    organizations = dict(
        Membership.objects.filter(user_id__in=recipients, is_active=True).values_list("user_id", "organization_id")
    )
    rows = [
        Notification(
            recipient_id=user_id,
            organization_id=organizations.get(user_id),
            kind=kind,
            link=link,
            dedupe_key=dedupe_key,
            **(about or {}),
        )
        for user_id in recipients
    ]
    with transaction.atomic():
        # Rows that hit the dedupe constraint are dropped by the database, not by a prior read,
        # so there is no window between checking and inserting. Which rows made it in is read
        # back through the uuids generated here.
        Notification.objects.bulk_create(rows, ignore_conflicts=True)
        created = list(Notification.objects.filter(uuid__in=[row.uuid for row in rows]))
    for notification in created:
        transaction.on_commit(lambda pk=notification.pk: _publish_email(pk))
    return created


def notify_each(events: Iterable[tuple]) -> list[Notification]:
    """notify() for many events at once (users, kind, link, dedupe_key, about), in three queries:
    for sweeps that raise hundreds of events. The same rules: safe links, dedupe keys, e-mail
    after commit."""
    rows = []
    for users, kind, link, dedupe_key, *more in events:
        about_ = more[0] if more else None
        kind = NotificationKind(kind)
        if not SAFE_LINK.match(link) or link.startswith("//"):
            raise ValueError("a notification link is a site-relative path of opaque ids, without a query string")
        for user_id in {user.pk for user in users}:
            rows.append(
                Notification(recipient_id=user_id, kind=kind, link=link, dedupe_key=dedupe_key, **(about_ or {}))
            )
    if not rows:
        return []
    organizations = dict(
        Membership.objects.filter(user_id__in={row.recipient_id for row in rows}, is_active=True).values_list(
            "user_id", "organization_id"
        )
    )
    for row in rows:
        row.organization_id = organizations.get(row.recipient_id)
    with transaction.atomic():
        Notification.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
        created = list(Notification.objects.filter(uuid__in=[row.uuid for row in rows]).values_list("pk", flat=True))
    for notification_id in created:
        transaction.on_commit(lambda pk=notification_id: _publish_email(pk))
    return created


def _publish_email(notification_id: int) -> None:
    from notifications.tasks import send_notification_email

    send_notification_email.delay(notification_id)


def notification_mark_read(*, notification: Notification) -> None:
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=notification.read_at)


def notifications_mark_all_read(*, user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())


def notification_email_claim(*, notification_id: int) -> bool:
    """Claim the e-mail for this worker: True for exactly one caller while it is pending or abandoned."""
    now = timezone.now()
    claimable = Q(email_status=EmailStatus.PENDING) | Q(
        email_status=EmailStatus.SENDING, email_claimed_at__lt=now - email_lease()
    )
    claimed = Notification.objects.filter(claimable, pk=notification_id, attempts__lt=MAX_EMAIL_ATTEMPTS).update(
        email_status=EmailStatus.SENDING, email_claimed_at=now, attempts=F("attempts") + 1
    )
    return claimed == 1


def notification_email_send(*, notification_id: int) -> str:
    """Claim, send and record one notification's e-mail; returns the e-mail status it leaves.

    Raises OSError on a transient failure, after giving the claim back for the retry.
    """
    if not notification_email_claim(notification_id=notification_id):
        return "not_claimed"
    notification = Notification.objects.select_related("recipient").get(pk=notification_id)
    recipient = notification.recipient
    if not recipient.is_active or not recipient.email:
        _finish(notification_id, EmailStatus.SKIPPED)
        return EmailStatus.SKIPPED
    subject, body = notification_email_render(notification)
    try:
        send_mail(subject, body, None, [recipient.email])
    except OSError:
        _finish(notification_id, EmailStatus.PENDING)
        raise
    _finish(notification_id, EmailStatus.SENT, email_sent_at=timezone.now())
    return EmailStatus.SENT


def notification_email_render(notification: Notification) -> tuple[str, str]:
    """Subject and body: the kind's title and the absolute link, nothing else."""
    # In the site's language, whatever the worker thread last activated (no per-user language yet).
    with translation.override(settings.LANGUAGE_CODE):
        text = render_to_string(
            "emails/notification.txt", {"title": notification.title, "url": settings.SITE_URL + notification.link}
        )
    subject, _, body = text.strip().partition("\n")
    return subject.strip(), body.strip() + "\n"


def notification_email_fail(*, notification_id: int) -> None:
    """Give up on an e-mail after its last attempt."""
    Notification.objects.filter(pk=notification_id, email_status__in=[EmailStatus.PENDING, EmailStatus.SENDING]).update(
        email_status=EmailStatus.FAILED, email_claimed_at=None
    )


def _finish(notification_id: int, status: str, **fields) -> None:
    Notification.objects.filter(pk=notification_id, email_status=EmailStatus.SENDING).update(
        email_status=status, email_claimed_at=None, **fields
    )


def emails_due() -> list[int]:
    """E-mails to publish again: claims past their lease, and pending ones whose task is overdue.

    A pending e-mail older than the lease lost its task (the broker was down at commit, the
    process died between commit and publishing) or is between retries; publishing once more is
    harmless, since only one claim wins.
    """
    cutoff = timezone.now() - email_lease()
    due = Notification.objects.filter(
        Q(email_status=EmailStatus.SENDING, email_claimed_at__lt=cutoff)
        | Q(email_status=EmailStatus.PENDING, created_at__lt=cutoff)
    )
    exhausted = due.filter(attempts__gte=MAX_EMAIL_ATTEMPTS)
    exhausted.update(email_status=EmailStatus.FAILED, email_claimed_at=None)
    return list(due.filter(attempts__lt=MAX_EMAIL_ATTEMPTS).order_by("pk").values_list("pk", flat=True)[:1000])
