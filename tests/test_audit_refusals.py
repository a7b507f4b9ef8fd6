"""Refused requests are counted into the audit trail, not flooded into it."""

from datetime import timedelta

import time_machine
from django.utils import timezone

from audit.models import AuditEvent, AuditRefusalTally
from audit.refusals import audit_refusal, refusal_sweep
from tests.factories import verified_client


def refuse(user, times, *, view="orgs:members"):
    for _ in range(times):
        audit_refusal(actor=user, organization=user.membership.organization, method="GET", view=view)


def refusals():
    return AuditEvent.objects.filter(action="request.refused")


def refusal_count():
    return sum(event.details.get("repeated", 1) for event in refusals())


def test_the_first_refusal_is_recorded_at_once(cast):
    verified_client(cast.owner.caseworker).get("/organization/members/")
    assert refusals().get().details == {"method": "GET", "view": "orgs:members"}


def test_identical_refusals_within_the_window_are_counted_not_recorded(cast):
    client = verified_client(cast.owner.caseworker)
    for _ in range(100):
        client.get("/organization/members/")
    assert refusals().count() == 1
    assert AuditRefusalTally.objects.get().repeats == 99


def test_the_sweep_writes_the_count_once_the_window_has_passed(cast):
    refuse(cast.owner.caseworker, 100)
    with time_machine.travel(timezone.now() + timedelta(seconds=61)):
        assert refusal_sweep() == 1
    assert refusals().count() == 2
    assert refusal_count() == 100


def test_the_sweep_forgets_the_tally_it_wrote(cast):
    refuse(cast.owner.caseworker, 3)
    with time_machine.travel(timezone.now() + timedelta(seconds=61)):
        refusal_sweep()
    assert not AuditRefusalTally.objects.exists()


def test_the_sweep_leaves_a_window_still_open(cast):
    refuse(cast.owner.caseworker, 100)
    assert refusal_sweep() == 0
    assert refusals().count() == 1


def test_the_next_identical_refusal_after_the_window_writes_the_count_and_is_recorded(cast):
    refuse(cast.owner.caseworker, 100)
    with time_machine.travel(timezone.now() + timedelta(seconds=61)):
        refuse(cast.owner.caseworker, 1)
    assert [event.details.get("repeated") for event in refusals().order_by("id")] == [None, 99, None]
    assert refusal_count() == 101


def test_a_window_without_repeats_writes_no_count(cast):
    refuse(cast.owner.caseworker, 1)
    with time_machine.travel(timezone.now() + timedelta(seconds=61)):
        assert refusal_sweep() == 0
    assert refusals().count() == 1


def test_refusals_of_different_views_are_not_merged(cast):
    refuse(cast.owner.caseworker, 2, view="orgs:members")
    refuse(cast.owner.caseworker, 2, view="orgs:invite")
    assert sorted(event.details["view"] for event in refusals()) == ["orgs:invite", "orgs:members"]


def test_refusals_of_different_actors_are_not_merged(cast):
    refuse(cast.owner.caseworker, 2)
    refuse(cast.partner.caseworker, 2)
    assert {event.actor for event in refusals()} == {cast.owner.caseworker, cast.partner.caseworker}


def test_a_count_keeps_its_actor_organization_and_view(cast):
    refuse(cast.owner.caseworker, 5)
    with time_machine.travel(timezone.now() + timedelta(seconds=61)):
        refusal_sweep()
    counted = refusals().get(details__repeated=4)
    assert (counted.actor, counted.organization, counted.outcome) == (
        cast.owner.caseworker,
        cast.owner.organization,
        "denied",
    )
    assert counted.details == {"method": "GET", "view": "orgs:members", "repeated": 4}


def test_beat_runs_the_sweep_every_minute(settings):
    assert settings.CELERY_BEAT_SCHEDULE["audit-refusal-sweep"] == {
        "task": "audit.tasks.refusal_sweep",
        "schedule": 60,
    }
