"""Data-subject export: what one case holds, as JSON (HTCDS field names) and as PDF.

For a survivor's request to see their data. The caller authorizes (CaseAction.EXPORT) and
records the export with `case_exported` in the same request; these functions only read. An
export holds the field groups the exporting person may see (``exported_groups``), and names
the ones it leaves out: an organization that hides a group from a role hides it here too.
Field names follow HTCDS 2.0 where it has the field (prs_*, vic_*, cas_*), ours elsewhere.
"""

from __future__ import annotations

import io
from datetime import date, datetime
from pathlib import Path
from xml.sax.saxutils import escape

from django.utils import timezone

from audit.services import audit_record
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

FONT_PATHS = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
)


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


def case_export_json(case: Case, groups) -> dict:
    """What the case holds in ``groups``, decrypted, as a JSON-ready dict (nothing else is read)."""
    details = survivor_details(case, groups)
    survivor = {HTCDS_NAMES.get(name, name): _plain(value) for name, value in details.items()}
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
        "exported_at": timezone.now().isoformat(),
        "field_groups": sorted(groups),
        "left_out": sorted(fieldgroups.ALL - set(groups)),
        "case": {
            "id": str(case.uuid),
            "case_number": case.case_number,
            "organization": case.organization.name,
            "cas_Status": case.status,
            **({"risk_level": case.risk_level} if coded else {}),
            "restricted": case.restricted,
            "created_at": _plain(case.created_at),
            "updated_at": _plain(case.updated_at),
            "closed_at": _plain(case.closed_at),
            "assigned_caseworkers": [_person(user) for user in case.assigned_caseworkers.order_by("username")],
        },
        "survivor": survivor,
        "notes": [
            {
                "id": str(note.uuid),
                "author": _person(note.author),
                "created_at": _plain(note.created_at),
                "edited_at": _plain(note.edited_at),
                "body": note.body,
                "revisions": [
                    {"written_by": _person(rev.written_by), "written_at": _plain(rev.written_at), "body": rev.body}
                    for rev in note.revisions.all()
                ],
            }
            for note in notes
        ],
        "tasks": [
            {
                "id": str(task.uuid),
                "title": task.title,
                "due_on": _plain(task.due_on),
                "assignee": _person(task.assignee),
                "created_by": _person(task.created_by),
                "created_at": _plain(task.created_at),
                "done_at": _plain(task.done_at),
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
                "uploaded_at": _plain(attachment.uploaded_at),
            }
            for attachment in attachments
        ],
        "history": [
            {
                "at": _plain(event.at),
                "actor": _person(event.actor),
                "action": event.action,
                "fields": event.fields,
                "changes": event.changes if coded else {},
                "comment": event.comment if coded else None,
            }
            for event in events
        ],
    }


def case_exported(*, case: Case, by, fmt: str, groups) -> None:
    """Account for a data-subject export (codes only: which case, which format, which field groups)."""
    audit_record(
        "case.exported",
        actor=by,
        organization=by.membership.organization,
        target=case,
        details={"format": fmt, "groups": sorted(groups)},
    )


def _font() -> tuple[str, str]:
    """A font that embeds and covers accents and other non-ASCII letters (DejaVu), else Helvetica."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    for path in FONT_PATHS:
        if Path(path).exists():
            bold = path.replace("DejaVuSans.ttf", "DejaVuSans-Bold.ttf")
            if "CaseHubSans" not in pdfmetrics.getRegisteredFontNames():
                pdfmetrics.registerFont(TTFont("CaseHubSans", path))
                pdfmetrics.registerFont(TTFont("CaseHubSans-Bold", bold if Path(bold).exists() else path))
            return "CaseHubSans", "CaseHubSans-Bold"
    return "Helvetica", "Helvetica-Bold"


def _text(value) -> str:
    if value is None or value == "" or value == [] or value == {}:
        return "—"
    if isinstance(value, list):
        return ", ".join(_text(item) for item in value)
    if isinstance(value, dict):
        return "; ".join(f"{key}: {_text(item)}" for key, item in value.items())
    return str(value)


def case_export_pdf(case: Case, groups) -> bytes:
    """The same content as case_export_json, laid out for reading and printing."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    data = case_export_json(case, groups)
    regular, bold = _font()
    body = ParagraphStyle("body", fontName=regular, fontSize=9, leading=12)
    heading = ParagraphStyle("heading", fontName=bold, fontSize=12, leading=16, spaceBefore=8, spaceAfter=4)
    title = ParagraphStyle("title", fontName=bold, fontSize=16, leading=20, spaceAfter=6)

    def para(value) -> Paragraph:
        return Paragraph(escape(_text(value)).replace("\n", "<br/>"), body)

    def table(rows) -> Table:
        grid = Table([[para(key), para(value)] for key, value in rows], colWidths=[55 * mm, 115 * mm])
        grid.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.lightgrey),
                    ("BACKGROUND", (0, 0), (0, -1), colors.whitesmoke),
                ]
            )
        )
        return grid

    story = [
        Paragraph(escape(f"Case {data['case']['case_number']} — data held about you"), title),
        para(f"Exported {data['exported_at']} by {data['case']['organization']}."),
        para(
            "Parts of your case not included in this copy: "
            + ", ".join(str(fieldgroups.LABELS[group]) for group in fieldgroups.ordered(data["left_out"]))
            + ". Ask the organization for a copy with every part."
        )
        if data["left_out"]
        else para("Every part of your case is included."),
        Paragraph("Case", heading),
        table([(key, value) for key, value in data["case"].items() if key != "id"]),
        Paragraph("Survivor details", heading),
        table(data["survivor"].items()),
        Paragraph("Notes", heading),
    ]
    for note in data["notes"] or [None]:
        if note is None:
            story.append(para("No notes."))
            continue
        rows = [("written by", note["author"]), ("written at", note["created_at"]), ("text", note["body"])]
        rows += [(f"earlier text ({rev['written_at']})", rev["body"]) for rev in note["revisions"]]
        story += [table(rows), Spacer(1, 3 * mm)]
    sections = (
        ("Tasks", data["tasks"], ("title", "due_on", "assignee", "done_at")),
        ("Documents", data["attachments"], ("kind", "description", "content_type", "size", "uploaded_at")),
        ("History", data["history"], ("at", "actor", "action", "fields", "changes", "comment")),
    )
    for name, items, keys in sections:
        story.append(Paragraph(name, heading))
        if not items:
            story.append(para("None."))
        for item in items:
            story += [table([(key, item[key]) for key in keys]), Spacer(1, 2 * mm)]
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer, pagesize=A4, title=f"Case {case.case_number}", leftMargin=18 * mm, rightMargin=18 * mm
    )
    document.build(story)
    return buffer.getvalue()
