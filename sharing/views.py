"""Sharing pages: the case's Sharing tab (consent, shares, emergency access, transfer), the
"shared with us" list, and the printable consent explanation.

Thin views: parse, authorize through casehub.access, call one sharing service, respond. A
refused service call (ShareRefused and other ValidationErrors) shows its message on the form
and writes nothing (the services run in one transaction).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from casehub import services as case_services
from casehub.access import CaseAction, Scope, case_for_user, cases_for_user, may_create_cases
from casehub.crypto.files import AttachmentRejected
from casehub.forms import add_errors
from casehub.grants import OverrideStatus, TransferStatus
from casehub.models import AttachmentKind
from casehub.tabs import render_tab
from orgs import fieldgroups
from orgs.access import member_role
from orgs.models import Role
from sharing import forms, selectors, services
from sharing.access import (
    case_transfer_for_user,
    override_for_user,
    share_for_user,
    transfer_for_user,
)

SHARING_ACTIONS = {CaseAction.CONSENT, CaseAction.SHARE}


def _sharing_case(user, case_uuid, action: CaseAction | None = None):
    """A case of the user's organization on which they may record consent or share (404/403 otherwise)."""
    case = case_for_user(user, case_uuid)
    allowed = case.access.actions & SHARING_ACTIONS if action is None else case.access.actions & {action}
    if case.access.shared or not allowed:
        raise PermissionDenied
    return case


def _render_sharing(request, case, *, status: int = 200, **forms_):
    organization = case.organization
    actions = case.access.actions
    context = {
        "consents": selectors.case_consents(case),
        "shares": selectors.case_shares(case),
        "overrides": selectors.case_overrides(case),
        "transfers": selectors.case_transfers(case),
        "consent_form": forms_.get("consent_form") or forms.ConsentForm(organization=organization),
        "share_form": forms_.get("share_form") or forms.ShareForm(organization=organization),
        "override_form": forms_.get("override_form") or forms.OverrideForm(organization=organization),
        "transfer_form": forms_.get("transfer_form") or forms.TransferForm(organization=organization),
        "may_consent": CaseAction.CONSENT in actions,
        "may_share": CaseAction.SHARE in actions,
        "may_transfer": CaseAction.TRANSFER in actions,
    }
    return render_tab(request, case, "sharing", context, status=status, template="sharing/case_sharing.html")


@require_GET
def case_sharing(request, case_uuid):
    case = _sharing_case(request.user, case_uuid)
    return _render_sharing(request, case)


# Consent ----------------------------------------------------------------------------------------


@require_POST
def consent_add(request, case_uuid):
    case = _sharing_case(request.user, case_uuid, CaseAction.CONSENT)
    form = forms.ConsentForm(request.POST, request.FILES, organization=case.organization)
    if form.is_valid():
        data = form.cleaned_data
        try:
            # The signed form and the consent commit together, or neither does.
            with transaction.atomic():
                signed_form = None
                if data.get("signed_form"):
                    signed_form = case_services.attachment_add(
                        case=case, by=request.user, upload=data["signed_form"], kind=AttachmentKind.CONSENT
                    )
                services.consent_record(
                    case=case,
                    by=request.user,
                    decision=data["decision"],
                    method=data["method"],
                    provisions=form.provisions(),
                    valid_until=form.valid_until_at(),
                    interpreter_language=data["interpreter_language"].strip(),
                    witness=data["witness"],
                    notes=data["notes"],
                    signed_form=signed_form,
                )
        except AttachmentRejected as error:
            form.add_error("signed_form", str(error))
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Consent recorded."))
            return redirect("sharing:case", case_uuid=case.uuid)
    return _render_sharing(request, case, consent_form=form, status=400)


# Shares -----------------------------------------------------------------------------------------


@require_POST
def share_add(request, case_uuid):
    case = _sharing_case(request.user, case_uuid, CaseAction.SHARE)
    form = forms.ShareForm(request.POST, organization=case.organization)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.share_create(
                case=case,
                by=request.user,
                to_organization=data["to_organization"],
                field_groups=data["field_groups"],
                purpose=data["purpose"],
                days=data["days"],
                message=data["message"],
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Case shared with %(org)s.") % {"org": data["to_organization"].name})
            return redirect("sharing:case", case_uuid=case.uuid)
    return _render_sharing(request, case, share_form=form, status=400)


@require_POST
def share_revoke(request, case_uuid, share_uuid):
    share = share_for_user(request.user, case_uuid, share_uuid)
    case = share.case
    try:
        services.share_revoke(share=share, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Share revoked: the recipient's access ended."))
    return redirect("sharing:case", case_uuid=case.uuid)


# Emergency access -------------------------------------------------------------------------------


@require_POST
def override_add(request, case_uuid):
    case = _sharing_case(request.user, case_uuid, CaseAction.SHARE)
    form = forms.OverrideForm(request.POST, organization=case.organization)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.override_request(
                case=case,
                by=request.user,
                to_organization=data["to_organization"],
                legal_basis=data["legal_basis"],
                reason=data["reason"],
                field_groups=data["field_groups"],
                hours=data["hours"],
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Emergency access requested. A second coordinator must approve it."))
            return redirect("sharing:case", case_uuid=case.uuid)
    return _render_sharing(request, case, override_form=form, status=400)


DECISIONS = {"approve": True, "decline": False, "cancel": False}


@require_POST
def override_decide(request, case_uuid, override_uuid):
    override = override_for_user(request.user, case_uuid, override_uuid)
    case = override.case
    decision = request.POST.get("decision")
    mine = override.requested_by_id == request.user.pk
    # The requester may only cancel; a second coordinator approves or declines.
    if decision not in DECISIONS or (decision == "cancel") != mine:
        messages.error(request, _("A second coordinator must approve emergency access."))
        return redirect("sharing:case", case_uuid=case.uuid)
    try:
        override = services.override_decide(override=override, by=request.user, approve=DECISIONS[decision])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        done = {
            OverrideStatus.APPROVED: _("Emergency access approved. It is shown on every page of the case."),
            OverrideStatus.DECLINED: _("Emergency access declined."),
            OverrideStatus.CANCELLED: _("Emergency access request cancelled."),
        }
        messages.success(request, done[override.status])
    return redirect("sharing:case", case_uuid=case.uuid)


# Transfer ---------------------------------------------------------------------------------------


@require_POST
def transfer_add(request, case_uuid):
    case = _sharing_case(request.user, case_uuid, CaseAction.TRANSFER)
    form = forms.TransferForm(request.POST, organization=case.organization)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.transfer_offer(
                case=case, by=request.user, to_organization=data["to_organization"], message=data["message"]
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Transfer offered. The receiving organization's coordinator must accept it."))
            return redirect("sharing:case", case_uuid=case.uuid)
    return _render_sharing(request, case, transfer_form=form, status=400)


@require_POST
def transfer_cancel(request, case_uuid, transfer_uuid):
    transfer = case_transfer_for_user(request.user, case_uuid, transfer_uuid)
    case = transfer.case
    try:
        services.transfer_cancel(transfer=transfer, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Transfer cancelled."))
    return redirect("sharing:case", case_uuid=case.uuid)


@require_POST
def transfer_decide(request, transfer_uuid):
    """The receiving organization's coordinator accepts or declines a transfer offered to it."""
    transfer = transfer_for_user(request.user, transfer_uuid, incoming=True)
    decision = request.POST.get("decision")
    if decision not in ("accept", "decline"):
        messages.error(request, _("Choose to accept or decline."))
        return redirect("sharing:shared")
    try:
        transfer = services.transfer_decide(transfer=transfer, by=request.user, accept=decision == "accept")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("sharing:shared")
    if transfer.status == TransferStatus.ACCEPTED:
        messages.success(request, _("Transfer accepted: the case is now your organization's."))
        return redirect("cases:survivor", case_uuid=transfer.case.uuid)
    messages.success(request, _("Transfer declined."))
    return redirect("sharing:shared")


# Shared with us ---------------------------------------------------------------------------------


SHARED_PAGE_SIZE = 200


@require_GET
def shared_with_us(request):
    """Other organizations' cases shared with ours, each within its share's scope; offers and
    emergency requests that wait for us."""
    user = request.user
    if not may_create_cases(user):
        raise PermissionDenied
    organization = user.membership.organization
    shared = cases_for_user(user, scope=Scope.SHARED).page(order=("-updated_at", "-id"), limit=SHARED_PAGE_SIZE)
    listed = selectors.shared_case_rows(user, shared, shows={fieldgroups.IDENTITY, fieldgroups.CASE_DETAILS})
    coordinator = member_role(user) == Role.COORDINATOR
    return render(
        request,
        "sharing/shared_with_us.html",
        {
            "rows": [{"case": row.case, "name": row.name, "coded": row.coded, "share": share} for row, share in listed],
            "coordinator": coordinator,
            "transfers": selectors.transfers_offered_to(organization) if coordinator else [],
            "overrides": selectors.overrides_awaiting(user) if coordinator else [],
        },
    )


# Consent explanation ----------------------------------------------------------------------------

EXPLANATION_LANGUAGES = ("en", "es")


@require_GET
def consent_explanation(request):
    """The plain-language explanation to read with the survivor, in the language asked for."""
    language = request.GET.get("lang") or translation.get_language() or "en"
    language = language.split("-")[0]
    if language not in EXPLANATION_LANGUAGES:
        language = "en"
    context = {
        "language": language,
        "languages": EXPLANATION_LANGUAGES,
        "share_days": settings.CASEHUB_SHARE_DEFAULT_DAYS,
        "max_days": settings.CASEHUB_SHARE_MAX_DAYS,
        "override_hours": settings.CASEHUB_OVERRIDE_MAX_HOURS,
    }
    return render(request, f"sharing/consent_explanation_{language}.html", context)
