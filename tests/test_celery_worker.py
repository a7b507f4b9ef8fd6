"""Tasks run by a real Celery worker on the broker in CELERY_BROKER_URL, against the test database."""

import pytest

from audit.models import AuditEvent, AuditHead
from audit.services import audit_record
from audit.tasks import verify_audit_chain

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_a_worker_verifies_the_audit_chain_written_by_this_process(celery_worker):
    # given events committed here, which the worker can only see because they are committed
    for action in ("auth.sign_in", "organization.applied", "auth.sign_out"):
        audit_record(action, details={"source": "worker test"})

    # when the worker verifies the chain
    report = celery_worker.run(verify_audit_chain)

    # then it walked every event and found nothing wrong
    assert report == {"checked": AuditEvent.objects.count(), "ok": True, "problem": ""}
    assert report["checked"] == 3


def test_a_worker_reports_a_chain_whose_head_was_tampered_with(celery_worker):
    # given a chain whose head no longer matches its seal
    audit_record("auth.sign_in")
    audit_record("auth.sign_out")
    AuditHead.objects.update(seq=1)

    # when the worker verifies the chain
    report = celery_worker.run(verify_audit_chain)

    # then it says so
    assert report["ok"] is False
    assert "has an invalid seal" in report["problem"]
