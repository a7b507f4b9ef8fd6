"""Case pages: list, search before create, intake, and the case record with its tabs.

Each view parses, authorizes through casehub.access, calls one service or selector and
responds. Every page that shows decrypted fields accounts for it with case_viewed (or
cases_listed), naming the field groups it showed.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from casehub import coding, export, forms, responses, searches, selectors, services, tabs
from casehub.access import (
    CaseAction,
    Scope,
    actor_for,
    attachment_for_user,
    case_for_user,
    erasure_for_user,
    may_create_cases,
    note_for_user,
    task_for_user,
)
from casehub.crypto import shredding
from casehub.crypto.files import AttachmentRejected
from casehub.forms import add_errors
from casehub.models import CaseErasure, ErasureStatus
from orgs import fieldgroups

PAGE_SIZE = 25
# The duplicate check before intake shows its matches on one page.
MATCHES_SHOWN = 100


def _require_case_worker(user) -> None:
    if not may_create_cases(user):
        raise PermissionDenied


def _status(*forms_) -> int:
    return 400 if any(form is not None and form.is_bound and form.errors for form in forms_) else 200


# List, search, intake ----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def case_list(request):
    """Filters come by GET; a search (name, phone, e-mail, document or case number) comes by POST
    and is answered with a redirect to the list naming a search id, so that personal data never
    appears in a URL (and so in no proxy or server access log)."""
    _require_case_worker(request.user)
    user = request.user
    organization = user.membership.organization
    if request.method == "POST":
        form = forms.CaseFilterForm(request.POST, organization=organization)
        if form.is_valid():
            return redirect(_list_url(request, form))
        data = request.POST
    else:
        data = request.GET.copy()
        data.pop("q", None)  # never from a URL
        form = forms.CaseFilterForm(data or None, organization=organization)
    kept = _recall(request, "list", data.get("search"))
    found = kept.ids if kept else None
    see_all = selectors.may_see_all_cases(user)
    scope = "all" if see_all and data.get("scope") == "all" else "mine"
    filters = form.to_filters()
    if found is not None:
        filters["ids"] = found
    cases = selectors.case_list(user, scope=Scope.ORGANIZATION if scope == "all" else Scope.ASSIGNED, filters=filters)
    cases, order = selectors.ordered(cases, filters.get("sort") or "updated")
    page = Paginator(selectors.Pages(cases, order), PAGE_SIZE).get_page(data.get("page"))
    rows = selectors.case_rows(user, page.object_list)
    query = {key: value for key, value in data.items() if key not in ("page", "q", "csrfmiddlewaretoken") and value}
    if found is None:
        query.pop("search", None)
    return render(
        request,
        "cases/list.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "scope": scope,
            "see_all": see_all,
            "query": urlencode(query),
            "searched": found is not None,
            "clear_search": urlencode({key: value for key, value in query.items() if key != "search"}),
        },
    )


def _list_url(request, form) -> str:
    """The list's GET address for a valid filter form: its filters, and the search's id if it searched."""
    params = {
        key: value for key, value in form.data.items() if key not in ("q", "csrfmiddlewaretoken", "page") and value
    }
    params.pop("search", None)
    if form.cleaned_data["q"]:
        found = selectors.case_search(request.user, text=form.cleaned_data["q"]).ids()
        params["search"] = searches.remember(request, "list", found)
    return f"{reverse('cases:list')}?{urlencode(params)}"


def _recall(request, kind: str, search_id: str | None):
    kept = searches.recall(request, kind, search_id)
    if search_id and kept is None:
        messages.info(request, _("That search has ended. Search again."))
    return kept


def _matches(user, kept) -> list | None:
    """The duplicate check before intake: the cases the search found that the user may still open."""
    if kept is None:
        return None
    found = selectors.case_list(user, scope=Scope.ORGANIZATION, filters={"ids": kept.ids})
    cases, order = selectors.ordered(found, "updated")
    return selectors.case_rows(user, cases.page(order=order, limit=MATCHES_SHOWN))


@require_http_methods(["GET", "POST"])
def case_new(request):
    """Search first (POSTed, then shown by GET under a search id: the search holds personal
    data); then a short intake form, prefilled from a search that found nothing."""
    _require_case_worker(request.user)
    user = request.user
    step = request.POST.get("step") if request.method == "POST" else None
    search = forms.CaseSearchForm(request.POST if step == "search" else None)
    if step == "search" and search.is_valid():
        query = search.cleaned_data["q"]
        found = selectors.case_search(user, text=query).ids()
        prefill = None if found else forms.IntakeForm.initial_from_search(query)
        search_id = searches.remember(request, "intake", found, prefill=prefill)
        return redirect(f"{reverse('cases:new')}?{urlencode({'search': search_id})}")
    search_id = request.POST.get("search") if step == "intake" else request.GET.get("search")
    kept = _recall(request, "intake", search_id) if step != "search" else None
    intake = forms.IntakeForm(
        request.POST if step == "intake" else None,
        initial=kept.prefill if kept and not kept.ids else None,
        groups=actor_for(user).own_groups,
    )
    if step == "intake" and intake.is_valid():
        try:
            case = services.case_create(organization=user.membership.organization, by=user, **intake.to_details())
        except ValidationError as error:
            add_errors(intake, error)
        else:
            messages.success(request, _("Case %(number)s opened.") % {"number": case.case_number})
            return redirect("cases:survivor", case_uuid=case.uuid)
    return render(
        request,
        "cases/new.html",
        {"search": search, "matches": _matches(user, kept), "intake": intake, "search_id": search_id if kept else ""},
        status=_status(search, intake),
    )


# The case record's tabs ----------------------------------------------------------------------------


@require_GET
def case_survivor(request, case_uuid):
    case = case_for_user(request.user, case_uuid)
    details = services.survivor_details(case, tabs.shown_groups(case, "survivor"))
    # Said, not silently left blank: which parts of this tab the viewer does not see.
    not_shown = fieldgroups.ordered(tabs.SURVIVOR_PARTS - case.access.groups)
    both = {fieldgroups.IDENTITY, fieldgroups.CASE_DETAILS} <= set(case.access.groups)
    conflict = services.age_band_conflict(case, details) if both else ""
    context = {
        "details": details,
        "not_shown": not_shown,
        "age_band_conflict": coding.AgeBand(conflict).label if conflict else "",
        "export": export.export_offer(case),
    }
    return tabs.render_tab(request, case, "survivor", context)


@require_http_methods(["GET", "POST"])
def case_survivor_edit(request, case_uuid):
    """The survivor's details the editor may see, and only those: fields of other groups are neither
    shown nor written (case_update refuses them)."""
    case = case_for_user(request.user, case_uuid, action=CaseAction.EDIT)
    groups = set(case.access.groups) & forms.SurvivorForm.GROUPS
    if not groups:
        raise PermissionDenied
    if request.method == "POST":
        form = forms.SurvivorForm(request.POST, groups=groups)
        if form.is_valid():
            try:
                services.case_update(case=case, by=request.user, **form.to_details())
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(request, _("Survivor details saved."))
                return redirect("cases:survivor", case_uuid=case.uuid)
    else:
        details = services.survivor_details(case, groups)
        form = forms.SurvivorForm(initial=forms.SurvivorForm.initial_for(details), groups=groups)
    return tabs.render_tab(request, case, "survivor", {"form": form}, status=_status(form))


@require_GET
def case_details(request, case_uuid):
    case = tabs.case_tab(request.user, case_uuid, "details")
    return tabs.render_tab(request, case, "details", {"form": None, "coded": selectors.coded_details(case)})


@require_http_methods(["GET", "POST"])
def case_details_edit(request, case_uuid):
    case = tabs.case_tab(request.user, case_uuid, "details", action=CaseAction.EDIT)
    if request.method == "POST":
        form = forms.CodedForm(request.POST)
        if form.is_valid():
            try:
                services.case_update(case=case, by=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(request, _("Coded details saved."))
                return redirect("cases:details", case_uuid=case.uuid)
    else:
        form = forms.CodedForm(initial=forms.CodedForm.initial_for(case))
    return tabs.render_tab(request, case, "details", {"form": form}, status=_status(form))


@require_GET
def case_safety(request, case_uuid):
    case = tabs.case_tab(request.user, case_uuid, "safety")
    details = services.survivor_details(case, {fieldgroups.SAFETY})
    return tabs.render_tab(request, case, "safety", {"details": details, "form": None})


@require_http_methods(["GET", "POST"])
def case_safety_edit(request, case_uuid):
    case = tabs.case_tab(request.user, case_uuid, "safety", action=CaseAction.EDIT)
    if request.method == "POST":
        form = forms.SafetyForm(request.POST)
        if form.is_valid():
            services.case_update(case=case, by=request.user, **form.to_details())
            messages.success(request, _("Safety plan saved."))
            return redirect("cases:safety", case_uuid=case.uuid)
    else:
        details = services.survivor_details(case, {fieldgroups.SAFETY})
        form = forms.SafetyForm(initial=forms.SafetyForm.initial_for(details))
    return tabs.render_tab(request, case, "safety", {"form": form}, status=_status(form))


def _notes_context(case, form=None, editing=None):
    return {"notes": selectors.case_notes(case), "form": form or forms.NoteForm(), "editing": editing}


@require_GET
def case_notes(request, case_uuid):
    case = tabs.case_tab(request.user, case_uuid, "notes")
    return tabs.render_tab(request, case, "notes", _notes_context(case))


@require_POST
def note_add(request, case_uuid):
    case = tabs.case_tab(request.user, case_uuid, "notes", action=CaseAction.NOTE)
    form = forms.NoteForm(request.POST)
    if form.is_valid():
        try:
            services.note_add(case=case, by=request.user, body=form.cleaned_data["body"])
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Note added."))
            return redirect("cases:notes", case_uuid=case.uuid)
    return tabs.render_tab(request, case, "notes", _notes_context(case, form), status=400)


@require_http_methods(["GET", "POST"])
def note_edit(request, case_uuid, note_uuid):
    case, note = note_for_user(request.user, case_uuid, note_uuid, action=CaseAction.NOTE)
    # Prefixed: the page also holds the form that adds a note, and ids must stay unique.
    form = forms.NoteForm(request.POST or None, initial={"body": note.body}, prefix="edit")
    if request.method == "POST" and form.is_valid():
        try:
            services.note_edit(note=note, by=request.user, body=form.cleaned_data["body"])
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Note saved."))
            return redirect("cases:notes", case_uuid=case.uuid)
    context = _notes_context(case, forms.NoteForm(), editing=(note, form))
    return tabs.render_tab(request, case, "notes", context, status=_status(form))


def _tasks_context(case, form=None, *, editing=None, deleting=None):
    return {
        "tasks": selectors.case_tasks(case),
        "form": form or forms.TaskForm(organization=case.organization),
        "editing": editing,
        "deleting": deleting,
    }


@require_GET
def case_tasks(request, case_uuid):
    """The tasks tab; with ?remove=<task>, it asks to confirm that task's removal in place."""
    case = tabs.case_tab(request.user, case_uuid, "tasks", action=CaseAction.VIEW_TASKS)
    context = _tasks_context(case)
    removing = request.GET.get("remove")
    if removing and CaseAction.TASK in case.access.actions:
        context["deleting"] = next((task for task in context["tasks"] if str(task.uuid) == removing), None)
    return tabs.render_tab(request, case, "tasks", context)


@require_POST
def task_add(request, case_uuid):
    case = tabs.case_tab(request.user, case_uuid, "tasks", action=CaseAction.TASK)
    form = forms.TaskForm(request.POST, organization=case.organization)
    if form.is_valid():
        try:
            services.task_add(case=case, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Task added."))
            return redirect("cases:tasks", case_uuid=case.uuid)
    return tabs.render_tab(request, case, "tasks", _tasks_context(case, form), status=400)


@require_POST
def task_done(request, case_uuid, task_uuid):
    case, task = task_for_user(request.user, case_uuid, task_uuid, action=CaseAction.TASK)
    form = forms.TaskDoneForm(request.POST)
    form.is_valid()
    done = bool(form.cleaned_data.get("done"))
    services.task_set_done(task=task, by=request.user, done=done)
    messages.success(request, _("Task marked done.") if done else _("Task marked not done."))
    return redirect("cases:tasks", case_uuid=case.uuid)


@require_http_methods(["GET", "POST"])
def task_edit(request, case_uuid, task_uuid):
    case, task = task_for_user(request.user, case_uuid, task_uuid, action=CaseAction.TASK)
    initial = {"title": task.title, "due_on": task.due_on, "assignee": task.assignee}
    # Prefixed: the page also holds the form that adds a task, and ids must stay unique.
    form = forms.TaskForm(request.POST or None, initial=initial, organization=case.organization, prefix="edit")
    if request.method == "POST" and form.is_valid():
        try:
            services.task_update(task=task, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Task saved."))
            return redirect("cases:tasks", case_uuid=case.uuid)
    return tabs.render_tab(request, case, "tasks", _tasks_context(case, editing=(task, form)), status=_status(form))


@require_POST
def task_delete(request, case_uuid, task_uuid):
    """Removes the task; the tasks tab asks to confirm first (?remove=<task>)."""
    case, task = task_for_user(request.user, case_uuid, task_uuid, action=CaseAction.TASK)
    services.task_delete(task=task, by=request.user)
    messages.success(request, _("Task removed."))
    return redirect("cases:tasks", case_uuid=case.uuid)


def _documents_context(case, form=None):
    return {"attachments": selectors.case_documents(case), "form": form or forms.DocumentForm()}


@require_GET
def case_documents(request, case_uuid):
    case = tabs.case_tab(request.user, case_uuid, "documents")
    return tabs.render_tab(request, case, "documents", _documents_context(case))


@require_POST
def document_add(request, case_uuid):
    case = tabs.case_tab(request.user, case_uuid, "documents", action=CaseAction.DOCUMENT)
    form = forms.DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.attachment_add(
                case=case, by=request.user, upload=data["file"], kind=data["kind"], description=data["description"]
            )
        except AttachmentRejected as error:
            form.add_error("file", str(error))
        else:
            messages.success(request, _("Document added."))
            return redirect("cases:documents", case_uuid=case.uuid)
    return tabs.render_tab(request, case, "documents", _documents_context(case, form), status=400)


@require_GET
def document_download(request, case_uuid, attachment_uuid):
    _case, attachment = attachment_for_user(request.user, case_uuid, attachment_uuid)
    return responses.attachment_response(attachment, by=request.user)


@require_GET
def case_history(request, case_uuid):
    case = tabs.case_tab(request.user, case_uuid, "history")
    events = selectors.case_events(case, coded=fieldgroups.CASE_DETAILS in case.access.groups)
    return tabs.render_tab(request, case, "history", {"events": events, "accesses": selectors.case_read_log(case)})


# Coordinator actions ------------------------------------------------------------------------------


def _manage_context(case, **forms_):
    erasure = (
        CaseErasure.objects.filter(case=case, status=ErasureStatus.REQUESTED).select_related("requested_by").first()
    )
    return {
        "assign_form": forms_.get("assign_form")
        or forms.AssignForm(
            organization=case.organization, initial={"caseworkers": list(case.assigned_caseworkers.all())}
        ),
        "reason_form": forms_.get("reason_form") or forms.ReasonForm(),
        "erase_form": forms_.get("erase_form") or forms.EraseRequestForm(),
        "erasure": erasure,
    }


@require_GET
def case_manage(request, case_uuid):
    case = tabs.case_tab(request.user, case_uuid, "manage", action=CaseAction.ASSIGN)
    return tabs.render_tab(request, case, "manage", _manage_context(case))


@require_POST
def case_assign(request, case_uuid):
    case = case_for_user(request.user, case_uuid, action=CaseAction.ASSIGN)
    form = forms.AssignForm(request.POST, organization=case.organization)
    if form.is_valid():
        try:
            services.case_assign(case=case, by=request.user, caseworkers=list(form.cleaned_data["caseworkers"]))
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Assignment saved."))
            return redirect("cases:manage", case_uuid=case.uuid)
    return tabs.render_tab(request, case, "manage", _manage_context(case, assign_form=form), status=400)


@require_POST
def case_restrict(request, case_uuid):
    case = case_for_user(request.user, case_uuid, action=CaseAction.RESTRICT)
    form = forms.RestrictForm(request.POST)
    form.is_valid()
    restricted = bool(form.cleaned_data.get("restricted"))
    services.case_set_restricted(case=case, by=request.user, restricted=restricted)
    messages.success(request, _("The case is restricted.") if restricted else _("The case is no longer restricted."))
    return redirect("cases:manage", case_uuid=case.uuid)


def _close_or_reopen(request, case_uuid, *, service, done_message):
    case = case_for_user(request.user, case_uuid, action=CaseAction.CLOSE)
    form = forms.ReasonForm(request.POST)
    if form.is_valid():
        try:
            service(case=case, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, done_message)
            return redirect("cases:manage", case_uuid=case.uuid)
    return tabs.render_tab(request, case, "manage", _manage_context(case, reason_form=form), status=400)


@require_POST
def case_close(request, case_uuid):
    return _close_or_reopen(request, case_uuid, service=services.case_close, done_message=_("Case closed."))


@require_POST
def case_reopen(request, case_uuid):
    return _close_or_reopen(request, case_uuid, service=services.case_reopen, done_message=_("Case reopened."))


@require_POST
def erase_request(request, case_uuid):
    case = case_for_user(request.user, case_uuid, action=CaseAction.ERASE)
    form = forms.EraseRequestForm(request.POST)
    if not form.is_valid():
        return tabs.render_tab(request, case, "manage", _manage_context(case, erase_form=form), status=400)
    try:
        shredding.case_erase_request(case=case, by=request.user, reason=form.cleaned_data["reason"])
    except shredding.ErasureRefused:
        messages.error(request, _("An erasure of this case is already waiting for a second coordinator."))
    else:
        messages.success(request, _("Erasure requested. Another coordinator must confirm it."))
    return redirect("cases:manage", case_uuid=case.uuid)


@require_POST
def erase_cancel(request, case_uuid, erasure_uuid):
    erasure = erasure_for_user(request.user, case_uuid, erasure_uuid)
    try:
        shredding.case_erase_cancel(erasure=erasure, by=request.user)
    except shredding.ErasureRefused:
        messages.error(request, _("This erasure is no longer waiting for confirmation."))
    else:
        messages.success(request, _("Erasure request cancelled."))
    return redirect("cases:manage", case_uuid=erasure.case.uuid)
