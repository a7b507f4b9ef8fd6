"""Directory pages: editors keep their organization's services current; members look them up."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from directory import access, matching, selectors, services
from directory.forms import (
    CapacityForm,
    ExportJobForm,
    ImportJobForm,
    LocationForm,
    MatchForm,
    ServiceForm,
    add_service_errors,
)
from directory.hsds import jobs
from directory.hsds.api import job_download_response
from orgs.access import Access, access_state


@require_GET
def service_list(request):
    organization = access.editor_organization(request.user)
    return render(
        request,
        "directory/service_list.html",
        {
            "services": selectors.services_of(organization),
            "locations": selectors.locations_of(organization),
            "capacity_form": CapacityForm(),
        },
    )


@require_http_methods(["GET", "POST"])
def service_create(request):
    organization = access.editor_organization(request.user)
    form = ServiceForm(request.POST or None, organization=organization)
    if request.method == "POST" and form.is_valid():
        try:
            service = services.service_create(organization=organization, by=request.user, data=form.to_input())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Service added."))
            return redirect("directory:service_detail", service_id=service.id)
    return render(request, "directory/service_form.html", {"form": form, "service": None}, status=_status(form))


@require_http_methods(["GET", "POST"])
def service_edit(request, service_id):
    service = access.service_for_editor(request.user, service_id)
    if request.method == "POST":
        form = ServiceForm(request.POST, organization=service.organization)
        if form.is_valid():
            try:
                services.service_update(service=service, by=request.user, data=form.to_input())
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Service saved."))
                return redirect("directory:service_detail", service_id=service.id)
    else:
        form = ServiceForm(initial=ServiceForm.initial_for(service), organization=service.organization)
    return render(request, "directory/service_form.html", {"form": form, "service": service}, status=_status(form))


@require_POST
def service_capacity(request, service_id):
    service = access.service_for_editor(request.user, service_id)
    form = CapacityForm(request.POST)
    if form.is_valid():
        try:
            services.service_capacity_update(service=service, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
    if form.errors:
        return render(request, "directory/capacity_form.html", {"form": form, "service": service}, status=400)
    messages.success(request, _("Capacity updated."))
    return redirect("directory:service_list")


@require_GET
def service_detail(request, service_id):
    service = access.service_for_viewer(request.user, service_id)
    viewer = request.user.membership.organization
    return render(
        request,
        "directory/service_detail.html",
        {
            "service": service,
            "places": selectors.service_places(service, viewer),
            "can_edit": service.organization_id == viewer.pk and request.user.membership.role in access.EDITOR_ROLES,
            "capacity_form": CapacityForm(),
        },
    )


@require_http_methods(["GET", "POST"])
def location_create(request):
    organization = access.editor_organization(request.user)
    form = LocationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.location_create(organization=organization, by=request.user, data=form.to_input())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Location added."))
            return redirect("directory:service_list")
    return render(request, "directory/location_form.html", {"form": form, "location": None}, status=_status(form))


@require_http_methods(["GET", "POST"])
def location_edit(request, location_id):
    location = access.location_for_editor(request.user, location_id)
    if request.method == "POST":
        form = LocationForm(request.POST)
        if form.is_valid():
            try:
                services.location_update(location=location, by=request.user, data=form.to_input())
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Location saved."))
                return redirect("directory:service_list")
    else:
        form = LocationForm(initial=LocationForm.initial_for(location))
    return render(request, "directory/location_form.html", {"form": form, "location": location}, status=_status(form))


@require_GET
def match(request):
    """Find services for a need; a read, so the need travels in the query string."""
    viewer = access.require_matcher(request.user)
    form = MatchForm(request.GET or None)
    results = None
    if form.is_bound and form.is_valid():
        results = matching.match_services(need=form.to_need(), viewer=viewer)
    return render(
        request,
        "directory/match.html",
        {
            "form": form,
            "results": results,
            "weights": [(matching.COMPONENT_LABELS[k], w) for k, w in matching.WEIGHTS.items()],
        },
        status=_status(form),
    )


def _jobs_page(request, *, export_form=None, import_form=None, status=200):
    recent = list(access.directory_jobs_visible_to(request.user).select_related("started_by")[:20])
    importer = access_state(request.user) is Access.PLATFORM_ADMIN
    context = {
        "jobs": recent,
        "running": any(job.is_running for job in recent),
        "export_form": None if importer else export_form or ExportJobForm(),
        "import_form": (import_form or ImportJobForm()) if importer else None,
    }
    return render(request, "directory/directory_jobs.html", context, status=status)


@require_GET
def directory_jobs(request):
    """HSDS imports (platform admins) or exports (members), recent jobs and their progress."""
    return _jobs_page(request)


@require_POST
def directory_export(request):
    organization = access.viewer_organization(request.user)
    form = ExportJobForm(request.POST)
    if not form.is_valid():
        return _jobs_page(request, export_form=form, status=400)
    job = jobs.directory_export_start(
        kind=form.kind(), scope=form.cleaned_data["scope"], by=request.user, organization=organization
    )
    messages.success(request, _("Export queued."))
    return redirect(job)


@require_POST
def directory_import(request):
    access.require_importer(request.user)
    form = ImportJobForm(request.POST, request.FILES)
    if not form.is_valid():
        return _jobs_page(request, import_form=form, status=400)
    job = jobs.directory_import_start(kind=form.kind(), content=form.cleaned_data["file"].read(), by=request.user)
    messages.success(request, _("Import queued."))
    return redirect(job)


@require_GET
def directory_job(request, job_id):
    job = access.directory_job_for_user(request.user, job_id)
    return render(request, "directory/directory_job.html", {"job": job})


@require_GET
def directory_job_download(request, job_id):
    return job_download_response(access.directory_job_for_user(request.user, job_id))


def _status(form) -> int:
    return 400 if form.is_bound and form.errors else 200
