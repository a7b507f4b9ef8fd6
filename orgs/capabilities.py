"""What each role may do with its own organization's cases.

Own-organization access is derived, never stored per case: each capability below is a
django-guardian object permission on the Organization row, granted to one of that
organization's role groups (orgs.OrgRoleGroup). An organization can tune its own grants (for
example, hide the narrative from caseworkers) without code changes; casehub.access reads them.
"""

from orgs import fieldgroups

SEE_ALL = "view_all_org_cases"  # every case of the organization, restricted ones included
SEE_UNRESTRICTED = "view_unrestricted_org_cases"  # every unrestricted case, and assigned ones
SEE_ASSIGNED = "view_assigned_org_cases"  # the cases assigned to the member
GROUP_PREFIX = "view_org_cases_"  # + field group: which parts of a visible case are shown

# One capability per case action (casehub.access.CaseAction values).
ACTION_CODENAMES = {
    "view": None,  # seeing a case is decided by the SEE_* capabilities
    "edit": "edit_org_cases",
    "note": "note_org_cases",
    "task": "task_org_cases",
    "document": "document_org_cases",
    "export": "export_org_cases",
    "assign": "assign_org_cases",
    "restrict": "restrict_org_cases",
    "close": "close_org_cases",
    "erase": "erase_org_cases",
    "consent": "record_org_case_consent",
    "share": "share_org_cases",
    "transfer": "transfer_org_cases",
}
ACTION_OF_CODENAME = {codename: action for action, codename in ACTION_CODENAMES.items() if codename}


def group_codename(group: str) -> str:
    return GROUP_PREFIX + group


PERMISSIONS = [
    (SEE_ALL, "See every case of the organization"),
    (SEE_UNRESTRICTED, "See every unrestricted case of the organization"),
    (SEE_ASSIGNED, "See the organization's cases assigned to oneself"),
    *[
        (group_codename(group), f"See the {group} fields of the organization's cases")
        for group in sorted(fieldgroups.ALL)
    ],
    *[(codename, f"Case action: {action}") for action, codename in ACTION_CODENAMES.items() if codename],
]
ALL_CODENAMES = frozenset(codename for codename, _label in PERMISSIONS)

_CASEWORK = ["edit", "note", "task", "document", "export", "consent"]
DEFAULTS = {
    "coordinator": frozenset(
        [SEE_ALL, *map(group_codename, fieldgroups.ALL), *(c for c in ACTION_CODENAMES.values() if c)]
    ),
    "caseworker": frozenset(
        [SEE_ASSIGNED, *map(group_codename, fieldgroups.ALL), *(ACTION_CODENAMES[a] for a in _CASEWORK)]
    ),
    "org_admin": frozenset(),
}
