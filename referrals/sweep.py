"""The referral sweep beat runs every minute: reminders at 50% and 100% of running deadlines,
expiry at 200%, and the shares of completed referrals ended after their follow-up period."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from audit.services import audit_record_many
from referrals import notices
from referrals.models import Referral, ReferralEvent, ReferralState
from sharing.services import share_end_for_referral


def referral_sweep(*, now: datetime | None = None) -> dict[str, int]:
    """Reminders at 50% and 100% of running deadlines, the sender told at 100%, expiry at 200%,
    and shares of completed referrals ended after their follow-up period.

    Each part is one indexed range query over the marks stored on the referral, and expiry a
    fixed number of queries per EXPIRY_BATCH referrals; notifications carry dedupe keys, so a
    sweep that runs twice (or two sweeps racing) notifies once.
    """
    now = now or timezone.now()
    counts = {"half": 0, "full": 0, "expired": 0, "shares_ended": 0}
    columns = (
        "pk",
        "uuid",
        "reference",
        "to_organization_id",
        "from_organization_id",
        "assigned_to_id",
        "sent_by_id",
        "deadline_step",
    )
    half = list(Referral.objects.filter(half_at__lte=now, reminders_sent=0).values(*columns)[:SWEEP_BATCH])
    full = list(Referral.objects.filter(due_at__lte=now, reminders_sent__lt=2).values(*columns)[:SWEEP_BATCH])
    with transaction.atomic():
        notices.deadline_reminders(half, full)
        counts["half"] = Referral.objects.filter(pk__in=[row["pk"] for row in half], reminders_sent=0).update(
            reminders_sent=1
        )
        counts["full"] = Referral.objects.filter(pk__in=[row["pk"] for row in full], reminders_sent__lt=2).update(
            reminders_sent=2
        )
    while counts["expired"] < SWEEP_BATCH:
        limit = min(EXPIRY_BATCH, SWEEP_BATCH - counts["expired"])
        expired = _expire_batch(now, limit=limit)
        counts["expired"] += expired
        if expired < limit:
            break
    for referral in Referral.objects.filter(share_ends_at__lte=now, share__isnull=False).select_related("share")[
        :SWEEP_BATCH
    ]:
        with transaction.atomic():
            # The follow-up time is over: no referral change announces it, so the share's end is told.
            share_end_for_referral(share=referral.share, by=None, tell=True)
            Referral.objects.filter(pk=referral.pk).update(share_ends_at=None)
            counts["shares_ended"] += 1
    return counts


EXPIRABLE = (ReferralState.SENT, ReferralState.ACKNOWLEDGED)
SWEEP_BATCH = 5000  # rows per part and run; beat runs the sweep every minute
EXPIRY_BATCH = 500  # referrals expired per transaction


@transaction.atomic
def _expire_batch(now: datetime, *, limit: int) -> int:
    """Expire up to ``limit`` unanswered referrals past 200%, as the "expire" transition does one
    at a time (state, clock, event, audit record, both sides told), in a fixed number of queries."""
    # Rows another sweep holds are skipped, not waited for (PostgreSQL; SQLite serializes writers).
    # The lock is taken by the same query that checks the state and mark, so a referral answered
    # meanwhile is not expired.
    referrals = list(
        Referral.objects.select_for_update(of=("self",), skip_locked=True)
        .filter(expires_at__lte=now, state__in=EXPIRABLE)
        .select_related("to_organization")
        .order_by("expires_at", "pk")[:limit]
    )
    if not referrals:
        return 0
    at = timezone.now()
    # Expired referrals have no clock (as in _clock for a state without a step).
    Referral.objects.filter(pk__in=[referral.pk for referral in referrals]).update(
        state=ReferralState.EXPIRED,
        state_changed_at=at,
        deadline_step="",
        clock_started_at=None,
        clock_pauses=[],
        half_at=None,
        due_at=None,
        expires_at=None,
    )
    # Shares come with acceptance, so unanswered referrals have none; end one if it exists anyway.
    for referral in referrals:
        if referral.share_id:
            share_end_for_referral(share=referral.share, by=None)
    events = [
        ReferralEvent(
            case_id=referral.case_id,
            referral=referral,
            from_organization_id=referral.from_organization_id,
            to_organization_id=referral.to_organization_id,
            action="expire",
            from_state=referral.state,
            to_state=ReferralState.EXPIRED,
            at=at,
        )
        for referral in referrals
    ]
    ReferralEvent.objects.bulk_create(events)  # no note, so nothing to encrypt
    audit_record_many(
        [
            {
                "action": "referral.expire",
                "organization": referral.to_organization,
                "target": referral,
                "details": {
                    "referral": str(referral.uuid),
                    "from": event.from_state,
                    "to": event.to_state,
                    "reason": "",
                },
            }
            for referral, event in zip(referrals, events, strict=True)
        ]
    )
    notices.expired(referrals, events)
    return len(referrals)
