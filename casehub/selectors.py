"""The read functions of cases: one per operation, called alike by the pages and the API.

Lists and filters (``case_list``), search by name, phone, document or case number
(``case_search``), the rows a list shows (``case_rows``), tasks due, recent activity. Every read
starts from the one case policy (casehub.access): the cases come from ``cases_for_user`` and what
is shown of each from its ``CaseAccess``, so a page and an API view cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Case as SqlCase
from django.db.models import IntegerField, Max, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.models import AuditEvent
from casehub import labels, search
from casehub.access import CaseAccess, CaseAction, CaseSet, Scope, actor_for, case_accesses, cases_for_user
from casehub.crypto.blind_index import blind_index_search, normalize_document, normalize_text
from casehub.crypto.fields import with_data_key_owner, with_data_keys
from casehub.grants import CaseShare
from casehub.models import (
    Case,
    CaseAttachment,
    CaseEvent,
    CaseNote,
    CaseTask,
    NameKind,
    SearchTerm,
    SurvivorDocument,
    SurvivorName,
)
from casehub.services import ENCRYPTED_FIELDS, cases_listed_by_groups
from orgs import capabilities, fieldgroups
from orgs.models import Organization

EVENT_LABELS = {
    "created": _("Case opened"),
    "updated": _("Details changed"),
    "assigned": _("Assignment changed"),
    "restricted": _("Restricted"),
    "unrestricted": _("Restriction lifted"),
    "closed": _("Closed"),
    "reopened": _("Reopened"),
    "note_added": _("Note added"),
    "note_edited": _("Note edited"),
    "task_added": _("Task added"),
    "task_done": _("Task done"),
    "task_reopened": _("Task marked not done"),
    "task_updated": _("Task changed"),
    "task_deleted": _("Task removed"),
    "attachment_added": _("Document added"),
    "transferred": _("Transferred from another organization"),
}

SORTS = {
    "updated": ("-updated_at", "-id"),
    "created": ("-created_at", "-id"),
    "number": ("case_number", "id"),
    "risk": ("-risk_rank", "-updated_at", "-id"),
}
RISK_RANK = {"low": 0, "medium": 1, "high": 2, "immediate": 3}
# A list reads every column of a case but its encrypted fields (only() compiles faster than defer()).
LISTED_COLUMNS = [field.name for field in Case._meta.concrete_fields if field.name not in ENCRYPTED_FIELDS]
_SEARCH_COLUMNS = (
    "uuid",
    "case_id",
    "value",
    "value_index",
    "case__uuid",
    "case__organization_id",
    "case__data_key_id",
    "case__data_key_master_id",
    "case__data_key_wrapped",
)


def may_see_all_cases(user) -> bool:
    """Whether the "all organization cases" tab is offered to the user."""
    return bool(actor_for(user).capabilities & {capabilities.SEE_ALL, capabilities.SEE_UNRESTRICTED})


# Search ------------------------------------------------------------------------------------------


def case_search(
    user, *, name: str = "", phone: str = "", document: str = "", email: str = "", case_number: str = "", text: str = ""
) -> CaseSet:
    """The user's organization's cases they may open that match every criterion given: a name
    (every word of it found among the case's names, by spelling or by sound, in any order), a
    phone number (its national number), an identity document number, an e-mail address, a case
    number. ``text`` matches any one of these, as a caseworker types into one search box.

    Each kind is searched only among cases whose group (identity for names and documents, contact
    for phones and e-mail) the user may read: a search finds nothing the user could not have read.
    Blind indexes are per organization, so other organizations' cases are never searched
    (casehub/search.py says how terms are made)."""
    actor = actor_for(user)
    found = cases_for_user(actor, scope=Scope.ORGANIZATION)
    if not actor.works_cases or not found.parts:
        return CaseSet([])
    if text.strip():
        return found.filter(pk__in=_any_matching(actor, found, text.strip()))
    criteria = {
        "name": name,
        "phone": phone,
        "document": document,
        "email": email,
        "case_number": case_number,
    }
    for kind, value in criteria.items():
        if value.strip():
            found = found.filter(pk__in=_MATCHERS[kind](actor, found, value.strip()))
    return found


def _any_matching(actor, found: CaseSet, text: str) -> set[int]:
    kinds = ["case_number", "document"]
    if "@" in text:
        kinds.append("email")
    elif any(c.isalpha() for c in text):
        kinds.append("name")
    else:
        kinds.append("phone")
    return set().union(*(_MATCHERS[kind](actor, found, text) for kind in kinds))


def _name_matching(actor, found, text: str) -> set[int]:
    words = dict.fromkeys(search.name_words(text))
    return _cases_with_terms(actor, fieldgroups.IDENTITY, [search.word_terms(word) for word in words])


def _phone_matching(actor, found, text: str) -> set[int]:
    country = Organization.objects.values_list("country", flat=True).get(pk=actor.organization_id)
    digits = search.national_number(text, country)
    return _cases_with_terms(actor, fieldgroups.CONTACT, [{f"{search.PHONE}:{digits}"}]) if digits else set()


def _email_matching(actor, found, text: str) -> set[int]:
    term = search.email_term(text)
    return _cases_with_terms(actor, fieldgroups.CONTACT, [{term}]) if term else set()


def _document_matching(actor, found, text: str) -> set[int]:
    own = _searchable(actor, fieldgroups.IDENTITY)
    if own is None or not normalize_document(text):
        return set()
    candidates = SurvivorDocument.objects.filter(case__in=own.values("pk")).only(*_SEARCH_COLUMNS)
    organization = Organization(pk=actor.organization_id)
    rows = blind_index_search(candidates, index="value_index", value=text, organization=organization)
    return {row.case_id for row in rows}


def _case_number_matching(actor, found, text: str) -> set[int]:
    return set(found.filter(case_number__iexact=text).ids())


_MATCHERS = {
    "name": _name_matching,
    "phone": _phone_matching,
    "document": _document_matching,
    "email": _email_matching,
    "case_number": _case_number_matching,
}


def _searchable(actor, group: str):
    """The queryset of the organization's cases whose ``group`` the actor may read (None: none)."""
    among = cases_for_user(actor, group=group, scope=Scope.ORGANIZATION)
    if not among.parts:
        return None
    (own,) = among.parts
    return own


def _cases_with_terms(actor, group: str, wanted: list[set[str]]) -> set[int]:
    """Ids of the cases, readable in ``group``, that have a term of every set in ``wanted``.

    One query narrows by index values alone, in the organization's range of the searchterm_lookup
    index (ids only, nothing decrypted): the cases holding an index value of every set. Only
    those the actor may read in ``group`` then have their matching terms decrypted, which drops
    the false positives of truncation."""
    own = _searchable(actor, group)
    if own is None or not wanted:
        return set()
    field = SearchTerm._meta.get_field("value_index")
    index_sets = [set().union(*(field.candidates(term, actor.organization_id) for term in terms)) for terms in wanted]
    terms = SearchTerm.objects.filter(organization_id=actor.organization_id, value_index__in=set().union(*index_sets))
    holds = {
        f"holds_{i}": Max(SqlCase(When(value_index__in=values, then=Value(1)), default=Value(0)))
        for i, values in enumerate(index_sets)
    }
    narrowed = terms.values("case_id").annotate(**holds).filter(**dict.fromkeys(holds, 1))
    ids = set(narrowed.values_list("case_id", flat=True))
    if not ids:
        return set()
    held: dict[int, set[str]] = {}
    readable = terms.filter(case_id__in=ids).filter(case__in=own.values("pk"))
    for row in with_data_key_owner(readable.only(*_SEARCH_COLUMNS)):
        held.setdefault(row.case_id, set()).add(normalize_text(row.value))
    asked = [{normalize_text(term) for term in each} for each in wanted]
    return {case_id for case_id, have in held.items() if all(have & each for each in asked)}


# Lists -------------------------------------------------------------------------------------------


def case_list(user, *, scope: str = Scope.ALL, filters: dict | None = None) -> CaseSet:
    """The cases of a list, filtered: ``status``; ``risk``, ``need``, ``exploitation_type`` (coded
    fields: only among cases whose case details the user may read), ``assigned`` (a user id: the
    own organization's cases only, who works on a case being its business) and ``ids`` (the cases
    a search found: see case_search), ``external_reference`` (the own organization's cases only, the
    partner's id being its business). Sorting by risk, like a filter on a coded field, lists only cases whose case
    details the user may read. Encrypted columns are not even read."""
    filters = filters or {}
    coded = any(filters.get(name) for name in ("risk", "need", "exploitation_type")) or filters.get("sort") == "risk"
    if filters.get("assigned") is not None or filters.get("external_reference"):
        scope = {Scope.ALL: Scope.ORGANIZATION, Scope.SHARED: None}.get(scope, scope)
    if scope is None:
        return CaseSet([])
    cases = cases_for_user(user, group=fieldgroups.CASE_DETAILS if coded else None, scope=scope)
    if filters.get("status"):
        cases = cases.filter(status=filters["status"])
    if filters.get("risk"):
        cases = cases.filter(risk_level=filters["risk"])
    if filters.get("need"):
        cases = cases.filter(needs__has=filters["need"])
    if filters.get("exploitation_type"):
        cases = cases.filter(exploitation_types__has=filters["exploitation_type"])
    if filters.get("assigned") is not None:
        assigned = Case.assigned_caseworkers.through.objects.filter(user__uuid=filters["assigned"])
        cases = cases.filter(pk__in=assigned.values("case_id"))
    if filters.get("external_reference"):
        cases = cases.filter(external_reference=filters["external_reference"])
    if filters.get("ids") is not None:
        cases = cases.filter(pk__in=filters["ids"])
    return CaseSet([part.only(*LISTED_COLUMNS) for part in cases.parts])


def ordered(cases: CaseSet, sort: str) -> tuple[CaseSet, tuple]:
    """The set ready to page in one of SORTS' orders, and that order."""
    if sort == "risk":
        rank = SqlCase(
            *[When(risk_level=level, then=Value(rank)) for level, rank in RISK_RANK.items()],
            default=Value(0),
            output_field=IntegerField(),
        )
        cases = cases.annotate(risk_rank=rank)
    return cases, SORTS.get(sort, SORTS["updated"])


class Pages:
    """A CaseSet in one order, as Django's Paginator wants it (a count and slices)."""

    def __init__(self, cases: CaseSet, order):
        self.cases, self.order = cases, order

    def count(self) -> int:
        return self.cases.count()

    def __getitem__(self, window: slice):
        return self.cases.page(order=self.order, limit=window.stop - window.start, offset=window.start)


@dataclass(frozen=True)
class CaseRow:
    """A case as a list shows it: the display name only with identity, coded fields only with case details."""

    case: Case
    access: CaseAccess
    name: str | None  # None: the identity group is not the viewer's to see

    @property
    def shared(self) -> bool:
        return self.access.shared

    @property
    def coded(self) -> bool:
        return fieldgroups.CASE_DETAILS in self.access.groups


def case_rows(user, cases, *, shows=frozenset({fieldgroups.IDENTITY})) -> list[CaseRow]:
    """The rows of a list of cases, and the listing audited: the groups of ``shows`` each row
    showed (only names are decrypted, and only of cases whose identity the user may see)."""
    cases = list(cases)
    accesses = case_accesses(user, cases)
    named = [case for case in cases if fieldgroups.IDENTITY in accesses[case.pk].groups & shows]
    names = case_display_names(named)
    named_ids = {case.pk for case in named}
    listed: dict[tuple, list] = {}
    rows = []
    for case in cases:
        access = accesses[case.pk]
        if CaseAction.VIEW not in access.actions:
            continue  # an access that ended between the two reads: show nothing of it
        rows.append(CaseRow(case, access, names.get(case.pk, "") if case.pk in named_ids else None))
        listed.setdefault(tuple(sorted(access.groups & shows)), []).append(case)
    cases_listed_by_groups(listed=listed, by=user)
    return rows


def case_header_name(case: Case) -> str:
    """The display name of one case for the page header (call only when identity is in scope)."""
    return case_display_names([case]).get(case.pk, "")


def tasks_due_for(user, *, limit: int = 20) -> list[CaseTask]:
    """Open tasks assigned to the user on cases whose tasks they may read, by due date (undated last)."""
    readable = cases_for_user(user, action=CaseAction.VIEW_TASKS, scope=Scope.ORGANIZATION)
    tasks = list(
        CaseTask.objects.filter(readable.q("case_id"), assignee_id=actor_for(user).user_id, done_at__isnull=True)
        .select_related("case")
        .order_by("due_on", "id")[:limit]
    )
    return [task for task in tasks if task.due_on] + [task for task in tasks if not task.due_on]


def labelled(events) -> list[CaseEvent]:
    """The events with a readable ``label`` for their action."""
    events = list(events)
    for event in events:
        event.label = EVENT_LABELS.get(event.action, event.action)
        event.field_labels = [labels.field_label(name) for name in event.fields]
        # Old and new values of coded (unencrypted) fields, as labels; assignments are shown by the header.
        event.coded_changes = [
            (
                labels.field_label(name),
                labels.value_label(name, change.get("from")),
                labels.value_label(name, change.get("to")),
            )
            for name, change in event.changes.items()
            if name != "assigned" and isinstance(change, dict)
        ]
    return events


def case_events(case: Case, *, coded: bool, limit: int = 200) -> list[CaseEvent]:
    """The case's history: which fields changed, when, by whom; the old and new codes of coded
    fields only for a viewer of case details (``coded``). Comments (close and reopen reasons) are
    encrypted and not read: history shows what changed, not values."""
    events = labelled(CaseEvent.objects.filter(case=case).select_related("actor").defer("comment")[:limit])
    if not coded:
        for event in events:
            event.coded_changes = []
    return events


def case_notes(case: Case) -> list[CaseNote]:
    """A case's notes, newest first, with their earlier texts (the viewer may read notes)."""
    notes = with_data_keys(CaseNote.objects.filter(case=case).select_related("author"))
    return list(notes.prefetch_related("revisions__written_by"))


def case_tasks(case: Case) -> list[CaseTask]:
    """A case's tasks, open ones first (the viewer may read them: CaseAction.VIEW_TASKS)."""
    return list(with_data_keys(CaseTask.objects.filter(case=case).select_related("assignee", "created_by")))


def case_documents(case: Case) -> list[CaseAttachment]:
    """A case's documents, newest first: descriptions, not files (the viewer may read documents)."""
    return list(with_data_keys(CaseAttachment.objects.filter(case=case).select_related("uploaded_by")))


def recent_activity_for(user, *, limit: int = 15) -> list[CaseEvent]:
    """What happened lately on the cases assigned to the user (the owner organization's history)."""
    assigned = cases_for_user(user, scope=Scope.ASSIGNED)
    return labelled(
        CaseEvent.objects.filter(assigned.q("case_id"))
        .select_related("case", "actor")
        .defer("comment")
        .order_by("-at", "-id")[:limit]
    )


def case_read_log(case: Case, *, limit: int = 100):
    """Who opened or listed this case's decrypted fields, newest first (the owner organization only)."""
    return (
        AuditEvent.objects.filter(
            target_type="casehub.case",
            target_id=str(case.uuid),
            action__in=["case.viewed", "case.attachment_viewed"],
        )
        .select_related("actor")
        .order_by("-id")[:limit]
    )


def coded_details(case: Case) -> list[tuple[str, str]]:
    """The coded fields of a case as (label, readable value) pairs, in the order of the form."""
    from casehub.forms import CodedForm

    rows = []
    for name, form_field in CodedForm.base_fields.items():
        value = getattr(case, name)
        labels = dict(getattr(form_field, "choices", []) or [])
        if isinstance(value, list):
            text = ", ".join(str(labels.get(code, code)) for code in value)
        else:
            text = str(labels.get(value, value)) if value else ""
        rows.append((form_field.label, text))
    return rows


def case_display_names(cases) -> dict[int, str]:
    """The name each case is listed under (preferred, else legal), decrypting those names only."""
    by_id = {case.pk: case for case in cases}
    if not by_id:
        return {}
    rows = SurvivorName.objects.filter(case_id__in=by_id, kind__in=[NameKind.PREFERRED, NameKind.LEGAL]).order_by(
        "case_id", "id"
    )
    chosen: dict[int, SurvivorName] = {}
    for row in rows:
        current = chosen.get(row.case_id)
        if current is None or (current.kind == NameKind.LEGAL and row.kind == NameKind.PREFERRED):
            chosen[row.case_id] = row
    names = {}
    for case_id, row in chosen.items():
        row.case = by_id[case_id]  # the case row in hand carries its data key: no query to decrypt
        names[case_id] = row.value
    return names


def active_overrides(case: Case) -> list[CaseShare]:
    """The emergency-override shares of the case in force now (the owner's banner)."""
    return list(
        CaseShare.objects.filter(
            case=case, override__isnull=False, ended_at__isnull=True, expires_at__gt=timezone.now()
        ).select_related("to_organization")
    )
