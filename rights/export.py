"""The survivor's copy of their data: what the case holds and everyone it went to, as JSON, as a
PDF in the survivor's language, and as a zip of that PDF with the documents themselves.

The case's contents are read by casehub.export (the field groups the exporter may see); the
recipients (consents, shares, referrals) are read here, because they live in sharing and referrals,
which sit above the case app. The page, the API and any later task answer through
``export_response``: one read, one audit record, one layout.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterator

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse, StreamingHttpResponse

from casehub import export as case_export
from casehub import services as case_services
from casehub.access import CaseAction
from casehub.models import Case, CaseAttachment
from referrals import selectors as referral_selectors
from rights import pdf
from sharing import selectors as sharing_selectors

FORMATS = ("json", "pdf", "zip")
# Entries are compressed as they stream: memory holds one 64 KiB chunk, whatever the case holds.
ZIP_COMPRESSION = zipfile.ZIP_DEFLATED


def case_recipients(case: Case) -> dict:
    """Everyone the case's data went to or may go to: the survivor's consents (decision, dates,
    who each provision names), the shares (recipient, field groups, from, until, how it ended) and
    the referrals that reached a provider. Coded values and organization names only: nothing here
    is decrypted (consent notes and witnesses stay out)."""
    consents = sharing_selectors.case_consents(case).defer("witness", "notes").order_by("recorded_at", "id")
    shares = sharing_selectors.shares_of(case).order_by("created_at", "id")
    referrals = referral_selectors.case_referrals_sent(case)
    return {
        "consents": [
            {
                "id": str(consent.uuid),
                "decision": consent.decision,
                "method": consent.method,
                "recorded_at": consent.recorded_at,
                "valid_from": consent.valid_from,
                "valid_until": consent.valid_until,
                "withdrawn_at": consent.withdrawn_at,
                "provisions": [
                    {
                        "recipient_organization": (
                            provision.recipient_organization.name if provision.recipient_organization else None
                        ),
                        "recipient_service_kind": provision.recipient_service_kind or None,
                        "field_groups": list(provision.field_groups),
                        "purposes": list(provision.purposes),
                    }
                    for provision in consent.provisions.all()
                ],
            }
            for consent in consents
        ],
        "shares": [
            {
                "id": str(share.uuid),
                "to_organization": share.to_organization.name,
                "field_groups": list(share.field_groups),
                "purpose": share.purpose,
                "emergency": share.override_id is not None,
                "from": share.created_at,
                "until": share.ended_at or share.ends_at,
                "status": share.status,
            }
            for share in shares
        ],
        "referrals": [
            {
                "reference": referral.reference,
                "to_organization": referral.to_organization.name,
                "service": referral.service.name,
                "need_kind": referral.need_kind,
                "state": referral.state,
                "sent_at": referral.sent_at,
                "answered_at": referral.answered_at,
                "state_changed_at": referral.state_changed_at,
            }
            for referral in referrals
        ],
    }


def data_subject_export(case: Case, groups) -> dict:
    """The whole survivor's copy: the case's contents in ``groups`` and its recipients."""
    data = case_export.case_export_data(case, groups)
    data["recipients"] = case_recipients(case)
    for attachment in data["attachments"]:
        attachment["file_name"] = document_file_name(attachment)
    return data


def document_file_name(attachment: dict) -> str:
    """A document's name inside the zip: its kind and a short id, never its original name or description."""
    extension = case_services.EXTENSIONS.get(attachment["content_type"], "bin")
    return f"documents/{attachment['kind']}-{attachment['id'][:8]}.{extension}"


def includes_documents(case: Case) -> bool:
    """Whether the exporter's zip holds the document files: the case policy's answer, not ours."""
    return CaseAction.DOWNLOAD in case.access.actions


def zip_stream(case: Case, *, by, pdf_bytes: bytes, data: dict) -> Iterator[bytes]:
    """The zip, chunk by chunk: the PDF, then each document decrypted as it is written. Every
    document read is audited (services.attachment_read) before the first byte is sent."""
    files = []
    if includes_documents(case):
        rows = {str(row.uuid): row for row in CaseAttachment.objects.filter(case=case)}
        for attachment in data["attachments"]:
            row = rows[attachment["id"]]
            row.case = case  # carries its data key and its access: no second lookup
            files.append((attachment["file_name"], case_services.attachment_read(attachment=row, by=by)))
    return _zipped(f"{case.case_number}.pdf", pdf_bytes, files)


class _Sink:
    """A write-only file for zipfile that hands its bytes on as they come (not seekable: zipfile
    then writes each entry's sizes after its data)."""

    def __init__(self):
        self.chunks: list[bytes] = []

    def write(self, data) -> int:
        self.chunks.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        out = b"".join(self.chunks)
        self.chunks.clear()
        return out


def _zipped(pdf_name: str, pdf_bytes: bytes, files) -> Iterator[bytes]:
    sink = _Sink()
    with zipfile.ZipFile(sink, "w", compression=ZIP_COMPRESSION) as archive:
        archive.writestr(pdf_name, pdf_bytes)
        yield sink.take()
        for name, chunks in files:
            with archive.open(name, "w", force_zip64=True) as entry:
                for chunk in chunks:
                    entry.write(chunk)
                    yield sink.take()
    yield sink.take()


def export_response(case: Case, *, by, fmt: str, language: str | None = None) -> HttpResponse:
    """The page's and the API's one answer to an export (audited): JSON (codes, HTCDS names), PDF
    (labels and plain dates in ``language``, else the survivor's, else the user's), or a zip of the
    PDF and the documents the exporter may open."""
    groups = case_export.exported_groups(case)
    language = case_export.export_language(case, language)
    case_export.case_exported(case=case, by=by, fmt=fmt, groups=groups, language="" if fmt == "json" else language)
    data = data_subject_export(case, groups)
    name = f"{case.case_number}.{fmt}"
    if fmt == "json":
        body = json.dumps(case_export.as_json(data), ensure_ascii=False, indent=2, cls=DjangoJSONEncoder)
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
    elif fmt == "pdf":
        response = HttpResponse(pdf.export_pdf(data, language=language), content_type="application/pdf")
    else:
        pdf_bytes = pdf.export_pdf(data, language=language, in_zip=includes_documents(case))
        response = StreamingHttpResponse(
            zip_stream(case, by=by, pdf_bytes=pdf_bytes, data=data), content_type="application/zip"
        )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
