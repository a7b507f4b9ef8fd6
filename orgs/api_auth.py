"""API authentication: personal tokens and verified sessions, both through the access gate."""

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions, permissions

from orgs.access import Access, access_state
from orgs.services import api_token_lookup


class ApiTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Invalid token header."))
        try:
            raw = header[1].decode()
        except UnicodeError:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from None
        token = api_token_lookup(raw)
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("Invalid, expired or revoked token."))
        if token.last_used_at is None or (timezone.now() - token.last_used_at).total_seconds() > 60:
            type(token).objects.filter(pk=token.pk).update(last_used_at=timezone.now())
        return token.user, token

    def authenticate_header(self, request):
        return self.keyword


class VerifiedSessionAuthentication(authentication.SessionAuthentication):
    """Session authentication (CSRF enforced) that ignores sessions without a verified second factor."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is None:
            return None
        user, _auth = result
        if not user.is_verified():
            return None
        return result


class IsVerifiedAndAllowed(permissions.BasePermission):
    """Signed in with a token or a verified session, and not suspended or pending vetting."""

    message = _("Your organization does not have access (suspended or not yet vetted).")

    def has_permission(self, request, view):
        if not request.user or not request.user.is_authenticated:
            return False
        return access_state(request.user) in {Access.MEMBER, Access.PLATFORM_ADMIN}


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "orgs.api_auth.ApiTokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal API token (chub_…), created on the API tokens page or with create_api_token.",
        }


class VerifiedSessionScheme(OpenApiAuthenticationExtension):
    target_class = "orgs.api_auth.VerifiedSessionAuthentication"
    name = "session"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "cookie",
            "name": settings.SESSION_COOKIE_NAME,
            "description": "A session with a verified second factor; writes need the CSRF token.",
        }
