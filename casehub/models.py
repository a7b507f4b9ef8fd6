import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


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


class Case(models.Model):
    """A survivor's case: the owner of a data key. The case records work adds the personal fields.

    The uuid is made by the application before the first save, because encrypted values of the
    case and its records are bound to it (associated data) at the moment they are written.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey("orgs.Organization", on_delete=models.PROTECT, related_name="cases")
    case_number = models.CharField(max_length=32)
    created_at = models.DateTimeField(default=timezone.now)
    # The case's own 256-bit data key, stored only wrapped (AES-GCM) under a master key, on the
    # case row itself (no second row to insert or join). ``data_key_id`` is a random 63-bit id
    # named in every ciphertext header; the wrapping binds the key to this id and the case's
    # uuid (associated data), so wrapped bytes copied onto another case do not unwrap.
    # Crypto-shredding sets ``data_key_wrapped`` to NULL: every value under the key is then lost.
    data_key_id = models.BigIntegerField(unique=True, editable=False)
    data_key_wrapped = models.BinaryField(null=True, editable=False)
    # Plain so that rotation finds keys still wrapped under an old master key with SQL. Not
    # indexed: every case insert would pay for an index that only rotation reads, and rotation
    # walks the cases in primary-key order anyway (one pass; see crypto/rotation.py).
    data_key_master_id = models.CharField(max_length=16, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "case_number"], name="unique_case_number_per_org")
        ]

    def __str__(self):
        return self.case_number


class KeyRotationStatus(models.TextChoices):
    PENDING = "pending"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class KeyRotation(models.Model):
    """One master-key rotation: re-wrapping every data key under ``target_key_id``, with progress."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    target_key_id = models.CharField(max_length=16)
    status = models.CharField(max_length=10, choices=KeyRotationStatus.choices, default=KeyRotationStatus.PENDING)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    indexes_rebuilt = models.PositiveIntegerField(default=0)
    error = models.CharField(max_length=100, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"rotation to {self.target_key_id} ({self.status})"

    @property
    def percent(self) -> int:
        return 100 if not self.total else min(100, self.done * 100 // self.total)


class ErasureReason(models.TextChoices):
    # Codes only: a free-text reason could carry the very personal data being erased.
    SURVIVOR_REQUEST = "survivor_request", _("The survivor asked for erasure")
    RETENTION_EXPIRED = "retention_expired", _("The retention period ended")
    ENTERED_IN_ERROR = "entered_in_error", _("The case was opened in error")
    LEGAL_OBLIGATION = "legal_obligation", _("A legal obligation requires erasure")


class ErasureStatus(models.TextChoices):
    REQUESTED = "requested", _("Awaiting a second coordinator")
    ERASED = "erased", _("Erased")
    CANCELLED = "cancelled", _("Cancelled")


class CaseErasure(models.Model):
    """A request to crypto-shred a case and, once confirmed, its tombstone (case number, who, when, why).

    The case number and organization are copied so the tombstone outlives the case row.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, null=True, on_delete=models.SET_NULL, related_name="erasures")
    case_uuid = models.UUIDField()
    case_number = models.CharField(max_length=32)
    organization = models.ForeignKey("orgs.Organization", on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=32, choices=ErasureReason.choices)
    status = models.CharField(max_length=10, choices=ErasureStatus.choices, default=ErasureStatus.REQUESTED)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=models.Q(status="requested"), name="one_open_erasure_per_case"
            ),
            models.CheckConstraint(
                condition=~models.Q(confirmed_by=models.F("requested_by")), name="erasure_needs_two_people"
            ),
        ]

    def __str__(self):
        return f"erasure of case {self.case_number} ({self.status})"
