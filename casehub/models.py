import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casehub import coding
from casehub.crypto.blind_index import BlindIndexField
from casehub.crypto.fields import (
    BytesField,
    EncryptedDateField,
    EncryptedJSONField,
    EncryptedLongTextField,
    EncryptedTextField,
)
from casehub.multichoice import MultiChoiceField
from orgs import fieldgroups


class CaseStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ACTIVE = "active", _("Active")
    CLOSED = "closed", _("Closed")


class RiskLevel(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    IMMEDIATE = "immediate", _("Immediate danger")


class Case(models.Model):
    """A survivor's case: coded fields in the clear, personal fields encrypted under its data key.

    The uuid is made by the application before the first save, because encrypted values of the
    case and its records are bound to it (associated data) at the moment they are written.
    Names, phone numbers and identity documents live in their own rows (SurvivorName,
    SurvivorPhone, SurvivorDocument); a case is found by its SearchTerm rows (casehub/search.py)
    and by its documents' blind index.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey("orgs.Organization", on_delete=models.PROTECT, related_name="cases")
    case_number = models.CharField(max_length=32)
    # The partner's own id for the case (a hotline's ticket number), unique in the organization.
    # In the clear: it is the partner's identifier, not the survivor's personal data.
    external_reference = models.CharField(max_length=100, blank=True, default="", db_default="")
    created_at = models.DateTimeField(default=timezone.now)
    # The case's own 256-bit data key, stored only wrapped (AES-GCM) under a master key, on the
    # case row itself (no second row to insert or join). ``data_key_id`` is a random 63-bit id
    # named in every ciphertext header; the wrapping binds the key to this id and the case's
    # uuid (associated data), so wrapped bytes copied onto another case do not unwrap.
    # Crypto-shredding sets ``data_key_wrapped`` to NULL: every value under the key is then lost.
    data_key_id = models.BigIntegerField(unique=True, editable=False)
    data_key_wrapped = BytesField(null=True, editable=False)
    # Plain so that rotation finds keys still wrapped under an old master key with SQL. Not
    # indexed: every case insert would pay for an index that only rotation reads, and rotation
    # walks the cases in primary-key order anyway (one pass; see crypto/rotation.py).
    data_key_master_id = models.CharField(max_length=16, editable=False)
    status = models.CharField(max_length=10, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    risk_level = models.CharField(max_length=10, choices=RiskLevel.choices, default=RiskLevel.MEDIUM)
    restricted = models.BooleanField(default=False)
    assigned_caseworkers = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="assigned_cases")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    # Survivor details, encrypted (field groups: see orgs/fieldgroups.py).
    date_of_birth = EncryptedDateField(null=True, blank=True)
    estimated_age = EncryptedTextField(max_length=20, null=True, blank=True)
    email = EncryptedTextField(max_length=254, null=True, blank=True)
    current_address = EncryptedLongTextField(null=True, blank=True)
    narrative = EncryptedLongTextField(null=True, blank=True)
    safety_plan = EncryptedLongTextField(null=True, blank=True)
    # {"do_not_contact_directly": bool, "contact_only_through": str, "safe_times": str, "safe_channels": str}
    contact_instructions = EncryptedJSONField(null=True, blank=True)

    # Coded details, in the clear for coordination and anonymous statistics (HTCDS value names).
    gender = models.CharField(max_length=30, choices=coding.Gender.choices, blank=True)
    age_band = models.CharField(max_length=10, choices=coding.AgeBand.choices, default=coding.AgeBand.UNKNOWN)
    citizenship = MultiChoiceField()  # ISO 3166 alpha-2 codes
    primary_language = models.CharField(max_length=3, blank=True)  # ISO 639 code
    other_languages = MultiChoiceField()
    exploitation_types = MultiChoiceField(choices_class=coding.ExploitationType)
    sexual_exploitation_types = MultiChoiceField(choices_class=coding.SexualExploitationType)
    forced_labour_industry = models.CharField(max_length=60, choices=coding.ForcedLabourIndustry.choices, blank=True)
    recruitment_methods = MultiChoiceField(choices_class=coding.RecruitmentMethod)
    recruitment_websites = MultiChoiceField(choices_class=coding.WebsiteOrApp)
    control_methods = MultiChoiceField(choices_class=coding.ControlMethod)
    vulnerabilities = MultiChoiceField(choices_class=coding.Vulnerability)
    trafficking_status = models.CharField(max_length=40, choices=coding.TraffickingStatus.choices, blank=True)
    identified_country = models.CharField(max_length=2, blank=True)
    identified_region = models.CharField(max_length=100, blank=True)
    needs = MultiChoiceField(choices_class=coding.Need)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "case_number"], name="unique_case_number_per_org"),
            models.UniqueConstraint(
                fields=["organization", "external_reference"],
                condition=~Q(external_reference=""),
                name="unique_external_reference_per_org",
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "-updated_at", "-id"], name="case_org_updated"),
            models.Index(fields=["organization", "-created_at", "-id"], name="case_org_created"),
            # Counts of an organization's cases as an index-only scan (erased cases left out).
            models.Index(fields=["organization"], condition=Q(data_key_wrapped__isnull=False), name="case_alive_org"),
        ]
        # Granted only through shares (sharing.CaseGroupObjectPermission), never globally.
        default_permissions = ("view",)
        permissions = [
            (f"view_case_{group}", f"See the {group} fields of a shared case") for group in sorted(fieldgroups.ALL)
        ]

    def __str__(self):
        return self.case_number


class CaseNumberCounter(models.Model):
    """The last case number given per organization and year (SHL-2026-0042)."""

    organization = models.ForeignKey("orgs.Organization", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organization", "year"], name="one_counter_per_org_year")]


class CaseRecord(models.Model):
    """Base for rows that belong to a case and are encrypted under the case's data key."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE)

    crypto_data_key = "case__data_key"
    crypto_organization = "case__organization"

    class Meta:
        abstract = True


class NameKind(models.TextChoices):
    LEGAL = "legal", _("Legal name")
    PREFERRED = "preferred", _("Preferred name")
    ALIAS = "alias", _("Alias")


class SurvivorName(CaseRecord):
    kind = models.CharField(max_length=10, choices=NameKind.choices)
    value = EncryptedTextField(max_length=200)

    class Meta:
        indexes = [models.Index(fields=["case", "kind"])]


class SurvivorPhone(CaseRecord):
    value = EncryptedTextField(max_length=40)


class SearchTerm(CaseRecord):
    """A term the case is found by (casehub/search.py): "word:torres", "sound:trs", "phone:…",
    "email:…", encrypted, with a truncated blind index. ``group`` is the field group it comes from:
    a search reaches a case's terms only where the searcher may read that group."""

    # The case's organization, copied so that a lookup is one index range of one organization's
    # terms (organization, index value, case), read without touching the cases.
    organization = models.ForeignKey("orgs.Organization", on_delete=models.PROTECT, related_name="+")
    group = models.CharField(max_length=20)
    value = EncryptedTextField(max_length=300)
    value_index = BlindIndexField(source="value")

    crypto_organization = "organization"

    class Meta:
        indexes = [models.Index(fields=["organization", "value_index", "case"], name="searchterm_lookup")]


class IdentityDocumentKind(models.TextChoices):
    PASSPORT = "passport", _("Passport")
    NATIONAL_ID = "national_id", _("National identity card")
    RESIDENCE_PERMIT = "residence_permit", _("Residence permit")
    BIRTH_CERTIFICATE = "birth_certificate", _("Birth certificate")
    OTHER = "other", _("Other")


class SurvivorDocument(CaseRecord):
    """An identity document number (the scanned documents are CaseAttachment)."""

    kind = models.CharField(max_length=20, choices=IdentityDocumentKind.choices, default=IdentityDocumentKind.OTHER)
    value = EncryptedTextField(max_length=100)
    value_index = BlindIndexField(source="value", normalizer="document")


class CaseNote(CaseRecord):
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organization = models.ForeignKey("orgs.Organization", on_delete=models.PROTECT, related_name="+")
    body = EncryptedLongTextField()
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]


class CaseNoteRevision(CaseRecord):
    """An earlier text of an edited note, kept encrypted under the same case key."""

    note = models.ForeignKey(CaseNote, on_delete=models.CASCADE, related_name="revisions")
    body = EncryptedLongTextField()
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    written_at = models.DateTimeField()

    class Meta:
        ordering = ["-written_at", "-id"]


class CaseTask(CaseRecord):
    title = EncryptedTextField(max_length=300)
    due_on = models.DateField(null=True, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="case_tasks"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["done_at", "due_on", "id"]
        indexes = [models.Index(fields=["assignee", "done_at", "due_on"])]

    @property
    def is_overdue(self) -> bool:
        return self.done_at is None and self.due_on is not None and self.due_on < timezone.localdate()


class AttachmentKind(models.TextChoices):
    IDENTITY = "identity", _("Identity document")
    MEDICAL = "medical", _("Medical")
    LEGAL = "legal", _("Legal")
    PHOTO = "photo", _("Photo")
    CONSENT = "consent", _("Consent form")
    OTHER = "other", _("Other")


class CaseAttachment(CaseRecord):
    """A document or photo of a case, stored as ciphertext bound to this row."""

    kind = models.CharField(max_length=20, choices=AttachmentKind.choices, default=AttachmentKind.OTHER)
    description = EncryptedTextField(max_length=300, null=True, blank=True)
    file = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    crypto_attachments = ("file",)

    class Meta:
        ordering = ["-uploaded_at", "-id"]


class CaseEvent(CaseRecord):
    """The case history: who changed what, when. Encrypted values are named, never copied."""

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    action = models.CharField(max_length=40)
    # Names of fields that changed, and old/new values of coded (unencrypted) fields only.
    fields = models.JSONField(default=list, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    comment = EncryptedLongTextField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]


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


# The grants the policy reads (app label sharing) register with the models of this app.
from casehub import grants  # noqa: E402, F401
