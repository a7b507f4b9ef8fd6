"""The audit trail's tables: append-only events chained by SHA-256, and the chain's sealed head.

The bottom of the house: every app records here, and this app imports none of them.
"""

from django.conf import settings
from django.db import models


class AuditOutcome(models.TextChoices):
    SUCCESS = "success"
    FAILURE = "failure"
    DENIED = "denied"


class AuditEvent(models.Model):
    """One append-only audit event; `hash` chains it to the event before it.

    `details` holds codes and ids only, never personal data.
    """

    seq = models.PositiveBigIntegerField(unique=True)
    created_at = models.DateTimeField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    organization = models.ForeignKey("orgs.Organization", null=True, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=64)
    target_type = models.CharField(max_length=64, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    ip_address = models.GenericIPAddressField(null=True)
    request_id = models.CharField(max_length=36, blank=True)
    outcome = models.CharField(max_length=10, choices=AuditOutcome.choices, default=AuditOutcome.SUCCESS)
    details = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        db_table = "casehub_auditevent"  # the table, its trigger and its indexes predate this app
        ordering = ["-seq"]
        indexes = [
            models.Index(fields=["action", "-seq"]),
            models.Index(fields=["organization", "-seq"]),
            models.Index(fields=["actor", "-seq"]),
        ]

    def __str__(self):
        return f"#{self.seq} {self.action} {self.outcome}"


class AuditHead(models.Model):
    """The chain's newest event, sealed with a key outside the database, so a cut tail shows."""

    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64)
    seal = models.CharField(max_length=64)

    class Meta:
        db_table = "casehub_audithead"
