"""Who may see and do what with cases: the one module every page, API view, task and admin uses.

Own organization: what a role may do is a set of capabilities, django-guardian object
permissions on the organization row granted to the organization's role groups
(orgs/capabilities.py; tunable per organization). By default a coordinator has every capability
on every case; a caseworker sees and works on the cases assigned to them (or every unrestricted
case when the organization says so); org admins and platform admins see no case content.

Other organizations' cases: a share (sharing.CaseShare) grants the recipient's caseworker and
coordinator groups ``view_case`` plus ``view_case_<group>`` per shared field group, as guardian
rows on the case that carry the share's expiry. Expiry is checked here on every read, so a late
clean-up task never leaks. Recipients may view, and add notes when the share covers notes.

Members of suspended or unvetted organizations, deactivated users and platform admins get
nothing (orgs.access.member_role is None for them). Erased cases are gone from every list and
lookup. The visible cases are two disjoint parts (own organization, shared with it), so lists
run as a UNION ALL of index-ordered parts (visible_cases_page), never as an OR of subqueries.
"""

import enum
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from casehub import fieldgroups
from casehub.models import Case, CaseNote
from orgs import capabilities
from orgs.access import member_role
from orgs.models import OrganizationGroupObjectPermission, OrgRoleGroup, Role
from sharing.models import VIEW_CASE, CaseGroupObjectPermission
from sharing.models import group_codename as share_group_codename


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
    CONSENT = "consent"  # record and withdraw the survivor's consent
    SHARE = "share"  # share, revoke, emergency overrides
    TRANSFER = "transfer"  # hand the case to another organization


@dataclass(frozen=True)
class CaseAccess:
    actions: frozenset
    groups: frozenset
    shared: bool = False  # through a share: the user's organization does not own the case


NO_ACCESS = CaseAccess(frozenset(), frozenset())
WORKING_ROLES = {Role.CASEWORKER, Role.COORDINATOR}


def may_create_cases(user) -> bool:
    return member_role(user) in WORKING_ROLES


def org_capabilities(user) -> frozenset[str]:
    """The capabilities the user's role has on their own organization (empty for non-members)."""
    if member_role(user) is None:
        return frozenset()
    return frozenset(codename for _group, codename in _own_grants(user))


def _own_grants(user) -> list[tuple[int, str]]:
    """(role group id, capability codename) of the user's role on their own organization."""
    membership = user.membership
    return list(
        OrganizationGroupObjectPermission.objects.filter(
            content_object_id=membership.organization_id,
            group__org_role__organization_id=membership.organization_id,
            group__org_role__role=membership.role,
        ).values_list("group_id", "permission__codename")
    )


def _capabilities_and_group(user) -> tuple[frozenset[str], int | None]:
    """org_capabilities and the id of the user's role group, in one query when the role has any
    capability (lists then filter grants on a plain group id: a simpler plan than a subquery)."""
    rows = _own_grants(user)
    if rows:
        return frozenset(codename for _group, codename in rows), rows[0][0]
    return frozenset(), _role_group_ids(user).first()


def _role_group_ids(user) -> QuerySet:
    membership = user.membership
    return OrgRoleGroup.objects.filter(organization_id=membership.organization_id, role=membership.role).values_list(
        "group_id", flat=True
    )


def _assigned(user) -> Q:
    return Q(pk__in=Case.assigned_caseworkers.through.objects.filter(user=user).values("case_id"))


def _own_q(user, caps, group: str | None) -> Q | None:
    if group is not None and capabilities.group_codename(group) not in caps:
        return None
    mine = Q(organization_id=user.membership.organization_id)
    if capabilities.SEE_ALL in caps:
        return mine
    if capabilities.SEE_UNRESTRICTED in caps:
        return mine & (_assigned(user) | Q(restricted=False))
    if capabilities.SEE_ASSIGNED in caps:
        return mine & _assigned(user)
    return None


def _grants(user, codename: str, group_id: int | None = None) -> QuerySet[CaseGroupObjectPermission]:
    """The user's role group's live share grants of one permission (expiry checked here)."""
    return CaseGroupObjectPermission.objects.filter(
        Q(group_id__in=_role_group_ids(user)) if group_id is None else Q(group_id=group_id),
        permission__content_type=ContentType.objects.get_for_model(Case),
        permission__codename=codename,
        expires_at__gt=timezone.now(),
    )


def _shared_q(user, group: str | None, caps: frozenset[str], group_id: int | None = None) -> Q:
    if group is not None and capabilities.group_codename(group) not in caps:
        return Q(pk__in=[])  # the user's own organization hides this group from their role
    codename = VIEW_CASE if group is None else share_group_codename(group)
    return Q(pk__in=_grants(user, codename, group_id).values("content_object_id")) & ~Q(
        organization_id=user.membership.organization_id
    )


def visible_case_parts(user, *, group: str | None = None) -> list[QuerySet[Case]]:
    """The cases the user may open as disjoint parts: their organization's, then those shared with it.

    With ``group``, only cases whose ``group`` fields the user may see (for filters and searches
    on those fields, which must not find what the user could not read).
    """
    if member_role(user) not in WORKING_ROLES:
        return []
    alive = Case.objects.filter(data_key_wrapped__isnull=False)
    caps, group_id = _capabilities_and_group(user)
    own = _own_q(user, caps, group)
    parts = [] if own is None else [alive.filter(own)]
    return [*parts, alive.filter(_shared_q(user, group, caps, group_id))]


def cases_visible_to(user, *, group: str | None = None) -> QuerySet[Case]:
    """Every case the user may open (not erased), as one filterable queryset (for lookups)."""
    if member_role(user) not in WORKING_ROLES:
        return Case.objects.none()
    caps = org_capabilities(user)
    own = _own_q(user, caps, group)
    shared = _shared_q(user, group, caps)
    return Case.objects.filter(data_key_wrapped__isnull=False).filter(shared if own is None else own | shared)


def cases_shared_with(user) -> QuerySet[Case]:
    """The other organizations' cases shared with the user's organization that the user may open."""
    if member_role(user) not in WORKING_ROLES:
        return Case.objects.none()
    return Case.objects.filter(data_key_wrapped__isnull=False).filter(_shared_q(user, None, frozenset()))


def cases_assigned_to(user) -> QuerySet[Case]:
    if member_role(user) not in WORKING_ROLES:
        return Case.objects.none()
    return Case.objects.filter(data_key_wrapped__isnull=False, organization_id=user.membership.organization_id).filter(
        _assigned(user)
    )


def visible_cases_page(user, *, order=("-updated_at", "-id"), limit: int = 25, offset: int = 0, parts=None):
    """One page of the visible cases: a UNION ALL of the parts, each cut to the page first."""
    parts = visible_case_parts(user) if parts is None else parts
    if not parts:
        return []
    if connection.features.supports_slicing_ordering_in_compound:
        parts = [part.order_by(*order)[: offset + limit] for part in parts]
    if len(parts) == 1:
        return list(parts[0].order_by(*order)[offset : offset + limit])
    return list(parts[0].union(*parts[1:], all=True).order_by(*order)[offset : offset + limit])


def visible_cases_count(user, *, parts=None) -> int:
    """How many cases the user may open: the sum of the disjoint parts' counts, in one query."""
    parts = visible_case_parts(user) if parts is None else parts
    if len(parts) < 2:
        return sum(part.count() for part in parts)
    counted = [part.order_by().values("pk").query.sql_with_params() for part in parts]
    # The parts' own compiled SQL, with their parameters passed separately: nothing user-supplied is spliced.
    total = " + ".join(f"(SELECT COUNT(*) FROM ({sql}) AS part_{i})" for i, (sql, _params) in enumerate(counted))  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {total}", [param for _sql, params in counted for param in params])  # noqa: S608
        return cursor.fetchone()[0]


def _own_access(caps: frozenset[str]) -> CaseAccess:
    actions = {CaseAction.VIEW}
    actions |= {CaseAction(capabilities.ACTION_OF_CODENAME[c]) for c in caps if c in capabilities.ACTION_OF_CODENAME}
    groups = {group for group in fieldgroups.ALL if capabilities.group_codename(group) in caps}
    return CaseAccess(frozenset(actions), frozenset(groups))


def _shared_access(codenames, caps: frozenset[str]) -> CaseAccess:
    """A share's groups, within what the user's own organization lets their role see."""
    if VIEW_CASE not in codenames:
        return NO_ACCESS
    groups = frozenset(
        group
        for group in fieldgroups.ALL
        if share_group_codename(group) in codenames and capabilities.group_codename(group) in caps
    )
    actions = {CaseAction.VIEW} | ({CaseAction.NOTE} if fieldgroups.NOTES in groups else set())
    return CaseAccess(frozenset(actions), groups, shared=True)


def _sees_own(user, caps, case: Case, assigned: bool) -> bool:
    if capabilities.SEE_ALL in caps:
        return True
    if capabilities.SEE_UNRESTRICTED in caps and not case.restricted:
        return True
    return (capabilities.SEE_ASSIGNED in caps or capabilities.SEE_UNRESTRICTED in caps) and assigned


def case_accesses(user, cases) -> dict[int, CaseAccess]:
    """What the user may do with each of these cases, and which field groups they see (few queries)."""
    cases = list(cases)
    if member_role(user) not in WORKING_ROLES or not cases:
        return {case.pk: NO_ACCESS for case in cases}
    organization_id = user.membership.organization_id
    own = [case for case in cases if case.organization_id == organization_id]
    others = [case.pk for case in cases if case.organization_id != organization_id]
    result = {}
    caps = org_capabilities(user)
    if own:
        assigned = set(
            Case.assigned_caseworkers.through.objects.filter(
                user=user, case_id__in=[case.pk for case in own]
            ).values_list("case_id", flat=True)
        )
        access = _own_access(caps)
        for case in own:
            result[case.pk] = access if _sees_own(user, caps, case, case.pk in assigned) else NO_ACCESS
    if others:
        codenames: dict[int, set[str]] = {}
        membership = user.membership
        rows = CaseGroupObjectPermission.objects.filter(
            group_id__in=OrgRoleGroup.objects.filter(
                organization_id=membership.organization_id, role=membership.role
            ).values("group_id"),
            content_object_id__in=others,
            expires_at__gt=timezone.now(),
        ).values_list("content_object_id", "permission__codename")
        for case_id, codename in rows:
            codenames.setdefault(case_id, set()).add(codename)
        for case_id in others:
            result[case_id] = _shared_access(codenames.get(case_id, set()), caps)
    for case in cases:
        if case.data_key_wrapped is None:
            result[case.pk] = NO_ACCESS
    return result


def case_access(user, case: Case) -> CaseAccess:
    return case_accesses(user, [case])[case.pk]


def case_actions(user, case: Case) -> frozenset[CaseAction]:
    """What the user may do with a case (empty when they may not see it)."""
    return case_access(user, case).actions


def case_field_groups(user, case: Case) -> frozenset[str]:
    """The field groups of a case the user may see."""
    return case_access(user, case).groups


def case_for_user(user, case_uuid, *, action: CaseAction = CaseAction.VIEW) -> Case:
    """The case if the user may do `action` with it: an invisible or unknown case is 404, a visible
    case without the right is 403. The case carries its ``access`` for the rest of the request."""
    try:
        case = cases_visible_to(user).select_related("organization").get(uuid=case_uuid)
    except (Case.DoesNotExist, ValueError, TypeError, ValidationError):
        raise Http404 from None
    case.access = case_access(user, case)
    if action not in case.access.actions:
        raise PermissionDenied
    return case


def record_for_user(user, model, case_uuid, record_uuid, *, action: CaseAction = CaseAction.VIEW):
    """A record (note, task, attachment) of a case the user may act on; a record of another case is 404."""
    case = case_for_user(user, case_uuid, action=action)
    try:
        return case, model.objects.select_related("case").get(case=case, uuid=record_uuid)
    except (model.DoesNotExist, ValueError, TypeError, ValidationError):
        raise Http404 from None


def note_for_author(user, case_uuid, note_uuid) -> CaseNote:
    """A note the user may edit: their own, on a case where they may add notes; another's note is 403."""
    _case, note = record_for_user(user, CaseNote, case_uuid, note_uuid, action=CaseAction.NOTE)
    if note.author_id != user.pk:
        raise PermissionDenied
    return note
