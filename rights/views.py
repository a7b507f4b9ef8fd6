"""Pages for the rights whose effects cross apps; the rest of each page lives with its app."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from casehub.access import CaseAction, case_for_user, erasure_for_user
from casehub.crypto import shredding
from rights import export, services
from sharing.access import consent_for_user


@require_POST
def consent_withdraw(request, case_uuid, consent_uuid):
    consent = consent_for_user(request.user, case_uuid, consent_uuid)
    case = consent.case
    if request.POST.get("confirm") != "on":
        messages.error(request, _("Tick the box to confirm that the survivor withdraws this consent."))
        return redirect("sharing:case", case_uuid=case.uuid)
    try:
        ended = services.consent_withdraw(consent=consent, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            ngettext(
                "Consent withdrawn. %(count)d share ended.",
                "Consent withdrawn. %(count)d shares ended.",
                len(ended),
            )
            % {"count": len(ended)},
        )
    return redirect("sharing:case", case_uuid=case.uuid)


@require_POST
def erase_confirm(request, case_uuid, erasure_uuid):
    erasure = erasure_for_user(request.user, case_uuid, erasure_uuid)
    try:
        services.case_erase_confirm(erasure=erasure, by=request.user)
    except shredding.ErasureRefused:
        messages.error(request, _("A second coordinator, not the one who asked, must confirm the erasure."))
        return redirect("cases:manage", case_uuid=erasure.case.uuid)
    messages.success(request, _("Case %(number)s was erased.") % {"number": erasure.case_number})
    return redirect("cases:list")


@require_GET
def case_export(request, case_uuid, fmt):
    """The survivor's copy (audited): JSON, PDF or zip, of what the exporting person may see;
    ?lang= picks the PDF's language (a code the app has), else the survivor's, else the user's."""
    case = case_for_user(request.user, case_uuid, action=CaseAction.EXPORT)
    return export.export_response(case, by=request.user, fmt=fmt, language=request.GET.get("lang"))
