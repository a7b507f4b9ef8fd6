"""Reassigning accepted work: the receiving coordinator, from the referral page or the API; the
new assignee is told by a link; the sender's people and everyone else are refused (and see
tests/test_authorization_matrix.py)."""

import pytest
from django.utils import translation

from audit.models import AuditEvent
from notifications.models import Notification, NotificationKind
from orgs.models import Role
from referrals.models import Referral, ReferralEvent
from tests.factories import member, verified_client
from tests.problems import error_fields
from tests.referrals.factories import a_referral, a_scene, accepted


def post(client, path, body):
    return client.post(path, body, content_type="application/json")


@pytest.fixture
def scene(cast):
    return a_scene(cast)


@pytest.fixture
def second(cast):
    return member(cast.partner.organization, Role.CASEWORKER, username="partner-caseworker-2")


def test_the_receiving_coordinator_reassigns_from_the_referral_page(scene, second):
    referral = accepted(scene)
    client = verified_client(scene.provider.coordinator)
    assert 'id="assign-form"' in client.get(referral.get_absolute_url()).content.decode()
    response = client.post(f"{referral.get_absolute_url()}assign/", {"assignee": second.pk})
    assert response.status_code == 302
    assert Referral.objects.get(pk=referral.pk).assigned_to == second


def test_reassigning_is_an_event_and_an_audit_record(scene, second):
    referral = accepted(scene)
    verified_client(scene.provider.coordinator).post(f"{referral.get_absolute_url()}assign/", {"assignee": second.pk})
    assert ReferralEvent.objects.filter(referral=referral, action="assign").count() == 1
    audit = AuditEvent.objects.get(action="referral.assign")
    assert audit.details == {"referral": str(referral.uuid), "assignee": str(second.uuid)}


def test_the_new_assignee_is_told_once_by_a_link(scene, second):
    referral = accepted(scene)
    verified_client(scene.provider.coordinator).post(f"{referral.get_absolute_url()}assign/", {"assignee": second.pk})
    told = Notification.objects.get(kind=NotificationKind.REFERRAL_ASSIGNED, recipient=second)
    assert told.link == referral.get_absolute_url()
    event = ReferralEvent.objects.get(referral=referral, action="assign")
    assert told.dedupe_key == f"referral:{referral.uuid}:assign:{event.uuid}"


def test_the_receiving_coordinator_reassigns_through_the_api(scene, second):
    referral = accepted(scene)
    response = post(
        verified_client(scene.provider.coordinator),
        f"/api/v1/referrals/{referral.uuid}/assign/",
        {"assignee": str(second.uuid)},
    )
    assert response.status_code == 200 and response.json()["assigned_to"] == str(second.uuid)


def test_the_assignee_may_not_reassign(scene, second):
    referral = accepted(scene)
    client = verified_client(scene.provider.caseworker)
    assert 'id="assign-form"' not in client.get(referral.get_absolute_url()).content.decode()
    assert client.post(f"{referral.get_absolute_url()}assign/", {"assignee": second.pk}).status_code == 403
    api = post(client, f"/api/v1/referrals/{referral.uuid}/assign/", {"assignee": str(second.uuid)})
    assert api.status_code == 403
    assert Referral.objects.get(pk=referral.pk).assigned_to == scene.provider.caseworker


def test_an_outsider_does_not_find_the_referral(cast, scene, second):
    referral = accepted(scene)
    client = verified_client(cast.outsider.coordinator)
    assert client.post(f"{referral.get_absolute_url()}assign/", {"assignee": second.pk}).status_code == 404


@pytest.mark.parametrize(
    ("who", "error"),
    [
        ("another_organization", "Assign a caseworker of your organization."),
        ("nobody", "Choose someone of your organization."),
        ("not_a_number", "Choose someone of your organization."),
    ],
)
def test_an_invalid_assignee_is_a_clear_400_and_changes_nothing(cast, scene, who, error):
    referral = accepted(scene)
    assignee = {"another_organization": cast.outsider.caseworker.pk, "nobody": 999999, "not_a_number": "x"}[who]
    with translation.override("en"):
        response = verified_client(scene.provider.coordinator).post(
            f"{referral.get_absolute_url()}assign/", {"assignee": assignee}
        )
    assert response.status_code == 400 and error in response.content.decode()
    assert Referral.objects.get(pk=referral.pk).assigned_to == scene.provider.caseworker


def test_the_api_refuses_an_assignee_of_another_organization_with_a_400(cast, scene):
    referral = accepted(scene)
    response = post(
        verified_client(scene.provider.coordinator),
        f"/api/v1/referrals/{referral.uuid}/assign/",
        {"assignee": str(cast.outsider.caseworker.uuid)},
    )
    assert response.status_code == 400 and "assignee" in error_fields(response)
    assert Referral.objects.get(pk=referral.pk).assigned_to == scene.provider.caseworker


def test_a_referral_not_yet_accepted_is_not_reassigned(scene, second):
    referral = a_referral(scene, send=True)
    with translation.override("en"):
        response = verified_client(scene.provider.coordinator).post(
            f"{referral.get_absolute_url()}assign/", {"assignee": second.pk}
        )
    assert response.status_code == 400 and "Only accepted referrals are assigned." in response.content.decode()
    assert Referral.objects.get(pk=referral.pk).assigned_to is None


@pytest.mark.parametrize("path", ["/referrals/{uuid}/assign/", "/api/v1/referrals/{uuid}/assign/"])
def test_reassigning_refuses_get(scene, path):
    referral = accepted(scene)
    response = verified_client(scene.provider.coordinator).get(path.format(uuid=referral.uuid))
    assert response.status_code == 405
