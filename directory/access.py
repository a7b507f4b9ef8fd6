"""Who may see and edit which part of the directory: the one place views and API ask.

Editors are the org admins and coordinators of the owning organization. Everyone else asking
for an editor's object gets 404 if it belongs to another organization and 403 if their role
may not edit at all. Location visibility (public / network / confidential) is applied here.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404

from directory.models import EXPORT_KINDS, IMPORT_KINDS, DirectoryJob, Location, Service, Visibility
from orgs.access import Access, access_state, member_role
from orgs.models import Organization, OrganizationStatus, Role

EDITOR_ROLES = (Role.ORG_ADMIN, Role.COORDINATOR)
MATCHER_ROLES = (Role.COORDINATOR, Role.CASEWORKER)


def editor_organization(user) -> Organization:
    """The organization whose directory entries this user keeps, or 403."""
    if member_role(user) not in EDITOR_ROLES:
        raise PermissionDenied
    return user.membership.organization


def viewer_organization(user) -> Organization:
    """The organization of a member of a vetted organization (any role), or 403."""
    if member_role(user) is None:
        raise PermissionDenied
    return user.membership.organization


def require_matcher(user) -> Organization:
    if member_role(user) not in MATCHER_ROLES:
        raise PermissionDenied
    return user.membership.organization


def _get(queryset: QuerySet, object_id):
    try:
        return queryset.get(pk=object_id)
    except (queryset.model.DoesNotExist, ValueError, TypeError, ValidationError):
        # ValidationError: a malformed UUID, answered like an unknown one.
        raise Http404 from None


def service_for_editor(user, service_id) -> Service:
    organization = editor_organization(user)
    return _get(Service.objects.select_related("kind", "organization").filter(organization=organization), service_id)


def location_for_editor(user, location_id) -> Location:
    organization = editor_organization(user)
    return _get(Location.objects.filter(organization=organization), location_id)


def services_visible_to(user) -> QuerySet:
    """Services of vetted organizations (plus the viewer's own, whatever their status)."""
    organization = viewer_organization(user)
    return Service.objects.filter(
        Q(organization__status=OrganizationStatus.VETTED) | Q(organization=organization)
    ).select_related("kind", "organization")


def service_for_viewer(user, service_id) -> Service:
    return _get(services_visible_to(user), service_id)


def visible_locations_q(viewer: Organization | None, *, prefix: str = "") -> Q:
    """Locations a member of `viewer` may see; None means an export (no organization)."""
    shared = Q(**{f"{prefix}visibility__in": [Visibility.PUBLIC, Visibility.NETWORK]})
    if viewer is None:
        return shared
    return shared | Q(**{f"{prefix}organization": viewer})


def location_is_visible(location: Location, viewer: Organization | None) -> bool:
    if location.visibility != Visibility.CONFIDENTIAL:
        return True
    return viewer is not None and location.organization_id == viewer.pk


def directory_jobs_visible_to(user) -> QuerySet:
    """HSDS jobs: imports are the platform admins'; an export is its organization's members'.

    Exports follow the export API's rule (any member of a vetted organization); imports, which
    create organizations, need a platform admin. Everyone else gets 403.
    """
    if access_state(user) is Access.PLATFORM_ADMIN:
        return DirectoryJob.objects.filter(kind__in=IMPORT_KINDS)
    organization = viewer_organization(user)
    return DirectoryJob.objects.filter(kind__in=EXPORT_KINDS, organization=organization)


def directory_job_for_user(user, job_id) -> DirectoryJob:
    try:
        return directory_jobs_visible_to(user).get(uuid=job_id)
    except (DirectoryJob.DoesNotExist, ValueError, ValidationError):
        raise Http404 from None


def require_importer(user) -> None:
    """Imports create organizations: platform admins only."""
    if access_state(user) is not Access.PLATFORM_ADMIN:
        raise PermissionDenied
