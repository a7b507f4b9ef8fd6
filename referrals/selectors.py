"""Reads with a rule: the coordinators' queues (overdue first) and the network's figures."""

from collections import Counter
from statistics import median

from django.db.models import Case as SqlCase
from django.db.models import Count, F, IntegerField, QuerySet, Value, When
from django.utils import timezone

from casehub.access import Scope, cases_for_user
from directory.models import Service
from orgs.access import member_role
from orgs.models import Role, User
from referrals.access import WORKING_ROLES, referral_reveals, referral_roles, referrals_for_user
from referrals.models import (
    OPEN_STATES,
    RECEIVED_QUEUE_STATES,
    SENT_QUEUE_STATES,
    DeclineReason,
    Outcome,
    Referral,
    ReferralState,
    Urgency,
)
from referrals.workflow import referable_services

QUEUE_ORDER = (F("due_at").asc(nulls_last=True), "-id")
EMERGENCY_FIRST = SqlCase(When(urgency=Urgency.EMERGENCY, then=Value(0)), default=Value(1), output_field=IntegerField())


def incoming_queue(user, *, limit: int = 25, offset: int = 0, emergency_first: bool = False) -> list[Referral]:
    """Open referrals to the user's organization (a caseworker: those assigned to them), overdue
    first (emergencies before all others when ``emergency_first``: the dashboard).

    One index range scan (referral_incoming) cut to the page; the case is never joined: the
    receiver sees the offer tier stored on the referral, and the case number only where it may
    open the case (``opens_case``).
    """
    if member_role(user) not in WORKING_ROLES:
        return []
    queryset = Referral.objects.filter(
        to_organization_id=user.membership.organization_id, state__in=RECEIVED_QUEUE_STATES
    )
    if user.membership.role != Role.COORDINATOR:
        queryset = queryset.filter(assigned_to=user)
    related = ("service", "from_organization", "to_organization", "assigned_to", "consent")
    order = (EMERGENCY_FIRST, *QUEUE_ORDER) if emergency_first else QUEUE_ORDER
    rows = list(queryset.select_related(*related).order_by(*order)[offset : offset + limit])
    for referral in rows:
        referral.reveals = referral_reveals(user, referral)
    return with_case_links(user, rows)


def outgoing_queue(user, *, limit: int = 25, offset: int = 0) -> list[Referral]:
    """Open referrals the user's organization sent, of cases the user may open, overdue first."""
    queryset = referrals_for_user(user).filter(
        from_organization_id=getattr(user.membership, "organization_id", None), state__in=SENT_QUEUE_STATES
    )
    related = ("service", "from_organization", "to_organization", "assigned_to")
    rows = list(queryset.select_related(*related).order_by(*QUEUE_ORDER)[offset : offset + limit])
    for referral in rows:
        referral.reveals = True  # the sender's own, through cases it may open
    return with_case_links(user, rows)


def with_case_links(user, referrals: list[Referral]) -> list[Referral]:
    """Each referral's ``opens_case``: its case (number and uuid only) where the case policy lets
    the user open it, else None; one query for the page."""
    wanted = {referral.case_id for referral in referrals}
    parts = cases_for_user(user).filter(pk__in=wanted).parts if wanted else []
    opened = {case.pk: case for part in parts for case in part.only("pk", "uuid", "case_number")}
    for referral in referrals:
        referral.opens_case = opened.get(referral.case_id)
    return referrals


def case_referrals_sent(case) -> QuerySet[Referral]:
    """The referrals of a case that reached a provider (sent at some point, whatever came of them),
    in the order they were sent: to whom the case's offer tier, and later more, went."""
    return (
        Referral.objects.filter(case=case, sent_at__isnull=False)
        .select_related("to_organization", "service")
        .order_by("sent_at", "id")
    )


def redirect_targets(referral: Referral) -> QuerySet[Service]:
    """The services the receiver may suggest instead of its own: where the sender could refer the need."""
    return (
        referable_services(need_kind=referral.need_kind, from_organization_id=referral.from_organization_id)
        .exclude(organization_id=referral.to_organization_id)
        .select_related("organization")
        .order_by("organization__name", "name")
    )


def receiver_assignees(referral: Referral) -> QuerySet[User]:
    """The receiving organization's active caseworkers and coordinators, who may be given the work."""
    return User.objects.filter(
        is_active=True,
        memberships__organization_id=referral.to_organization_id,
        memberships__is_active=True,
        memberships__role__in=WORKING_ROLES,
    ).order_by("username")


def queue_roles(user, referrals: list[Referral]) -> dict[int, frozenset[str]]:
    """Each referral's referral_roles, the sender's access to the cases checked in one query for the page."""
    organization_id = getattr(user.membership, "organization_id", None)
    sent = {referral.case_id for referral in referrals if referral.from_organization_id == organization_id}
    visible = cases_for_user(user, scope=Scope.ORGANIZATION).filter(pk__in=sent).ids() if sent else set()
    return {
        referral.pk: referral_roles(user, referral, sees_case=referral.case_id in visible) for referral in referrals
    }


def referrals_overdue_count() -> int:
    """Open referrals whose running deadline has passed (a paused clock has none), network-wide."""
    return Referral.objects.filter(state__in=OPEN_STATES, due_at__lte=timezone.now()).count()


def network_figures() -> dict:
    """Acceptance rate, median time to answer, outcomes by service kind and declines by reason.

    Counts and durations only: nothing here can name a survivor or a case.
    """
    answered = Referral.objects.filter(answered_at__isnull=False, sent_at__isnull=False)
    accepted = answered.exclude(state__in=[ReferralState.DECLINED, ReferralState.REDIRECTED]).count()
    total = answered.count()
    hours = [
        (answered_at - sent_at).total_seconds() / 3600
        for sent_at, answered_at in answered.values_list("sent_at", "answered_at")[:100_000]
    ]
    outcomes: dict[str, Counter] = {}
    for kind, outcome, count in (
        Referral.objects.exclude(outcome="").values_list("need_kind", "outcome").annotate(n=Count("id"))
    ):
        outcomes.setdefault(kind, Counter())[outcome] = count
    declines = dict(
        Referral.objects.filter(state=ReferralState.DECLINED)
        .values_list("reason_code")
        .annotate(n=Count("id"))
        .values_list("reason_code", "n")
    )
    return {
        "answered": total,
        "acceptance_rate": round(100 * accepted / total) if total else None,
        "median_hours_to_answer": round(median(hours), 1) if hours else None,
        "outcomes": {kind: dict(counts) for kind, counts in sorted(outcomes.items())},
        "declines": {code: declines.get(code, 0) for code in DeclineReason.values},
        "outcome_labels": dict(Outcome.choices),
        "decline_labels": dict(DeclineReason.choices),
    }
