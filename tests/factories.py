"""Factories and the fixed cast of organizations and people that tests share."""

import contextlib
import os
import time
from dataclasses import dataclass, field

import factory
from django.db import transaction
from django.test import Client, override_settings
from django_otp import DEVICE_ID_SESSION_KEY

from config.sessions import SAVED_AT
from orgs import capabilities, services
from orgs.middleware import SIGNED_IN_AT
from orgs.models import Authenticator, Organization, OrganizationStatus, Role, User

PASSWORD = "correct horse battery staple 42"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Organization {n}")
    kind = "ngo"
    country = "MX"
    region = "Jalisco"
    contact_email = factory.Sequence(lambda n: f"contact{n}@org.example.org")
    status = OrganizationStatus.VETTED

    @factory.post_generation
    def role_groups(obj, create, extracted, **kwargs):
        if create:
            services.organization_role_groups_create(organization=obj)


def authenticator(user) -> Authenticator:
    device = Authenticator.objects.filter(user=user, confirmed=True).first()
    return device or services.authenticator_add(user=user, bin_key=os.urandom(20))


def member(organization, role: str, **user_fields) -> User:
    """A user with an active membership and an enrolled authenticator."""
    user = UserFactory(**user_fields)
    services.membership_add(organization=organization, user=user, role=role, by=None)
    authenticator(user)
    return user


def platform_admin(**user_fields) -> User:
    user = UserFactory(is_platform_admin=True, **user_fields)
    authenticator(user)
    return user


def verified_client(user) -> Client:
    """A client signed in as user with the second factor verified."""
    user.refresh_from_db()  # the session hash depends on the stored session generation
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = authenticator(user).persistent_id
    # As after the first request of a sign-in: the session's clock started and its save recent,
    # so a measured request writes no session row.
    session[SIGNED_IN_AT] = session[SAVED_AT] = int(time.time())
    session.save()
    return client


def current_totp(device) -> str:
    """The code an app shows now for an Authenticator (or an unsaved TOTPDevice being enrolled)."""
    from django_otp.oath import totp

    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):0{device.digits}d}"


@dataclass
class Team:
    organization: Organization
    caseworker: User = None
    coordinator: User = None
    org_admin: User = None

    def by_role(self, role: str) -> User:
        return getattr(self, role)


@dataclass
class Cast:
    """Owner, partner, outsider and suspended organizations, each with every role, and a platform admin."""

    owner: Team
    partner: Team
    outsider: Team
    suspended: Team
    admin: User
    extra: dict = field(default_factory=dict)


def team(name: str, kind: str = "ngo", status: str = OrganizationStatus.VETTED) -> Team:
    organization = OrganizationFactory(name=name, kind=kind)
    members = {
        role: member(organization, role, username=f"{name.lower().replace(' ', '-')}-{role}") for role in Role.values
    }
    if status != OrganizationStatus.VETTED:
        Organization.objects.filter(pk=organization.pk).update(status=status)
        organization.refresh_from_db()
    return Team(organization, **members)


def make_cast() -> Cast:
    return Cast(
        owner=team("Owner", "shelter"),
        partner=team("Partner", "legal_aid"),
        outsider=team("Outsider", "medical"),
        suspended=team("Suspended", "hotline", OrganizationStatus.SUSPENDED),
        admin=platform_admin(username="platform-admin"),
    )


def cast_keys(cast: Cast) -> dict:
    """The cast's primary keys, to load it again (cast_from_keys) in a later transaction."""
    teams = {name: getattr(cast, name) for name in ("owner", "partner", "outsider", "suspended")}
    return {
        "teams": {
            name: (team.organization.pk, {role: team.by_role(role).pk for role in Role.values})
            for name, team in teams.items()
        },
        "admin": cast.admin.pk,
    }


def cast_from_keys(keys: dict) -> Cast:
    """Fresh instances of the cast's rows, as the database holds them now (two queries)."""
    organizations = Organization.objects.in_bulk([pk for pk, _ in keys["teams"].values()])
    user_pks = [keys["admin"], *(pk for _, roles in keys["teams"].values() for pk in roles.values())]
    users = User.objects.in_bulk(user_pks)
    teams = {
        name: Team(organizations[org_pk], **{role: users[pk] for role, pk in roles.items()})
        for name, (org_pk, roles) in keys["teams"].items()
    }
    return Cast(**teams, admin=users[keys["admin"]])


def caseworkers_see_all_cases(organization, see_all: bool = True) -> None:
    """Let the organization's caseworkers see every unrestricted case (or only theirs)."""
    current = services.capabilities_of(organization, Role.CASEWORKER)
    seeing = capabilities.SEE_UNRESTRICTED if see_all else capabilities.SEE_ASSIGNED
    rest = current - {capabilities.SEE_UNRESTRICTED, capabilities.SEE_ASSIGNED}
    services.capabilities_set(organization=organization, role=Role.CASEWORKER, codenames=rest | {seeing})


@contextlib.contextmanager
def module_world(django_db_blocker, make):
    """A world made once for a test module (``make()``), inside a transaction rolled back after
    the module's last test; each test's own writes are rolled back by its ``db`` fixture."""
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
        transaction.atomic(),
    ):
        yield make()
        transaction.set_rollback(True)
