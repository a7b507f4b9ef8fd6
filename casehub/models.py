import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone


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


class DataKey(models.Model):
    """A case's 256-bit data key, stored only wrapped (AES-GCM) under a master key.

    The wrapping binds the key to its own uuid (associated data), so a wrapped key copied onto
    another row does not unwrap. Destroying a key (``wrapped=None``) crypto-shreds every value
    encrypted under it.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    wrapped = models.BinaryField(null=True)
    # Plain and indexed so that rotation finds keys still wrapped under an old master key with SQL.
    master_key_id = models.CharField(max_length=16, db_index=True)
    created_at = models.DateTimeField(default=timezone.now)
    destroyed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"data key {self.uuid}"

    @property
    def is_destroyed(self) -> bool:
        return self.destroyed_at is not None


class Case(models.Model):
    """A survivor's case: the owner of a data key. The case records work adds the personal fields.

    The uuid is made by the application before the first save, because encrypted values of the
    case and its records are bound to it (associated data) at the moment they are written.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey("orgs.Organization", on_delete=models.PROTECT, related_name="cases")
    case_number = models.CharField(max_length=32)
    created_at = models.DateTimeField(default=timezone.now)
    data_key = models.OneToOneField(DataKey, on_delete=models.PROTECT, related_name="case")

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
