"""Who may open which referral, and read what it says of the survivor.

The sending organization's people who can open the case, and the receiving organization's
coordinators and assigned caseworker, open a referral. What it says of the survivor (its offer
tier of coded values, its conversation and the notes of its timeline) the sending side reads
while it may open the case, the receiving side only while the survivor's consent it was sent
under is in force: a withdrawn or lapsed consent closes them, as it closes the share.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404

from casehub.access import CaseAction, Scope, actor_for, case_actions, case_for_user, cases_for_user
from orgs.access import member_role
from orgs.models import Role
from referrals.models import Referral, ServiceNeed
from referrals.transitions import RECEIVER_ASSIGNEE, RECEIVER_COORDINATOR, SENDER, SYSTEM

WORKING_ROLES = (Role.CASEWORKER, Role.COORDINATOR)

# What the offer tier holds: absent from every answer to someone it is not revealed to.
OFFER_FIELDS = ("need_kind", "urgency", "constraints", "age_band", "gender", "languages", "region")


def referrals_for_user(user) -> QuerySet[Referral]:
    actor = actor_for(user)
    if not actor.works_cases:
        return Referral.objects.none()
    sent = Q(from_organization_id=actor.organization_id) & cases_for_user(actor, scope=Scope.ORGANIZATION).q("case_id")
    received = (
        Q(to_organization_id=actor.organization_id, case__data_key_wrapped__isnull=False)  # not erased
        & ~Q(state__in=["draft", "awaiting_consent"])
    )
    if actor.role != Role.COORDINATOR:
        received &= Q(assigned_to_id=actor.user_id)
    return Referral.objects.filter(sent | received)


def referral_for_user(user, referral_id) -> Referral:
    """The referral if the user may open it (404 otherwise: its existence is not confirmed), with
    ``reveals``: whether they may read what it says of the survivor."""
    try:
        referral = (
            referrals_for_user(user)
            .select_related(
                "case",
                "consent",
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
    referral.reveals = referral_reveals(user, referral)
    return referral


def referral_reveals(user, referral: Referral) -> bool:
    """Whether the user may read the referral's offer tier, conversation and timeline notes (they
    may open the referral): the receiving side only while the consent it was sent under is in force."""
    actor = actor_for(user)
    if actor.organization_id == referral.from_organization_id:
        return True  # the sender's side: they opened the referral through the case
    return referral.consent_id is not None and referral.consent.is_active()


def referral_thread_for_user(user, referral_id) -> Referral:
    """The referral whose conversation the user may read or write to: 403 once it is closed to them."""
    referral = referral_for_user(user, referral_id)
    if not referral.reveals:
        raise PermissionDenied
    return referral


def need_for_user(user, need_id) -> ServiceNeed:
    """A service need of a case of the user's organization that the user may open (404 otherwise)."""
    try:
        need = ServiceNeed.objects.select_related("case").get(uuid=need_id)
    except (ServiceNeed.DoesNotExist, ValueError, TypeError, ValidationError):
        raise Http404 from None
    case = case_for_user(user, need.case.uuid)
    if case.access.shared:
        raise Http404  # another organization's need: its own to refer
    need.case = case
    return need


def referral_roles(user, referral: Referral, *, sees_case: bool | None = None) -> frozenset[str]:
    """The roles ``user`` holds on this referral (transitions.ACTORS); None is the system.

    ``sees_case``: whether the user may open the referral's case, when the caller checked that
    for a whole page at once (referrals.selectors.queue_roles); otherwise it is checked here.
    """
    if user is None:
        return frozenset({SYSTEM})
    role = member_role(user)
    if role not in WORKING_ROLES:
        return frozenset()
    organization_id = user.membership.organization_id
    roles = set()
    if organization_id == referral.from_organization_id and (
        CaseAction.VIEW in case_actions(user, referral.case) if sees_case is None else sees_case
    ):
        roles.add(SENDER)
    if organization_id == referral.to_organization_id:
        if role == Role.COORDINATOR:
            roles.add(RECEIVER_COORDINATOR)
        if referral.assigned_to_id == user.pk:
            roles.add(RECEIVER_ASSIGNEE)
    return frozenset(roles)
