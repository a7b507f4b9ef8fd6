"""/health/live and /health/ready: public probes that say which check failed, never why."""

import logging
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from audit.models import AuditEvent
from casehub.crypto.keys import StaticKeyProvider
from ops import health
from ops.models import Heartbeat
from ops.tasks import BEAT, heartbeat


@pytest.fixture
def beating(db):
    return Heartbeat.objects.create(name=BEAT, at=timezone.now())


def test_live_answers_without_a_database_or_a_session():
    # no db fixture: any query would fail the test
    response = Client().get("/health/live")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_ready_is_ok_when_every_check_passes(beating, settings):
    settings.CELERY_BROKER_URL = ""
    response = Client().get("/health/ready")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "broker": "skipped", "cache": "ok", "master_keys": "ok", "beat": "ok"},
    }


def test_ready_fails_when_the_heartbeat_is_older_than_the_limit(beating, settings):
    Heartbeat.objects.filter(pk=beating.pk).update(
        at=timezone.now() - timedelta(seconds=settings.OPS_HEARTBEAT_MAX_AGE + 1)
    )
    response = Client().get("/health/ready")
    assert response.status_code == 503
    assert response.json()["checks"]["beat"] == "failed"


def test_the_heartbeat_task_keeps_ready_ok(db):
    heartbeat.delay()
    assert Client().get("/health/ready").json()["checks"]["beat"] == "ok"


def test_a_failing_check_is_named_and_logged_by_class_only(beating, monkeypatch, caplog):
    def broken():
        raise RuntimeError("Lucía Torres, +52 33 1234 5678")

    monkeypatch.setitem(health.CHECKS, "cache", broken)
    with caplog.at_level(logging.WARNING, logger="ops.health"):
        response = Client().get("/health/ready")
    assert response.status_code == 503
    assert response.json()["checks"]["cache"] == "failed"
    assert "readiness check cache failed: RuntimeError" in caplog.text
    assert "Lucía" not in caplog.text and "Lucía" not in response.content.decode()


def test_ready_fails_when_the_master_key_cannot_unwrap_its_own_probe(beating, monkeypatch):
    def corrupt(self, key_id, wrapped, *, aad):
        return b"something else"

    monkeypatch.setattr(StaticKeyProvider, "unwrap", corrupt)
    assert Client().get("/health/ready").json()["checks"]["master_keys"] == "failed"


def test_ready_fails_when_the_configured_broker_cannot_be_reached(beating, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    assert Client().get("/health/ready").json()["checks"]["broker"] == "failed"


def test_a_failing_probe_is_not_audited_as_a_refusal(db):
    Client().get("/health/ready")
    assert not AuditEvent.objects.exists()


def test_probes_are_answered_over_plain_http_when_https_is_enforced(settings):
    settings.SECURE_SSL_REDIRECT = True
    client = Client()
    assert client.get("/health/live").status_code == 200
    assert client.get("/sign-in/").status_code == 301


def test_ready_reaches_a_configured_broker(beating, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:6379/13"
    try:
        health.broker()
    except Exception:  # noqa: BLE001 - whatever kombu raises, there is no broker to test against
        pytest.skip("no Redis at 127.0.0.1:6379")
    assert Client().get("/health/ready").json()["checks"]["broker"] == "ok"
