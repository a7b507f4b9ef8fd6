from datetime import datetime, time

from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone

from casehub.models import AuditEvent
from orgs.access import Access, access_state, require_platform_admin
from orgs.forms import AuditFilterForm
from orgs.models import OrganizationReference, ReferenceStatus, Role


def home(request):
    # The access gate lets only members of vetted organizations and platform admins this far.
    if access_state(request.user) is Access.PLATFORM_ADMIN:
        return redirect("orgs:review_queue")
    membership = request.user.membership
    pending_references = 0
    if membership.role == Role.ORG_ADMIN:
        pending_references = OrganizationReference.objects.filter(
            referee=membership.organization, status=ReferenceStatus.PENDING
        ).count()
    return render(request, "home.html", {"pending_references": pending_references})


def _day_start(day):
    return timezone.make_aware(datetime.combine(day, time.min))


@require_platform_admin
def audit_log(request):
    form = AuditFilterForm(request.GET or None)
    events = AuditEvent.objects.select_related("actor", "organization")
    if form.is_valid():
        data = form.cleaned_data
        if data["action"]:
            events = events.filter(action__startswith=data["action"])
        if data["organization"]:
            events = events.filter(organization=data["organization"])
        if data["actor"]:
            events = events.filter(actor__username=data["actor"])
        if data["outcome"]:
            events = events.filter(outcome=data["outcome"])
        if data["since"]:
            events = events.filter(created_at__gte=_day_start(data["since"]))
        if data["until"]:
            events = events.filter(created_at__lt=_day_start(data["until"]) + timezone.timedelta(days=1))
    page = Paginator(events.order_by("-seq"), 100).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "audit_log.html", {"form": form, "page": page, "query": query.urlencode()})
