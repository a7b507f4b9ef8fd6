"""HTTP answers the case pages and the case API give alike: a document's file.

The views authorize (casehub.access) and call these; what is read, audited and sent is decided
here once, so the two surfaces cannot drift apart.
"""

from django.http import StreamingHttpResponse

from casehub import services
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
