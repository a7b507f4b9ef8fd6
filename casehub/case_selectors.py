"""Reads behind the case pages: the list with its filters, exact search, and the names a page shows.

Every read starts from casehub.access.cases_visible_to, so a search can never reach a case the
user may not open, nor another organization's.
"""

from __future__ import annotations

from django.db.models import Case as SqlCase
from django.db.models import IntegerField, Prefetch, QuerySet, Value, When
from django.utils.translation import gettext_lazy as _

from casehub.access import cases_assigned_to, cases_visible_to, org_capabilities
from casehub.cases import ENCRYPTED_FIELDS
from casehub.crypto.blind_index import blind_index_search, normalize_document, normalize_phone
from casehub.crypto.fields import with_data_keys
from casehub.models import (
    AuditEvent,
    Case,
    CaseEvent,
    CaseTask,
    NameKind,
    SurvivorDocument,
    SurvivorName,
    SurvivorPhone,
)
from orgs import capabilities
from orgs.access import member_role
from orgs.models import Role

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
    "attachment_added": _("Document added"),
    "transferred": _("Transferred from another organization"),
}

SORTS = {
    "updated": ("-updated_at", "-id"),
    "created": ("-created_at", "-id"),
    "number": ("case_number",),
    "risk": ("-risk_rank", "-updated_at", "-id"),
}
RISK_RANK = {"low": 0, "medium": 1, "high": 2, "immediate": 3}


def may_see_all_cases(user) -> bool:
    """Whether the "all organization cases" tab is offered to the user."""
    return bool(org_capabilities(user) & {capabilities.SEE_ALL, capabilities.SEE_UNRESTRICTED})


def case_ids_matching(user, query: str, *, among: QuerySet[Case] | None = None) -> set[int]:
    """Ids of cases whose name, alias, phone or identity document number equals ``query`` exactly.

    Through the blind indexes of the user's organization, restricted to ``among`` (by default
    the cases the user may open).
    """
    query = query.strip()
    if not query or member_role(user) is None:
        return set()
    organization = user.membership.organization
    # Blind indexes are per organization: only the organization's own cases are searched.
    among = cases_visible_to(user).filter(organization=organization) if among is None else among
    found = set()
    searches = [(SurvivorName, query)]
    if normalize_phone(query):
        searches.append((SurvivorPhone, query))
    if normalize_document(query):
        searches.append((SurvivorDocument, query))
    for model, value in searches:
        rows = blind_index_search(
            model.objects.filter(case__in=among.values("pk")),
            index="value_index",
            value=value,
            organization=organization,
        )
        found.update(row.case_id for row in rows)
    return found


def hidden_match_count(user, query: str) -> int:
    """How many cases of the user's organization match but are not visible to the user (a count only)."""
    if member_role(user) not in {Role.CASEWORKER, Role.COORDINATOR}:
        return 0
    organization = user.membership.organization
    everything = Case.objects.filter(organization=organization, data_key_wrapped__isnull=False)
    every_match = case_ids_matching(user, query, among=everything)
    visible = set(cases_visible_to(user).filter(pk__in=every_match).values_list("pk", flat=True))
    return len(every_match - visible)


def case_list(user, *, scope: str, filters: dict, sort: str = "updated") -> QuerySet[Case]:
    """The cases of a list tab, filtered and sorted; encrypted columns are not even read."""
    if scope == "all" and may_see_all_cases(user):
        # The organization's own cases: cases shared with it are listed, within their scope, on
        # the "shared with us" page (sharing.views.shared_with_us).
        cases = cases_visible_to(user).filter(organization_id=user.membership.organization_id)
    else:
        cases = cases_assigned_to(user)
    cases = cases_filtered(
        cases,
        status=filters.get("status", ""),
        risk=filters.get("risk", ""),
        need=filters.get("need", ""),
        exploitation_type=filters.get("exploitation", ""),
    )
    if filters.get("worker"):
        cases = cases.filter(assigned_caseworkers=filters["worker"])
    if filters.get("q"):
        cases = cases.filter(pk__in=case_ids_matching(user, filters["q"]))
    if sort == "risk":
        cases = cases.annotate(
            risk_rank=SqlCase(
                *[When(risk_level=level, then=Value(rank)) for level, rank in RISK_RANK.items()],
                default=Value(0),
                output_field=IntegerField(),
            )
        )
    return cases.defer(*ENCRYPTED_FIELDS).order_by(*SORTS.get(sort, SORTS["updated"]))


def display_names_prefetch() -> Prefetch:
    """The legal and preferred names of the cases in one query, with their data keys, nothing else."""
    names = with_data_keys(SurvivorName.objects.filter(kind__in=[NameKind.LEGAL, NameKind.PREFERRED]).order_by("id"))
    return Prefetch("survivorname_set", queryset=names, to_attr="display_name_rows")


def display_name(case: Case) -> str:
    """Preferred name, else legal name (decrypts one name at most)."""
    rows = case.display_name_rows
    preferred = next((row for row in rows if row.kind == NameKind.PREFERRED), None)
    legal = next((row for row in rows if row.kind == NameKind.LEGAL), None)
    row = preferred or legal
    return row.value if row is not None else ""


def case_header_name(case: Case) -> str:
    """The display name of one case for the page header."""
    rows = list(SurvivorName.objects.filter(case=case, kind__in=[NameKind.LEGAL, NameKind.PREFERRED]).order_by("id"))
    for row in rows:
        row.case = case
    case.display_name_rows = rows
    return display_name(case)


def tasks_due_for(user, *, limit: int = 20) -> list[CaseTask]:
    """Open tasks assigned to the user on cases they can see, overdue first (by due date, undated last)."""
    tasks = (
        CaseTask.objects.filter(assignee=user, done_at__isnull=True, case__in=cases_visible_to(user).values("pk"))
        .select_related("case")
        .order_by("due_on", "id")
    )
    dated = [task for task in tasks[:limit] if task.due_on]
    undated = [task for task in tasks[:limit] if not task.due_on]
    return (dated + undated)[:limit]


def labelled(events) -> list[CaseEvent]:
    """The events with a readable ``label`` for their action."""
    events = list(events)
    for event in events:
        event.label = EVENT_LABELS.get(event.action, event.action)
        # Old and new codes of coded (unencrypted) fields; assignments are shown by the header.
        event.coded_changes = [(name, change) for name, change in event.changes.items() if name != "assigned"]
    return events


def case_events(case: Case, *, limit: int = 200) -> list[CaseEvent]:
    # Comments (close and reopen reasons) are encrypted; history shows what changed, not values.
    return labelled(CaseEvent.objects.filter(case=case).select_related("actor").defer("comment")[:limit])


def recent_activity_for(user, *, limit: int = 15) -> list[CaseEvent]:
    return labelled(
        CaseEvent.objects.filter(case__in=cases_assigned_to(user).values("pk"))
        .select_related("case", "actor")
        .defer("comment")
        .order_by("-at", "-id")[:limit]
    )


def case_accesses(case: Case, *, limit: int = 100) -> QuerySet[AuditEvent]:
    """Who opened or listed this case's decrypted fields, newest first (the owner organization only)."""
    return (
        AuditEvent.objects.filter(
            target_type="casehub.case",
            target_id=str(case.uuid),
            action__in=["case.viewed", "case.attachment_viewed"],
        )
        .select_related("actor")
        .order_by("-seq")[:limit]
    )


def coded_details(case: Case) -> list[tuple[str, str]]:
    """The coded fields of a case as (label, readable value) pairs, in the order of the form."""
    from casehub.case_forms import CodedForm

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


# For the API's list and search ------------------------------------------------------------------

SEARCH_MODELS = {"name": SurvivorName, "phone": SurvivorPhone, "document": SurvivorDocument}
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


def cases_matching(cases, *, organization, name: str = "", phone: str = "", document: str = ""):
    """The cases among ``cases`` whose name (any kind), phone or document number equals the one given.

    Exact match through the blind indexes; only the candidates of visible cases are decrypted
    (to drop the false positives that the truncated index lets through).
    """
    for kind, value in (("name", name), ("phone", phone), ("document", document)):
        if value:
            model = SEARCH_MODELS[kind]
            # Only the columns that decrypting and comparing need (not the whole case row).
            candidates = model.objects.filter(case__in=cases).only(*_SEARCH_COLUMNS)
            rows = blind_index_search(candidates, index="value_index", value=value, organization=organization)
            cases = cases.filter(pk__in=[row.case_id for row in rows])
    return cases


def case_display_names(cases) -> dict[int, str]:
    """The name each case is listed under (preferred, else legal), decrypting those names only."""
    by_id = {case.pk: case for case in cases}
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


def cases_filtered(
    cases, *, status: str = "", risk: str = "", need: str = "", exploitation_type: str = "", assigned=None
):
    """Narrow a case queryset by coded fields and by assigned worker (a user uuid)."""
    if status:
        cases = cases.filter(status=status)
    if risk:
        cases = cases.filter(risk_level=risk)
    if need:
        cases = cases.filter(needs__has=need)
    if exploitation_type:
        cases = cases.filter(exploitation_types__has=exploitation_type)
    if assigned is not None:
        cases = cases.filter(
            pk__in=Case.assigned_caseworkers.through.objects.filter(user__uuid=assigned).values("case_id")
        )
    return cases
