"""The audit trail's hash chain, its verifier, and its append-only guard on PostgreSQL."""

import contextlib

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.test import Client

from audit.models import AuditEvent, AuditHead
from audit.services import audit_record, audit_record_many, audit_verify
from tests.factories import make_cast, verified_client


@contextlib.contextmanager
def tampering():
    """Let a test edit audit rows as a database-level attacker would."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # deferred FK checks would block ALTER TABLE
        cursor.execute("ALTER TABLE casehub_auditevent DISABLE TRIGGER casehub_auditevent_append_only")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE casehub_auditevent ENABLE TRIGGER casehub_auditevent_append_only")


@pytest.fixture
def cast(db):
    return make_cast()  # made per test: the chain tests count from an empty trail


@pytest.fixture
def chain(db):
    return [audit_record("test.event", details={"n": n}) for n in range(5)]


def test_an_untouched_chain_verifies(chain):
    report = audit_verify()
    assert report.ok
    assert report.checked == 5


def test_each_event_carries_the_hash_of_the_previous_one(chain):
    assert [event.prev_hash for event in chain[1:]] == [event.hash for event in chain[:-1]]


def test_an_edited_event_is_named(chain):
    with tampering():
        AuditEvent.objects.filter(seq=3).update(details={"n": 99})
    report = audit_verify()
    assert not report.ok
    assert "event #3 was edited" in report.problem


def test_a_deleted_event_is_named(chain):
    with tampering():
        AuditEvent.objects.filter(seq=2).delete()
    assert "event #2 is missing" in audit_verify().problem


def test_reordered_events_are_caught(chain):
    with tampering():
        AuditEvent.objects.filter(seq=4).update(seq=100)
        AuditEvent.objects.filter(seq=3).update(seq=4)
        AuditEvent.objects.filter(seq=100).update(seq=3)
    assert "event #3 does not follow event #2" in audit_verify().problem


def test_a_cut_tail_is_caught(chain):
    with tampering():
        AuditEvent.objects.filter(seq__gte=4).delete()
    assert "the tail was cut" in audit_verify().problem


def test_a_forged_head_is_caught(chain):
    AuditHead.objects.filter(pk=1).update(seq=3, hash=chain[2].hash)
    assert "seal is invalid" in audit_verify().problem


def test_verify_audit_exits_non_zero_and_names_the_event(chain):
    with tampering():
        AuditEvent.objects.filter(seq=2).update(action="something.else")
    with pytest.raises(CommandError, match="event #2 was edited"):
        call_command("verify_audit")


def test_verify_audit_reports_an_intact_chain(chain, capsys):
    call_command("verify_audit")
    assert "intact: 5 events" in capsys.readouterr().out


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the append-only trigger exists on PostgreSQL")
def test_postgresql_refuses_to_update_an_event(chain):
    with pytest.raises(Exception, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(seq=1).update(action="x")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the append-only trigger exists on PostgreSQL")
def test_postgresql_refuses_to_delete_an_event(chain):
    with pytest.raises(Exception, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(seq=1).delete()


def test_an_event_rolls_back_with_the_change_it_records(db):
    with contextlib.suppress(RuntimeError), transaction.atomic():
        audit_record("test.event")
        raise RuntimeError
    assert not AuditEvent.objects.exists()


def test_events_carry_the_request_id_and_address(cast):
    response = Client(REMOTE_ADDR="198.51.100.23").post("/sign-in/", {"username": "x", "password": "y"})
    event = AuditEvent.objects.get(action="auth.sign_in")
    assert event.ip_address == "198.51.100.23"
    assert event.request_id == response["X-Request-ID"]


def test_a_refused_request_is_audited(cast):
    verified_client(cast.owner.caseworker).get("/organization/members/")
    event = AuditEvent.objects.get(action="request.refused")
    assert event.actor == cast.owner.caseworker
    assert event.outcome == "denied"
    assert event.details == {"method": "GET", "view": "orgs:members"}


def test_platform_admins_filter_events_by_action(cast):
    audit_record("test.alpha")
    audit_record("test.beta")
    body = verified_client(cast.admin).get("/platform/audit/?action=test.alpha").content.decode()
    assert "test.alpha" in body
    assert "test.beta" not in body


def test_events_appended_together_continue_the_chain_in_order(chain):
    # when
    events = audit_record_many([{"action": "test.many", "details": {"n": n}} for n in range(3)])
    audit_record("test.after")
    # then
    assert [event.seq for event in events] == [6, 7, 8]
    assert events[0].prev_hash == chain[-1].hash and events[2].hash == AuditEvent.objects.get(seq=9).prev_hash
    assert audit_verify().ok and audit_verify().checked == 9


def test_appending_no_events_writes_nothing(chain):
    assert audit_record_many([]) == []
    assert AuditHead.objects.get().seq == 5


def test_the_audit_trail_reads_as_labels_and_pairs_never_a_python_repr(cast):
    audit_record("case.task_added", details={"task": "T-1", "fields": ["title", "due_on"], "to": {"from": "applied"}})
    body = verified_client(cast.admin).get("/platform/audit/?action=case.task_added").content.decode()
    assert "Case: task added" in body and "Done" in body
    assert "task: T-1" in body and "fields: title, due_on" in body and "to: from: applied" in body
    assert "{&#x27;" not in body and "[&#x27;" not in body and "{'" not in body


def test_the_audit_trail_reads_in_spanish_for_a_spanish_reader(cast):
    audit_record("case.task_added")
    client = verified_client(cast.admin)
    client.post("/i18n/setlang/", {"language": "es", "next": "/"})
    body = client.get("/platform/audit/?action=case.task_added").content.decode()
    assert "Caso: tarea añadida" in body and "Terminado" in body
