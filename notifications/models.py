"""In-app notifications and the state of their one e-mail.

A notification holds no free text: its title comes from its kind and what it is about (a
referral reference or case number, a coded change, an organization), and its link holds opaque
ids only, so no survivor's name or detail can reach the inbox, an e-mail or a mail server.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class NotificationKind(models.TextChoices):
    # The label is the title shown in the inbox and used as the e-mail subject. To add a kind,
    # add a member here (and its Spanish title); the database column takes any value.
    SHARE_RECEIVED = "share_received", _("A case was shared with your organization")
    SHARE_ENDED = "share_ended", _("A case share ended")
    TRANSFER_OFFERED = "transfer_offered", _("A case transfer was offered to your organization")
    TRANSFER_DECIDED = "transfer_decided", _("A case transfer was decided")
    OVERRIDE_REQUESTED = "override_requested", _("An access override was requested")
    OVERRIDE_APPROVED = "override_approved", _("An access override was approved")
    REFERRAL_RECEIVED = "referral_received", _("You have a new referral")
    REFERRAL_UPDATED = "referral_updated", _("A referral was updated")
    REFERRAL_REMINDER = "referral_reminder", _("A referral is waiting for you")
    REFERRAL_OVERDUE = "referral_overdue", _("A referral is overdue")
    REFERRAL_EXPIRED = "referral_expired", _("A referral expired")
    REFERRAL_MESSAGE = "referral_message", _("You have a new message on a referral")
    REFERRAL_ASSIGNED = "referral_assigned", _("A referral was assigned to you")
    CASE_ASSIGNED = "case_assigned", _("A case was assigned to you")
    TASK_ASSIGNED = "task_assigned", _("A task was assigned to you")


class EmailStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    SKIPPED = "skipped", _("Skipped")
    FAILED = "failed", _("Failed")


class Notification(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    # The recipient's organization when it was created (they may move on; the notice stays theirs).
    organization = models.ForeignKey("orgs.Organization", null=True, blank=True, on_delete=models.SET_NULL)
    kind = models.CharField(max_length=40, choices=NotificationKind.choices)
    # A site-relative path made of opaque ids (/referrals/<uuid>/), never names or search terms.
    link = models.CharField(max_length=200)
    # One event, one notification per recipient: "referral:<uuid>:reminder50:ack".
    dedupe_key = models.CharField(max_length=200, null=True, blank=True)
    # What it is about, in words that name no one: a referral reference or a case number, what
    # changed (the English text of a coded label, translated when shown) and who acted (an
    # organization, never a person).
    subject = models.CharField(max_length=40, blank=True, default="", db_default="")
    change = models.CharField(max_length=60, blank=True, default="", db_default="")
    by_organization = models.ForeignKey(
        "orgs.Organization", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    email_status = models.CharField(max_length=10, choices=EmailStatus.choices, default=EmailStatus.PENDING)
    # When a worker claimed the e-mail; a claim older than the lease counts as abandoned.
    email_claimed_at = models.DateTimeField(null=True, blank=True)
    email_sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # NULL keys never collide, so notifications without a key are never deduplicated.
            models.UniqueConstraint(fields=["recipient", "dedupe_key"], name="notification_once_per_event"),
        ]
        indexes = [
            models.Index(fields=["recipient", "-created_at", "-id"], name="notification_inbox"),
            models.Index(fields=["recipient"], condition=models.Q(read_at__isnull=True), name="notification_unread"),
            models.Index(
                fields=["email_status", "created_at"],
                condition=models.Q(email_status__in=["pending", "sending"]),
                name="notification_email_due",
            ),
        ]

    def __str__(self):
        return f"{self.kind} for user {self.recipient_id}"

    def get_absolute_url(self):
        return self.link

    @property
    def title(self) -> str:
        """The kind, then what it is about: "A referral was updated: R-4F2K, Accepted, by Legal Aid"."""
        kind = NotificationKind(self.kind).label if self.kind in NotificationKind.values else self.kind
        about = [self.subject, gettext(self.change) if self.change else ""]
        about = ", ".join(part for part in about if part)
        if self.by_organization_id:
            name = self.by_organization.name
            about = _("%(about)s, by %(organization)s") % {"about": about, "organization": name} if about else name
        return f"{kind}: {about}" if about else str(kind)

    @property
    def is_unread(self) -> bool:
        return self.read_at is None
