"""The audit trail's tables: append-only events chained by SHA-256 in independent lanes, each
lane's sealed head, and the verifier's sealed checkpoints.

The bottom of the house: every app records here, and this app imports none of them.
"""

from django.conf import settings
from django.db import models


class AuditOutcome(models.TextChoices):
    SUCCESS = "success"
    FAILURE = "failure"
    DENIED = "denied"


class AuditEvent(models.Model):
    """One append-only audit event; `hash` chains it to the event before it in its lane.

    `details` holds codes and ids only, never personal data. `id` orders events across lanes;
    `seq` counts within the lane. `digest_version` names the canonical form its hash covers.
    """

    lane = models.PositiveSmallIntegerField(default=0, db_default=0)
    seq = models.PositiveBigIntegerField()
    digest_version = models.PositiveSmallIntegerField(default=1, db_default=1)
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
        ordering = ["-id"]
        constraints = [models.UniqueConstraint(fields=["lane", "seq"], name="audit_event_lane_seq")]
        indexes = [
            models.Index(fields=["action", "-id"], name="audit_event_action_id"),
            models.Index(fields=["organization", "-id"], name="audit_event_org_id"),
            models.Index(fields=["actor", "-id"], name="audit_event_actor_id"),
        ]

    def __str__(self):
        return f"{self.lane}#{self.seq} {self.action} {self.outcome}"


class AuditHead(models.Model):
    """A lane's newest event, sealed with a key outside the database, so a cut tail shows.

    Writers lock one lane's head for the rest of their transaction; other writers take another lane.
    `lanes` is the number of lanes the trail has had (it never decreases): sealed into every head,
    it tells the verifier which lanes must exist, so deleting a whole lane shows.
    """

    lane = models.PositiveSmallIntegerField(unique=True)
    lanes = models.PositiveSmallIntegerField(default=1, db_default=1)
    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64)
    seal = models.CharField(max_length=64)

    class Meta:
        db_table = "casehub_audithead"

    def __str__(self):
        return f"lane {self.lane} at #{self.seq}"


class AuditCheckpoint(models.Model):
    """The last event of a lane the verifier found intact, sealed, so the next run starts there."""

    lane = models.PositiveSmallIntegerField(unique=True)
    seq = models.PositiveBigIntegerField()
    hash = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    seal = models.CharField(max_length=64)

    def __str__(self):
        return f"lane {self.lane} verified to #{self.seq}"


class AuditRefusalTally(models.Model):
    """Repeats of one refusal (same actor, organization, method, view, outcome) since the first was
    recorded: written to the trail as one counted event once the window has passed, so a member
    who keeps knocking cannot flood the trail, and no knock goes uncounted."""

    key = models.CharField(max_length=64, unique=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    organization = models.ForeignKey("orgs.Organization", null=True, on_delete=models.PROTECT, related_name="+")
    method = models.CharField(max_length=10)
    view = models.CharField(max_length=200)
    outcome = models.CharField(max_length=10, choices=AuditOutcome.choices)
    started_at = models.DateTimeField()
    repeats = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.method} {self.view}: {self.repeats} repeats"
