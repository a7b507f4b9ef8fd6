"""Every write to service needs and referrals: one transaction, one event, one audit record each.

Who is told is referrals.notices; the minute-by-minute sweep is referrals.sweep.

Who may do what is referrals.transitions.TRANSITIONS; this module only works out which roles a
user holds on a referral and applies the table. Consent gates sending (sharing.services
.covering_provision for the referral purpose); acceptance widens access through a share that
decline, withdrawal, expiry, failure and consent withdrawal end at once, and completion ends
after REFERRAL_FOLLOW_UP_DAYS (the sweep).
"""

from __future__ import annotations

import re
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record
from casehub.access import CaseAction, case_actions
from casehub.grants import Purpose
from casehub.models import Case
from directory.models import Gender as ProviderGender
from directory.models import Service, ServiceStatus
from orgs.access import member_role
from orgs.models import OrganizationStatus, User
from referrals import deadlines, notices
from referrals.access import WORKING_ROLES, referral_reveals, referral_roles
from referrals.models import (
    ACTIVE_STATES,
    PAUSED_STATES,
    DeclineReason,
    NeedStatus,
    Outcome,
    OutcomeReview,
    Referral,
    ReferralEvent,
    ReferralMessage,
    ReferralState,
    SafetyFlag,
    ServiceNeed,
    Urgency,
)
from referrals.transitions import (
    RECEIVER_COORDINATOR,
    SYSTEM,
    allowed_actors,
    next_state,
)
from sharing.services import (
    ShareRefused,
    covering_provision,
    share_end_for_referral,
    share_for_referral,
    share_hand_to,
)

# The deadline step each state runs; paused states keep the step they interrupted.
STEP_OF_STATE = {
    ReferralState.SENT: "acknowledge",
    ReferralState.ACKNOWLEDGED: "decide",
    ReferralState.ACCEPTED: "first_contact",
}
EXPIRING_STEPS = ("acknowledge", "decide")  # an unanswered referral expires at 200%
# Leaving these states ends the receiver's share at once.
REVOKING_STATES = (
    ReferralState.DECLINED,
    ReferralState.WITHDRAWN,
    ReferralState.EXPIRED,
    ReferralState.FAILED,
    ReferralState.CONSENT_WITHDRAWN,
    ReferralState.REDIRECTED,
)


# Needs ------------------------------------------------------------------------------------------


@transaction.atomic
def need_create(
    *,
    case: Case,
    by,
    kind: str,
    urgency: str = Urgency.ROUTINE,
    reason: str = "",
    language: str = "",
    provider_gender: str = "",
    safety_flags=(),
    region: str = "",
    country: str = "",
) -> ServiceNeed:
    """Record what the survivor needs from a service (kind is a taxonomy code) and where: a region
    and a country (the organization's country when none is given)."""
    if CaseAction.EDIT not in case_actions(by, case):
        raise PermissionDenied
    from directory.models import TaxonomyTerm

    errors = {}
    if not TaxonomyTerm.objects.filter(code=kind).exists():
        errors["kind"] = [_("Choose a kind of service.")]
    if urgency not in Urgency.values:
        errors["urgency"] = [_("Choose how urgent it is.")]
    if provider_gender and provider_gender not in ProviderGender.values:
        errors["provider_gender"] = [_("Choose a provider gender, or none.")]
    if not set(safety_flags) <= set(SafetyFlag.values):
        errors["safety_flags"] = [_("Choose safety flags from the list.")]
    if len(language) > 3:
        errors["language"] = [_("Give the language as an ISO 639 code.")]
    country = (country or case.organization.country).strip().upper()
    if not re.fullmatch(r"[A-Z]{2}", country):
        errors["country"] = [_("Give the country as a two-letter ISO 3166 code.")]
    if len(region) > 100:
        errors["region"] = [_("Give the region in at most 100 characters.")]
    if errors:
        raise ValidationError(errors)
    need = ServiceNeed(
        case=case,
        kind=kind,
        urgency=urgency,
        reason=reason.strip() or None,
        language=language.strip().lower(),
        provider_gender=provider_gender,
        safety_flags=sorted(set(safety_flags)),
        region=" ".join(region.split()),
        country=country,
        created_by=by,
    )
    need.save()
    audit_record(
        "need.created", actor=by, organization=by.membership.organization, target=case, details={"need": str(need.uuid)}
    )
    return need


def _new_reference() -> str:
    # Random, never derived from the case: the receiver must not be able to link attempts to a case.
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "R-" + "".join(secrets.choice(alphabet) for _ in range(10))


def referable_services(*, need_kind: str, from_organization_id: int) -> QuerySet[Service]:
    """The services a need of this kind may be referred to from this organization (as _unreferable)."""
    return (
        Service.objects.filter(
            status=ServiceStatus.ACTIVE,
            accepting_referrals=True,
            organization__status=OrganizationStatus.VETTED,
        )
        .filter(Q(kind__code=need_kind) | Q(kind__code__startswith=need_kind + "."))
        .exclude(organization_id=from_organization_id)
    )


def _unreferable(service: Service, *, need_kind: str, from_organization_id: int) -> str:
    """Why a need of this kind may not be referred to ``service`` from this organization, or ""."""
    if (
        service.status != ServiceStatus.ACTIVE
        or not service.accepting_referrals
        or service.organization.status != OrganizationStatus.VETTED
    ):
        return _("This service is not accepting referrals.")
    if service.organization_id == from_organization_id:
        return _("Refer to another organization's service.")
    if not (service.kind.code == need_kind or service.kind.code.startswith(need_kind + ".")):
        return _("This service does not offer what the survivor needs.")
    return ""


@transaction.atomic
def referral_create(*, need: ServiceNeed, service: Service, by) -> Referral:
    """A draft referral of one need to one service, with its offer tier copied from the case.

    Also "send to next match": a need whose last attempt was declined or expired gets a new one.
    """
    need = ServiceNeed.objects.select_for_update().select_related("case").get(pk=need.pk)
    case = need.case
    membership = by.membership
    if (
        member_role(by) not in WORKING_ROLES
        or membership.organization_id != case.organization_id
        or CaseAction.VIEW not in case_actions(by, case)
    ):
        raise PermissionDenied
    if need.status != NeedStatus.OPEN:
        raise ValidationError(_("This need is no longer open."))
    service = Service.objects.select_related("organization", "kind").get(pk=service.pk)
    refusal = _unreferable(service, need_kind=need.kind, from_organization_id=case.organization_id)
    if refusal:
        raise ValidationError(refusal)
    from referrals.models import OPEN_STATES

    if Referral.objects.filter(need=need, state__in=OPEN_STATES).exists():
        raise ValidationError(_("This need already has an open referral: withdraw it first."))
    languages = [code for code in [case.primary_language, *case.other_languages] if code]
    referral = Referral(
        case=case,
        need=need,
        service=service,
        from_organization_id=case.organization_id,
        to_organization_id=service.organization_id,
        created_by=by,
        reference=_new_reference(),
        need_kind=need.kind,
        urgency=need.urgency,
        constraints={
            "language": need.language,
            "provider_gender": need.provider_gender,
            "safety_flags": list(need.safety_flags),
        },
        age_band=case.age_band or "",
        gender=case.gender or "",
        languages=languages,
        region=need.region or need.country,
    )
    referral.save()
    _event(referral, by=by, action="create", from_state=ReferralState.DRAFT, to_state=ReferralState.DRAFT)
    audit_record(
        "referral.created",
        actor=by,
        organization=membership.organization,
        target=referral,
        details={"referral": str(referral.uuid), "to": str(service.organization.uuid)},
    )
    return referral


# Transitions ------------------------------------------------------------------------------------


def _require_answers(action: str, *, reason: str, outcome: str, note: str) -> None:
    """The reason, outcome or note an action cannot go without."""
    if action == "decline" and reason not in DeclineReason.values:
        raise ValidationError({"reason": [_("Choose why you decline.")]})
    if action == "complete" and outcome not in Outcome.values:
        raise ValidationError({"outcome": [_("Choose the outcome.")]})
    if action == "fail" and reason not in Outcome.values:
        raise ValidationError({"reason": [_("Choose why it failed.")]})
    if action == "request_information" and not note.strip():
        raise ValidationError({"note": [_("Ask your question.")]})
    if action == "answer" and not note.strip():
        raise ValidationError({"note": [_("Write your answer.")]})


@transaction.atomic
def referral_act(
    *,
    referral: Referral,
    by,
    action: str,
    reason: str = "",
    outcome: str = "",
    note: str = "",
    assignee=None,
    redirect_to: Service | None = None,
) -> Referral:
    """Take one action on a referral if the transition table lets ``by`` (None: the system) take it.

    Refused with PermissionDenied (wrong person) or ValidationError (wrong state, missing
    reason, outcome or redirect target, no consent) before anything is written.
    """
    referral = (
        Referral.objects.select_for_update(of=("self",))
        .select_related("case", "service", "from_organization", "to_organization")
        .get(pk=referral.pk)
    )
    if next_state(referral.state, action) is None:
        raise ValidationError(_("This action is not possible in the referral's current state."), code="state")
    if not allowed_actors(referral.state, action) & referral_roles(by, referral):
        raise PermissionDenied
    _require_answers(action, reason=reason, outcome=outcome, note=note)
    if action == "send":
        try:
            provision = covering_provision(
                referral.case,
                organization=referral.to_organization,
                purpose=Purpose.REFERRAL,
                field_groups=(),
                lock=True,
            )
        except ShareRefused:
            if referral.state == ReferralState.AWAITING_CONSENT:
                raise ValidationError(
                    _("The survivor's consent does not yet cover this referral."), code="consent"
                ) from None
            return _transition(referral, by=by, action="await_consent", note=note)
        referral.consent = provision.consent
        referral.sent_by = by
        referral.sent_at = timezone.now()
    if action == "redirect":
        referral.redirected_to = _check_redirect_target(referral, redirect_to)
    if action == "accept":
        referral.assigned_to = _check_assignee(referral, assignee or by)
        referral.share = share_for_referral(referral=referral, by=by)
    if action in ("complete", "fail"):
        referral.outcome = outcome if action == "complete" else reason
    if action in ("confirm_outcome", "dispute_outcome"):
        referral.outcome_review = OutcomeReview.CONFIRMED if action == "confirm_outcome" else OutcomeReview.DISPUTED
    referral = _transition(referral, by=by, action=action, reason=reason or outcome, note=note)
    if action == "accept":
        # The sender is told by the transition; the person the work goes to, here.
        notices.assigned(referral, by=by, key=f"referral:{referral.uuid}:accepted_for:{referral.assigned_to.uuid}")
    return referral


def _check_redirect_target(referral: Referral, service: Service | None) -> Service:
    # A suggestion to the sender, who refers there with referral_create: the same rule applies.
    if service is None:
        raise ValidationError({"redirect_to": [_("Choose the service you suggest instead.")]})
    service = Service.objects.select_related("organization", "kind").get(pk=service.pk)
    if service.organization_id == referral.to_organization_id:
        raise ValidationError({"redirect_to": [_("Suggest another organization's service.")]})
    refusal = _unreferable(service, need_kind=referral.need_kind, from_organization_id=referral.from_organization_id)
    if refusal:
        raise ValidationError({"redirect_to": [refusal]})
    return service


def _check_assignee(referral: Referral, user) -> User:
    membership = user.membership
    if (
        not user.is_active
        or membership is None
        or membership.organization_id != referral.to_organization_id
        or membership.role not in WORKING_ROLES
    ):
        raise ValidationError({"assignee": [_("Assign a caseworker of your organization.")]})
    return user


@transaction.atomic
def referral_assign(*, referral: Referral, by, assignee) -> Referral:
    """The receiving coordinator hands accepted work to one of their caseworkers, who is told (a link only)."""
    referral = (
        Referral.objects.select_for_update(of=("self",)).select_related("case", "to_organization").get(pk=referral.pk)
    )
    if RECEIVER_COORDINATOR not in referral_roles(by, referral):
        raise PermissionDenied
    if referral.state not in ACTIVE_STATES:
        raise ValidationError(_("Only accepted referrals are assigned."))
    referral.assigned_to = _check_assignee(referral, assignee)
    referral.save(update_fields=["assigned_to"])
    if referral.share_id:
        share_hand_to(share=referral.share, user=referral.assigned_to, by=by)
    event = _event(referral, by=by, action="assign", from_state=referral.state, to_state=referral.state)
    audit_record(
        "referral.assign",
        actor=by,
        organization=by.membership.organization,
        target=referral,
        details={"referral": str(referral.uuid), "assignee": str(assignee.uuid)},
    )
    notices.assigned(referral, by=by, key=f"referral:{referral.uuid}:assign:{event.uuid}")
    return referral


def _transition(referral: Referral, *, by, action: str, reason: str = "", note: str = "") -> Referral:
    old_state = referral.state
    new_state = next_state(old_state, action)
    now = timezone.now()
    referral.state = new_state
    if new_state != old_state:
        referral.state_changed_at = now
    if action in ("accept", "decline", "redirect") and referral.answered_at is None:
        referral.answered_at = now
    if action in ("decline", "redirect", "fail", "case_erased"):
        referral.reason_code = reason
    _clock(referral, old_state, new_state, now)
    if referral.share_id and new_state in REVOKING_STATES:
        share_end_for_referral(share=referral.share, by=by)
    if new_state == ReferralState.COMPLETED and referral.share_id:
        referral.share_ends_at = now + timedelta(days=settings.REFERRAL_FOLLOW_UP_DAYS)
    if new_state == ReferralState.COMPLETED and referral.outcome in (Outcome.NEED_MET, Outcome.ENROLLED):
        ServiceNeed.objects.filter(pk=referral.need_id).update(status=NeedStatus.MET)
    referral.save()
    event = _event(referral, by=by, action=action, from_state=old_state, to_state=new_state, reason=reason, note=note)
    audit_record(
        f"referral.{action}",
        actor=by,
        organization=by.membership.organization if by is not None else referral.to_organization,
        target=referral,
        details={
            "referral": str(referral.uuid),
            "from": old_state,
            "to": new_state,
            "reason": reason,
            **({"redirected_to": str(referral.redirected_to_id)} if action == "redirect" else {}),
        },
    )
    notices.referral_changed(referral, by=by, action=action, event=event)
    return referral


def _event(referral, *, by, action, from_state, to_state, reason="", note="") -> ReferralEvent:
    event = ReferralEvent(
        case_id=referral.case_id,
        referral=referral,
        actor=by,
        actor_organization=by.membership.organization if by is not None and by.membership else None,
        from_organization_id=referral.from_organization_id,
        to_organization_id=referral.to_organization_id,
        action=action,
        from_state=from_state,
        to_state=to_state,
        reason_code=reason,
        note=note.strip() or None,
    )
    event.case = referral.case
    event.save()
    return event


# Deadlines --------------------------------------------------------------------------------------


def _pauses(referral: Referral) -> list[tuple[datetime, datetime | None]]:
    return [
        (datetime.fromisoformat(start), datetime.fromisoformat(end) if end else None)
        for start, end in referral.clock_pauses
    ]


def deadline_marks(referral: Referral) -> tuple:
    """The 50%, 100% and (for unanswered steps) 200% marks of the running clock; None while paused."""
    clock = deadlines.deadline_clock(referral.deadline_step, referral.urgency)
    hours = clock.hours(deadlines.BusinessHours.for_service(referral.service))
    pauses = _pauses(referral)
    start = referral.clock_started_at
    half = deadlines.due_at(start, clock.duration / 2, hours, pauses)
    full = deadlines.due_at(start, clock.duration, hours, pauses)
    double = (
        deadlines.due_at(start, clock.duration * 2, hours, pauses) if referral.deadline_step in EXPIRING_STEPS else None
    )
    return half, full, double


def _clock(referral: Referral, old_state: str, new_state: str, now: datetime) -> None:
    step = STEP_OF_STATE.get(new_state)
    if old_state == ReferralState.SENT and new_state == ReferralState.INFORMATION_REQUESTED:
        # Asking a question acknowledges the referral (the receiver has read it): the acknowledge
        # clock stops here and the decide clock starts at once, paused until the answer, so the
        # decide deadline counts only the time outside the question.
        _restart(referral, "decide", now)
    if new_state in PAUSED_STATES and referral.deadline_step:
        referral.clock_pauses = [*referral.clock_pauses, [now.isoformat(), None]]
        referral.half_at = referral.due_at = referral.expires_at = None
        return
    if old_state in PAUSED_STATES and referral.clock_pauses and referral.clock_pauses[-1][1] is None:
        referral.clock_pauses = [*referral.clock_pauses[:-1], [referral.clock_pauses[-1][0], now.isoformat()]]
    if step is None:
        referral.deadline_step = ""
        referral.clock_started_at = referral.half_at = referral.due_at = referral.expires_at = None
        referral.clock_pauses = []
        return
    if step != referral.deadline_step:
        _restart(referral, step, now)
    referral.half_at, referral.due_at, referral.expires_at = deadline_marks(referral)


def _restart(referral: Referral, step: str, now: datetime) -> None:
    referral.deadline_step = step
    referral.clock_started_at = now
    referral.clock_pauses = []
    referral.reminders_sent = 0


# Conversation -----------------------------------------------------------------------------------


@transaction.atomic
def referral_message_add(*, referral: Referral, by, body: str) -> ReferralMessage:
    """A message to the other organization on this referral (both sides; encrypted under the case key)."""
    referral = Referral.objects.select_related("case", "consent").get(pk=referral.pk)
    roles = referral_roles(by, referral)
    if not roles or SYSTEM in roles or not referral_reveals(by, referral):
        raise PermissionDenied  # the conversation closes to the receiver with the survivor's consent
    if referral.sent_at is None:
        raise ValidationError(_("Send the referral before writing to the provider."))
    if not body.strip():
        raise ValidationError({"body": [_("Write a message.")]})
    if len(body) > 5000:
        raise ValidationError({"body": [_("Keep a message under 5000 characters.")]})
    message = ReferralMessage(referral=referral, author=by, organization=by.membership.organization, body=body.strip())
    message.case = referral.case
    message.save()
    notices.message_added(referral, by=by, roles=roles, key=f"referral:{referral.uuid}:message:{message.uuid}")
    return message


# Consent withdrawal -----------------------------------------------------------------------------


def referrals_consent_withdrawn(*, consent, by) -> int:
    """Pending and active referrals sent under this consent end now (called in its transaction)."""
    from referrals.models import UNANSWERED_STATES

    pending = Referral.objects.filter(consent=consent, state__in=(*UNANSWERED_STATES, *ACTIVE_STATES))
    return _end_each(pending, action="consent_withdrawn")


# Erasure ----------------------------------------------------------------------------------------


def referrals_end_for_erased_case(*, case: Case) -> int:
    """The case was erased: its open referrals are withdrawn (called in the erasure's transaction)."""
    from referrals.models import OPEN_STATES

    open_referrals = Referral.objects.filter(case=case, state__in=OPEN_STATES)
    return _end_each(open_referrals, action="case_erased", reason="case_erased")


def _end_each(referrals, *, action: str, reason: str = "") -> int:
    """Take a system action on each of these referrals, locked (inside the caller's transaction)."""
    ended = 0
    for referral in referrals.select_for_update(of=("self",)).select_related("case", "service", "share"):
        _transition(referral, by=None, action=action, reason=reason)
        ended += 1
    return ended
