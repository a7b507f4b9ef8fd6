"""HTTP answers the case pages and the case API give alike: a document's file and the data-subject export.

The views authorize (casehub.access) and call these; what is read, audited and sent is decided
here once, so the two surfaces cannot drift apart.
"""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse, StreamingHttpResponse

from casehub import services
from casehub.export import case_export_json, case_export_pdf, case_exported, exported_groups
from casehub.models import CaseAttachment


def attachment_response(attachment: CaseAttachment, *, by) -> StreamingHttpResponse:
    """A document's decrypted file, downloaded (audited): the page's and the API's one answer."""
    response = StreamingHttpResponse(
        services.attachment_read(attachment=attachment, by=by), content_type=attachment.content_type
    )
    response["Content-Disposition"] = f'attachment; filename="{services.attachment_download_name(attachment)}"'
    response["Content-Length"] = str(attachment.size)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response


def export_response(case, *, by, fmt: str) -> HttpResponse:
    """The page's and the API's one answer to an export."""
    groups = exported_groups(case)
    case_exported(case=case, by=by, fmt=fmt, groups=groups)
    if fmt == "pdf":
        response = HttpResponse(case_export_pdf(case, groups), content_type="application/pdf")
    else:
        body = json.dumps(case_export_json(case, groups), ensure_ascii=False, indent=2, cls=DjangoJSONEncoder)
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{case.case_number}.{fmt}"'
    response["Cache-Control"] = "no-store"
    return response
