"""Sign-in, second factor, sign-out, and the notices for blocked organizations."""

import base64
from io import BytesIO
from urllib.parse import urlsplit

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordChangeForm
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from audit.services import audit_record
from orgs import services, throttle
from orgs.access import Access, access_state
from orgs.forms import ConfirmForm, OtpForm, SignInForm, TotpEnrollForm
from orgs.models import Authenticator, OrganizationStatus

NEXT_KEY = "orgs.after_sign_in"


def _remember_next(request) -> None:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        request.session[NEXT_KEY] = target


@never_cache
@sensitive_post_parameters("password")
def sign_in(request):
    if request.user.is_authenticated and request.user.is_verified():
        return redirect("home")
    form = SignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"]
        if not throttle.login_allowed(username, request.client_ip):
            audit_record("auth.sign_in", outcome="denied", details={"reason": "throttled"})
            form.add_error(None, _("Too many failed attempts. Wait a few minutes, then try again."))
        else:
            user = authenticate(request, username=username, password=form.cleaned_data["password"])
            if user is None:
                throttle.login_failed(username, request.client_ip)
                audit_record("auth.sign_in", outcome="failure")
                # The same answer whether or not the username exists.
                form.add_error(None, _("That username and password do not match."))
            else:
                # The failure count is kept until the second factor succeeds too: a stolen
                # password must not reset the count of guessed codes.
                login(request, user)
                _remember_next(request)
                audit_record("auth.sign_in", actor=user, details={"step": "password"})
                return redirect("orgs:two_factor")
    return render(request, "orgs/sign_in.html", {"form": form})


def _has_authenticator(user) -> bool:
    return Authenticator.objects.filter(user=user, confirmed=True).exists()


@never_cache
def two_factor(request):
    if request.user.is_verified():
        return redirect("home")
    if not _has_authenticator(request.user):
        return redirect("orgs:two_factor_setup")
    form = OtpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not throttle.login_allowed(request.user.username, request.client_ip):
            form.add_error(None, _("Too many failed attempts. Wait a few minutes, then try again."))
        else:
            device = match_token(request.user, form.cleaned_data["code"])
            if device is None:
                throttle.login_failed(request.user.username, request.client_ip)
                audit_record("auth.second_factor", actor=request.user, outcome="failure")
                form.add_error("code", _("That code is not valid. Try the next code from your app."))
            else:
                otp_login(request, device)
                throttle.login_succeeded(request.user.username)
                audit_record("auth.second_factor", actor=request.user, details={"device": device.__class__.__name__})
                return redirect(request.session.pop(NEXT_KEY, None) or "home")
    return render(request, "orgs/two_factor.html", {"form": form})


def _qr_svg(uri: str) -> str:
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = BytesIO()
    image.save(buffer)
    return buffer.getvalue().decode()


SETUP_KEY = "orgs.totp_setup_key"


@never_cache
def two_factor_setup(request):
    """Enroll an authenticator: forced for users who have none; verified users may replace theirs.

    The new key waits in the session until a code from it is confirmed, so GET writes nothing.
    """
    user = request.user
    if _has_authenticator(user) and not user.is_verified():
        return redirect("orgs:two_factor")  # never a way around an enrolled second factor
    key = request.session.get(SETUP_KEY) or random_hex(20)
    request.session[SETUP_KEY] = key
    device = TOTPDevice(user=user, name="authenticator", key=key, confirmed=False)
    form = TotpEnrollForm(request.POST or None, user=user)
    if request.method == "POST" and not throttle.login_allowed(user.username, request.client_ip):
        form.add_error(None, _("Too many failed attempts. Wait a few minutes, then try again."))
    elif request.method == "POST" and form.wrong_password:
        throttle.login_failed(user.username, request.client_ip)
        audit_record("auth.2fa_enrollment", actor=user, outcome="failure", details={"reason": "password"})
    elif request.method == "POST" and form.is_valid():
        authenticator = services.totp_enroll(user=user, device=device, token=form.cleaned_data["code"])
        if authenticator is not None:
            del request.session[SETUP_KEY]
            otp_login(request, authenticator)
            throttle.login_succeeded(user.username)
            codes = services.recovery_codes_generate(user=user)
            return render(request, "orgs/recovery_codes.html", {"codes": codes, "first_time": True})
        else:
            throttle.login_failed(user.username, request.client_ip)
            form.add_error("code", _("That code does not match. Check the time on your phone and try again."))
    secret = base64.b32encode(device.bin_key).decode()
    return render(
        request,
        "orgs/two_factor_setup.html",
        {"form": form, "qr_svg": _qr_svg(device.config_url), "secret": secret},
    )


@require_POST
def recovery_codes(request):
    # The current codes stop working: asked first on the dashboard (?confirm=recovery-codes).
    if not ConfirmForm(request.POST).is_valid():
        messages.error(request, _("Confirm that your current recovery codes may stop working."))
        return redirect("home")
    codes = services.recovery_codes_generate(user=request.user)
    return render(request, "orgs/recovery_codes.html", {"codes": codes, "first_time": False})


@require_POST
def sign_out(request):
    if request.user.is_authenticated:
        audit_record("auth.sign_out", actor=request.user)
    logout(request)
    messages.info(request, _("You are signed out."))
    return redirect("orgs:login")


@require_POST
def sign_out_everywhere(request):
    # Every session ends, this one too: asked first in the footer (?confirm=sign-out-everywhere).
    if request.user.is_authenticated and not ConfirmForm(request.POST).is_valid():
        messages.error(request, _("Confirm that you want to sign out on every device."))
        return redirect("home")
    if request.user.is_authenticated:
        services.user_sign_out_everywhere(user=request.user)
    logout(request)
    messages.info(request, _("You are signed out on every device, and your API tokens are revoked."))
    return redirect("orgs:login")


@sensitive_post_parameters()
@require_http_methods(["GET", "POST"])
def password_change(request):
    """A new password, with the current one asked first; this session stays, every other one and
    every API token end. A wrong current password counts like a failed sign-in."""
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and not throttle.login_allowed(request.user.username, request.client_ip):
        form.add_error(None, _("Too many failed attempts. Wait a few minutes, then try again."))
    elif request.method == "POST" and form.is_valid():
        services.user_password_change(user=request.user, password=form.cleaned_data["new_password1"])
        update_session_auth_hash(request, request.user)
        messages.success(
            request, _("Password changed. You are signed out on your other devices, and your API tokens are revoked.")
        )
        return redirect("home")
    elif form.has_error("old_password", "password_incorrect"):
        throttle.login_failed(request.user.username, request.client_ip)
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "orgs/password_change.html", {"form": form}, status=status)


def pending(request):
    if access_state(request.user) is not Access.PENDING:
        return redirect("home")
    organization = request.user.membership.organization
    rejection = None
    if organization.status == OrganizationStatus.REJECTED:
        rejection = organization.status_changes.filter(to_status=OrganizationStatus.REJECTED).last()
    return render(request, "orgs/pending.html", {"organization": organization, "rejection": rejection})


def suspended(request):
    if access_state(request.user) is not Access.SUSPENDED:
        return redirect("home")
    return render(request, "orgs/suspended.html", status=403)


class PasswordReset(auth_views.PasswordResetView):
    """Django's reset form, throttled per address asked for and per client address, with links
    built from SITE_URL: never from the request's Host header, which a client chooses."""

    template_name = "orgs/password_reset_form.html"
    email_template_name = "emails/password_reset.txt"
    subject_template_name = "emails/password_reset_subject.txt"

    def form_valid(self, form):
        email = form.cleaned_data["email"]
        if not throttle.password_reset_allowed(email, self.request.client_ip):
            # The same answer as a sent e-mail: the form never tells whether an address has an account.
            audit_record("auth.password_reset_requested", outcome="denied", details={"reason": "throttled"})
            return redirect(self.get_success_url())
        throttle.password_reset_requested(email, self.request.client_ip)
        site = urlsplit(settings.SITE_URL)
        form.save(
            domain_override=site.netloc,
            use_https=site.scheme == "https",
            token_generator=self.token_generator,
            from_email=self.from_email,
            email_template_name=self.email_template_name,
            subject_template_name=self.subject_template_name,
            request=self.request,
            extra_email_context={"site_url": settings.SITE_URL},
        )
        return redirect(self.get_success_url())


class PasswordResetConfirm(auth_views.PasswordResetConfirmView):
    template_name = "orgs/password_reset_confirm.html"
    success_url = reverse_lazy("password_reset_complete")

    def form_valid(self, form):
        with transaction.atomic():
            response = super().form_valid(form)
            services.user_password_reset(user=form.user)
        return response
