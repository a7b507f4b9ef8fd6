import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from orgs.access import Access, access_state
from orgs.problems import problem_response

# Pages anyone may open, signed in or not.
PUBLIC = {
    "orgs:login",
    "orgs:apply",
    "orgs:invitation_accept",
    "orgs:invitation_open",
    "set_language",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    # Probes and the metrics scrape: no session; /metrics checks its own bearer token.
    "ops:live",
    "ops:ready",
    "ops:metrics",
}
# Pages a signed-in user may reach before the second factor is verified.
BEFORE_SECOND_FACTOR = {"orgs:two_factor", "orgs:two_factor_setup", "orgs:logout"}
# Pages a member of a suspended or not-yet-vetted organization, or a former member, may still reach.
WHILE_BLOCKED = BEFORE_SECOND_FACTOR | {
    "orgs:pending",
    "orgs:suspended",
    "orgs:recovery_codes",
    "orgs:sign_out_everywhere",
}


def _refuse_api(message):
    return problem_response(403, "permission_denied", message)


class AccessGateMiddleware:
    """The one place that enforces sign-in, second factor, suspension and vetting for every page.

    The API is gated here for sessions; API tokens are gated by orgs.api_auth with the same
    access_state(), since DRF authenticates them inside the view.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        name = request.resolver_match.view_name if request.resolver_match else ""
        if name in PUBLIC:
            return None
        user = request.user
        is_api = request.path_info.startswith("/api/")
        if not user.is_authenticated:
            return None if is_api else redirect(f"{reverse('orgs:login')}?{urlencode({'next': request.path})}")
        if not user.is_verified():
            if name in BEFORE_SECOND_FACTOR or is_api:
                return None  # the API refuses unverified sessions itself
            return redirect("orgs:two_factor")
        state = access_state(user)
        if state in {Access.MEMBER, Access.PLATFORM_ADMIN} or name in WHILE_BLOCKED:
            return None
        if state is Access.SUSPENDED:
            message = _("Your organization's access is suspended.")
            return _refuse_api(message) if is_api else render(request, "orgs/suspended.html", status=403)
        if state is Access.PENDING:
            return _refuse_api(_("Your organization is not vetted yet.")) if is_api else redirect("orgs:pending")
        return (
            _refuse_api(_("You do not belong to an organization."))
            if is_api
            else render(request, "no_organization.html", status=403)
        )


SIGNED_IN_AT = "orgs.signed_in_at"


class SessionLifetimeMiddleware:
    """End a session SESSION_ABSOLUTE_LIFETIME seconds after its sign-in, however active it is.

    The clock starts at the first request a signed-in session makes (a moment after sign-in;
    sessions that predate this middleware start theirs then too). Signing out flushes the
    session, so the next sign-in starts a new clock.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not request.user.is_authenticated:
            return None
        started = request.session.setdefault(SIGNED_IN_AT, int(time.time()))
        if time.time() - started <= settings.SESSION_ABSOLUTE_LIFETIME:
            return None
        logout(request)
        if request.path_info.startswith("/api/"):
            return None  # the API now sees no session and refuses as it does any anonymous request
        messages.info(request, _("Your session has ended. Sign in again."))
        return redirect(f"{reverse('orgs:login')}?{urlencode({'next': request.path})}")
