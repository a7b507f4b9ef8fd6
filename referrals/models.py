"""Referrals: a need of a case, the attempts to meet it (one Referral per service tried), and
each attempt's append-only history.

The referral carries an offer tier (coded, non-identifying values copied from the case when it is
created): the only thing a receiving organization sees before it accepts and a share widens its
access.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casehub.crypto.fields import EncryptedLongTextField
from casehub.models import CaseRecord
from casehub.multichoice import MultiChoiceField
from directory import taxonomy
from directory.models import Gender, Service


class Urgency(models.TextChoices):
    EMERGENCY = "emergency", _("Emergency")
    URGENT = "urgent", _("Urgent")
    ROUTINE = "routine", _("Routine")


class NeedStatus(models.TextChoices):
    OPEN = "open", _("Open")
    MET = "met", _("Met")
    CLOSED = "closed", _("Closed")


class SafetyFlag(models.TextChoices):
    DO_NOT_CONTACT_DIRECTLY = "do_not_contact_directly", _("Do not contact the survivor directly")
    TRAFFICKER_NEARBY = "trafficker_nearby", _("Trafficker may be nearby")
    NO_MESSAGES = "no_messages", _("Do not leave messages")


class ServiceNeed(CaseRecord):
    """Something the survivor needs from a service: what kind, how urgently, under which constraints."""

    kind = models.CharField(_("service kind"), max_length=100)  # a TaxonomyTerm code
    reason = EncryptedLongTextField(null=True, blank=True)
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.ROUTINE)
    language = models.CharField(_("language needed"), max_length=3, blank=True)  # ISO 639 code
    provider_gender = models.CharField(_("provider gender"), max_length=20, choices=Gender.choices, blank=True)
    # Where the survivor needs help (a region, a country), never where they were identified, which
    # is a statistics field of the case: matching looks for providers here.
    region = models.CharField(_("region where help is needed"), max_length=100, blank=True, default="", db_default="")
    country = models.CharField(
        _("country where help is needed (ISO 3166 code)"), max_length=2, blank=True, default="", db_default=""
    )
    safety_flags = MultiChoiceField(choices_class=SafetyFlag, blank=True)
    status = models.CharField(max_length=10, choices=NeedStatus.choices, default=NeedStatus.OPEN)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    @property
    def kind_label(self) -> str:
        return taxonomy.label(self.kind) if self.kind in taxonomy.LABELS else self.kind


class ReferralState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    AWAITING_CONSENT = "awaiting_consent", _("Awaiting consent")
    SENT = "sent", _("Sent")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    INFORMATION_REQUESTED = "information_requested", _("Information requested")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    IN_PROGRESS = "in_progress", _("In progress")
    ON_HOLD = "on_hold", _("On hold")
    COMPLETED = "completed", _("Completed")
    FAILED = "failed", _("Failed")
    WITHDRAWN = "withdrawn", _("Withdrawn by the sender")
    CONSENT_WITHDRAWN = "consent_withdrawn", _("Consent withdrawn")
    EXPIRED = "expired", _("Expired")
    REDIRECTED = "redirected", _("Redirected to another provider")
    ENTERED_IN_ERROR = "entered_in_error", _("Entered in error")


# Our state -> FHIR R4 Task.status (for integrations, beside ours in the API).
FHIR_TASK_STATUS = {
    ReferralState.DRAFT: "draft",
    ReferralState.AWAITING_CONSENT: "draft",
    ReferralState.SENT: "requested",
    ReferralState.ACKNOWLEDGED: "received",
    ReferralState.INFORMATION_REQUESTED: "received",
    ReferralState.ACCEPTED: "accepted",
    ReferralState.DECLINED: "rejected",
    ReferralState.IN_PROGRESS: "in-progress",
    ReferralState.ON_HOLD: "on-hold",
    ReferralState.COMPLETED: "completed",
    ReferralState.FAILED: "failed",
    ReferralState.WITHDRAWN: "cancelled",
    ReferralState.CONSENT_WITHDRAWN: "cancelled",
    ReferralState.EXPIRED: "cancelled",
    ReferralState.REDIRECTED: "rejected",
    ReferralState.ENTERED_IN_ERROR: "entered-in-error",
}

# The provider has not answered yet: these are swept for expiry and count as "incoming".
UNANSWERED_STATES = (ReferralState.SENT, ReferralState.ACKNOWLEDGED, ReferralState.INFORMATION_REQUESTED)
ACTIVE_STATES = (ReferralState.ACCEPTED, ReferralState.IN_PROGRESS, ReferralState.ON_HOLD)
OPEN_STATES = (ReferralState.DRAFT, ReferralState.AWAITING_CONSENT, *UNANSWERED_STATES, *ACTIVE_STATES)
PAUSED_STATES = (ReferralState.INFORMATION_REQUESTED, ReferralState.ON_HOLD)
RECEIVED_QUEUE_STATES = [*UNANSWERED_STATES, *ACTIVE_STATES]
SENT_QUEUE_STATES = [ReferralState.AWAITING_CONSENT, *UNANSWERED_STATES, *ACTIVE_STATES]


class DeclineReason(models.TextChoices):
    NO_CAPACITY = "no_capacity", _("No capacity")
    NOT_ELIGIBLE = "not_eligible", _("Not eligible")
    OUTSIDE_AREA = "outside_service_area", _("Outside the service area")
    LANGUAGE_UNAVAILABLE = "language_unavailable", _("Language unavailable")
    MISSING_INFORMATION = "missing_information", _("Missing information")
    MISSING_DOCUMENTS = "missing_documents", _("Missing documents")
    SERVICE_NOT_OFFERED = "service_not_offered", _("Service not offered")
    SAFETY_CONFLICT = "safety_or_conflict", _("Safety or conflict of interest")
    SURVIVOR_DECLINED = "survivor_declined", _("Survivor declined")
    OTHER = "other", _("Other")


class Outcome(models.TextChoices):
    NEED_MET = "need_met", _("Need met")
    PARTLY_MET = "partly_met", _("Need partly met")
    ENROLLED = "enrolled", _("Enrolled or admitted")
    WAITLISTED = "waitlisted", _("Waitlisted")
    NOT_ELIGIBLE = "not_eligible", _("Not eligible")
    NO_CAPACITY = "no_capacity", _("No capacity")
    UNABLE_TO_CONTACT = "unable_to_contact", _("Unable to contact the survivor")
    SURVIVOR_DECLINED = "survivor_declined", _("Survivor declined or no longer needed")
    REFERRED_ELSEWHERE = "referred_elsewhere", _("Referred elsewhere")
    RELOCATED = "relocated", _("Relocated or repatriated")
    LOST_CONTACT = "lost_contact", _("Lost contact")
    OTHER = "other", _("Other")


class OutcomeReview(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed by the sender")
    DISPUTED = "disputed", _("Disputed by the sender")


class Referral(CaseRecord):
    """One attempt to meet a need at one service; reopening is a new Referral, never a step back."""

    need = models.ForeignKey(ServiceNeed, on_delete=models.CASCADE, related_name="referrals")
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="referrals")
    from_organization = models.ForeignKey("orgs.Organization", on_delete=models.PROTECT, related_name="+")
    to_organization = models.ForeignKey("orgs.Organization", on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(max_length=30, choices=ReferralState.choices, default=ReferralState.DRAFT)
    # Offer tier: a random reference (never the case number) and coded values only.
    reference = models.CharField(max_length=16, unique=True)
    need_kind = models.CharField(max_length=100)
    urgency = models.CharField(max_length=10, choices=Urgency.choices)
    constraints = models.JSONField(default=dict, blank=True)  # language, provider_gender, safety_flags
    age_band = models.CharField(max_length=10, blank=True)
    gender = models.CharField(max_length=30, blank=True)
    languages = models.JSONField(default=list, blank=True)
    region = models.CharField(max_length=100, blank=True)
    # Consent and the share it opened on acceptance (ended on decline, withdrawal, expiry, failure,
    # and after the follow-up period on completion).
    consent = models.ForeignKey(
        "sharing.Consent", null=True, blank=True, on_delete=models.PROTECT, related_name="referrals"
    )
    share = models.ForeignKey("sharing.CaseShare", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    share_ends_at = models.DateTimeField(null=True, blank=True)
    # The service the receiver suggested when it redirected: a suggestion only, the sender
    # refers there (a new attempt, through its own consent check) or not.
    redirected_to = models.ForeignKey(Service, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    # Outcome, separate from the state.
    reason_code = models.CharField(max_length=30, blank=True)
    outcome = models.CharField(max_length=30, choices=Outcome.choices, blank=True)
    outcome_review = models.CharField(max_length=10, choices=OutcomeReview.choices, blank=True)
    # The running deadline: its step, when it started, its pauses, and the 50/100/200% marks
    # (NULL while paused or when no clock runs), so the sweep is three indexed range scans.
    deadline_step = models.CharField(max_length=20, blank=True)
    clock_started_at = models.DateTimeField(null=True, blank=True)
    clock_pauses = models.JSONField(default=list, blank=True)
    half_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    reminders_sent = models.PositiveSmallIntegerField(default=0)  # for the running step: 0, 1 (50%), 2 (100%)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)  # accepted, declined or redirected
    state_changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # The coordinators' queues: open referrals, soonest deadline (so overdue) first.
            models.Index(
                fields=["to_organization", "due_at", "-id"],
                condition=Q(state__in=RECEIVED_QUEUE_STATES),
                name="referral_incoming",
            ),
            models.Index(
                fields=["from_organization", "due_at", "-id"],
                condition=Q(state__in=SENT_QUEUE_STATES),
                name="referral_outgoing",
            ),
            models.Index(fields=["half_at"], condition=Q(reminders_sent=0), name="referral_half_due"),
            models.Index(fields=["due_at"], condition=Q(reminders_sent__lt=2), name="referral_full_due"),
            models.Index(fields=["expires_at"], name="referral_expiry"),
            models.Index(fields=["share_ends_at"], name="referral_share_end"),
        ]

    def __str__(self):
        return self.reference

    def get_absolute_url(self):
        return reverse("referrals:referral_detail", kwargs={"referral_id": self.uuid})

    @property
    def fhir_status(self) -> str:
        return FHIR_TASK_STATUS[ReferralState(self.state)]

    @property
    def need_kind_label(self) -> str:
        return taxonomy.label(self.need_kind) if self.need_kind in taxonomy.LABELS else self.need_kind

    @property
    def is_overdue(self) -> bool:
        return self.due_at is not None and self.due_at <= timezone.now()

    @property
    def deadline_label(self) -> str:
        """What the running deadline is for ("Acknowledge by"), or "" when no clock runs."""
        return str(DEADLINE_LABELS.get(self.deadline_step, "")) if self.due_at else ""


DEADLINE_LABELS = {
    "acknowledge": _("Acknowledge by"),
    "decide": _("Decide by"),
    "first_contact": _("First contact by"),
}


class ReferralEvent(CaseRecord):
    """One transition of a referral; append-only (no service updates or deletes these rows)."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_organization = models.ForeignKey(
        "orgs.Organization", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    from_organization = models.ForeignKey("orgs.Organization", on_delete=models.PROTECT, related_name="+")
    to_organization = models.ForeignKey("orgs.Organization", on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=30)
    from_state = models.CharField(max_length=30, choices=ReferralState.choices)
    to_state = models.CharField(max_length=30, choices=ReferralState.choices)
    reason_code = models.CharField(max_length=30, blank=True)
    note = EncryptedLongTextField(null=True, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["referral", "at"], name="referral_event_timeline")]

    @property
    def reason_label(self) -> str:
        """The reason or outcome as people read it (a decline reason, an outcome), never its code."""
        for choices in (DeclineReason, Outcome):
            if self.reason_code in choices.values:
                return str(choices(self.reason_code).label)
        return str(OTHER_REASONS.get(self.reason_code, self.reason_code))


# Reasons the workflow records itself, besides decline reasons and outcomes.
OTHER_REASONS = {"case_erased": _("The case was erased")}


class ReferralMessage(CaseRecord):
    """One message of the conversation between the two organizations on a referral."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organization = models.ForeignKey("orgs.Organization", on_delete=models.PROTECT, related_name="+")
    body = EncryptedLongTextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
