"""The survivor's copy as a PDF: labels instead of codes, plain dates, in one language.

Laid out from rights.export.data_subject_export's data, never from the database. Free text (notes,
the narrative, the safety plan) is set as paragraphs outside any table, one per line, so that a note
of any length flows across pages: a table cell cannot split, and a cell taller than a page is what
made ReportLab's layout fail.
"""

from __future__ import annotations

import io
from datetime import date, datetime
from pathlib import Path
from xml.sax.saxutils import escape

from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from casehub import labels
from casehub.forms import CodedForm
from casehub.grants import ConsentDecision, ConsentMethod, Purpose, ShareStatus
from casehub.models import AttachmentKind, CaseStatus, IdentityDocumentKind, RiskLevel
from casehub.selectors import EVENT_LABELS
from directory import taxonomy
from orgs import fieldgroups
from referrals.models import ReferralState

FONT_PATHS = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
)
# A value longer than this, or with a line break, is set as paragraphs under its label.
SHORT = 200
# The day as people write it: "7 December 2026" (Django's English default is "Dec. 7, 2026");
# other languages take their own format ("7 de diciembre de 2026").
DAY_FORMATS = {"en": "j F Y"}


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


# Values ---------------------------------------------------------------------------------------------


def day(value) -> str:
    """A date (or a moment, on the day it was where the server keeps time) as people write it."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if not isinstance(value, date):
        return str(value)
    return formats.date_format(value, DAY_FORMATS.get(translation.get_language(), "DATE_FORMAT"))


def _label(choices, code) -> str:
    return str(dict(choices).get(code, code)) if code else ""


def _labels(choices, codes) -> str:
    return ", ".join(_label(choices, code) for code in codes or [])


def _groups(codes) -> str:
    return ", ".join(str(fieldgroups.LABELS[code]) for code in fieldgroups.ordered(codes or []))


def _yes_no(value) -> str:
    return _("Yes") if value else _("No")


def _coded(name: str, value) -> str:
    """A coded field's value as people read it (casehub.labels), "" for nothing."""
    return labels.value_label(name, value) if value not in (None, "", []) else ""


def survivor_rows(details: dict) -> list[tuple[str, str]]:
    """The survivor's details as (label, text), codes through their labels."""
    rows = []
    for name, value in details.items():
        if name == "risk_level":
            continue  # shown with the case
        if name in CodedForm.base_fields:
            rows.append((labels.field_label(name), _coded(name, value)))
        elif name == "identity_documents":
            text = "\n".join(f"{_label(IdentityDocumentKind.choices, d['kind'])}: {d['number']}" for d in value or [])
            rows.append((labels.field_label(name), text))
        elif name == "contact_instructions":
            for key, item in (value or {}).items():
                text = _yes_no(item) if isinstance(item, bool) else str(item or "")
                rows.append((labels.field_label(key), text))
        elif name == "date_of_birth":
            rows.append((labels.field_label(name), day(value)))
        elif isinstance(value, list):
            rows.append((labels.field_label(name), "\n".join(str(item) for item in value)))
        else:
            rows.append((labels.field_label(name), "" if value is None else str(value)))
    return rows


# Layout ---------------------------------------------------------------------------------------------


class _Layout:
    def __init__(self):
        from reportlab.lib.styles import ParagraphStyle

        regular, bold = _font()
        # splitLongWords: a word wider than the page (a pasted link, a line without spaces) is
        # broken where it reaches the margin instead of running off the page.
        self.body = ParagraphStyle("body", fontName=regular, fontSize=10, leading=13, splitLongWords=1)
        self.meta = ParagraphStyle("meta", parent=self.body, fontSize=8.5, leading=11, textColor="#444444")
        self.label = ParagraphStyle("label", parent=self.body, fontName=bold, spaceBefore=4)
        self.h2 = ParagraphStyle("h2", fontName=bold, fontSize=13, leading=17, spaceBefore=12, spaceAfter=4)
        self.h3 = ParagraphStyle("h3", fontName=bold, fontSize=11, leading=14, spaceBefore=8, spaceAfter=2)
        self.title = ParagraphStyle("title", fontName=bold, fontSize=16, leading=20, spaceAfter=6)
        self.story: list = []

    def para(self, text: str, style=None) -> None:
        from reportlab.platypus import Paragraph

        self.story.append(Paragraph(escape(text), style or self.body))

    def heading(self, text: str, style=None) -> None:
        from reportlab.platypus import Paragraph

        paragraph = Paragraph(escape(text), style or self.h2)
        paragraph.keepWithNext = True
        self.story.append(paragraph)

    def text(self, value: str) -> None:
        """Free text: one paragraph per line, so it flows across pages."""
        from reportlab.platypus import Spacer

        for line in (value or "—").splitlines() or ["—"]:
            if line.strip():
                self.para(line)
            else:
                self.story.append(Spacer(1, 6))

    def gap(self) -> None:
        """Space between two records of a list (two consents, two shares)."""
        from reportlab.platypus import Spacer

        self.story.append(Spacer(1, 10))

    def rows(self, rows) -> None:
        """Label and value pairs: short ones as a two-column table, long ones as paragraphs."""
        short: list = []
        for label, value in rows:
            value = value if value not in (None, "") else "—"
            if len(value) <= SHORT and "\n" not in value:
                short.append((label, value))
                continue
            self._table(short)
            short = []
            self.heading(label, self.label)
            self.text(value)
        self._table(short)

    def _table(self, rows) -> None:
        from reportlab.lib import colors
        from reportlab.lib.units import mm
        from reportlab.platypus import Paragraph, Table, TableStyle

        if not rows:
            return
        cells = [[Paragraph(escape(label), self.body), Paragraph(escape(value), self.body)] for label, value in rows]
        table = Table(cells, colWidths=[55 * mm, 119 * mm], hAlign="LEFT")
        table.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.lightgrey),
                    ("BACKGROUND", (0, 0), (0, -1), colors.whitesmoke),
                ]
            )
        )
        self.story.append(table)

    def build(self, title: str) -> bytes:
        from reportlab.lib.pagesizes import A4
        from reportlab.lib.units import mm
        from reportlab.platypus import SimpleDocTemplate

        buffer = io.BytesIO()
        document = SimpleDocTemplate(
            buffer, pagesize=A4, title=title, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=18 * mm
        )
        document.build(self.story)
        return buffer.getvalue()


def export_pdf(data: dict, *, language: str, in_zip: bool = False) -> bytes:
    """The survivor's copy, laid out for reading and printing in ``language``. ``in_zip``: the
    documents' files travel beside it, and each document names its file."""
    with translation.override(language):
        return _export_pdf(data, in_zip=in_zip)


def _export_pdf(data: dict, *, in_zip: bool) -> bytes:
    case = data["case"]
    out = _Layout()
    title = _("Case %(number)s: the data we hold about you") % {"number": case["case_number"]}
    out.para(title, out.title)
    out.para(
        _("Made on %(date)s by %(organization)s.")
        % {"date": day(data["exported_at"]), "organization": case["organization"]}
    )
    if data["left_out"]:
        out.para(
            _("Parts of your case not in this copy: %(parts)s. Ask the organization for a copy with every part.")
            % {"parts": _groups(data["left_out"])}
        )
    else:
        out.para(_("Every part of your case is in this copy."))

    out.heading(_("Case"))
    rows = [
        (_("Case number"), case["case_number"]),
        (_("Organization"), case["organization"]),
        (_("Status"), _label(CaseStatus.choices, case["cas_Status"])),
    ]
    if "risk_level" in case:
        rows.append((_("Risk"), _label(RiskLevel.choices, case["risk_level"])))
    rows += [
        (_("Restricted"), _yes_no(case["restricted"])),
        (_("Opened on"), day(case["created_at"])),
        (_("Closed on"), day(case["closed_at"])),
        (_("Assigned workers"), ", ".join(case["assigned_caseworkers"])),
    ]
    out.rows(rows)

    out.heading(_("Survivor"))
    out.rows(survivor_rows(data["survivor"]))

    _recipients(out, data["recipients"])
    _notes(out, data["notes"], included=fieldgroups.NOTES in data["field_groups"])
    _tasks(out, data["tasks"], included=fieldgroups.CASE_DETAILS in data["field_groups"])
    _documents(out, data["attachments"], included=fieldgroups.DOCUMENTS in data["field_groups"], in_zip=in_zip)
    _history(out, data["history"])
    return out.build(title)


def _none(out: _Layout, included: bool = True) -> None:
    out.para(_("None.") if included else _("Not in this copy."))


def _recipients(out: _Layout, recipients: dict) -> None:
    out.heading(_("Who received your data"))
    out.para(
        _(
            "The consents you gave or refused, the organizations your case was shared with, and the "
            "services it was referred to, with their dates."
        )
    )
    out.heading(_("Consent"), out.h3)
    for consent in recipients["consents"]:
        rows = [
            (_("Decision"), _label(ConsentDecision.choices, consent["decision"])),
            (_("How it was given"), _label(ConsentMethod.choices, consent["method"])),
            (_("Recorded on"), day(consent["recorded_at"])),
            (_("From"), day(consent["valid_from"])),
            (_("Until"), day(consent["valid_until"]) or _("Until withdrawn")),
        ]
        if consent["withdrawn_at"]:
            rows.append((_("Withdrawn on"), day(consent["withdrawn_at"])))
        for provision in consent["provisions"]:
            recipient = provision["recipient_organization"] or taxonomy.label(provision["recipient_service_kind"])
            rows.append(
                (
                    _("Recipient"),
                    _("%(recipient)s: %(groups)s, for %(purposes)s")
                    % {
                        "recipient": recipient,
                        "groups": _groups(provision["field_groups"]),
                        "purposes": _labels(Purpose.choices, provision["purposes"]),
                    },
                )
            )
        out.rows(rows)
        out.gap()
    if not recipients["consents"]:
        _none(out)

    out.heading(_("Shares"), out.h3)
    for share in recipients["shares"]:
        rows = [
            (_("Organization"), share["to_organization"]),
            (_("Parts of the case"), _groups(share["field_groups"])),
            (_("Purpose"), _label(Purpose.choices, share["purpose"])),
            (_("From"), day(share["from"])),
            (_("Until"), day(share["until"])),
            (_("Status"), _label(ShareStatus.choices, share["status"])),
        ]
        if share["emergency"]:
            rows.append((_("Emergency access"), _yes_no(True)))
        out.rows(rows)
        out.gap()
    if not recipients["shares"]:
        _none(out)

    out.heading(_("Referrals"), out.h3)
    for referral in recipients["referrals"]:
        out.rows(
            [
                (_("Reference"), referral["reference"]),
                (_("Organization"), referral["to_organization"]),
                (_("Service"), f"{referral['service']} ({taxonomy.label(referral['need_kind'])})"),
                (_("State"), _label(ReferralState.choices, referral["state"])),
                (_("Sent on"), day(referral["sent_at"])),
                (_("Answered on"), day(referral["answered_at"])),
                (_("Last change"), day(referral["state_changed_at"])),
            ]
        )
        out.gap()
    if not recipients["referrals"]:
        _none(out)


def _notes(out: _Layout, notes: list, *, included: bool) -> None:
    out.heading(_("Notes"))
    for note in notes:
        out.heading(
            _("Written on %(date)s by %(author)s") % {"date": day(note["created_at"]), "author": note["author"] or "—"},
            out.h3,
        )
        out.text(note["body"])
        for revision in note["revisions"]:
            out.heading(_("Earlier text, written on %(date)s") % {"date": day(revision["written_at"])}, out.label)
            out.text(revision["body"])
    if not notes:
        _none(out, included)


def _tasks(out: _Layout, tasks: list, *, included: bool) -> None:
    out.heading(_("Tasks"))
    for task in tasks:
        out.rows(
            [
                (_("Task"), task["title"]),
                (_("Due"), day(task["due_on"])),
                (_("Assigned to"), task["assignee"] or ""),
                (_("Done"), day(task["done_at"]) or _yes_no(False)),
            ]
        )
        out.gap()
    if not tasks:
        _none(out, included)


def _documents(out: _Layout, attachments: list, *, included: bool, in_zip: bool) -> None:
    out.heading(_("Documents"))
    if in_zip and attachments:
        out.para(_("The files themselves are in this zip, in the folder “documents”."))
    for attachment in attachments:
        rows = [
            (_("Kind"), _label(AttachmentKind.choices, attachment["kind"])),
            (_("Description"), attachment["description"] or ""),
            (_("Added on"), day(attachment["uploaded_at"])),
        ]
        if in_zip:
            rows.append((_("File"), attachment["file_name"]))
        out.rows(rows)
        out.gap()
    if not attachments:
        _none(out, included)


def _history(out: _Layout, history: list) -> None:
    out.heading(_("History"))
    rows = []
    for event in history:
        what = str(EVENT_LABELS.get(event["action"], event["action"]))
        fields = ", ".join(labels.field_label(name) for name in event["fields"])
        changes = "; ".join(
            f"{labels.field_label(name)}: {_coded(name, change.get('from')) or '—'} → {_coded(name, change.get('to')) or '—'}"
            for name, change in event["changes"].items()
            if isinstance(change, dict) and name != "assigned"
        )
        text = " — ".join(part for part in (what, fields, changes, event["comment"] or "") if part)
        rows.append((f"{day(event['at'])}, {event['actor'] or '—'}", text))
    out.rows(rows)
    if not history:
        _none(out)
