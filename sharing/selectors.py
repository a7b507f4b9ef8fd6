"""Reads behind the sharing pages: a case's consents, shares and the recipients' accesses."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from audit.models import AuditEvent
from casehub.access import CaseAction, Scope, cases_for_user
from casehub.crypto.fields import with_data_keys
from casehub.grants import (
    CaseShare,
    CaseTransfer,
    Consent,
    ConsentDecision,
    EmergencyOverride,
    OverrideStatus,
    TransferStatus,
)
from casehub.models import Case
from casehub.selectors import case_rows
from orgs.access import member_role
from orgs.models import Role

ACCESS_ACTIONS = ["case.viewed", "case.attachment_viewed"]
CONSENT_ENDING_SOON = timedelta(days=14)


def case_consents(case: Case) -> QuerySet[Consent]:
    """A case's consent records, newest first, with their provisions (page and API)."""
    return with_data_keys(
        Consent.objects.filter(case=case)
        .select_related("recorded_by", "withdrawn_by")
        .prefetch_related("provisions__recipient_organization")
    )


def shares_of(case: Case) -> QuerySet[CaseShare]:
    """A case's shares, newest first (page and API)."""
    return CaseShare.objects.filter(case=case).select_related(
        "to_organization", "created_by", "ended_by", "override", "consent"
    )


def case_shares(case: Case, *, access_limit: int = 200) -> list[CaseShare]:
    """Every share of the case, newest first, each with ``accesses``: the recipient's reads of
    the case while the share stood (from the audit trail: who, when, which field groups)."""
    shares = list(shares_of(case))
    recipients = {share.to_organization_id for share in shares}
    events = list(
        AuditEvent.objects.filter(
            target_type="casehub.case",
            target_id=str(case.uuid),
            action__in=ACCESS_ACTIONS,
            organization_id__in=recipients,
        )
        .select_related("actor")
        .order_by("-id")[: access_limit * max(len(shares), 1)]
    )
    for share in shares:
        until = share.ended_at or share.ends_at
        share.accesses = [
            event
            for event in events
            if event.organization_id == share.to_organization_id and share.created_at <= event.created_at <= until
        ][:access_limit]
    return shares


def case_overrides(case: Case) -> list[EmergencyOverride]:
    return list(
        EmergencyOverride.objects.filter(case=case).select_related("to_organization", "requested_by", "decided_by")
    )


def case_transfers(case: Case) -> list[CaseTransfer]:
    return list(CaseTransfer.objects.filter(case=case).select_related("to_organization", "offered_by", "decided_by"))


def shared_case_rows(user, cases, *, shows) -> list[tuple]:
    """Rows (casehub.selectors.CaseRow) of other organizations' cases shared with the user,
    each with the open share that lets them see it (its purpose, owner and end), for the "shared
    with us" page and API. What each row shows comes from the case policy."""
    cases = list(cases)
    if not cases:
        return []
    shares = {
        share.case_id: share
        for share in CaseShare.objects.filter(
            case__in=cases, to_organization_id=user.membership.organization_id, ended_at__isnull=True
        ).select_related("from_organization", "consent")
    }
    rows = case_rows(user, [case for case in cases if case.pk in shares], shows=shows)
    return [(row, shares[row.case.pk]) for row in rows if row.shared]


def transfers_offered_to(organization) -> list[CaseTransfer]:
    return list(
        CaseTransfer.objects.filter(to_organization=organization, status=TransferStatus.OFFERED)
        .select_related("from_organization", "case", "offered_by")
        .order_by("-offered_at")
    )


def overrides_awaiting(user) -> list[EmergencyOverride]:
    """Emergency-access requests another coordinator made, on cases the user may share."""
    shareable = cases_for_user(user, action=CaseAction.SHARE, scope=Scope.ORGANIZATION)
    return list(
        EmergencyOverride.objects.filter(
            shareable.q("case_id") & ~Q(requested_by=user),
            status=OverrideStatus.REQUESTED,
        )
        .select_related("case", "to_organization", "requested_by")
        .order_by("-requested_at")
    )


def consents_ending(user, *, within: timedelta = CONSENT_ENDING_SOON, limit: int = 20) -> list[Consent]:
    """Consents in force that end within ``within``, soonest first, of the cases the user works on
    (a coordinator: the organization's; a caseworker: those assigned to them). Case number and
    end date only: nothing decrypted."""
    scope = Scope.ORGANIZATION if member_role(user) == Role.COORDINATOR else Scope.ASSIGNED
    cases = cases_for_user(user, scope=scope)
    if not cases.parts:
        return []
    now = timezone.now()
    return list(
        Consent.objects.filter(
            cases.q("case_id"),
            decision=ConsentDecision.GRANTED,
            withdrawn_at__isnull=True,
            valid_from__lte=now,
            valid_until__gt=now,
            valid_until__lte=now + within,
        )
        .select_related("case")
        .only("uuid", "valid_until", "case__uuid", "case__case_number")
        .order_by("valid_until", "id")[:limit]
    )
