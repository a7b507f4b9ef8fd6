"""A person's own preferences: the time zone their times are shown in."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from orgs import services, zones
from orgs.forms import PreferencesForm


@require_http_methods(["GET", "POST"])
def preferences(request):
    user = request.user
    form = PreferencesForm(request.POST or None, initial={"time_zone": user.time_zone})
    if request.method == "POST" and form.is_valid():
        services.user_time_zone_set(user=user, time_zone=form.cleaned_data["time_zone"])
        messages.success(request, _("Preferences saved."))
        return redirect("orgs:preferences")
    return render(
        request,
        "orgs/preferences.html",
        {"form": form, "zone": zones.zone_name_of(user)},
        status=400 if form.is_bound and form.errors else 200,
    )
