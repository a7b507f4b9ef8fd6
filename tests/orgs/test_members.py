"""Org admins invite, change roles and deactivate; membership drives the role groups."""

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from audit.models import AuditEvent
from orgs import services
from orgs.models import Invitation, Membership, OrgRoleGroup, Role
from tests.factories import verified_client

NEW_PASSWORD = "a long and unusual passphrase 7"
# What the confirmation form posts with a destructive action.
CONFIRMED = {"confirm": "yes"}


def invite(cast, email="new@example.org", role="caseworker"):
    verified_client(cast.owner.org_admin).post("/organization/members/invite/", {"email": email, "role": role})
    return Invitation.objects.get(email=email)


def opened(token) -> Client:
    """A client that opened the invitation link: the page's script posts the token from the fragment."""
    client = Client()
    client.post("/invitation/open/", {"token": token})
    return client


def accept(token, username="newcomer"):
    return opened(token).post(
        "/invitation/", {"username": username, "password": NEW_PASSWORD, "password_again": NEW_PASSWORD}
    )


def link_from_mail():
    return next(line for line in mail.outbox[-1].body.splitlines() if "/invitation/" in line).strip()


def token_from_mail():
    return link_from_mail().split("#", 1)[1]


def test_an_invitation_mails_a_link_that_creates_a_member_with_the_role(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invite(cast, role="coordinator")
    response = accept(token_from_mail())
    assert response.url == "/sign-in/"
    membership = Membership.objects.get(user__username="newcomer")
    assert (membership.organization, membership.role) == (cast.owner.organization, "coordinator")


def test_only_the_hash_of_an_invitation_token_is_stored(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invite(cast)
    assert token_from_mail() not in invitation.token_hash


def test_an_invitation_works_once(cast):
    _invitation, token = services.invitation_create(
        organization=cast.owner.organization, email="a@example.org", role="caseworker", by=cast.owner.org_admin
    )
    accept(token, "first")
    response = accept(token, "second")
    assert response.status_code == 404
    assert not Membership.objects.filter(user__username="second").exists()


def test_an_expired_invitation_is_refused(cast):
    invitation, token = services.invitation_create(
        organization=cast.owner.organization, email="a@example.org", role="caseworker", by=cast.owner.org_admin
    )
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timezone.timedelta(seconds=1))
    assert accept(token).status_code == 404


def test_a_withdrawn_invitation_is_refused(cast):
    invitation, token = services.invitation_create(
        organization=cast.owner.organization, email="a@example.org", role="caseworker", by=cast.owner.org_admin
    )
    verified_client(cast.owner.org_admin).post(f"/organization/invitations/{invitation.pk}/revoke/", CONFIRMED)
    assert accept(token).status_code == 404


def test_an_invitation_with_a_weak_password_creates_nothing_and_keeps_the_username(cast):
    _invitation, token = services.invitation_create(
        organization=cast.owner.organization, email="a@example.org", role="caseworker", by=cast.owner.org_admin
    )
    response = opened(token).post("/invitation/", {"username": "kept", "password": "123", "password_again": "123"})
    assert response.status_code == 200
    assert 'value="kept"' in response.content.decode()
    assert not Membership.objects.filter(user__username="kept").exists()


def test_the_invitation_link_carries_its_token_only_in_the_fragment(cast, settings, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invite(cast)
    assert link_from_mail() == f"{settings.SITE_URL}/invitation/#{token_from_mail()}"


def test_the_invitation_page_reads_the_fragment_with_a_script_of_its_own(cast):
    body = Client().get("/invitation/").content.decode()
    assert '<script src="/static/js/invitation.js" defer></script>' in body
    assert 'id="invitation-open"' in body


def test_an_opened_invitation_shows_the_account_form(cast):
    _invitation, token = services.invitation_create(
        organization=cast.owner.organization, email="a@example.org", role="caseworker", by=cast.owner.org_admin
    )
    client = Client()
    response = client.post("/invitation/open/", {"token": token})
    assert response.url == "/invitation/"
    assert "Create my account" in client.get("/invitation/").content.decode()


def test_a_pasted_link_opens_the_invitation(cast, settings):
    _invitation, token = services.invitation_create(
        organization=cast.owner.organization, email="a@example.org", role="caseworker", by=cast.owner.org_admin
    )
    client = Client()
    client.post("/invitation/open/", {"token": f"{settings.SITE_URL}/invitation/#{token}"})
    assert "Create my account" in client.get("/invitation/").content.decode()


def test_an_unknown_token_is_refused_when_opened(cast):
    assert Client().post("/invitation/open/", {"token": "not-a-token"}).status_code == 404


def test_the_account_form_refuses_a_post_without_an_opened_invitation(cast):
    response = Client().post(
        "/invitation/", {"username": "nobody", "password": NEW_PASSWORD, "password_again": NEW_PASSWORD}
    )
    assert response.status_code == 404
    assert not Membership.objects.filter(user__username="nobody").exists()


def test_the_old_token_in_the_path_is_gone(cast):
    _invitation, token = services.invitation_create(
        organization=cast.owner.organization, email="a@example.org", role="caseworker", by=cast.owner.org_admin
    )
    assert Client().get(f"/invitations/{token}/").status_code == 404


def test_the_role_group_follows_the_membership(cast):
    user = cast.owner.caseworker
    verified_client(cast.owner.org_admin).post(
        f"/organization/members/{user.membership.pk}/role/", {"role": "coordinator"}
    )
    groups = set(user.groups.values_list("org_role__role", flat=True))
    assert groups == {"coordinator"}


def test_a_role_change_is_audited_with_old_and_new_role(cast):
    user = cast.owner.caseworker
    verified_client(cast.owner.org_admin).post(
        f"/organization/members/{user.membership.pk}/role/", {"role": "coordinator"}
    )
    event = AuditEvent.objects.get(action="membership.role_changed")
    assert event.details == {"from": "caseworker", "to": "coordinator"}


def test_an_unknown_role_changes_nothing(cast):
    user = cast.owner.caseworker
    verified_client(cast.owner.org_admin).post(f"/organization/members/{user.membership.pk}/role/", {"role": "boss"})
    user.membership.refresh_from_db()
    assert user.membership.role == "caseworker"


def test_an_org_admin_cannot_change_their_own_role(cast):
    admin = cast.owner.org_admin
    verified_client(admin).post(f"/organization/members/{admin.membership.pk}/role/", {"role": "caseworker"})
    assert Membership.objects.get(user=admin, is_active=True).role == Role.ORG_ADMIN


def test_deactivation_ends_the_members_sessions_at_once(cast):
    member_client = verified_client(cast.owner.caseworker)
    assert member_client.get("/").status_code == 200
    verified_client(cast.owner.org_admin).post(
        f"/organization/members/{cast.owner.caseworker.membership.pk}/deactivate/", CONFIRMED
    )
    assert member_client.get("/").url.startswith("/sign-in/")


def test_deactivation_removes_the_role_groups_and_revokes_tokens(cast):
    user = cast.owner.caseworker
    token, _raw = services.api_token_create(user=user, name="x", days=10)
    verified_client(cast.owner.org_admin).post(f"/organization/members/{user.membership.pk}/deactivate/", CONFIRMED)
    assert not user.groups.filter(org_role__isnull=False).exists()
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_a_former_member_who_signs_in_again_reaches_nothing(cast):
    user = cast.owner.caseworker
    verified_client(cast.owner.org_admin).post(f"/organization/members/{user.membership.pk}/deactivate/", CONFIRMED)
    response = verified_client(user).get("/")
    assert response.status_code == 403


def test_each_organization_has_one_group_per_role(cast):
    roles = OrgRoleGroup.objects.filter(organization=cast.owner.organization).values_list("role", flat=True)
    assert sorted(roles) == sorted(Role.values)


def test_the_members_page_asks_to_confirm_a_deactivation_in_place(cast):
    membership = cast.owner.caseworker.membership
    response = verified_client(cast.owner.org_admin).get(f"/organization/members/?deactivate={membership.pk}")
    body = response.content.decode()
    assert f"Deactivate {cast.owner.caseworker.username}?" in body
    assert 'name="confirm" value="yes"' in body
    membership.refresh_from_db()
    assert membership.is_active


def test_the_members_page_without_a_question_offers_no_confirmation(cast):
    body = verified_client(cast.owner.org_admin).get("/organization/members/").content.decode()
    assert 'name="confirm"' not in body


def test_a_deactivation_without_confirmation_changes_nothing_and_says_why(cast):
    membership = cast.owner.caseworker.membership
    response = verified_client(cast.owner.org_admin).post(
        f"/organization/members/{membership.pk}/deactivate/", follow=True
    )
    membership.refresh_from_db()
    assert membership.is_active
    assert "confirm that you want to deactivate this member" in response.content.decode()


def test_the_members_page_asks_to_confirm_withdrawing_an_invitation(cast):
    invitation, _token = services.invitation_create(
        organization=cast.owner.organization, email="a@example.org", role="caseworker", by=cast.owner.org_admin
    )
    response = verified_client(cast.owner.org_admin).get(f"/organization/members/?withdraw={invitation.pk}")
    assert "Withdraw the invitation to a@example.org?" in response.content.decode()


def test_withdrawing_an_invitation_without_confirmation_keeps_its_link_working(cast):
    invitation, token = services.invitation_create(
        organization=cast.owner.organization, email="a@example.org", role="caseworker", by=cast.owner.org_admin
    )
    verified_client(cast.owner.org_admin).post(f"/organization/invitations/{invitation.pk}/revoke/")
    assert accept(token).url == "/sign-in/"


def test_a_second_invitation_to_the_same_address_replaces_the_first(cast):
    _first, first_token = services.invitation_create(
        organization=cast.owner.organization, email="a@example.org", role="caseworker", by=cast.owner.org_admin
    )
    _second, second_token = services.invitation_create(
        organization=cast.owner.organization, email="A@Example.org", role="coordinator", by=cast.owner.org_admin
    )
    assert accept(first_token, "first").status_code == 404
    assert accept(second_token, "second").url == "/sign-in/"
    assert Membership.objects.get(user__username="second").role == "coordinator"


def test_a_second_invitation_keeps_the_first_when_it_fails(cast, monkeypatch):
    # given a first invitation, and a second one that fails once the first is revoked
    first, token = services.invitation_create(
        organization=cast.owner.organization, email="a@example.org", role="caseworker", by=cast.owner.org_admin
    )

    def fail(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(Invitation.objects, "create", fail)
    # when
    with pytest.raises(RuntimeError):
        services.invitation_create(
            organization=cast.owner.organization, email="a@example.org", role="caseworker", by=cast.owner.org_admin
        )
    # then the revocation went with the failed transaction
    first.refresh_from_db()
    assert first.revoked_at is None


def test_an_invitation_to_the_same_address_from_another_organization_leaves_the_first(cast):
    first, _token = services.invitation_create(
        organization=cast.owner.organization, email="a@example.org", role="caseworker", by=cast.owner.org_admin
    )
    services.invitation_create(
        organization=cast.partner.organization, email="a@example.org", role="caseworker", by=cast.partner.org_admin
    )
    first.refresh_from_db()
    assert first.is_usable


def test_replacing_an_invitation_is_audited_as_a_revocation(cast):
    first, _token = services.invitation_create(
        organization=cast.owner.organization, email="a@example.org", role="caseworker", by=cast.owner.org_admin
    )
    services.invitation_create(
        organization=cast.owner.organization, email="a@example.org", role="caseworker", by=cast.owner.org_admin
    )
    event = AuditEvent.objects.get(action="invitation.revoked")
    assert (event.actor, event.target_id) == (cast.owner.org_admin, str(first.pk))


def test_inviting_an_active_member_is_refused_with_a_form_error(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = verified_client(cast.owner.org_admin).post(
            "/organization/members/invite/", {"email": cast.owner.caseworker.email.upper(), "role": "coordinator"}
        )
    assert response.status_code == 400
    assert "This person is already a member of your organization." in response.content.decode()
    assert not Invitation.objects.exists()
    assert mail.outbox == []


def test_a_former_member_may_be_invited_again(cast):
    user = cast.owner.caseworker
    services.membership_deactivate(membership=user.membership, by=cast.owner.org_admin)
    invitation = invite(cast, email=user.email)
    assert invitation.is_usable


def test_an_invalid_invitation_keeps_what_was_typed(cast):
    response = verified_client(cast.owner.org_admin).post(
        "/organization/members/invite/", {"email": "not-an-address", "role": "coordinator"}
    )
    assert response.status_code == 400
    assert 'value="not-an-address"' in response.content.decode()
