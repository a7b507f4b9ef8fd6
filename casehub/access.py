"""Who may see and do what with cases: the one module every page, API view, task and admin uses.

Own organization (this issue): a coordinator has every capability on all of the organization's
cases; a caseworker sees and works on the cases assigned to them, or every unrestricted case
when the organization says so; org admins and platform admins see no case content. Suspended
or unvetted organizations get nothing (orgs.access.member_role is None for them). Erased cases
are gone from every list and lookup.

Sharing across organizations (a later issue) adds branches here, never in views.
"""

import enum

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404

from casehub import fieldgroups
from casehub.models import Case
from orgs.access import member_role
from orgs.models import Role


class CaseAction(enum.StrEnum):
    VIEW = "view"
    EDIT = "edit"  # survivor details, coded details, needs
    NOTE = "note"  # add notes; edit one's own notes
    TASK = "task"
    DOCUMENT = "document"
    EXPORT = "export"  # data-subject export
    ASSIGN = "assign"
    RESTRICT = "restrict"
    CLOSE = "close"  # close and reopen
    ERASE = "erase"


CASEWORKER_ACTIONS = frozenset(
    {CaseAction.VIEW, CaseAction.EDIT, CaseAction.NOTE, CaseAction.TASK, CaseAction.DOCUMENT, CaseAction.EXPORT}
)
COORDINATOR_ACTIONS = frozenset(CaseAction)


def may_create_cases(user) -> bool:
    return member_role(user) in {Role.CASEWORKER, Role.COORDINATOR}


def cases_visible_to(user) -> QuerySet[Case]:
    """Every case the user may open (not erased)."""
    role = member_role(user)
    if role not in {Role.CASEWORKER, Role.COORDINATOR}:
        return Case.objects.none()
    organization = user.membership.organization
    cases = Case.objects.filter(organization=organization, data_key__destroyed_at__isnull=True)
    if role == Role.COORDINATOR:
        return cases
    assigned = Q(pk__in=Case.assigned_caseworkers.through.objects.filter(user=user).values("case_id"))
    if organization.caseworkers_see_all_cases:
        return cases.filter(assigned | Q(restricted=False))
    return cases.filter(assigned)


def cases_assigned_to(user) -> QuerySet[Case]:
    return cases_visible_to(user).filter(
        pk__in=Case.assigned_caseworkers.through.objects.filter(user=user).values("case_id")
    )


def case_actions(user, case: Case) -> frozenset[CaseAction]:
    """What the user may do with a case they can see (call only for visible cases)."""
    role = member_role(user)
    if role == Role.COORDINATOR:
        return COORDINATOR_ACTIONS
    if role == Role.CASEWORKER:
        return CASEWORKER_ACTIONS
    return frozenset()


def case_field_groups(user, case: Case) -> frozenset[str]:
    """The field groups of a case the user may see: every group within the own organization."""
    return fieldgroups.ALL if case_actions(user, case) else frozenset()


def case_for_user(user, case_uuid, *, action: CaseAction = CaseAction.VIEW) -> Case:
    """The case if the user may do `action` with it: an invisible or unknown case is 404, a visible
    case without the right is 403."""
    try:
        case = cases_visible_to(user).select_related("organization", "data_key").get(uuid=case_uuid)
    except (Case.DoesNotExist, ValueError, TypeError, ValidationError):
        raise Http404 from None
    if action not in case_actions(user, case):
        raise PermissionDenied
    return case


def record_for_user(user, model, case_uuid, record_uuid, *, action: CaseAction = CaseAction.VIEW):
    """A record (note, task, attachment) of a case the user may act on; a record of another case is 404."""
    case = case_for_user(user, case_uuid, action=action)
    try:
        return case, model.objects.select_related("case").get(case=case, uuid=record_uuid)
    except (model.DoesNotExist, ValueError, TypeError, ValidationError):
        raise Http404 from None
