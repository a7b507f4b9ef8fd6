"""The inbox: a signed-in user's own notifications, read and marked read here."""

from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from notifications import selectors, services
from orgs.access import require_api_user

PAGE_SIZE = 50


@require_GET
@require_api_user
def inbox(request):
    page = Paginator(selectors.notifications_of(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "notifications/inbox.html", {"page": page, "notifications": page.object_list})


@require_POST
@require_api_user
def mark_read(request, notification_id):
    """Mark one notification read; with `open`, go on to what it is about."""
    notification = selectors.notification_for_user(request.user, notification_id)
    services.notification_mark_read(notification=notification)
    if "open" in request.POST:
        # Safe to follow: notify() only stores site-relative paths.
        return redirect(notification.link)
    return redirect("notifications:inbox")


@require_POST
@require_api_user
def mark_all_read(request):
    services.notifications_mark_all_read(user=request.user)
    return redirect("notifications:inbox")
