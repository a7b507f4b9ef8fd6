"""The audit trail: append-only events chained by SHA-256, and the chain's verifier."""

import hashlib
import hmac
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from audit.context import current_request_meta
from audit.models import AuditCheckpoint, AuditEvent, AuditHead, AuditOutcome

GENESIS = "0" * 64


# The columns a digest covers, in the order the verifier reads them (then the event's own hash).
DIGEST_COLUMNS = (
    "lane",
    "seq",
    "digest_version",
    "created_at",
    "actor_id",
    "organization_id",
    "action",
    "target_type",
    "target_id",
    "ip_address",
    "request_id",
    "outcome",
    "details",
)

# Built once: json.dumps with options builds a new encoder on every call, which the verifier feels.
_canonical = json.JSONEncoder(sort_keys=True, separators=(",", ":"), default=str).encode


def _digest(
    prev_hash: str,
    lane: int,
    seq: int,
    version: int,
    created: str,
    actor,
    organization,
    action: str,
    target_type: str,
    target_id: str,
    ip,
    request_id: str,
    outcome: str,
    details,
) -> str:
    if version == 1:
        # The single chain's form (now lane 0): kept so events written before lanes still verify.
        payload = {
            "seq": seq,
            "created_at": created,
            "actor": actor,
            "organization": organization,
            "action": action,
            "target_type": target_type,
            "target_id": target_id,
            "ip": ip,
            "request_id": request_id,
            "outcome": outcome,
            "details": details,
        }
    else:
        # Version 2: a fixed-order list, cheaper to encode than a key-sorted object, and with the lane.
        payload = [
            lane,
            seq,
            created,
            actor,
            organization,
            action,
            target_type,
            target_id,
            ip,
            request_id,
            outcome,
            details,
        ]
    return hashlib.sha256((prev_hash + _canonical(payload)).encode()).hexdigest()


def _event_digest(event: AuditEvent) -> str:
    values = {column: getattr(event, column) for column in DIGEST_COLUMNS}
    values["created_at"] = event.created_at.isoformat()
    return _digest(event.prev_hash, *values.values())


def _seal(lane: int, lanes: int, seq: int, digest: str) -> str:
    return salted_hmac("casehub.audit.lane-head", f"{lane}:{lanes}:{seq}:{digest}", algorithm="sha256").hexdigest()


def audit_record(
    action: str,
    *,
    actor=None,
    organization=None,
    target=None,
    target_type: str = "",
    target_id: str = "",
    outcome: str = AuditOutcome.SUCCESS,
    details: dict | None = None,
) -> AuditEvent:
    """Append one event. Call inside the transaction of the change it records."""
    record = {
        "action": action,
        "actor": actor,
        "organization": organization,
        "target": target,
        "target_type": target_type,
        "target_id": target_id,
        "outcome": outcome,
        "details": details,
    }
    return audit_record_many([record])[0]


def audit_record_many(records: list[dict]) -> list[AuditEvent]:
    """Append several events in the order given, each as audit_record(**record) would append it.

    One lane lock, one insert and one head update however many events: for sweeps that record
    hundreds of system actions. Call inside the transaction of the changes they record.
    """
    if not records:
        return []
    meta = current_request_meta()
    now = timezone.now()
    with transaction.atomic():
        head = _locked_lane_head()
        events = []
        for record in records:
            event = _new_event(
                lane=head.lane,
                seq=head.seq + 1 + len(events),
                prev_hash=events[-1].hash if events else head.hash,
                **record,
            )
            event.created_at, event.ip_address, event.request_id = now, meta.ip, meta.request_id
            event.hash = _event_digest(event)
            events.append(event)
        if len(events) == 1:
            events[0].save(force_insert=True)
        else:
            AuditEvent.objects.bulk_create(events, batch_size=1000)
        last = events[-1]
        if head.lanes < settings.AUDIT_LANES:
            # Seal only a lane count the trail has where this transaction commits: lanes this
            # process made earlier may have been rolled back with the transaction that made them,
            # and sealing their count then would report them as deleted.
            if AuditHead.objects.filter(lane__lt=settings.AUDIT_LANES).count() < settings.AUDIT_LANES:
                _make_lanes(settings.AUDIT_LANES)
            head.lanes = settings.AUDIT_LANES
        head.seq, head.hash = last.seq, last.hash
        head.seal = _seal(head.lane, head.lanes, head.seq, head.hash)
        head.save(update_fields=["lanes", "seq", "hash", "seal"])
    return events


_lanes_made: dict[str, int] = {}  # per database alias: AUDIT_LANES when this process last made lanes


def _locked_lane_head() -> AuditHead:
    """Lock a lane's head until the transaction ends: a free lane if there is one, else lane 0.

    PostgreSQL skips lanes other writers hold, in random order, so concurrent writers rarely meet.
    When every lane is busy, waiting on lane 0 (never on another) cannot deadlock: whoever holds
    lane 0 already holds the lane it would wait for. SQLite serializes writers anyway.
    """
    lanes = settings.AUDIT_LANES
    if _lanes_made.get(connection.alias) != lanes:
        _make_lanes(lanes)
    for _ in range(2):
        heads = AuditHead.objects.filter(lane__lt=lanes)
        head = heads.select_for_update(skip_locked=True).order_by("?").first()
        if head is None:
            head = heads.select_for_update().filter(lane=0).first()
        if head is not None:
            return head
        _make_lanes(lanes)  # the lanes were made in a transaction that rolled back
    raise RuntimeError("the audit trail has no lane 0 head")


def _make_lanes(lanes: int) -> None:
    """Create heads for lanes the trail never had. A lane once made is never made again: the
    sealed lane count makes the verifier require it, so a deleted lane stays reported."""
    had = AuditHead.objects.aggregate(lanes=models.Max("lanes"))["lanes"] or 0
    # The single chain's head was row 1 and made without the id sequence: numbering each lane's
    # head lane + 1 keeps new heads off it, so a conflict can only mean the lane exists.
    new = [
        AuditHead(pk=lane + 1, lane=lane, lanes=lanes, seq=0, hash=GENESIS, seal=_seal(lane, lanes, 0, GENESIS))
        for lane in range(had, lanes)
    ]
    AuditHead.objects.bulk_create(new, ignore_conflicts=True)
    _lanes_made[connection.alias] = lanes


def _new_event(
    *,
    lane: int,
    seq: int,
    prev_hash: str,
    action: str,
    actor=None,
    organization=None,
    target=None,
    target_type: str = "",
    target_id: str = "",
    outcome: str = AuditOutcome.SUCCESS,
    details: dict | None = None,
) -> AuditEvent:
    if target is not None:
        target_type = target._meta.label_lower
        target_id = str(getattr(target, "uuid", None) or target.pk)
    return AuditEvent(
        lane=lane,
        seq=seq,
        digest_version=2,
        actor=actor if actor is not None and actor.is_authenticated else None,
        organization=organization,
        action=action,
        target_type=target_type,
        target_id=target_id,
        outcome=outcome,
        details=details or {},
        prev_hash=prev_hash,
    )


@dataclass
class ChainReport:
    checked: int
    problem: str = ""

    @property
    def ok(self) -> bool:
        return not self.problem


def audit_verify(*, full: bool = False) -> ChainReport:
    """Walk every lane, from its last sealed checkpoint (or from the start if `full`); report the
    first event edited, removed or reordered, a cut tail, a forged head or checkpoint, a missing lane.

    Each lane that verifies gets a new checkpoint at its last event.
    """
    heads = {head.lane: head for head in AuditHead.objects.all()}
    for head in heads.values():
        if not hmac.compare_digest(head.seal, _seal(head.lane, head.lanes, head.seq, head.hash)):
            return ChainReport(0, f"the head of lane {head.lane} has an invalid seal (head edited or key changed)")
    lanes = max([head.lanes for head in heads.values()] + [lane + 1 for lane in heads], default=0)
    stray = AuditEvent.objects.filter(lane__gte=lanes).order_by("lane").first()
    if stray is not None:
        return ChainReport(0, f"lane {stray.lane} has events but no head (the chain head is missing)")
    checked, problems = 0, []
    for lane in range(lanes):
        lane_checked, problem = _verify_lane(lane, heads.get(lane), full=full)
        checked += lane_checked
        if problem:
            problems.append(problem)
    return ChainReport(checked, "; ".join(problems))


def _verify_lane(lane: int, head: AuditHead | None, *, full: bool) -> tuple[int, str]:
    if head is None:
        return 0, f"the head of lane {lane} is missing (the lane was deleted)"
    seq, prev_hash, note = 0, GENESIS, ""
    checkpoint = AuditCheckpoint.objects.filter(lane=lane).first()
    if checkpoint is not None and not full:
        if hmac.compare_digest(checkpoint.seal, _checkpoint_seal(checkpoint)):
            seq, prev_hash = checkpoint.seq, checkpoint.hash
        else:
            # A forged checkpoint is tampering in itself: say so until `verify_audit --full`
            # replaces it, and still check the whole lane rather than trust it.
            note = f"the checkpoint of lane {lane} has an invalid seal (edited or key changed; lane reread in full)"
    if seq > head.seq:
        return 0, f"the tail of lane {lane} was cut: its checkpoint records event #{seq}, its head #{head.seq}"
    if seq:
        # Later events must follow the checkpoint's event, so a tail cut back before it shows.
        stored = AuditEvent.objects.filter(lane=lane, seq=seq).values_list("hash", flat=True).first()
        if stored is None:
            return 0, f"the tail of lane {lane} was cut: event #{seq}, verified before, is gone"
        if stored != prev_hash:
            return 0, f"event #{seq} of lane {lane} was replaced after it was verified"
    checked = 0
    for batch in _lane_batches(lane, after=seq, upto=head.seq):
        for row in batch:
            (_, stored_seq, version, created, actor, org, action, target_type, target_id, ip, request_id, outcome) = (
                row[:12]
            )
            expected = seq + 1
            if stored_seq != expected:
                return checked, f"event #{expected} of lane {lane} is missing (next stored event is #{stored_seq})"
            details, stored_hash = _json_value(row[12], 0)[0], row[13]
            if version == 2:  # _digest, inlined: this loop is the verifier's whole cost
                payload = [
                    lane,
                    expected,
                    created,
                    actor,
                    org,
                    action,
                    target_type,
                    target_id,
                    ip,
                    request_id,
                    outcome,
                    details,
                ]
                digest = hashlib.sha256((prev_hash + _canonical(payload)).encode()).hexdigest()
            else:
                digest = _digest(prev_hash, *row[:12], details)
            if stored_hash != digest:
                stored_prev = AuditEvent.objects.filter(lane=lane, seq=expected).values_list("prev_hash", flat=True)
                if stored_prev[0] != prev_hash:
                    return (
                        checked,
                        f"event #{expected} of lane {lane} does not follow event #{seq} (reordered or replaced)",
                    )
                return checked, f"event #{expected} of lane {lane} was edited (its hash does not match its contents)"
            seq, prev_hash, checked = expected, stored_hash, checked + 1
    if seq != head.seq or prev_hash != head.hash:
        return checked, f"the tail of lane {lane} was cut: its head records event #{head.seq}, the lane ends at #{seq}"
    past = AuditEvent.objects.filter(lane=lane, seq__gt=head.seq).order_by("seq").values_list("seq", flat=True)
    if past.exists() and past[0] > AuditHead.objects.get(lane=lane).seq:
        # An event a writer committed meanwhile comes with its head; one without is an insertion.
        return checked, f"event #{past[0]} of lane {lane} lies past the lane's head (inserted)"
    if not note:
        _checkpoint_save(lane, seq, prev_hash)
    return checked, note


def _lane_batches(lane: int, *, after: int, upto: int, size: int = 10_000) -> Iterator[list[tuple]]:
    """The lane's events as tuples in keyset batches, read raw for speed: DIGEST_COLUMNS with the
    time as the text the digest covers and the details as JSON text, then the event's hash.

    Events past the head read at the start are a writer's newer appends; the next run checks them.
    """
    postgresql = connection.vendor == "postgresql"
    columns = ", ".join(_ISO_CREATED if c == "created_at" and postgresql else c for c in (*DIGEST_COLUMNS, "hash"))
    query = (
        f"SELECT {columns} FROM {AuditEvent._meta.db_table} "  # noqa: S608 (names are ours, values are parameters)
        "WHERE lane = %s AND seq > %s AND seq <= %s ORDER BY seq LIMIT %s"
    )
    with connection.cursor() as cursor:
        while after < upto:
            cursor.execute(query, [lane, after, upto, size])
            batch = cursor.fetchall()
            if not batch:
                return
            if not postgresql:  # SQLite keeps naive UTC times as text
                batch = [(*row[:3], _iso_utc(row[3]), *row[4:]) for row in batch]
            yield batch
            after = batch[-1][1]


def _iso_utc(stored: datetime) -> str:
    return stored.replace(tzinfo=UTC).isoformat()


# Decodes the JSON text of details without json.loads' surrounding checks: the text is the database's own.
_json_value = json.JSONDecoder().scan_once

# created_at as datetime.isoformat() writes a UTC time: no fraction when it is zero, else six digits.
_ISO_CREATED = (
    "to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS') "
    "|| CASE WHEN mod(extract(microseconds FROM created_at)::bigint, 1000000) = 0 THEN '' "
    "ELSE to_char(created_at AT TIME ZONE 'UTC', '.US') END || '+00:00'"
)


def _checkpoint_seal(checkpoint: AuditCheckpoint) -> str:
    message = f"{checkpoint.lane}:{checkpoint.seq}:{checkpoint.hash}:{checkpoint.created_at.isoformat()}"
    return salted_hmac("casehub.audit.checkpoint", message, algorithm="sha256").hexdigest()


def _checkpoint_save(lane: int, seq: int, digest: str) -> None:
    checkpoint = AuditCheckpoint(lane=lane, seq=seq, hash=digest, created_at=timezone.now())
    checkpoint.seal = _checkpoint_seal(checkpoint)
    AuditCheckpoint.objects.update_or_create(
        lane=lane, defaults={"seq": seq, "hash": digest, "created_at": checkpoint.created_at, "seal": checkpoint.seal}
    )
