"""The audit trail: append-only events chained by SHA-256, and the chain's verifier."""

import hashlib
import hmac
import json
from collections.abc import Iterator
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from audit.context import current_request_meta
from audit.models import AuditEvent, AuditHead, AuditOutcome

GENESIS = "0" * 64


def _event_digest(event: AuditEvent) -> str:
    payload = {
        "seq": event.seq,
        "created_at": event.created_at.isoformat(),
        "actor": event.actor_id,
        "organization": event.organization_id,
        "action": event.action,
        "target_type": event.target_type,
        "target_id": event.target_id,
        "ip": event.ip_address,
        "request_id": event.request_id,
        "outcome": event.outcome,
        "details": event.details,
    }
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256((event.prev_hash + canonical).encode()).hexdigest()


def _seal(seq: int, digest: str) -> str:
    return salted_hmac("casehub.audit.head", f"{seq}:{digest}", algorithm="sha256").hexdigest()


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

    One head lock, one insert and one head update however many events: for sweeps that record
    hundreds of system actions. Call inside the transaction of the changes they record.
    """
    if not records:
        return []
    meta = current_request_meta()
    now = timezone.now()
    with transaction.atomic():
        # The head row lock serializes writers, so sequence numbers and the chain never fork.
        head = AuditHead.objects.select_for_update().filter(pk=1).first()
        if head is None:
            head = AuditHead.objects.create(pk=1, seq=0, hash=GENESIS, seal=_seal(0, GENESIS))
        events = []
        for record in records:
            event = _new_event(
                seq=head.seq + 1 + len(events), prev_hash=events[-1].hash if events else head.hash, **record
            )
            event.created_at, event.ip_address, event.request_id = now, meta.ip, meta.request_id
            event.hash = _event_digest(event)
            events.append(event)
        if len(events) == 1:
            events[0].save(force_insert=True)
        else:
            AuditEvent.objects.bulk_create(events, batch_size=1000)
        last = events[-1]
        head.seq, head.hash, head.seal = last.seq, last.hash, _seal(last.seq, last.hash)
        head.save(update_fields=["seq", "hash", "seal"])
    return events


def _new_event(
    *,
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
        seq=seq,
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


def _events_in_order(batch: int = 2000) -> Iterator[AuditEvent]:
    last = 0
    while True:
        chunk = list(AuditEvent.objects.filter(seq__gt=last).order_by("seq")[:batch])
        if not chunk:
            return
        yield from chunk
        last = chunk[-1].seq


def audit_verify() -> ChainReport:
    """Walk the whole chain; report the first event that was edited, removed or reordered, or a cut tail."""
    prev_hash, expected_seq, checked = GENESIS, 1, 0
    for event in _events_in_order():
        if event.seq != expected_seq:
            return ChainReport(checked, f"event #{expected_seq} is missing (next stored event is #{event.seq})")
        if event.prev_hash != prev_hash:
            return ChainReport(
                checked, f"event #{event.seq} does not follow event #{event.seq - 1} (reordered or replaced)"
            )
        if not hmac.compare_digest(event.hash, _event_digest(event)):
            return ChainReport(checked, f"event #{event.seq} was edited (its hash does not match its contents)")
        prev_hash, expected_seq, checked = event.hash, expected_seq + 1, checked + 1
    head = AuditHead.objects.filter(pk=1).first()
    if head is None:
        if checked:
            return ChainReport(checked, "the chain head is missing")
        return ChainReport(0)
    if not hmac.compare_digest(head.seal, _seal(head.seq, head.hash)):
        return ChainReport(checked, "the chain head's seal is invalid (head edited or key changed)")
    if head.seq != checked or head.hash != prev_hash:
        return ChainReport(
            checked, f"the tail was cut: the head records event #{head.seq}, the chain ends at #{checked}"
        )
    return ChainReport(checked)
