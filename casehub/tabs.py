"""The frame of a case page: its tabs, what each needs of the viewer, and the shared header.

The case pages (casehub/views.py) and the sharing tab (sharing/views.py) render through
``render_tab``, which accounts for the field groups a tab showed.
"""

from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.translation import gettext_lazy

from casehub import selectors, services
from casehub.access import CaseAction, case_for_user
from orgs import fieldgroups

TABS = [
    ("survivor", gettext_lazy("Survivor")),
    ("details", gettext_lazy("Needs & coded details")),
    ("notes", gettext_lazy("Notes")),
    ("tasks", gettext_lazy("Tasks")),
    ("documents", gettext_lazy("Documents")),
    ("safety", gettext_lazy("Safety plan")),
    ("history", gettext_lazy("History")),
]
# The header shows the survivor's name (identity) and risk (case details), so every tab shows
# those groups when they are the viewer's to see, and what the tab is for.
HEADER_GROUPS = {fieldgroups.IDENTITY, fieldgroups.CASE_DETAILS}
TAB_GROUPS = {
    "survivor": {fieldgroups.IDENTITY, fieldgroups.CONTACT, fieldgroups.SAFETY, fieldgroups.NARRATIVE},
    "details": {fieldgroups.CASE_DETAILS},
    "notes": {fieldgroups.NOTES},
    "tasks": {fieldgroups.CASE_DETAILS},
    "documents": {fieldgroups.DOCUMENTS},
    "safety": {fieldgroups.SAFETY},
    "history": {fieldgroups.CASE_DETAILS},
    "manage": set(),
    "sharing": set(),
}
SURVIVOR_PARTS = {fieldgroups.IDENTITY, fieldgroups.CONTACT, fieldgroups.NARRATIVE}
# What a tab needs of the viewer: an action (the policy knows which field group it needs) and
# the field group the tab exists to show. Without them the tab is hidden and refused.
TAB_NEEDS = {
    "details": (CaseAction.VIEW, fieldgroups.CASE_DETAILS),
    "notes": (CaseAction.VIEW, fieldgroups.NOTES),
    "tasks": (CaseAction.VIEW_TASKS, None),
    "documents": (CaseAction.VIEW, fieldgroups.DOCUMENTS),
    "safety": (CaseAction.VIEW, fieldgroups.SAFETY),
    "manage": (CaseAction.ASSIGN, None),
}
# The owner organization's own work (tasks, history, management): never shown through a share.
OWNER_TABS = {"tasks", "history", "manage"}


def tab_allowed(case, tab: str) -> bool:
    access = case.access
    if access.shared and tab in OWNER_TABS:
        return False
    action, group = TAB_NEEDS.get(tab, (CaseAction.VIEW, None))
    return action in access.actions and (group is None or group in access.groups)


def case_tab(user, case_uuid, tab: str, *, action: CaseAction = CaseAction.VIEW):
    """The case for one tab: 404/403 as case_for_user, and 403 for a tab outside the user's scope."""
    case = case_for_user(user, case_uuid, action=action)
    if not tab_allowed(case, tab):
        raise PermissionDenied
    return case


def shown_groups(case, tab: str) -> set[str]:
    """The field groups a tab shows this viewer: the header's and the tab's, within the viewer's scope."""
    return (HEADER_GROUPS | TAB_GROUPS[tab]) & set(case.access.groups)


def render_tab(request, case, tab: str, context: dict, *, status: int = 200, template: str = ""):
    """Render one tab of the case page with the shared header, and account for what it showed."""
    groups = shown_groups(case, tab)
    services.case_viewed(case=case, by=request.user, groups=groups)
    actions = case.access.actions
    context = {
        "case": case,
        "tab": tab,
        "tabs": [(key, label) for key, label in TABS if tab_allowed(case, key)],
        "actions": actions,
        "groups": case.access.groups,
        "shared": case.access.shared,
        "sharing_tab": bool({CaseAction.CONSENT, CaseAction.SHARE} & actions),
        "display_name": selectors.case_header_name(case) if fieldgroups.IDENTITY in groups else None,
        "assigned": [] if case.access.shared else list(case.assigned_caseworkers.order_by("username")),
        "active_overrides": [] if case.access.shared else selectors.active_overrides(case),
        **context,
    }
    return render(request, template or f"cases/{tab}.html", context, status=status)
