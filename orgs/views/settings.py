"""The organization's settings, kept by its org admins."""

from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from orgs import services
from orgs.access import require_role
from orgs.forms import OrganizationSettingsForm
from orgs.models import Role


@require_http_methods(["GET", "POST"])
@require_role(Role.ORG_ADMIN)
def organization_settings(request):
    organization = request.user.membership.organization
    initial = {**services.organization_case_settings(organization), "time_zone": organization.time_zone}
    form = OrganizationSettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        settings = dict(form.cleaned_data)
        with transaction.atomic():
            services.organization_time_zone_set(
                organization=organization, by=request.user, time_zone=settings.pop("time_zone")
            )
            services.organization_settings_update(organization=organization, by=request.user, **settings)
        messages.success(request, _("Settings saved."))
        return redirect("orgs:settings")
    return render(request, "orgs/settings.html", {"form": form, "organization": organization})
