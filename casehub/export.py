"""Data-subject export: what one case holds, read once, for the survivor's copy.

For a survivor's request to see their data. The caller authorizes (CaseAction.EXPORT) and
records the export with `case_exported` in the same request; these functions only read. An
export holds the field groups the exporting person may see (``exported_groups``), and names
the ones it leaves out: an organization that hides a group from a role hides it here too.

``case_export_data`` is the one read (Python values, our field names); ``as_json`` writes it with
HTCDS 2.0 field names where HTCDS has the field (prs_*, vic_*, cas_*), ours elsewhere. The
survivor's copy as PDF and zip, with whom the data went to, is assembled in rights/export.py (it
reads sharing and referrals, which this app may not import).
"""

from __future__ import annotations

from datetime import date, datetime

from django.conf import settings
from django.utils import timezone, translation

from audit.services import audit_record
from casehub.access import CaseAction
from casehub.models import Case, CaseAttachment, CaseEvent, CaseNote, CaseTask
from casehub.services import survivor_details
from orgs import fieldgroups

# Our field name -> HTCDS 2.0 field name, where HTCDS has one.
HTCDS_NAMES = {
    "gender": "prs_Gender",
    "citizenship": "prs_Citizenship",
    "primary_language": "prs_PrimaryLanguage",
    "other_languages": "prs_SecondaryLanguage",
    "date_of_birth": "prs_Birthdate",
    "email": "prs_Email",
    "exploitation_types": "vic_TypeOfExploitation",
    "sexual_exploitation_types": "vic_TypeOfSexExploitation",
    "forced_labour_industry": "vic_ForcedLabourIndustry",
    "recruitment_methods": "vic_MethodOfRecruitment",
    "recruitment_websites": "vic_RecruitmentWebsitesAndApps",
    "control_methods": "vic_MethodsOfControl",
    "vulnerabilities": "vic_Vulnerabilities",
    "trafficking_status": "vic_TraffickingStatus",
}

# ISO 639-2 codes a case may hold for the languages the app speaks (cases hold 639-1 or 639-2).
LANGUAGE_ALIASES = {"eng": "en", "spa": "es"}


def _plain(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    return value


def _person(user) -> str | None:
    return user.get_username() if user is not None else None


def _records(model, case: Case, included: bool):
    """The case's rows of ``model`` if their field group is exported, else none (not even read)."""
    return model.objects.filter(case=case) if included else model.objects.none()


def exported_groups(case: Case) -> frozenset[str]:
    """The field groups an export of this case holds: those its ``access`` (the exporter's) covers."""
    return frozenset(case.access.groups)


def export_languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def export_language(case: Case, requested: str | None = None) -> str:
    """The language of the survivor's copy: the one asked for if the app has it, else the case's
    primary language if the app has it, else the language the user works in."""
    known = export_languages()
    for code in (requested, LANGUAGE_ALIASES.get(case.primary_language, case.primary_language)):
        if code in known:
            return code
    current = translation.get_language()
    return current if current in known else settings.LANGUAGE_CODE


def export_offer(case: Case) -> dict | None:
    """What the case page offers the exporter (None: they may not export): the languages the copy
    comes in, each named in itself, the one chosen by default, and whether the zip holds files."""
    if CaseAction.EXPORT not in case.access.actions:
        return None
    return {
        "language": export_language(case),
        "languages": [(code, translation.get_language_info(code)["name_local"]) for code in export_languages()],
        "documents": CaseAction.DOWNLOAD in case.access.actions,
    }


def case_export_json(case: Case, groups) -> dict:
    """What the case holds in ``groups``, decrypted, as a JSON-ready dict (nothing else is read)."""
    return as_json(case_export_data(case, groups))


def as_json(data: dict) -> dict:
    """An export's data, JSON-ready: dates as ISO 8601, survivor fields under their HTCDS names."""
    survivor = {HTCDS_NAMES.get(name, name): value for name, value in data["survivor"].items()}
    return _plain({**data, "survivor": survivor})


def case_export_data(case: Case, groups) -> dict:
    """What the case holds in ``groups``, decrypted, with dates as dates (nothing else is read)."""
    survivor = survivor_details(case, groups)
    notes = _records(CaseNote, case, fieldgroups.NOTES in groups)
    notes = notes.select_related("author").prefetch_related("revisions__written_by")
    coded = fieldgroups.CASE_DETAILS in groups  # task titles, coded changes and comments count as case details
    tasks = _records(CaseTask, case, coded)
    tasks = tasks.select_related("assignee", "created_by")
    attachments = _records(CaseAttachment, case, fieldgroups.DOCUMENTS in groups)
    attachments = attachments.select_related("uploaded_by")
    events = CaseEvent.objects.filter(case=case).select_related("actor")
    if not coded:
        events = events.defer("comment")
    return {
        "format": "casehub-data-subject-export/1",
        "exported_at": timezone.now(),
        "field_groups": sorted(groups),
        "left_out": sorted(fieldgroups.ALL - set(groups)),
        "case": {
            "id": str(case.uuid),
            "case_number": case.case_number,
            "organization": case.organization.name,
            "cas_Status": case.status,
            **({"risk_level": case.risk_level} if coded else {}),
            "restricted": case.restricted,
            "created_at": case.created_at,
            "updated_at": case.updated_at,
            "closed_at": case.closed_at,
            "assigned_caseworkers": [_person(user) for user in case.assigned_caseworkers.order_by("username")],
        },
        "survivor": survivor,
        "notes": [
            {
                "id": str(note.uuid),
                "author": _person(note.author),
                "created_at": note.created_at,
                "edited_at": note.edited_at,
                "body": note.body,
                "revisions": [
                    {"written_by": _person(rev.written_by), "written_at": rev.written_at, "body": rev.body}
                    for rev in note.revisions.all()
                ],
            }
            for note in notes
        ],
        "tasks": [
            {
                "id": str(task.uuid),
                "title": task.title,
                "due_on": task.due_on,
                "assignee": _person(task.assignee),
                "created_by": _person(task.created_by),
                "created_at": task.created_at,
                "done_at": task.done_at,
            }
            for task in tasks
        ],
        "attachments": [
            {
                "id": str(attachment.uuid),
                "kind": attachment.kind,
                "description": attachment.description,
                "content_type": attachment.content_type,
                "size": attachment.size,
                "uploaded_by": _person(attachment.uploaded_by),
                "uploaded_at": attachment.uploaded_at,
            }
            for attachment in attachments
        ],
        "history": [
            {
                "at": event.at,
                "actor": _person(event.actor),
                "action": event.action,
                "fields": event.fields,
                "changes": event.changes if coded else {},
                "comment": event.comment if coded else None,
            }
            for event in events
        ],
    }


def case_exported(*, case: Case, by, fmt: str, groups, language: str = "") -> None:
    """Account for a data-subject export (codes only: which case, format, field groups and language)."""
    details = {"format": fmt, "groups": sorted(groups)}
    if language:
        details["language"] = language
    audit_record("case.exported", actor=by, organization=by.membership.organization, target=case, details=details)
