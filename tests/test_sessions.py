"""A signed-in session is written at most once a minute, and its idle timeout still holds."""

from datetime import timedelta

import time_machine
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from orgs.tasks import clear_expired_sessions
from tests.factories import verified_client


def expiry_of(client):
    return Session.objects.get(session_key=client.session.session_key).expire_date


def test_a_request_within_a_minute_of_the_last_save_does_not_write_the_session(cast):
    client = verified_client(cast.owner.caseworker)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client.get("/")
        saved = expiry_of(client)
    with time_machine.travel(start + timedelta(seconds=50), tick=False):
        client.get("/")
    assert expiry_of(client) == saved


def test_a_request_more_than_a_minute_after_the_last_save_pushes_the_expiry_back(cast, settings):
    client = verified_client(cast.owner.caseworker)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client.get("/")
    later = start + timedelta(seconds=90)
    with time_machine.travel(later, tick=False):
        client.get("/")
    assert expiry_of(client) == later + timedelta(seconds=settings.SESSION_COOKIE_AGE)


def test_a_session_idle_past_the_timeout_since_its_last_save_is_signed_out(cast, settings):
    client = verified_client(cast.owner.caseworker)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client.get("/")
    with time_machine.travel(start + timedelta(seconds=30), tick=False):
        client.get("/")  # not saved: within the minute
    with time_machine.travel(start + timedelta(seconds=settings.SESSION_COOKIE_AGE + 1), tick=False):
        assert client.get("/").url.startswith("/sign-in/")


def test_an_anonymous_visit_creates_no_session(db):
    Client().get("/sign-in/")

    assert not Session.objects.exists()


def test_the_scheduled_clean_up_deletes_expired_sessions_and_keeps_live_ones(cast):
    expired = verified_client(cast.owner.caseworker).session.session_key
    live = verified_client(cast.owner.coordinator).session.session_key
    Session.objects.filter(session_key=expired).update(expire_date=timezone.now() - timedelta(seconds=1))

    clear_expired_sessions.delay()

    assert list(Session.objects.values_list("session_key", flat=True)) == [live]


def test_the_clean_up_is_on_the_schedule(settings):
    assert "orgs.tasks.clear_expired_sessions" in {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
