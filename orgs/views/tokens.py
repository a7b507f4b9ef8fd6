"""Personal API tokens: create (shown once), list, revoke."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from orgs import services
from orgs.access import Access, access_state
from orgs.forms import ApiTokenForm
from orgs.models import ApiToken


def _may_use_api(user) -> bool:
    return access_state(user) in {Access.MEMBER, Access.PLATFORM_ADMIN}


@never_cache
def token_list(request):
    if not _may_use_api(request.user):
        return redirect("orgs:login") if not request.user.is_authenticated else redirect("home")
    form = ApiTokenForm(request.POST or None)
    created = None
    if request.method == "POST" and form.is_valid():
        token, raw = services.api_token_create(user=request.user, **form.cleaned_data)
        created = {"token": token, "raw": raw}
        form = ApiTokenForm()
    tokens = ApiToken.objects.filter(user=request.user)
    return render(request, "orgs/tokens.html", {"form": form, "tokens": tokens, "created": created})


@require_POST
def token_revoke(request, token_id):
    if not _may_use_api(request.user):
        return redirect("home")
    token = get_object_or_404(ApiToken, pk=token_id, user=request.user)
    services.api_token_revoke(token=token, by=request.user)
    messages.success(request, _("Token revoked."))
    return redirect("orgs:tokens")
