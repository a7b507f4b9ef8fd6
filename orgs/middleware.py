from django.shortcuts import redirect, render

from orgs.access import Access, access_state

# Pages a signed-in user may reach before the second factor is verified.
BEFORE_SECOND_FACTOR = {"orgs:two_factor", "orgs:two_factor_setup", "orgs:logout", "set_language"}
# Pages a member of a suspended or not-yet-vetted organization may still reach.
WHILE_BLOCKED = BEFORE_SECOND_FACTOR | {
    "orgs:pending",
    "orgs:suspended",
    "orgs:recovery_codes",
    "orgs:sign_out_everywhere",
}


class AccessGateMiddleware:
    """The one place that enforces second factor, suspension and pending vetting for sessions.

    API token requests are gated by orgs.api_auth with the same access_state().
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated:
            return None
        name = request.resolver_match.view_name if request.resolver_match else ""
        is_api = request.path_info.startswith("/api/")
        if not user.is_verified():
            if name in BEFORE_SECOND_FACTOR or is_api:
                return None  # the API refuses unverified sessions itself
            return redirect("orgs:two_factor")
        state = access_state(user)
        if state is Access.SUSPENDED and name not in WHILE_BLOCKED:
            return render(request, "orgs/suspended.html", status=403)
        if state is Access.PENDING and name not in WHILE_BLOCKED:
            if is_api:
                return render(request, "orgs/suspended.html", status=403)
            return redirect("orgs:pending")
        return None
