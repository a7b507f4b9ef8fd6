"""Personal API tokens: create (shown once), list, revoke."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from orgs import services, throttle
from orgs.access import require_api_user
from orgs.forms import ApiTokenForm, ConfirmForm
from orgs.models import ApiToken


@never_cache
@require_api_user
def token_list(request):
    """The user's tokens; ?revoke=<token> asks to confirm that token's revocation in place."""
    form = ApiTokenForm(request.POST or None, user=request.user)
    created = None
    if request.method == "POST" and not throttle.login_allowed(request.user.username, request.client_ip):
        form.add_error(None, _("Too many failed attempts. Wait a few minutes, then try again."))
    elif request.method == "POST" and form.is_valid():
        token, raw = services.api_token_create(
            user=request.user, name=form.cleaned_data["name"], days=form.cleaned_data["days"]
        )
        created = {"token": token, "raw": raw}
        form = ApiTokenForm(user=request.user)
    elif form.wrong_password:
        throttle.login_failed(request.user.username, request.client_ip)
    tokens = list(ApiToken.objects.filter(user=request.user))
    revoking = request.GET.get("revoke", "")
    revoking = next((t for t in tokens if str(t.pk) == revoking and t.is_usable), None)
    return render(
        request, "orgs/tokens.html", {"form": form, "tokens": tokens, "created": created, "revoking": revoking}
    )


@require_POST
@require_api_user
def token_revoke(request, token_id):
    token = get_object_or_404(ApiToken, pk=token_id, user=request.user)
    if not ConfirmForm(request.POST).is_valid():
        messages.error(request, _("Nothing was changed: confirm that you want to revoke this token."))
        return redirect(f"{reverse('orgs:tokens')}?revoke={token.pk}#token-{token.pk}")
    services.api_token_revoke(token=token, by=request.user)
    messages.success(request, _("Token revoked."))
    return redirect("orgs:tokens")
