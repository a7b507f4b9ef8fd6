"""Who may do what at the organization level: the one place pages, API, tasks and admin ask.

The gate (`access_state`) is checked on every request by AccessGateMiddleware for sessions and
by the API authentication for tokens, so suspension and pending vetting are enforced centrally.
"""

import enum
from functools import wraps

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from orgs.models import Membership, Organization, OrganizationStatus, Role


class Access(enum.Enum):
    ANONYMOUS = "anonymous"
    PLATFORM_ADMIN = "platform_admin"
    MEMBER = "member"  # active member of a vetted organization
    PENDING = "pending"  # member of an organization that is not vetted (yet): applied, under review, rejected
    SUSPENDED = "suspended"  # member of a suspended organization
    NO_ORGANIZATION = "no_organization"  # signed-in user with no active membership


def access_state(user) -> Access:
    if user is None or not user.is_authenticated or not user.is_active:
        return Access.ANONYMOUS
    if user.is_platform_admin:
        return Access.PLATFORM_ADMIN
    membership = user.membership
    if membership is None:
        return Access.NO_ORGANIZATION
    status = membership.organization.status
    if status == OrganizationStatus.VETTED:
        return Access.MEMBER
    if status == OrganizationStatus.SUSPENDED:
        return Access.SUSPENDED
    return Access.PENDING


def member_role(user) -> str | None:
    """The role of a member of a vetted organization, or None for everyone else."""
    if access_state(user) is not Access.MEMBER:
        return None
    return user.membership.role


def require_role(*roles: str):
    """View decorator: only active members of a vetted organization with one of these roles."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if member_role(request.user) not in roles:
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def require_platform_admin(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if access_state(request.user) is not Access.PLATFORM_ADMIN:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def require_api_user(view):
    """Members of vetted organizations and platform admins: the people who may hold API tokens."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if access_state(request.user) not in {Access.MEMBER, Access.PLATFORM_ADMIN}:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def membership_for_admin(user, membership_id: int) -> Membership:
    """A membership of the org admin's own organization; others are 404."""
    if member_role(user) != Role.ORG_ADMIN:
        raise PermissionDenied
    return get_object_or_404(
        Membership.objects.select_related("user"), pk=membership_id, organization=user.membership.organization
    )


def organization_for_platform_admin(user, org_uuid) -> Organization:
    if access_state(user) is not Access.PLATFORM_ADMIN:
        raise PermissionDenied
    try:
        return Organization.objects.get(uuid=org_uuid)
    except (Organization.DoesNotExist, ValueError):
        raise Http404 from None
