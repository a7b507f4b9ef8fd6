"""The audit trail's hash chain, its verifier, and its append-only guard on PostgreSQL."""

import contextlib
import importlib
import threading
from datetime import UTC, datetime
from unittest import mock

import pytest
from django.apps import apps as django_apps
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.test import Client
from django.utils import timezone
from django.utils.crypto import salted_hmac

from audit.models import AuditCheckpoint, AuditEvent, AuditHead
from audit.services import GENESIS, _event_digest, _seal, audit_record, audit_record_many, audit_verify
from tests.factories import make_cast, verified_client

lanes_migration = importlib.import_module("audit.migrations.0002_lanes_and_checkpoints")


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
def chain(db, settings):
    settings.AUDIT_LANES = 1  # one lane, so the events follow each other
    return [audit_record("test.event", details={"n": n}) for n in range(5)]


@pytest.fixture
def lanes(db, settings):
    """Twenty events spread over four lanes, each lane holding some."""
    settings.AUDIT_LANES = 4
    events = [audit_record("test.event", details={"n": n}) for n in range(40)]
    assert {event.lane for event in events} == {0, 1, 2, 3}
    return events


def busiest_lane(events):
    return max({0, 1, 2, 3}, key=lambda lane: sum(event.lane == lane for event in events))


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
    assert "event #3 of lane 0 was edited" in report.problem


def test_a_deleted_event_is_named(chain):
    with tampering():
        AuditEvent.objects.filter(seq=2).delete()
    assert "event #2 of lane 0 is missing" in audit_verify().problem


def test_reordered_events_are_caught(chain):
    with tampering():
        AuditEvent.objects.filter(seq=4).update(seq=100)
        AuditEvent.objects.filter(seq=3).update(seq=4)
        AuditEvent.objects.filter(seq=100).update(seq=3)
    assert "event #3 of lane 0 does not follow event #2" in audit_verify().problem


def test_a_cut_tail_is_caught(chain):
    with tampering():
        AuditEvent.objects.filter(seq__gte=4).delete()
    assert "the tail of lane 0 was cut" in audit_verify().problem


def test_a_forged_head_is_caught(chain):
    AuditHead.objects.filter(lane=0).update(seq=3, hash=chain[2].hash)
    assert "the head of lane 0 has an invalid seal" in audit_verify().problem


def test_verify_audit_exits_non_zero_and_names_the_event(chain):
    with tampering():
        AuditEvent.objects.filter(seq=2).update(action="something.else")
    with pytest.raises(CommandError, match="event #2 of lane 0 was edited"):
        call_command("verify_audit")


def test_verify_audit_reports_an_intact_chain(chain, capsys):
    call_command("verify_audit")
    assert "intact: 5 events checked" in capsys.readouterr().out


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


def test_events_with_an_address_and_a_request_id_verify(cast):
    Client(REMOTE_ADDR="2001:db8::23").post("/sign-in/", {"username": "x", "password": "y"})
    Client(REMOTE_ADDR="198.51.100.23").post("/sign-in/", {"username": "x", "password": "y"})
    assert audit_verify(full=True).ok


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
    report = audit_verify()
    assert report.ok and report.checked == 9


def test_events_spread_over_lanes_verify(lanes):
    report = audit_verify()
    assert report.ok
    assert report.checked == 40


def test_each_lane_chains_its_own_events_in_sequence(lanes):
    lane = [event for event in lanes if event.lane == busiest_lane(lanes)]
    assert [event.seq for event in lane] == list(range(1, len(lane) + 1))
    assert [event.prev_hash for event in lane[1:]] == [event.hash for event in lane[:-1]]


def test_an_edited_event_in_a_lane_is_named(lanes):
    lane = busiest_lane(lanes)
    with tampering():
        AuditEvent.objects.filter(lane=lane, seq=2).update(details={"n": 99})
    assert f"event #2 of lane {lane} was edited" in audit_verify().problem


def test_a_deleted_event_in_a_lane_is_named(lanes):
    lane = busiest_lane(lanes)
    with tampering():
        AuditEvent.objects.filter(lane=lane, seq=2).delete()
    assert f"event #2 of lane {lane} is missing" in audit_verify().problem


def test_reordered_events_in_a_lane_are_caught(lanes):
    lane = busiest_lane(lanes)
    with tampering():
        AuditEvent.objects.filter(lane=lane, seq=3).update(seq=100)
        AuditEvent.objects.filter(lane=lane, seq=2).update(seq=3)
        AuditEvent.objects.filter(lane=lane, seq=100).update(seq=2)
    assert f"event #2 of lane {lane} does not follow event #1" in audit_verify().problem


def test_an_event_moved_to_another_lane_is_caught(lanes):
    with tampering():
        AuditEvent.objects.filter(lane=1, seq=1).update(lane=0, seq=1000)
    problem = audit_verify().problem
    assert "event #1 of lane 1 is missing" in problem


def test_a_cut_lane_tail_is_caught(lanes):
    lane = busiest_lane(lanes)
    with tampering():
        AuditEvent.objects.filter(lane=lane, seq__gte=2).delete()
    assert f"the tail of lane {lane} was cut" in audit_verify().problem


def test_a_forged_lane_head_is_caught(lanes):
    AuditHead.objects.filter(lane=2).update(seq=1, hash=AuditEvent.objects.get(lane=2, seq=1).hash)
    assert "the head of lane 2 has an invalid seal" in audit_verify().problem


def test_a_deleted_lane_is_caught(lanes):
    with tampering():
        AuditEvent.objects.filter(lane=3).delete()
    AuditHead.objects.filter(lane=3).delete()
    assert "the head of lane 3 is missing" in audit_verify().problem


def test_a_deleted_last_lane_is_caught_even_after_fewer_lanes_are_configured(lanes, settings):
    settings.AUDIT_LANES = 3
    audit_record("test.after")
    with tampering():
        AuditEvent.objects.filter(lane=3).delete()
    AuditHead.objects.filter(lane=3).delete()
    assert "the head of lane 3 is missing" in audit_verify().problem


def test_an_event_inserted_past_a_lane_head_is_caught(lanes):
    last = AuditEvent.objects.filter(lane=1).order_by("-seq").first()
    last.pk, last.seq = None, last.seq + 1
    last.save(force_insert=True)
    assert f"event #{last.seq} of lane 1 lies past the lane's head" in audit_verify().problem


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has one writer at a time")
@pytest.mark.django_db(transaction=True)
def test_a_writer_takes_a_free_lane_while_another_writer_holds_one(settings):
    # given two lanes, one held by a writer whose transaction is still open
    settings.AUDIT_LANES = 2
    audit_record("test.first")
    holding, release, held_lanes = threading.Event(), threading.Event(), []

    def hold_a_lane():
        with transaction.atomic():
            held_lanes.append(audit_record("test.holder").lane)
            holding.set()
            release.wait(10)
        connection.close()

    holder = threading.Thread(target=hold_a_lane)
    holder.start()
    holding.wait(10)
    # when another writer appends
    try:
        with transaction.atomic():
            event = audit_record("test.other")
    finally:
        release.set()
        holder.join()
    # then it took the other lane instead of waiting
    assert event.lane != held_lanes[0]


def test_an_event_written_on_a_whole_second_verifies(chain):
    with mock.patch("audit.services.timezone.now", return_value=datetime(2026, 1, 1, 12, 0, 0, tzinfo=UTC)):
        audit_record("test.on_the_second")
    assert audit_verify(full=True).ok


def test_new_events_use_the_version_2_digest(lanes):
    assert {event.digest_version for event in lanes} == {2}


def test_events_of_the_single_chain_still_verify_as_lane_0(db):
    # given a version-1 event and its head sealed as the single chain sealed it
    event = AuditEvent(lane=0, seq=1, digest_version=1, created_at=timezone.now(), action="x", prev_hash=GENESIS)
    event.hash = _event_digest(event)
    event.save(force_insert=True)
    old_seal = salted_hmac("casehub.audit.head", f"1:{event.hash}", algorithm="sha256").hexdigest()
    AuditHead.objects.create(pk=1, lane=0, lanes=1, seq=1, hash=event.hash, seal=old_seal)
    # when the migration reseals the head as lane 0
    lanes_migration.reseal_head_as_lane_0(django_apps, None)
    # then the chain verifies, and continues
    audit_record("test.after")
    assert audit_verify().ok


def test_the_migration_leaves_a_forged_head_forged(db):
    AuditHead.objects.create(lane=0, lanes=1, seq=3, hash=GENESIS, seal="0" * 64)
    lanes_migration.reseal_head_as_lane_0(django_apps, None)
    assert AuditHead.objects.get(lane=0).seal == "0" * 64


def test_verification_records_a_sealed_checkpoint_for_each_lane(lanes):
    audit_verify()
    checkpoints = {checkpoint.lane: checkpoint for checkpoint in AuditCheckpoint.objects.all()}
    heads = {head.lane: head for head in AuditHead.objects.all()}
    assert {lane: (c.seq, c.hash) for lane, c in checkpoints.items()} == {
        lane: (h.seq, h.hash) for lane, h in heads.items()
    }


def test_the_next_verification_reads_only_events_after_the_checkpoints(lanes):
    audit_verify()
    audit_record_many([{"action": "test.after"} for _ in range(3)])
    report = audit_verify()
    assert report.ok
    assert report.checked == 3


def test_a_forged_checkpoint_is_reported_and_its_lane_reread(lanes):
    audit_verify()
    AuditCheckpoint.objects.filter(lane=1).update(seq=1, hash=AuditEvent.objects.get(lane=1, seq=1).hash)
    report = audit_verify()
    assert "the checkpoint of lane 1 has an invalid seal" in report.problem
    assert report.checked == AuditEvent.objects.filter(lane=1).count()


def test_a_full_run_replaces_a_forged_checkpoint(lanes):
    audit_verify()
    AuditCheckpoint.objects.filter(lane=1).update(seq=0)
    assert audit_verify(full=True).ok
    assert audit_verify().ok


def test_an_edit_before_a_checkpoint_is_found_by_a_full_run_only(lanes):
    audit_verify()
    with tampering():
        AuditEvent.objects.filter(lane=0, seq=1).update(details={"n": 99})
    assert audit_verify().ok
    assert "event #1 of lane 0 was edited" in audit_verify(full=True).problem


def test_a_tail_cut_back_before_a_checkpoint_is_caught(chain):
    audit_verify()
    with tampering():
        AuditEvent.objects.filter(seq__gte=4).delete()
    assert "the tail of lane 0 was cut" in audit_verify().problem


def test_verify_audit_full_rereads_every_event(lanes, capsys):
    call_command("verify_audit")
    call_command("verify_audit", "--full")
    assert capsys.readouterr().out.splitlines()[-1] == "audit chain intact: 40 events checked"


def test_appending_no_events_writes_nothing(chain):
    assert audit_record_many([]) == []
    assert AuditHead.objects.get(lane=0).seq == 5


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


def test_lanes_made_in_a_transaction_that_rolled_back_are_made_again_before_their_count_is_sealed(db):
    # given lanes made by a first append whose transaction rolled back
    with contextlib.suppress(RuntimeError), transaction.atomic():
        audit_record("test.rolled_back")
        raise RuntimeError
    # and the single chain's head, as the migration leaves it
    AuditHead.objects.create(pk=1, lane=0, lanes=1, seq=0, hash=GENESIS, seal=_seal(0, 1, 0, GENESIS))
    # when this process appends again
    audit_record("test.after")
    # then no lane is reported missing
    assert audit_verify().ok
