"""Personal API tokens: create (shown once), list, revoke."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from orgs import services
from orgs.access import require_api_user
from orgs.forms import ApiTokenForm
from orgs.models import ApiToken


@never_cache
@require_api_user
def token_list(request):
    form = ApiTokenForm(request.POST or None)
    created = None
    if request.method == "POST" and form.is_valid():
        token, raw = services.api_token_create(user=request.user, **form.cleaned_data)
        created = {"token": token, "raw": raw}
        form = ApiTokenForm()
    tokens = ApiToken.objects.filter(user=request.user)
    return render(request, "orgs/tokens.html", {"form": form, "tokens": tokens, "created": created})


@require_POST
@require_api_user
def token_revoke(request, token_id):
    token = get_object_or_404(ApiToken, pk=token_id, user=request.user)
    services.api_token_revoke(token=token, by=request.user)
    messages.success(request, _("Token revoked."))
    return redirect("orgs:tokens")
