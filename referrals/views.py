"""Referral pages: needs on the case, sending to a matched provider, the coordinators' queues,
a referral's timeline with its thread and actions, and the network's figures.

The receiving organization sees the offer tier stored on the referral, never the case, until an
acceptance opens a share (then the case pages apply as for any shared case).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from casehub.access import CaseAction, case_for_user
from directory import matching, taxonomy
from directory.matching import Need
from directory.models import Service, TaxonomyTerm
from orgs.access import member_role, require_role
from orgs.models import Role, User
from referrals.access import WORKING_ROLES, need_for_user, referral_for_user, referral_roles, referral_thread_for_user
from referrals.forms import CompleteForm, DeclineForm, FailForm, MessageForm, NeedForm
from referrals.models import ACTIVE_STATES, UNANSWERED_STATES, NeedStatus, Referral, ReferralState, ServiceNeed
from referrals.selectors import (
    incoming_queue,
    network_figures,
    outgoing_queue,
    receiver_assignees,
    redirect_targets,
    with_case_links,
)
from referrals.transitions import RECEIVER_COORDINATOR, SENDER, actions_for
from referrals.workflow import (
    need_create,
    referral_act,
    referral_assign,
    referral_create,
    referral_message_add,
)

# Coded survivor values -> the directory's matching vocabulary.
MATCH_AGE_BANDS = {"0-11": "0-11", "12-17": "12-17", "18-24": "18-24", "25-34": "25-59", "35-49": "25-59"}
MATCH_GENDERS = {
    "Feminine": "female",
    "TransgenderFeminine": "female",
    "Masculine": "male",
    "TransgenderMasculine": "male",
    "NonConforming": "non_binary",
}
MATCH_URGENCY = {"emergency": "emergency", "urgent": "soon", "routine": "routine"}


def _errors(error: ValidationError) -> list[str]:
    return error.messages


def _working_member(user) -> None:
    if member_role(user) not in WORKING_ROLES:
        raise PermissionDenied


# Needs on the case -------------------------------------------------------------------------------


@require_GET
def case_referrals(request, case_uuid):
    case = case_for_user(request.user, case_uuid)
    needs = ServiceNeed.objects.filter(case=case).select_related("case").prefetch_related("referrals__to_organization")
    form = NeedForm() if CaseAction.EDIT in case.access.actions else None
    return render(request, "referrals/case_referrals.html", {"case": case, "needs": needs, "form": form})


@require_POST
def need_add(request, case_uuid):
    case = case_for_user(request.user, case_uuid, action=CaseAction.EDIT)
    form = NeedForm(request.POST)
    if form.is_valid():
        try:
            need_create(case=case, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Need recorded."))
            return redirect("referrals:case_referrals", case_uuid=case.uuid)
    needs = ServiceNeed.objects.filter(case=case)
    return render(request, "referrals/case_referrals.html", {"case": case, "needs": needs, "form": form}, status=400)


def need_to_match(need: ServiceNeed) -> Need:
    """What matching gets: coded values only, a region at most."""
    case = need.case
    language = need.language or case.primary_language
    return Need(
        kind=TaxonomyTerm.objects.get(code=need.kind),
        age_band=MATCH_AGE_BANDS.get(case.age_band, ""),
        gender=MATCH_GENDERS.get(case.gender, ""),
        languages=(language,) if language else (),
        region=need.region,
        country=need.country or case.organization.country,
        urgency=MATCH_URGENCY[need.urgency],
        accept_waitlist=True,
        provider_gender=need.provider_gender,
    )


def referral_new(request, need_id):
    """GET: the providers matching a need; POST: refer it to one of them and send."""
    need = need_for_user(request.user, need_id)
    if request.method == "POST":
        try:
            service = matching.Service.objects.get(pk=request.POST.get("service"))
        except (matching.Service.DoesNotExist, ValueError, ValidationError):
            raise Http404 from None
        try:
            referral = referral_create(need=need, service=service, by=request.user)
            referral = referral_act(referral=referral, by=request.user, action="send")
        except ValidationError as error:
            for text in _errors(error):
                messages.error(request, text)
            return redirect("referrals:referral_new", need_id=need.uuid)
        if referral.state == "awaiting_consent":
            messages.warning(
                request, _("The survivor's consent does not cover this provider yet: record it, then send again.")
            )
        else:
            messages.success(request, _("Referral sent."))
        return redirect(referral)
    if request.method != "GET":
        raise PermissionDenied
    viewer = request.user.membership.organization
    widened = [name for name in request.GET.getlist("widen") if name in matching.RELAXATIONS]
    wanted = matching.relaxed(need_to_match(need), widened)

    def elsewhere(match) -> bool:
        return match.service.organization_id != need.case.organization_id

    matches = [m for m in matching.match_services(need=wanted, viewer=viewer) if elsewhere(m)]
    context = {
        "need": need,
        "case": need.case,
        "wanted": wanted,
        "widened": widened,
        "matches": matches,
        "exclusions": [] if matches else matching.exclusions(need=wanted, viewer=viewer, keep=elsewhere),
    }
    return render(request, "referrals/referral_new.html", context)


# Queues -----------------------------------------------------------------------------------------


@require_GET
def incoming(request):
    _working_member(request.user)
    return render(request, "referrals/queue.html", {"referrals": incoming_queue(request.user), "direction": "incoming"})


@require_GET
def outgoing(request):
    _working_member(request.user)
    return render(request, "referrals/queue.html", {"referrals": outgoing_queue(request.user), "direction": "outgoing"})


# One referral -----------------------------------------------------------------------------------


def _detail_context(request, referral: Referral, **forms_) -> dict:
    with_case_links(request.user, [referral])
    roles = referral_roles(request.user, referral)
    actions = actions_for(referral.state, roles)
    may_assign = RECEIVER_COORDINATOR in roles and referral.state in ACTIVE_STATES
    sender = SENDER in roles
    return {
        "referral": referral,
        "sender": sender,
        "actions": actions,
        "events": _events(referral),
        "thread": referral.messages.select_related("case", "author", "organization") if referral.reveals else None,
        "assignees": receiver_assignees(referral) if "accept" in actions or may_assign else [],
        "may_assign": may_assign,
        "redirect_targets": redirect_targets(referral) if "redirect" in actions else [],
        # The receiver only suggests: the sender refers there (a new attempt, consent-checked) or not.
        "suggested": (
            referral.redirected_to
            if sender and referral.state == ReferralState.REDIRECTED and referral.need.status == NeedStatus.OPEN
            else None
        ),
        # Several forms on one page: each with its own element ids.
        "decline_form": DeclineForm(auto_id="decline_%s"),
        "complete_form": CompleteForm(auto_id="complete_%s"),
        "fail_form": FailForm(auto_id="fail_%s"),
        "message_form": forms_.get("message_form") or MessageForm(auto_id="message_%s"),
        "may_write": bool(roles) and referral.sent_at is not None and referral.reveals,
        # Overdue and unanswered: the sender may give up on this provider and try the next.
        "offer_next_match": SENDER in roles and referral.is_overdue and referral.state in UNANSWERED_STATES,
    }


def _events(referral: Referral) -> list:
    events = list(referral.events.select_related("case", "actor", "actor_organization"))
    if not referral.reveals:
        for event in events:
            event.note = None  # notes are the conversation's, closed with the consent
    return events


@require_GET
def referral_detail(request, referral_id):
    referral = referral_for_user(request.user, referral_id)
    return render(request, "referrals/referral_detail.html", _detail_context(request, referral))


@require_POST
def referral_action(request, referral_id):
    referral = referral_for_user(request.user, referral_id)
    action = request.POST.get("action", "")
    redirect_to = None
    if action == "redirect":
        redirect_to = _service_or_none(request.POST.get("redirect_to", ""))
    assignee = None
    if request.POST.get("assignee"):
        assignee = (
            User.objects.filter(pk=request.POST["assignee"]).first() if request.POST["assignee"].isdigit() else None
        )
        if assignee is None:
            messages.error(request, _("Choose someone of your organization."))
            return render(request, "referrals/referral_detail.html", _detail_context(request, referral), status=400)
    try:
        referral_act(
            referral=referral,
            by=request.user,
            action=action,
            reason=request.POST.get("reason", ""),
            outcome=request.POST.get("outcome", ""),
            note=request.POST.get("note", ""),
            assignee=assignee,
            redirect_to=redirect_to,
        )
    except ValidationError as error:
        for text in _errors(error):
            messages.error(request, text)
        return render(request, "referrals/referral_detail.html", _detail_context(request, referral), status=400)
    messages.success(request, _("Done."))
    if action == "withdraw" and request.POST.get("next_match"):
        return redirect("referrals:referral_new", need_id=referral.need.uuid)
    return redirect(referral)


def _service_or_none(service_id: str) -> Service | None:
    # An unknown choice is no choice: referral_act then refuses with its form error.
    try:
        return Service.objects.filter(pk=service_id).first()
    except (ValueError, ValidationError):
        return None


@require_POST
def referral_assign_view(request, referral_id):
    """The receiving coordinator hands accepted work to another of their caseworkers."""
    referral = referral_for_user(request.user, referral_id)
    if RECEIVER_COORDINATOR not in referral_roles(request.user, referral):
        raise PermissionDenied
    assignee_id = request.POST.get("assignee", "")
    assignee = User.objects.filter(pk=assignee_id).first() if assignee_id.isdigit() else None
    try:
        if assignee is None:
            raise ValidationError(_("Choose someone of your organization."))
        referral_assign(referral=referral, by=request.user, assignee=assignee)
    except ValidationError as error:
        for text in _errors(error):
            messages.error(request, text)
        return render(request, "referrals/referral_detail.html", _detail_context(request, referral), status=400)
    messages.success(request, _("Assigned."))
    return redirect(referral)


@require_POST
def referral_message(request, referral_id):
    referral = referral_thread_for_user(request.user, referral_id)
    form = MessageForm(request.POST, auto_id="message_%s")
    if form.is_valid():
        try:
            referral_message_add(referral=referral, by=request.user, body=form.cleaned_data["body"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect(referral)
    context = _detail_context(request, referral, message_form=form)
    return render(request, "referrals/referral_detail.html", context, status=400)


@require_GET
@require_role(Role.COORDINATOR)
def figures(request):
    data = network_figures()
    outcome_rows = []
    for kind, counts in data["outcomes"].items():
        for code, count in sorted(counts.items()):
            outcome_rows.append((kind, data["outcome_labels"].get(code, code), count))
    decline_rows = [(data["decline_labels"][code], count) for code, count in data["declines"].items()]
    return render(
        request,
        "referrals/figures.html",
        {
            "figures": data,
            "outcome_chart": _bars(
                outcome_rows, label=lambda r: f"{taxonomy.label(r[0])}: {r[1]}", value=lambda r: r[2]
            ),
            "decline_chart": _bars(decline_rows, label=lambda r: r[0], value=lambda r: r[1]),
        },
    )


def _bars(rows, *, label, value) -> dict:
    """A horizontal bar chart as SVG geometry (attributes, not styles: the CSP allows no inline style)."""
    top = max((value(row) for row in rows), default=0) or 1
    bars = [
        {"label": label(row), "value": value(row), "y": index * 24, "width": round(300 * value(row) / top)}
        for index, row in enumerate(rows)
    ]
    return {"bars": bars, "height": max(24, 24 * len(bars))}
