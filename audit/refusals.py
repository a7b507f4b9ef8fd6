"""Refused requests into the trail without letting one member flood it.

The first refusal of a kind (actor, organization, method, view, outcome) is recorded at once.
Identical refusals within AUDIT_REFUSAL_WINDOW_SECONDS are counted in a tally row; once the
window has passed, the next identical refusal or the sweep writes the count as one event,
details {"repeated": N}, so every refusal is accounted for.
"""

import hashlib
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from audit.context import request_meta
from audit.models import AuditOutcome, AuditRefusalTally
from audit.services import audit_record


def audit_refusal(*, actor, organization, method: str, view: str, outcome: str = AuditOutcome.DENIED) -> None:
    """Account for one refused request: recorded if it is the first of its kind in the window, else counted."""
    actor = actor if actor is not None and actor.is_authenticated else None
    method, view = method[:10], view[:200]
    key = hashlib.sha256(
        f"{actor.pk if actor else ''}|{organization.pk if organization else ''}|{method}|{view}|{outcome}".encode()
    ).hexdigest()
    now = timezone.now()
    with transaction.atomic():
        # The row lock makes concurrent identical refusals count one after another, never over each other.
        tally, created = AuditRefusalTally.objects.select_for_update().get_or_create(
            key=key,
            defaults={
                "actor": actor,
                "organization": organization,
                "method": method,
                "view": view,
                "outcome": outcome,
                "started_at": now,
            },
        )
        if not created and now - tally.started_at < _window():
            tally.repeats += 1
            tally.save(update_fields=["repeats"])
            return
        if not created:
            _flush(tally)
            tally.started_at, tally.repeats = now, 0
            tally.save(update_fields=["started_at", "repeats"])
        audit_record(
            "request.refused",
            actor=actor,
            organization=organization,
            outcome=outcome,
            details={"method": method, "view": view},
        )


def refusal_sweep() -> int:
    """Write the counts of windows that have passed and forget their tallies; returns how many were written."""
    written = 0
    stale = AuditRefusalTally.objects.filter(started_at__lte=timezone.now() - _window())
    locked = stale.select_for_update(skip_locked=True, of=("self",)).select_related("actor", "organization")
    for pk in stale.values_list("pk", flat=True):
        with transaction.atomic():
            tally = locked.filter(pk=pk).first()
            if tally is None:
                continue  # a refusal is flushing it right now, or already did
            written += _flush(tally)
            tally.delete()
    return written


def _flush(tally: AuditRefusalTally) -> int:
    if not tally.repeats:
        return 0
    with request_meta("", None):  # the count belongs to no single request
        audit_record(
            "request.refused",
            actor=tally.actor,
            organization=tally.organization,
            outcome=tally.outcome,
            details={"method": tally.method, "view": tally.view, "repeated": tally.repeats},
        )
    return 1


def _window() -> timedelta:
    return timedelta(seconds=settings.AUDIT_REFUSAL_WINDOW_SECONDS)
