"""The one case policy: who may do what with which cases, seeing which field groups.

Every page, API view, export, search, filter, count, duplicate check, task and command asks
here, in two shapes (Wagtail's permission-policy shape):

- one case: ``case_for_user(user, case_id, *, action)`` fetches the row by its id, then asks
  ``case_access`` about that row and its grants (never the whole visible set): an invisible or
  unknown case is 404, a visible case without the right is 403. Records of a case have their
  own lookups in the same family (``note_for_user``, ``task_for_user``, ``attachment_for_user``).
- many cases: ``cases_for_user(user, *, action, group, scope)`` is a ``CaseSet``: disjoint parts
  (own organization; shared with its role group or the user by name), each a plain indexed
  query, paged and counted as a UNION ALL, never as an OR of subqueries.

A request resolves its user once into an ``Actor`` (organization, role, capabilities, role
group); the policy reads the actor, never the user again.

Own organization: a role's capabilities are django-guardian object permissions on the
Organization row, granted to the organization's role groups (orgs/capabilities.py, tunable per
organization): which cases (SEE_*), which field groups, which actions.

Other organizations' cases: a share grants ``view_case`` plus ``view_case_<group>`` per shared
group, as guardian rows on the case for the recipient's role groups (or one named person, a
referral's assignee). Each row ends at the earlier of the share's end and its consent's end, and
a withdrawal deletes it: comparing that end with the clock on every read is what keeps a share
from outliving its consent, whether or not the sweep has run. A recipient sees the shared groups
its own organization lets its role see, and may add notes and open documents when those groups
are shared and its role may do so at home.

Members of suspended or unvetted organizations, deactivated users, org admins and platform admins
get nothing (orgs.access.member_role). Erased cases are gone from every list and lookup.
"""

from __future__ import annotations

import contextlib
import contextvars
import enum
from dataclasses import dataclass
from functools import cached_property

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from casehub.grants import VIEW_CASE, CaseGroupObjectPermission, CaseUserObjectPermission
from casehub.grants import group_codename as share_group_codename
from casehub.models import Case, CaseAttachment, CaseErasure, CaseNote, CaseTask
from orgs import capabilities, fieldgroups
from orgs.access import member_role
from orgs.models import OrganizationGroupObjectPermission, OrgRoleGroup, Role


class CaseAction(enum.StrEnum):
    VIEW = "view"
    EDIT = "edit"  # survivor details, coded details, needs (each field within the viewer's groups)
    NOTE = "note"  # add notes; edit one's own notes
    TASK = "task"  # add tasks, mark them done, move them
    VIEW_TASKS = "view_tasks"  # read the owner's tasks (their titles count as case details)
    DOCUMENT = "document"  # upload documents
    DOWNLOAD = "download"  # open a document's decrypted file
    EXPORT = "export"  # data-subject export
    ASSIGN = "assign"
    RESTRICT = "restrict"
    CLOSE = "close"  # close and reopen
    ERASE = "erase"
    CONSENT = "consent"  # record and withdraw the survivor's consent
    SHARE = "share"  # share, revoke, emergency overrides
    TRANSFER = "transfer"  # hand the case to another organization


# An action that reads or writes one field group needs that group in the viewer's scope.
ACTION_NEEDS = {
    CaseAction.NOTE: fieldgroups.NOTES,
    CaseAction.TASK: fieldgroups.CASE_DETAILS,
    CaseAction.VIEW_TASKS: fieldgroups.CASE_DETAILS,
    CaseAction.DOCUMENT: fieldgroups.DOCUMENTS,
    CaseAction.DOWNLOAD: fieldgroups.DOCUMENTS,
}
# What a recipient may do with a shared case (the owner's own work never travels), and the
# capability its role needs for it at home.
SHARED_ACTIONS = {
    CaseAction.VIEW: None,
    CaseAction.NOTE: capabilities.ACTION_CODENAMES["note"],
    CaseAction.DOWNLOAD: capabilities.ACTION_CODENAMES["document"],
}
WORKING_ROLES = frozenset({Role.CASEWORKER, Role.COORDINATOR})


class Scope(enum.StrEnum):
    ALL = "all"  # every case the user may open
    ORGANIZATION = "organization"  # their organization's
    ASSIGNED = "assigned"  # their organization's, assigned to them
    SHARED = "shared"  # other organizations', shared with them


@dataclass(frozen=True)
class CaseAccess:
    actions: frozenset
    groups: frozenset
    shared: bool = False  # through a share: the user's organization does not own the case


NO_ACCESS = CaseAccess(frozenset(), frozenset())


# The actor ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Actor:
    """A user resolved once: organization, role, capabilities and role group (empty: no case access)."""

    user_id: int | None = None
    organization_id: int | None = None
    role: str | None = None
    capabilities: frozenset = frozenset()
    role_group_id: int | None = None

    @property
    def works_cases(self) -> bool:
        return self.role in WORKING_ROLES

    @cached_property
    def own_groups(self) -> frozenset:
        """The field groups of its organization's cases the role may see."""
        return frozenset(g for g in fieldgroups.ALL if capabilities.group_codename(g) in self.capabilities)

    @cached_property
    def own_access(self) -> CaseAccess:
        """What the role may do with its organization's cases that it sees."""
        groups = self.own_groups
        actions = {CaseAction.VIEW, CaseAction.VIEW_TASKS, CaseAction.DOWNLOAD}
        actions |= {
            CaseAction(capabilities.ACTION_OF_CODENAME[c])
            for c in self.capabilities
            if c in capabilities.ACTION_OF_CODENAME
        }
        if CaseAction.DOCUMENT not in actions:
            actions.discard(CaseAction.DOWNLOAD)
        return CaseAccess(_within(actions, groups), groups)

    def shared_access(self, shared_groups) -> CaseAccess:
        """What the role may do with a case shared with it, the share covering ``shared_groups``."""
        shared_groups = frozenset(shared_groups)
        known = self._shared_accesses  # a page's shared cases come in a few shapes: work each out once
        if shared_groups not in known:
            known[shared_groups] = self._shared_access(shared_groups)
        return known[shared_groups]

    @cached_property
    def _shared_accesses(self) -> dict:
        return {}

    def _shared_access(self, shared_groups: frozenset) -> CaseAccess:
        groups = shared_groups & self.own_groups
        actions = {
            action for action, codename in SHARED_ACTIONS.items() if codename is None or codename in self.capabilities
        }
        return CaseAccess(_within(actions, groups), groups, shared=True)


NOBODY = Actor()


def _within(actions, groups) -> frozenset:
    return frozenset(action for action in actions if ACTION_NEEDS.get(action) in {None, *groups})


# One resolution per request: RequestIdMiddleware opens this cache, keyed by user id.
_actors: contextvars.ContextVar[dict | None] = contextvars.ContextVar("casehub_actors", default=None)


@contextlib.contextmanager
def actors_resolved_once():
    """Within this block (one request), each user is resolved into an actor once."""
    token = _actors.set({})
    try:
        yield
    finally:
        _actors.reset(token)


def actor_for(user) -> Actor:
    """The user as the case policy sees them (one or two queries, once per request)."""
    if isinstance(user, Actor):
        return user
    cache = _actors.get()
    key = getattr(user, "pk", None)
    if cache is not None and key in cache:
        return cache[key]
    actor = _resolve(user)
    if cache is not None and key is not None:
        cache[key] = actor
    return actor


def _resolve(user) -> Actor:
    role = member_role(user)
    if role is None:
        return NOBODY
    membership = user.membership
    rows = list(
        OrganizationGroupObjectPermission.objects.filter(
            content_object_id=membership.organization_id,
            group__org_role__organization_id=membership.organization_id,
            group__org_role__role=role,
        ).values_list("group_id", "permission__codename")
    )
    if rows:
        group_id = rows[0][0]
    else:
        group_id = (
            OrgRoleGroup.objects.filter(organization_id=membership.organization_id, role=role)
            .values_list("group_id", flat=True)
            .first()
        )
    return Actor(
        user_id=user.pk,
        organization_id=membership.organization_id,
        role=role,
        capabilities=frozenset(codename for _group, codename in rows),
        role_group_id=group_id,
    )


def may_create_cases(user) -> bool:
    return actor_for(user).works_cases


def org_capabilities(user) -> frozenset[str]:
    """The capabilities the user's role has on their own organization (empty for non-members)."""
    return actor_for(user).capabilities


# Many cases --------------------------------------------------------------------------------------


class CaseSet:
    """Cases as disjoint parts (no case is in two), so that a page is a UNION ALL of parts each cut
    to the page first, and a count the sum of the parts' counts."""

    def __init__(self, parts: list[QuerySet]):
        self.parts = parts

    def filter(self, *args, **kwargs) -> CaseSet:
        return CaseSet([part.filter(*args, **kwargs) for part in self.parts])

    def exclude(self, *args, **kwargs) -> CaseSet:
        return CaseSet([part.exclude(*args, **kwargs) for part in self.parts])

    def annotate(self, **kwargs) -> CaseSet:
        return CaseSet([part.annotate(**kwargs) for part in self.parts])

    def q(self, field: str = "pk") -> Q:
        """The set as a condition on ``field`` (a case id: ``pk`` here, ``case_id`` on a case's records)."""
        if not self.parts:
            return Q(**{f"{field}__in": []})
        condition = Q(**{f"{field}__in": self.parts[0].values("pk")})
        for part in self.parts[1:]:
            condition |= Q(**{f"{field}__in": part.values("pk")})
        return condition

    def queryset(self) -> QuerySet[Case]:
        """One queryset of the set (an OR of the parts): for small filtered sets and lookups only."""
        return Case.objects.filter(self.q())

    def page(self, *, order=("-updated_at", "-id"), limit: int = 25, offset: int = 0, after: tuple | None = None):
        """Cases ``offset`` to ``offset + limit`` in ``order``; or, with ``after`` (the order fields'
        values of the last case seen, all fields descending), the ``limit`` cases after it."""
        parts = self.parts
        if after is not None:
            parts = [part.filter(_after(order, after)) for part in parts]
        if not parts:
            return []
        if len(parts) == 1:
            return list(parts[0].order_by(*order)[offset : offset + limit])
        if connection.features.supports_slicing_ordering_in_compound:
            parts = [part.order_by(*order)[: offset + limit] for part in parts]
        else:  # SQLite: the parts unordered, the union ordered and cut
            parts = [part.order_by() for part in parts]
        return list(parts[0].union(*parts[1:], all=True).order_by(*order)[offset : offset + limit])

    def count(self) -> int:
        """How many: the sum of the disjoint parts' counts, in one query."""
        if len(self.parts) < 2:
            return sum(part.count() for part in self.parts)
        counted = [part.order_by().values("pk").query.sql_with_params() for part in self.parts]
        # The parts' own compiled SQL, with their parameters passed separately: nothing user-supplied is spliced.
        total = " + ".join(f"(SELECT COUNT(*) FROM ({sql}) AS part_{i})" for i, (sql, _params) in enumerate(counted))  # noqa: S608
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {total}", [param for _sql, params in counted for param in params])  # noqa: S608
            return cursor.fetchone()[0]

    def ids(self) -> set[int]:
        return {pk for part in self.parts for pk in part.values_list("pk", flat=True)}


def _after(order, values) -> Q:
    """Keyset condition: rows after ``values`` in ``order`` (every field descending)."""
    names = [field.lstrip("-") for field in order]
    condition = Q()
    for index, name in enumerate(names):
        step = Q(**{f"{name}__lt": values[index]})
        for previous, value in zip(names[:index], values[:index], strict=True):
            step &= Q(**{previous: value})
        condition |= step
    return condition


def _needed_groups(action: CaseAction, group: str | None) -> set[str]:
    needed = {group} if group else set()
    if action in ACTION_NEEDS:
        needed.add(ACTION_NEEDS[action])
    return needed


def _own_condition(actor: Actor, action: CaseAction, needed: set[str]) -> Q | None:
    access = actor.own_access
    if action not in access.actions or not needed <= access.groups:
        return None
    mine = Q(organization_id=actor.organization_id)
    caps = actor.capabilities
    if capabilities.SEE_ALL in caps:
        return mine
    if capabilities.SEE_UNRESTRICTED in caps:
        return mine & (_assigned(actor) | Q(restricted=False))
    if capabilities.SEE_ASSIGNED in caps:
        return mine & _assigned(actor)
    return None


def _assigned(actor: Actor) -> Q:
    return Q(pk__in=Case.assigned_caseworkers.through.objects.filter(user_id=actor.user_id).values("case_id"))


def _live(rows, now):
    return rows.filter(permission__content_type=ContentType.objects.get_for_model(Case), expires_at__gt=now)


def _group_grants(actor: Actor, codename: str, now) -> QuerySet:
    return _live(
        CaseGroupObjectPermission.objects.filter(group_id=actor.role_group_id, permission__codename=codename), now
    )


def _user_grants(actor: Actor, codename: str, now) -> QuerySet:
    return _live(CaseUserObjectPermission.objects.filter(user_id=actor.user_id, permission__codename=codename), now)


def _shared_part(actor: Actor, alive: QuerySet, action: CaseAction, needed: set[str]) -> QuerySet | None:
    """Other organizations' cases with live grants to the role group or to the user by name (one
    IN over a UNION ALL of the two grant tables: no OR of subqueries)."""
    if action not in actor.shared_access(fieldgroups.ALL).actions or not needed <= actor.own_groups:
        return None
    now = timezone.now()
    shared = alive.exclude(organization_id=actor.organization_id)
    for codename in [share_group_codename(group) for group in sorted(needed)] or [VIEW_CASE]:
        granted = _group_grants(actor, codename, now).values("content_object_id")
        granted = granted.union(_user_grants(actor, codename, now).values("content_object_id"), all=True)
        shared = shared.filter(pk__in=granted)
    return shared


def cases_for_user(
    user, *, action: CaseAction = CaseAction.VIEW, group: str | None = None, scope: str = Scope.ALL
) -> CaseSet:
    """The cases the user may do ``action`` with (seeing ``group``, when given: for searches and
    filters on a group's fields, which must not find what the user could not read)."""
    actor = actor_for(user)
    if not actor.works_cases:
        return CaseSet([])
    alive = Case.objects.filter(data_key_wrapped__isnull=False)
    needed = _needed_groups(action, group)
    parts = []
    if scope in (Scope.ALL, Scope.ORGANIZATION, Scope.ASSIGNED):
        own = _own_condition(actor, action, needed)
        if own is not None:
            parts.append(alive.filter(own) if scope != Scope.ASSIGNED else alive.filter(own & _assigned(actor)))
    shared = _shared_part(actor, alive, action, needed) if scope in (Scope.ALL, Scope.SHARED) else None
    if shared is not None:
        parts.append(shared)
    return CaseSet(parts)


# One case ----------------------------------------------------------------------------------------


def case_accesses(user, cases) -> dict[int, CaseAccess]:
    """What the user may do with each of these cases, and which field groups they see (few queries)."""
    cases = list(cases)
    actor = actor_for(user)
    if not actor.works_cases or not cases:
        return {case.pk: NO_ACCESS for case in cases}
    own = [case for case in cases if case.organization_id == actor.organization_id]
    others = [case.pk for case in cases if case.organization_id != actor.organization_id]
    result = {}
    if own:
        # A role that sees every case of its organization needs no assignment to see one.
        assigned = set()
        if capabilities.SEE_ALL not in actor.capabilities:
            assigned = set(
                Case.assigned_caseworkers.through.objects.filter(
                    user_id=actor.user_id, case_id__in=[case.pk for case in own]
                ).values_list("case_id", flat=True)
            )
        access = actor.own_access
        for case in own:
            result[case.pk] = access if _sees_own(actor, case, case.pk in assigned) else NO_ACCESS
    if others:
        now = timezone.now()
        codenames: dict[int, set[str]] = {}
        columns = ("content_object_id", "permission__codename")
        by_group = CaseGroupObjectPermission.objects.filter(group_id=actor.role_group_id, content_object_id__in=others)
        by_name = CaseUserObjectPermission.objects.filter(user_id=actor.user_id, content_object_id__in=others)
        rows = _live(by_group, now).values_list(*columns).union(_live(by_name, now).values_list(*columns), all=True)
        for case_id, codename in rows:
            codenames.setdefault(case_id, set()).add(codename)
        for case_id in others:
            granted = codenames.get(case_id, set())
            if VIEW_CASE not in granted:
                result[case_id] = NO_ACCESS
                continue
            shared_groups = {group for group in fieldgroups.ALL if share_group_codename(group) in granted}
            result[case_id] = actor.shared_access(shared_groups)
    for case in cases:
        if case.data_key_wrapped is None:
            result[case.pk] = NO_ACCESS
    return result


def _sees_own(actor: Actor, case: Case, assigned: bool) -> bool:
    caps = actor.capabilities
    if capabilities.SEE_ALL in caps:
        return True
    if capabilities.SEE_UNRESTRICTED in caps and not case.restricted:
        return True
    return (capabilities.SEE_ASSIGNED in caps or capabilities.SEE_UNRESTRICTED in caps) and assigned


def case_access(user, case: Case) -> CaseAccess:
    """What the user may do with one case; reused when the case was fetched for this user."""
    actor = actor_for(user)
    if getattr(case, "access_actor", None) == actor:
        return case.access
    return case_accesses(actor, [case])[case.pk]


def case_actions(user, case: Case) -> frozenset[CaseAction]:
    """What the user may do with a case (empty when they may not see it)."""
    return case_access(user, case).actions


def case_field_groups(user, case: Case) -> frozenset[str]:
    """The field groups of a case the user may see."""
    return case_access(user, case).groups


def case_for_user(user, case_id, *, action: CaseAction = CaseAction.VIEW, group: str | None = None) -> Case:
    """The case if the user may do ``action`` with it (seeing ``group``, when given): an invisible or
    unknown case is 404, a visible case without the right is 403. The case carries its ``access``
    for the rest of the request."""
    actor = actor_for(user)
    if not actor.works_cases:
        raise Http404
    try:
        case = Case.objects.select_related("organization").get(uuid=case_id, data_key_wrapped__isnull=False)
    except (Case.DoesNotExist, ValueError, TypeError, ValidationError):
        raise Http404 from None
    case.access = case_accesses(actor, [case])[case.pk]
    case.access_actor = actor
    if CaseAction.VIEW not in case.access.actions:
        raise Http404
    if action not in case.access.actions or (group is not None and group not in case.access.groups):
        raise PermissionDenied
    return case


def _record_for_user(user, model, case_id, record_id, *, action: CaseAction, group: str | None = None):
    case = case_for_user(user, case_id, action=action, group=group)
    try:
        record = model.objects.get(case=case, uuid=record_id)
    except (model.DoesNotExist, ValueError, TypeError, ValidationError):
        raise Http404 from None
    record.case = case
    return case, record


def note_for_user(user, case_id, note_id, *, action: CaseAction = CaseAction.VIEW) -> tuple[Case, CaseNote]:
    """A note of a case the user may act on. To edit it (action NOTE), it must be their own: 403 otherwise."""
    case, note = _record_for_user(user, CaseNote, case_id, note_id, action=action, group=fieldgroups.NOTES)
    if action == CaseAction.NOTE and note.author_id != actor_for(user).user_id:
        raise PermissionDenied
    return case, note


def task_for_user(user, case_id, task_id, *, action: CaseAction = CaseAction.TASK) -> tuple[Case, CaseTask]:
    return _record_for_user(user, CaseTask, case_id, task_id, action=action)


def attachment_for_user(
    user, case_id, attachment_id, *, action: CaseAction = CaseAction.DOWNLOAD
) -> tuple[Case, CaseAttachment]:
    return _record_for_user(user, CaseAttachment, case_id, attachment_id, action=action)


def erasure_for_user(user, case_id, erasure_id) -> CaseErasure:
    """An erasure request of a case the user may erase; one of another case (or none) is 404."""
    return _record_for_user(user, CaseErasure, case_id, erasure_id, action=CaseAction.ERASE)[1]
