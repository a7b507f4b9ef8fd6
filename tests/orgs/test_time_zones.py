"""Each person sees times in their time zone: their own choice, else their organization's, else the site's."""

from datetime import UTC, datetime

import time_machine
from django.urls import reverse

from audit.models import AuditEvent
from orgs.models import Organization, User
from orgs.services import organization_time_zone_set, user_time_zone_set
from orgs.zones import zone_name_of
from tests.factories import verified_client
from tests.referrals.factories import a_referral, a_scene

MONDAY_10_UTC = datetime(2027, 3, 1, 10, 0, tzinfo=UTC)


def test_a_person_sees_the_sites_zone_until_the_organization_or_they_choose(cast, settings):
    settings.TIME_ZONE = "UTC"
    user = cast.owner.caseworker
    assert zone_name_of(user) == "UTC"
    organization_time_zone_set(
        organization=cast.owner.organization, by=cast.owner.org_admin, time_zone="America/Mexico_City"
    )
    assert zone_name_of(User.objects.get(pk=user.pk)) == "America/Mexico_City"
    user_time_zone_set(user=user, time_zone="Europe/Madrid")
    assert zone_name_of(User.objects.get(pk=user.pk)) == "Europe/Madrid"


def test_a_deadline_on_the_dashboard_is_shown_in_the_readers_zone(cast, settings):
    settings.CASEHUB_DIRECTORY_TIMEZONE = "UTC"
    with time_machine.travel(MONDAY_10_UTC, tick=False):
        referral = a_referral(a_scene(cast, urgency="emergency"), send=True)
    assert referral.due_at == datetime(2027, 3, 1, 11, 0, tzinfo=UTC)
    user_time_zone_set(user=cast.partner.coordinator, time_zone="America/Mexico_City")
    with time_machine.travel(MONDAY_10_UTC, tick=False):
        page = verified_client(User.objects.get(pk=cast.partner.coordinator.pk)).get(reverse("home")).content.decode()
    assert "2027-03-01 05:00 CST" in page


def test_a_person_chooses_a_zone_on_the_preferences_page(cast):
    client = verified_client(cast.owner.caseworker)
    response = client.post(reverse("orgs:preferences"), {"time_zone": "Asia/Bangkok"})
    assert response.status_code == 302
    assert User.objects.get(pk=cast.owner.caseworker.pk).time_zone == "Asia/Bangkok"
    assert "Asia/Bangkok" in client.get(reverse("orgs:preferences")).content.decode()
    assert AuditEvent.objects.filter(action="user.time_zone_changed").exists()


def test_an_unknown_zone_is_refused_and_changes_nothing(cast):
    response = verified_client(cast.owner.caseworker).post(reverse("orgs:preferences"), {"time_zone": "Mars/Olympus"})
    assert response.status_code == 400
    assert User.objects.get(pk=cast.owner.caseworker.pk).time_zone == ""


def test_the_org_admin_sets_the_organizations_zone_in_its_settings(cast):
    response = verified_client(cast.owner.org_admin).post(
        reverse("orgs:settings"), {"time_zone": "America/Guatemala", "caseworker_field_groups": []}
    )
    assert response.status_code == 302
    assert Organization.objects.get(pk=cast.owner.organization.pk).time_zone == "America/Guatemala"
