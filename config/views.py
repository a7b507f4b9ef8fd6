from datetime import datetime, time

from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone

from audit.models import AuditEvent
from casehub import selectors
from casehub.access import Scope, may_create_cases
from casehub.services import cases_listed
from orgs import fieldgroups
from orgs.access import Access, access_state, require_platform_admin
from orgs.forms import AuditFilterForm
from orgs.models import OrganizationReference, ReferenceStatus, Role
from referrals.selectors import incoming_queue, outgoing_queue
from sharing.selectors import consents_ending

DASHBOARD_CASES = 10
DASHBOARD_REFERRALS = 10


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
    context = {"pending_references": pending_references}
    if may_create_cases(request.user):
        context.update(_case_dashboard(request.user))
    return render(request, "home.html", context)


def _case_dashboard(user) -> dict:
    """What needs a caseworker or coordinator now: referrals waiting on them (emergencies first,
    overdue marked) and on others, their tasks, their cases with recent activity, and consents
    about to end."""
    mine, order = selectors.ordered(selectors.case_list(user, scope=Scope.ASSIGNED), "updated")
    my_cases = selectors.case_rows(user, mine.page(order=order, limit=DASHBOARD_CASES))
    tasks_due = selectors.tasks_due_for(user)
    # Task titles are decrypted here too: account for them like the tasks tab does.
    cases_listed(cases=list({task.case for task in tasks_due}), by=user, groups={fieldgroups.CASE_DETAILS})
    return {
        "incoming": incoming_queue(user, limit=DASHBOARD_REFERRALS, emergency_first=True),
        "outgoing": outgoing_queue(user, limit=DASHBOARD_REFERRALS),
        "consents_ending": consents_ending(user),
        "my_cases": my_cases,
        "tasks_due": tasks_due,
        "activity": selectors.recent_activity_for(user),
        "today": timezone.localdate(),
    }


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
    page = Paginator(events.order_by("-id"), 100).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "audit_log.html", {"form": form, "page": page, "query": query.urlencode()})
