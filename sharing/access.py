"""Lookups of sharing records for a user, each through the case policy: the pages and the API
ask these, so a record of another case (or organization) is 404 on both, and a case the user may
not consent for or share is 403 on both."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from casehub.access import CaseAction, actor_for, case_for_user
from casehub.grants import CaseShare, CaseTransfer, Consent, EmergencyOverride


def _record(model, case, record_id):
    try:
        record = model.objects.select_related("case").get(case=case, uuid=record_id)
    except (model.DoesNotExist, ValueError, TypeError, ValidationError):
        raise Http404 from None
    record.case = case
    return record


def consent_for_user(user, case_id, consent_id, *, action: CaseAction = CaseAction.CONSENT) -> Consent:
    return _record(Consent, case_for_user(user, case_id, action=action), consent_id)


def share_for_user(user, case_id, share_id, *, action: CaseAction = CaseAction.SHARE) -> CaseShare:
    return _record(CaseShare, case_for_user(user, case_id, action=action), share_id)


def override_for_user(user, case_id, override_id, *, action: CaseAction = CaseAction.SHARE) -> EmergencyOverride:
    return _record(EmergencyOverride, case_for_user(user, case_id, action=action), override_id)


def case_transfer_for_user(user, case_id, transfer_id, *, action: CaseAction = CaseAction.TRANSFER) -> CaseTransfer:
    """A transfer of a case the user may transfer (to cancel it)."""
    return _record(CaseTransfer, case_for_user(user, case_id, action=action), transfer_id)


def transfer_for_user(user, transfer_id, *, incoming: bool) -> CaseTransfer:
    """A transfer offered to the user's organization (``incoming``) or by it; any other is 404. Who
    may answer (the receiving coordinators) or cancel (who may transfer the case) the services check."""
    actor = actor_for(user)
    if not actor.works_cases:
        raise PermissionDenied
    side = {"to_organization_id" if incoming else "from_organization_id": actor.organization_id}
    try:
        return CaseTransfer.objects.select_related("case").get(uuid=transfer_id, **side)
    except (CaseTransfer.DoesNotExist, ValueError, TypeError, ValidationError):
        raise Http404 from None
