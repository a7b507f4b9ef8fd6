"""Org admins manage members and invitations; invited people create their accounts."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from orgs import services
from orgs.access import membership_for_admin, require_role
from orgs.forms import ConfirmForm, InvitationCodeForm, InvitationForm, NewAccountForm, RoleForm
from orgs.models import Invitation, Role


def _members_page(request, invite_form=None, status=200):
    """The members page; ?deactivate=<membership> or ?withdraw=<invitation> asks to confirm in place."""
    organization = request.user.membership.organization
    members = list(organization.memberships.select_related("user").order_by("-is_active", "user__username"))
    invitations = [i for i in organization.invitations.order_by("-created_at")[:50] if i.is_usable]
    deactivating = request.GET.get("deactivate", "")
    withdrawing = request.GET.get("withdraw", "")
    return render(
        request,
        "orgs/members.html",
        {
            "members": members,
            "invitations": invitations,
            "invite_form": invite_form or InvitationForm(),
            "roles": Role.choices,
            "deactivating": next(
                (m for m in members if str(m.pk) == deactivating and m.is_active and m.user != request.user), None
            ),
            "withdrawing": next((i for i in invitations if str(i.pk) == withdrawing), None),
        },
        status=status,
    )


@require_role(Role.ORG_ADMIN)
def member_list(request):
    return _members_page(request)


@require_POST
@require_role(Role.ORG_ADMIN)
def member_invite(request):
    form = InvitationForm(request.POST)
    if form.is_valid():
        try:
            services.invitation_create(
                organization=request.user.membership.organization, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Invitation sent."))
            return redirect("orgs:members")
    return _members_page(request, invite_form=form, status=400)


@require_POST
@require_role(Role.ORG_ADMIN)
def member_role(request, membership_id):
    membership = membership_for_admin(request.user, membership_id)
    form = RoleForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Unknown role."))
        services.membership_change_role(membership=membership, role=form.cleaned_data["role"], by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Role changed."))
    return redirect("orgs:members")


@require_POST
@require_role(Role.ORG_ADMIN)
def member_deactivate(request, membership_id):
    membership = membership_for_admin(request.user, membership_id)
    if not ConfirmForm(request.POST).is_valid():
        messages.error(request, _("Nothing was changed: confirm that you want to deactivate this member."))
        return redirect(f"{reverse('orgs:members')}?deactivate={membership.pk}#member-{membership.pk}")
    try:
        services.membership_deactivate(membership=membership, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Member deactivated; their sessions and tokens ended."))
    return redirect("orgs:members")


@require_POST
@require_role(Role.ORG_ADMIN)
def invitation_revoke(request, invitation_id):
    invitation = get_object_or_404(Invitation, pk=invitation_id, organization=request.user.membership.organization)
    if not ConfirmForm(request.POST).is_valid():
        messages.error(request, _("Nothing was changed: confirm that you want to withdraw this invitation."))
        return redirect(f"{reverse('orgs:members')}?withdraw={invitation.pk}#invitation-{invitation.pk}")
    services.invitation_revoke(invitation=invitation, by=request.user)
    messages.success(request, _("Invitation withdrawn."))
    return redirect("orgs:members")


INVITATION_KEY = "orgs.invitation_token"


@require_POST
def invitation_open(request):
    """Take the invitation token from the form (filled from the link's fragment by
    static/js/invitation.js, or pasted) into the session: the token never travels in a URL, so
    it stays out of server logs, proxies and browser history."""
    form = InvitationCodeForm(request.POST)
    if not form.is_valid() or services.invitation_for_token(form.cleaned_data["token"]) is None:
        return render(request, "orgs/invitation_invalid.html", status=404)
    request.session[INVITATION_KEY] = form.cleaned_data["token"]
    return redirect("orgs:invitation_accept")


@never_cache
@sensitive_post_parameters("password", "password_again")
def invitation_accept(request):
    """Without a token in the session: the page that reads it from the link. With one: the account form."""
    token = request.session.get(INVITATION_KEY)
    invitation = services.invitation_for_token(token) if token else None
    if invitation is None:
        request.session.pop(INVITATION_KEY, None)  # used, withdrawn or expired since it was opened
        if request.method == "POST":
            return render(request, "orgs/invitation_invalid.html", status=404)
        return render(request, "orgs/invitation_open.html", {"form": InvitationCodeForm()})
    form = NewAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.invitation_accept(
                raw_token=token, username=form.cleaned_data["username"], password=form.cleaned_data["password"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            del request.session[INVITATION_KEY]
            messages.success(request, _("Your account is ready. Sign in and set up your second factor."))
            return redirect("orgs:login")
    return render(request, "orgs/invitation_accept.html", {"form": form, "invitation": invitation})
