"""The request id: made here, or taken from a trusted proxy, and carried into Celery tasks."""

import uuid

import pytest
from celery.signals import before_task_publish
from django.test import Client

from audit.context import current_request_meta, request_meta
from audit.models import AuditEvent
from audit.services import audit_record
from ops.tasking import HEADER
from ops.tasks import heartbeat


def is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def test_a_proxys_request_id_is_ignored_unless_trusted(db):
    response = Client().get("/health/live", HTTP_X_REQUEST_ID="from-the-proxy")
    assert response["X-Request-ID"] != "from-the-proxy"
    assert is_uuid(response["X-Request-ID"])


def test_a_trusted_proxys_request_id_is_kept(db, settings):
    settings.CASEHUB_TRUST_REQUEST_ID = True
    response = Client().get("/health/live", HTTP_X_REQUEST_ID="lb-7f3a-0001")
    assert response["X-Request-ID"] == "lb-7f3a-0001"


@pytest.mark.parametrize("given", ["two words", "a" * 37, "<script>", "ünicode", ""])
def test_a_malformed_request_id_is_replaced_by_a_fresh_one(db, settings, given):
    settings.CASEHUB_TRUST_REQUEST_ID = True
    response = Client().get("/health/live", HTTP_X_REQUEST_ID=given)
    assert is_uuid(response["X-Request-ID"])


def test_publishing_a_task_puts_the_request_id_into_its_headers():
    headers = {}
    with request_meta("req-publish-1", None):
        before_task_publish.send(sender="ops.tasks.heartbeat", body=(), headers=headers, exchange="", routing_key="")
    assert headers[HEADER] == "req-publish-1"


def test_a_task_writes_audit_events_with_the_request_id_of_the_request_that_enqueued_it(db, monkeypatch):
    monkeypatch.setattr(heartbeat, "run", lambda: audit_record("auth.sign_in"))
    heartbeat.apply(headers={HEADER: "req-enqueued-2"})
    assert AuditEvent.objects.get().request_id == "req-enqueued-2"


def test_the_request_id_is_cleared_when_the_task_ends(db):
    heartbeat.apply(headers={HEADER: "req-enqueued-3"})
    assert current_request_meta().request_id == ""
