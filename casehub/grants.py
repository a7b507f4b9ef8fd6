"""Consent, shares, emergency overrides and transfers: the grants the one case policy reads.

They are the sharing app's models (app label `sharing`: their tables, migrations and every
ciphertext's associated data name it), defined here beside the policy so that the case app reads
them without importing the sharing app, whose workflows create and end them.

A CaseShare is the source of truth; CaseGroupObjectPermission rows are its materialized index
(django-guardian direct foreign keys on the Case), one per recipient role group and permission,
each tied to its share (deleted with it) and carrying its expiry. See docs/sharing.md.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from casehub.crypto.fields import EncryptedLongTextField, EncryptedTextField
from casehub.models import Case, CaseRecord
from casehub.multichoice import MultiChoiceField
from orgs import fieldgroups


class Purpose(models.TextChoices):
    REFERRAL = "referral", _("Referral to a service")
    COORDINATION = "coordination", _("Coordination of care")
    LEGAL = "legal_proceedings", _("Legal proceedings")
    STATISTICS = "statistics", _("Anonymous statistics")


class FieldGroup(models.TextChoices):
    IDENTITY = fieldgroups.IDENTITY, fieldgroups.LABELS[fieldgroups.IDENTITY]
    CONTACT = fieldgroups.CONTACT, fieldgroups.LABELS[fieldgroups.CONTACT]
    SAFETY = fieldgroups.SAFETY, fieldgroups.LABELS[fieldgroups.SAFETY]
    CASE_DETAILS = fieldgroups.CASE_DETAILS, fieldgroups.LABELS[fieldgroups.CASE_DETAILS]
    NARRATIVE = fieldgroups.NARRATIVE, fieldgroups.LABELS[fieldgroups.NARRATIVE]
    DOCUMENTS = fieldgroups.DOCUMENTS, fieldgroups.LABELS[fieldgroups.DOCUMENTS]
    NOTES = fieldgroups.NOTES, fieldgroups.LABELS[fieldgroups.NOTES]


class ConsentDecision(models.TextChoices):
    GRANTED = "granted", _("Consent given")
    REFUSED = "refused", _("Consent refused")


class ConsentMethod(models.TextChoices):
    WRITTEN = "written", _("In writing")
    VERBAL_WITNESSED = "verbal_witnessed", _("Verbally, with a witness")
    GUARDIAN = "guardian", _("By a guardian, for a minor")
    INTERPRETER = "interpreter", _("Through an interpreter")


class Consent(CaseRecord):
    """One consent conversation with the survivor: what they agreed to (provisions) or refused.

    Consent is never a condition of service: a case works without any. Withdrawal ends every
    share and pending referral that depended on it (sharing.services.consent_withdraw).
    """

    decision = models.CharField(max_length=10, choices=ConsentDecision.choices)
    method = models.CharField(max_length=20, choices=ConsentMethod.choices)
    interpreter_language = models.CharField(max_length=3, blank=True)  # ISO 639 code
    witness = EncryptedTextField(max_length=200, null=True, blank=True)
    notes = EncryptedLongTextField(null=True, blank=True)
    signed_form = models.ForeignKey(
        "casehub.CaseAttachment", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    valid_from = models.DateTimeField(default=timezone.now)
    valid_until = models.DateTimeField(null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        app_label = "sharing"
        ordering = ["-recorded_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gt=models.F("valid_from")),
                name="consent_valid_until_after_valid_from",
            )
        ]

    def is_active(self, at=None) -> bool:
        at = at or timezone.now()
        return (
            self.decision == ConsentDecision.GRANTED
            and self.withdrawn_at is None
            and self.valid_from <= at
            and (self.valid_until is None or self.valid_until > at)
        )


class ConsentProvision(models.Model):
    """Who may receive which field groups for which purposes, under one consent.

    The recipient is a named organization or every vetted provider of a service kind (a taxonomy
    code such as ``legal_aid`` or ``legal_aid.immigration``; a kind covers its narrower kinds).
    """

    consent = models.ForeignKey(Consent, on_delete=models.CASCADE, related_name="provisions")
    recipient_organization = models.ForeignKey(
        "orgs.Organization", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recipient_service_kind = models.CharField(max_length=100, blank=True)
    field_groups = MultiChoiceField(choices_class=FieldGroup)
    purposes = MultiChoiceField(choices_class=Purpose)

    class Meta:
        app_label = "sharing"
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(recipient_organization__isnull=False) & Q(recipient_service_kind=""))
                | (Q(recipient_organization__isnull=True) & ~Q(recipient_service_kind="")),
                name="provision_names_one_recipient",
            )
        ]


class ShareEnd(models.TextChoices):
    REVOKED = "revoked", _("Revoked")
    CONSENT_WITHDRAWN = "consent_withdrawn", _("Consent withdrawn")
    EXPIRED = "expired", _("Expired")
    TRANSFERRED = "transferred", _("Case transferred")
    OVERRIDE_ENDED = "override_ended", _("Emergency access ended")
    CASE_ERASED = "case_erased", _("Case erased")
    CONSENT_EXPIRED = "consent_expired", _("Consent ended")


class ShareStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    EXPIRED = "expired", _("Expired")
    REVOKED = "revoked", _("Revoked")
    CONSENT_WITHDRAWN = "consent_withdrawn", _("Consent withdrawn")
    TRANSFERRED = "transferred", _("Case transferred")
    OVERRIDE_ENDED = "override_ended", _("Emergency access ended")
    CASE_ERASED = "case_erased", _("Case erased")
    CONSENT_EXPIRED = "consent_expired", _("Consent ended")


class CaseShare(models.Model):
    """One organization's access to another's case: field groups, purpose, expiry.

    Backed by an active consent provision, or by an approved emergency override (never both).
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="shares")
    from_organization = models.ForeignKey("orgs.Organization", on_delete=models.PROTECT, related_name="+")
    to_organization = models.ForeignKey("orgs.Organization", on_delete=models.PROTECT, related_name="+")
    # A referral's share opens the case to the receiving coordinators and this one person (the
    # assignee) only; without it, to every caseworker and coordinator of the recipient.
    to_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    consent = models.ForeignKey(Consent, null=True, blank=True, on_delete=models.PROTECT, related_name="shares")
    provision = models.ForeignKey(
        ConsentProvision, null=True, blank=True, on_delete=models.PROTECT, related_name="shares"
    )
    override = models.OneToOneField(
        "EmergencyOverride", null=True, blank=True, on_delete=models.PROTECT, related_name="share"
    )
    field_groups = MultiChoiceField(choices_class=FieldGroup)
    purpose = models.CharField(max_length=20, choices=Purpose.choices)
    message = EncryptedLongTextField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    end_reason = models.CharField(max_length=20, choices=ShareEnd.choices, blank=True)

    crypto_data_key = "case__data_key"
    crypto_organization = "case__organization"

    class Meta:
        app_label = "sharing"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(from_organization=models.F("to_organization")), name="share_to_another_organization"
            ),
            models.CheckConstraint(condition=Q(expires_at__gt=models.F("created_at")), name="share_expires_later"),
            models.CheckConstraint(
                condition=(Q(consent__isnull=False) & Q(override__isnull=True))
                | (Q(consent__isnull=True) & Q(override__isnull=False)),
                name="share_backed_by_consent_or_override",
            ),
            models.UniqueConstraint(
                fields=["case", "to_organization"],
                condition=Q(ended_at__isnull=True),
                name="one_open_share_per_case_and_recipient",
            ),
        ]
        indexes = [
            models.Index(
                fields=["to_organization", "expires_at"],
                condition=Q(ended_at__isnull=True),
                name="share_open_by_recipient",
            ),
        ]

    @property
    def consent_ends_first(self) -> bool:
        """Whether the survivor's consent ends before the share does (then the share ends with it)."""
        until = self.consent.valid_until if self.consent_id else None
        return until is not None and until < self.expires_at

    @property
    def ends_at(self):
        """When access ends: the share's expiry or, if earlier, its consent's end (what the grants carry)."""
        return self.consent.valid_until if self.consent_ends_first else self.expires_at

    @property
    def status(self) -> str:
        if self.end_reason:
            return self.end_reason
        if self.ends_at > timezone.now():
            return ShareStatus.ACTIVE
        return ShareStatus.CONSENT_EXPIRED if self.consent_ends_first else ShareStatus.EXPIRED

    @property
    def is_active(self) -> bool:
        return self.status == ShareStatus.ACTIVE


class CaseGroupObjectPermission(GroupObjectPermissionBase):
    """A recipient role group's permission on a shared case: exists only because of its share.

    ``expires_at`` is the share's end or, if earlier, its consent's end (CaseShare.ends_at): reads
    compare it with the clock, so access ends on time whether or not the sweep has run.
    """

    content_object = models.ForeignKey(Case, on_delete=models.CASCADE)
    share = models.ForeignKey(CaseShare, on_delete=models.CASCADE, related_name="grants")
    expires_at = models.DateTimeField()

    class Meta(GroupObjectPermissionBase.Meta):
        app_label = "sharing"
        abstract = False
        indexes = [
            models.Index(fields=["content_object"], name="case_grant_case"),
            models.Index(fields=["expires_at"], name="case_grant_expiry"),
        ]

    def save(self, *args, **kwargs):
        if self.permission.codename not in SHARE_CODENAMES:
            raise ValueError("Only share permissions are granted on a case.")
        super().save(*args, **kwargs)


class CaseUserObjectPermission(UserObjectPermissionBase):
    """One person's permission on a shared case through a share naming them (a referral's assignee)."""

    content_object = models.ForeignKey(Case, on_delete=models.CASCADE)
    share = models.ForeignKey(CaseShare, on_delete=models.CASCADE, related_name="user_grants")
    expires_at = models.DateTimeField()

    class Meta(UserObjectPermissionBase.Meta):
        app_label = "sharing"
        abstract = False
        indexes = [models.Index(fields=["content_object"], name="case_user_grant_case")]

    def save(self, *args, **kwargs):
        if self.permission.codename not in SHARE_CODENAMES:
            raise ValueError("Only share permissions are granted on a case.")
        super().save(*args, **kwargs)


VIEW_CASE = "view_case"


def group_codename(group: str) -> str:
    return f"view_case_{group}"


SHARE_CODENAMES = frozenset({VIEW_CASE, *map(group_codename, fieldgroups.ALL)})


class LegalBasis(models.TextChoices):
    VITAL_INTERESTS = "vital_interests", _("Vital interests: protecting someone's life")
    LEGAL_OBLIGATION = "legal_obligation", _("A legal obligation to disclose")
    COURT_ORDER = "court_order", _("A court order")
    CHILD_PROTECTION = "child_protection", _("Child protection duty")


class OverrideStatus(models.TextChoices):
    REQUESTED = "requested", _("Waiting for a second coordinator")
    APPROVED = "approved", _("Approved")
    DECLINED = "declined", _("Declined")
    CANCELLED = "cancelled", _("Cancelled")


class EmergencyOverride(CaseRecord):
    """Access without consent for imminent danger: legal basis, reason, second coordinator, time box."""

    to_organization = models.ForeignKey("orgs.Organization", on_delete=models.PROTECT, related_name="+")
    legal_basis = models.CharField(max_length=20, choices=LegalBasis.choices)
    reason = EncryptedLongTextField()
    field_groups = MultiChoiceField(choices_class=FieldGroup)
    hours = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=10, choices=OverrideStatus.choices, default=OverrideStatus.REQUESTED)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        app_label = "sharing"
        ordering = ["-requested_at", "-id"]


class TransferStatus(models.TextChoices):
    OFFERED = "offered", _("Waiting for the receiving organization")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    CANCELLED = "cancelled", _("Cancelled")


class CaseTransfer(CaseRecord):
    """Ownership of a case handed to another organization, with consent, once its coordinator accepts."""

    from_organization = models.ForeignKey("orgs.Organization", on_delete=models.PROTECT, related_name="+")
    to_organization = models.ForeignKey("orgs.Organization", on_delete=models.PROTECT, related_name="+")
    consent = models.ForeignKey(Consent, on_delete=models.PROTECT, related_name="transfers")
    message = EncryptedLongTextField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=TransferStatus.choices, default=TransferStatus.OFFERED)
    offered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    offered_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    old_case_number = models.CharField(max_length=32, blank=True)

    class Meta:
        app_label = "sharing"
        ordering = ["-offered_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["case"], condition=Q(status="offered"), name="one_open_transfer_per_case")
        ]
