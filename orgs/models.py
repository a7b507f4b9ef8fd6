import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractUser, Group
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device, ThrottlingMixin
from django_otp.oath import TOTP
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from orgs import capabilities, sealing


class User(AbstractUser):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    is_platform_admin = models.BooleanField(default=False)
    # An IANA time zone ("America/Mexico_City"); empty: the organization's.
    time_zone = models.CharField(_("time zone"), max_length=64, blank=True, default="", db_default="")
    # Bumped to end every session of this user at once (sign out everywhere, deactivation).
    session_generation = models.PositiveIntegerField(default=0)

    def get_session_auth_hash(self):
        # Django checks this on every request; folding the generation in invalidates all sessions.
        key_salt = "orgs.User.get_session_auth_hash"
        value = f"{self.password}:{self.session_generation}"
        return salted_hmac(key_salt, value, algorithm="sha256").hexdigest()

    @property
    def membership(self):
        """The user's active membership, or None (memoized on the instance)."""
        if not hasattr(self, "_membership_cache"):
            self._membership_cache = (
                Membership.objects.select_related("organization").filter(user=self, is_active=True).first()
            )
        return self._membership_cache


class OrganizationKind(models.TextChoices):
    NGO = "ngo", _("NGO")
    SHELTER = "shelter", _("Shelter")
    LEGAL_AID = "legal_aid", _("Legal aid")
    MEDICAL = "medical", _("Medical")
    MENTAL_HEALTH = "mental_health", _("Mental health")
    HOTLINE = "hotline", _("Hotline")
    GOVERNMENT = "government", _("Government agency")
    OTHER = "other", _("Other")


class OrganizationStatus(models.TextChoices):
    APPLIED = "applied", _("Applied")
    UNDER_REVIEW = "under_review", _("Under review")
    VETTED = "vetted", _("Vetted")
    REJECTED = "rejected", _("Rejected")
    SUSPENDED = "suspended", _("Suspended")


class Organization(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=OrganizationKind.choices)
    country = models.CharField(_("country (ISO 3166 code)"), max_length=2)
    region = models.CharField(_("region"), max_length=100, blank=True)
    registration_number = models.CharField(_("registration number"), max_length=100, blank=True)
    address = models.TextField(_("address"), blank=True)
    website = models.URLField(_("website"), blank=True)
    contact_email = models.EmailField(_("contact e-mail"))
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    languages = models.JSONField(_("languages served"), default=list, blank=True)
    description = models.TextField(_("description"), blank=True)
    # Its members' times are shown in this IANA time zone unless they choose another; empty: the
    # site's (TIME_ZONE).
    time_zone = models.CharField(_("time zone"), max_length=64, blank=True, default="", db_default="")
    status = models.CharField(max_length=20, choices=OrganizationStatus.choices, default=OrganizationStatus.APPLIED)
    status_changed_at = models.DateTimeField(default=timezone.now)
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Vetting checklist and the reviewer's private notes (never shown to the organization).
    documents_checked = models.BooleanField(default=False)
    contact_verified = models.BooleanField(default=False)
    review_notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["status", "name"])]
        # Granted per organization to its own role groups (orgs/capabilities.py), never globally.
        permissions = capabilities.PERMISSIONS

    def __str__(self):
        return self.name

    @property
    def is_vetted(self) -> bool:
        return self.status == OrganizationStatus.VETTED

    @property
    def references_vouched(self) -> bool:
        return self.references.filter(status=ReferenceStatus.VOUCHED).count() >= 2


class OrganizationStatusChange(models.Model):
    """Every status change of an organization: who decided, when and why."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=20, choices=OrganizationStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=OrganizationStatus.choices)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(default=timezone.now)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["decided_at", "id"]


def application_document_path(instance, filename) -> str:
    # A random name: uploaded file names can say more than they should.
    return f"applications/{uuid.uuid4().hex}"


class ApplicationDocument(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="documents")
    file = models.FileField(upload_to=application_document_path)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(auto_now_add=True)


class ReferenceStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    VOUCHED = "vouched", _("Vouched")
    DECLINED = "declined", _("Declined")
    # The application was decided before this referee answered: no answer is needed any more.
    CLOSED = "closed", _("No longer needed")


class OrganizationReference(models.Model):
    """A vetted organization asked to vouch for an applicant."""

    applicant = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="references")
    referee = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="reference_requests")
    status = models.CharField(max_length=20, choices=ReferenceStatus.choices, default=ReferenceStatus.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True)
    note = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["applicant", "referee"], name="unique_reference")]


class Role(models.TextChoices):
    CASEWORKER = "caseworker", _("Caseworker")
    COORDINATOR = "coordinator", _("Coordinator")
    ORG_ADMIN = "org_admin", _("Organization admin")


class Membership(models.Model):
    """The source of truth for who belongs to which organization, with which role."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="memberships")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)
    is_active = models.BooleanField(default=True)
    started_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=models.Q(is_active=True), name="one_active_membership_per_user"
            )
        ]
        indexes = [models.Index(fields=["organization", "role"])]

    def __str__(self):
        return f"{self.user} in {self.organization} as {self.role}"


class OrgRoleGroup(models.Model):
    """The Django group that holds one role of one organization (guardian grants go to it)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="role_groups")
    role = models.CharField(max_length=20, choices=Role.choices)
    group = models.OneToOneField(Group, on_delete=models.CASCADE, related_name="org_role")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organization", "role"], name="one_group_per_org_role")]


class Invitation(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    role = models.CharField(max_length=20, choices=Role.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    @property
    def is_usable(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None and self.expires_at > timezone.now()


class ApiToken(models.Model):
    """A personal API token; only its SHA-256 is stored, the token is shown once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=16, unique=True)
    token_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()


class IdempotencyKey(models.Model):
    """A client's Idempotency-Key on one API create, with enough of the first answer to replay it.

    No status yet means the first request is still running. The answer is either the created
    object's id (the view re-renders it through the access rules on replay) or its body sealed
    under the master key: a created record's answer can hold decrypted personal data.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    endpoint = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField(null=True, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    sealed_body = models.BinaryField(null=True, blank=True)
    sealed_with = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key", "endpoint"], name="idempotency_key_once_per_endpoint")
        ]


class OrganizationGroupObjectPermission(GroupObjectPermissionBase):
    """A role group's capability on its own organization (direct foreign key, guardian)."""

    content_object = models.ForeignKey(Organization, on_delete=models.CASCADE)

    def save(self, *args, **kwargs):
        if self.permission.codename not in capabilities.ALL_CODENAMES:
            raise ValueError("Only organization case capabilities are granted on an organization.")
        super().save(*args, **kwargs)


class OrganizationUserObjectPermission(UserObjectPermissionBase):
    """Kept empty: capabilities go to role groups, never to single users."""

    content_object = models.ForeignKey(Organization, on_delete=models.CASCADE)

    def save(self, *args, **kwargs):
        raise ValueError("Organization capabilities are granted to role groups only.")


class Authenticator(ThrottlingMixin, Device):
    """An authenticator app (TOTP, RFC 6238): its key is sealed under the master key (orgs/sealing.py),
    never stored in the clear."""

    key_sealed = models.BinaryField()
    key_master_id = models.CharField(max_length=16)
    # The last time step a code was accepted for: a code is never accepted twice.
    last_t = models.BigIntegerField(default=-1)

    # The usual authenticator-app parameters, as django_otp's TOTPDevice defaults them.
    step, t0, digits, drift, tolerance = 30, 0, 6, 0, 1

    def _context(self) -> bytes:
        return f"orgs.Authenticator:{self.user_id}".encode()

    @property
    def bin_key(self) -> bytes:
        return sealing.unseal(self.key_sealed, key_id=self.key_master_id, context=self._context())

    def set_key(self, bin_key: bytes) -> None:
        self.key_master_id, self.key_sealed = sealing.seal(bin_key, context=self._context())

    def get_throttle_factor(self):
        return settings.OTP_TOTP_THROTTLE_FACTOR

    def verify_token(self, token):
        allowed, _reason = self.verify_is_allowed()
        if not allowed:
            return False
        token = str(token)
        totp = TOTP(self.bin_key, self.step, self.t0, self.digits, self.drift)
        if token.isdigit() and totp.verify(int(token), self.tolerance, self.last_t + 1):
            self.last_t = totp.t()
            self.throttle_reset(commit=False)
            self.save()
            return True
        self.throttle_increment(commit=True)
        return False


def recovery_code_hashes(code: str) -> list[str]:
    """The keyed hashes a recovery code may be stored under: one per SECRET_KEY still accepted
    (SECRET_KEY, then SECRET_KEY_FALLBACKS), so rotating SECRET_KEY with a fallback keeps codes working."""
    code = code.strip().lower()
    return [
        salted_hmac("orgs.RecoveryCode", code, secret=secret, algorithm="sha256").hexdigest()
        for secret in [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]
    ]


class RecoveryCodes(ThrottlingMixin, Device):
    """A user's one-time recovery codes. Only keyed hashes are stored; the codes are shown once."""

    def get_throttle_factor(self):
        return settings.OTP_TOTP_THROTTLE_FACTOR

    def verify_token(self, token):
        allowed, _reason = self.verify_is_allowed()
        if not allowed:
            return False
        # Deleting is the check: of two requests with the same code, only one deletes the row.
        used, _by_model = self.codes.filter(code_hash__in=recovery_code_hashes(str(token))).delete()
        if used:
            self.throttle_reset()
            return True
        self.throttle_increment()
        return False


class RecoveryCode(models.Model):
    device = models.ForeignKey(RecoveryCodes, on_delete=models.CASCADE, related_name="codes")
    code_hash = models.CharField(max_length=64)
