"""Org admins invite, change roles and deactivate; membership drives the role groups."""

from django.core import mail
from django.test import Client
from django.utils import timezone

from audit.models import AuditEvent
from orgs import services
from orgs.models import Invitation, Membership, OrgRoleGroup, Role
from tests.factories import verified_client

NEW_PASSWORD = "a long and unusual passphrase 7"


def invite(cast, email="new@example.org", role="caseworker"):
    verified_client(cast.owner.org_admin).post("/organization/members/invite/", {"email": email, "role": role})
    return Invitation.objects.get(email=email)


def accept(token, username="newcomer"):
    return Client().post(
        f"/invitations/{token}/", {"username": username, "password": NEW_PASSWORD, "password_again": NEW_PASSWORD}
    )


def token_from_mail():
    return mail.outbox[-1].body.split("/invitations/")[1].split("/")[0]


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
    verified_client(cast.owner.org_admin).post(f"/organization/invitations/{invitation.pk}/revoke/")
    assert accept(token).status_code == 404


def test_an_invitation_with_a_weak_password_creates_nothing_and_keeps_the_username(cast):
    _invitation, token = services.invitation_create(
        organization=cast.owner.organization, email="a@example.org", role="caseworker", by=cast.owner.org_admin
    )
    response = Client().post(f"/invitations/{token}/", {"username": "kept", "password": "123", "password_again": "123"})
    assert response.status_code == 200
    assert 'value="kept"' in response.content.decode()
    assert not Membership.objects.filter(user__username="kept").exists()


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
        f"/organization/members/{cast.owner.caseworker.membership.pk}/deactivate/"
    )
    assert member_client.get("/").url.startswith("/sign-in/")


def test_deactivation_removes_the_role_groups_and_revokes_tokens(cast):
    user = cast.owner.caseworker
    token, _raw = services.api_token_create(user=user, name="x", days=10)
    verified_client(cast.owner.org_admin).post(f"/organization/members/{user.membership.pk}/deactivate/")
    assert not user.groups.filter(org_role__isnull=False).exists()
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_a_former_member_who_signs_in_again_reaches_nothing(cast):
    user = cast.owner.caseworker
    verified_client(cast.owner.org_admin).post(f"/organization/members/{user.membership.pk}/deactivate/")
    response = verified_client(user).get("/")
    assert response.status_code == 403


def test_each_organization_has_one_group_per_role(cast):
    roles = OrgRoleGroup.objects.filter(organization=cast.owner.organization).values_list("role", flat=True)
    assert sorted(roles) == sorted(Role.values)
