"""The dashboard answers "what needs me now" for each role: referrals waiting on them and on
others (emergencies first, overdue marked, what each deadline is for), consents about to end."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from casehub.grants import Consent
from orgs.models import Role
from referrals.workflow import referral_act
from sharing.selectors import consents_ending
from tests.casehub.factories import a_case
from tests.factories import verified_client
from tests.referrals.factories import a_referral, a_scene, accepted
from tests.sharing.factories import a_consent


def home(user):
    response = verified_client(user).get(reverse("home"))
    assert response.status_code == 200
    return response


def test_the_receivers_coordinator_sees_an_emergency_before_a_routine_referral_due_sooner(cast):
    with time_machine.travel(timezone.now() - timedelta(days=5)):
        routine = a_referral(a_scene(cast), send=True)
    emergency = a_referral(a_scene(cast, urgency="emergency"), send=True)
    assert routine.due_at < emergency.due_at
    incoming = home(cast.partner.coordinator).context["incoming"]
    assert [referral.pk for referral in incoming] == [emergency.pk, routine.pk]


def test_an_overdue_referral_is_marked_and_says_what_its_deadline_is_for(cast):
    referral = a_referral(a_scene(cast), send=True)
    with time_machine.travel(referral.due_at + timedelta(hours=1)):
        page = home(cast.partner.coordinator).content.decode()
    assert referral.reference in page
    assert "Acknowledge by" in page and "overdue" in page


def test_an_acknowledged_referral_is_due_for_a_decision(cast):
    scene = a_scene(cast)
    referral = a_referral(scene, send=True)
    referral_act(referral=referral, by=scene.provider.coordinator, action="acknowledge")
    assert "Decide by" in home(cast.partner.coordinator).content.decode()


def test_the_sender_sees_its_referral_waiting_on_the_receiver_with_the_case_number(cast):
    scene = a_scene(cast)
    referral = a_referral(scene, send=True)
    response = home(cast.owner.caseworker)
    assert [r.pk for r in response.context["outgoing"]] == [referral.pk]
    page = response.content.decode()
    assert scene.case.case_number in page
    assert reverse("referrals:case_referrals", kwargs={"case_uuid": scene.case.uuid}) in page


def test_the_receiver_sees_no_case_number_before_it_may_open_the_case(cast):
    scene = a_scene(cast)
    a_referral(scene, send=True)
    response = home(cast.partner.coordinator)
    assert [r.opens_case for r in response.context["incoming"]] == [None]
    assert scene.case.case_number not in response.content.decode()


def test_the_assignee_finds_the_accepted_referral_and_its_case_on_the_dashboard(cast):
    scene = a_scene(cast)
    referral = accepted(scene)
    response = home(cast.partner.caseworker)
    (shown,) = response.context["incoming"]
    assert shown.pk == referral.pk and shown.opens_case.pk == scene.case.pk
    assert "First contact by" in response.content.decode()


def test_the_referral_page_links_to_its_case_for_whoever_may_open_it(cast):
    scene = a_scene(cast)
    referral = accepted(scene)
    case_url = reverse("cases:survivor", kwargs={"case_uuid": scene.case.uuid})
    detail = reverse("referrals:referral_detail", kwargs={"referral_id": referral.uuid})
    assert case_url in verified_client(cast.partner.caseworker).get(detail).content.decode()
    assert case_url in verified_client(cast.owner.caseworker).get(detail).content.decode()


def test_a_caseworker_not_assigned_to_a_referral_does_not_see_it_waiting(cast):
    a_referral(a_scene(cast), send=True)
    assert list(home(cast.partner.caseworker).context["incoming"]) == []


def _consent_ending_in(cast, days):
    case = a_case(cast.owner, assigned=[cast.owner.caseworker])
    consent = a_consent(cast.owner, case, to=cast.partner.organization)
    consent.valid_until = timezone.now() + timedelta(days=days)
    consent.save(update_fields=["valid_until"])
    return case


def test_a_consent_ending_within_fourteen_days_is_listed_and_a_later_one_is_not(cast):
    soon = _consent_ending_in(cast, 13)
    _consent_ending_in(cast, 15)
    assert [consent.case_id for consent in consents_ending(cast.owner.caseworker)] == [soon.pk]
    page = home(cast.owner.caseworker).content.decode()
    assert soon.case_number in page


def test_a_withdrawn_consent_is_not_listed_as_ending(cast):
    case = _consent_ending_in(cast, 3)
    Consent.objects.filter(case=case).update(withdrawn_at=timezone.now())
    assert consents_ending(cast.owner.caseworker) == []


def test_a_caseworker_sees_consents_ending_only_on_cases_assigned_to_them(cast):
    _consent_ending_in(cast, 3)
    other = a_case(cast.owner)
    a_consent(cast.owner, other, to=cast.partner.organization, valid_until=timezone.now() + timedelta(days=2))
    assert len(consents_ending(cast.owner.caseworker)) == 1
    assert len(consents_ending(cast.owner.coordinator)) == 2


@pytest.mark.parametrize("role", [Role.ORG_ADMIN])
def test_a_role_that_works_no_cases_gets_no_case_dashboard(cast, role):
    response = home(getattr(cast.owner, role))
    assert "incoming" not in response.context
