from celery import shared_task
from django.db import OperationalError


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def referral_sweep() -> dict:
    """Referral reminders (50%, 100%), expiry (200%) and follow-up shares ended (run by beat)."""
    from referrals.sweep import referral_sweep as sweep

    return sweep()
