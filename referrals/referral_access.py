"""Who may open which referral: the sending organization's people who can open the case, and
the receiving organization's coordinators and assigned caseworker (who see the offer tier)."""

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404

from casehub.access import cases_visible_to
from orgs.access import member_role
from orgs.models import Role
from referrals.models import Referral
from referrals.workflow import WORKING_ROLES


def referrals_visible_to(user) -> QuerySet[Referral]:
    role = member_role(user)
    if role not in WORKING_ROLES:
        return Referral.objects.none()
    organization_id = user.membership.organization_id
    sent = Q(
        from_organization_id=organization_id, case__in=cases_visible_to(user).filter(organization_id=organization_id)
    )
    received = (
        Q(to_organization_id=organization_id, case__data_key_wrapped__isnull=False)  # not erased
        & ~Q(state__in=["draft", "awaiting_consent"])
    )
    if role != Role.COORDINATOR:
        received &= Q(assigned_to=user)
    return Referral.objects.filter(sent | received)


def referral_for_user(user, referral_id) -> Referral:
    """The referral if the user may open it; otherwise 404 (its existence is not confirmed)."""
    try:
        return (
            referrals_visible_to(user)
            .select_related(
                "case",
                "service",
                "from_organization",
                "to_organization",
                "need",
                "assigned_to",
                "redirected_to__organization",
            )
            .get(uuid=referral_id)
        )
    except (Referral.DoesNotExist, ValueError, TypeError, ValidationError):
        raise Http404 from None
