"""Applying to join, references, and the platform admins' review queue."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from orgs import services, throttle
from orgs.access import organization_for_platform_admin, require_platform_admin, require_role
from orgs.forms import ApplicationForm, ChecklistForm, ConfirmForm, DecisionForm, ReferenceForm
from orgs.models import Organization, OrganizationReference, OrganizationStatus, ReferenceStatus, Role


@sensitive_post_parameters("password", "password_again")
def apply(request):
    if request.user.is_authenticated:
        return redirect("home")
    if request.method == "POST" and not throttle.application_allowed(request.client_ip):
        return render(request, "orgs/apply_throttled.html", status=429)
    form = ApplicationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.organization_apply(
                organization_fields=form.organization_fields(),
                username=data["username"],
                email=data["email"],
                password=data["password"],
                documents=[data[name] for name in ("document_1", "document_2") if data.get(name)],
                referees=[data["referee_1"], data["referee_2"]],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            throttle.application_submitted(request.client_ip)
            return render(request, "orgs/apply_done.html")
    return render(request, "orgs/apply.html", {"form": form})


@require_platform_admin
def review_queue(request):
    status = request.GET.get("status", "open")
    organizations = Organization.objects.all()
    if status == "open":
        organizations = organizations.filter(status__in=[OrganizationStatus.APPLIED, OrganizationStatus.UNDER_REVIEW])
    elif status in OrganizationStatus.values:
        organizations = organizations.filter(status=status)
    else:
        status = "all"
    counts = dict(Organization.objects.values_list("status").annotate(n=Count("id")))
    page = Paginator(organizations.order_by("status_changed_at", "id"), 50).get_page(request.GET.get("page"))
    tabs = [("open", _("Waiting for review"))] + list(OrganizationStatus.choices) + [("all", _("All"))]
    return render(
        request,
        "orgs/review_queue.html",
        {"page": page, "status": status, "tabs": tabs, "counts": counts},
    )


# Decisions that cannot simply be taken back: the page asks to confirm them (?decide=<decision>).
CONFIRMED_DECISIONS = {"reject", "suspend"}


@require_platform_admin
def review_detail(request, org_uuid):
    """One organization's review; ?decide=reject or ?decide=suspend asks to confirm in place."""
    organization = organization_for_platform_admin(request.user, org_uuid)
    confirming = request.GET.get("decide")
    if confirming not in CONFIRMED_DECISIONS or organization.status not in services.TRANSITIONS[confirming][0]:
        confirming = None
    checklist = ChecklistForm(
        initial={
            "documents_checked": organization.documents_checked,
            "contact_verified": organization.contact_verified,
            "review_notes": organization.review_notes,
        }
    )
    return render(
        request,
        "orgs/review_detail.html",
        {
            "organization": organization,
            "checklist": checklist,
            "decision_form": DecisionForm(),
            "confirming": confirming,
            "references": organization.references.select_related("referee"),
            "history": organization.status_changes.select_related("decided_by"),
            "members": organization.memberships.select_related("user"),
        },
    )


@require_POST
@require_platform_admin
def review_checklist(request, org_uuid):
    organization = organization_for_platform_admin(request.user, org_uuid)
    form = ChecklistForm(request.POST)
    if form.is_valid():
        services.organization_checklist_update(organization=organization, admin=request.user, **form.cleaned_data)
        messages.success(request, _("Checklist saved."))
    else:
        messages.error(request, _("The checklist could not be saved."))
    return redirect("orgs:review_detail", org_uuid=organization.uuid)


@require_POST
@require_platform_admin
def review_decide(request, org_uuid):
    organization = organization_for_platform_admin(request.user, org_uuid)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Unknown decision."))
    elif form.cleaned_data["decision"] in CONFIRMED_DECISIONS and not form.cleaned_data["confirm"]:
        messages.error(request, _("Nothing was changed: confirm the decision first."))
        url = reverse("orgs:review_detail", kwargs={"org_uuid": organization.uuid})
        return redirect(f"{url}?decide={form.cleaned_data['decision']}#decision")
    else:
        try:
            services.organization_decide(
                organization=organization,
                admin=request.user,
                decision=form.cleaned_data["decision"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Decision recorded; the organization was told by e-mail."))
    return redirect("orgs:review_detail", org_uuid=organization.uuid)


@require_platform_admin
def review_document(request, org_uuid, document_id):
    organization = organization_for_platform_admin(request.user, org_uuid)
    document = get_object_or_404(organization.documents, pk=document_id)
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    extension = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg"}.get(document.content_type, "bin")
    return FileResponse(
        handle, as_attachment=True, filename=f"document-{document.pk}.{extension}", content_type=document.content_type
    )


@require_role(Role.ORG_ADMIN)
def references(request):
    organization = request.user.membership.organization
    pending = OrganizationReference.objects.filter(referee=organization, status=ReferenceStatus.PENDING).select_related(
        "applicant"
    )
    answered = (
        OrganizationReference.objects.filter(referee=organization)
        # A reference closed by the decision was never answered: it is not listed at all.
        .exclude(status__in=[ReferenceStatus.PENDING, ReferenceStatus.CLOSED])
        .select_related("applicant")
    )
    return render(
        request, "orgs/references.html", {"pending": pending, "answered": answered[:50], "form": ReferenceForm()}
    )


@require_POST
@require_role(Role.ORG_ADMIN)
def reference_answer(request, reference_id):
    reference = get_object_or_404(OrganizationReference, pk=reference_id, referee=request.user.membership.organization)
    form = ReferenceForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose to vouch or decline."))
        return redirect("orgs:references")
    if not ConfirmForm(request.POST).is_valid():
        # An answer cannot be changed afterwards: the form asks to tick that it is final.
        messages.error(request, _("Nothing was changed: tick the box to confirm that your answer is final."))
        return redirect("orgs:references")
    try:
        services.reference_decide(reference=reference, user=request.user, **form.cleaned_data)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Your answer was recorded."))
    return redirect("orgs:references")
