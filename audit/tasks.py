import logging

from celery import shared_task

from audit import refusals
from audit.services import audit_verify

logger = logging.getLogger(__name__)


@shared_task
def verify_audit_chain() -> dict:
    """Verify the audit chain (also run by beat, so a broken chain is noticed without an operator)."""
    report = audit_verify()
    if not report.ok:
        logger.error("audit chain broken: %s", report.problem)
    return {"checked": report.checked, "ok": report.ok, "problem": report.problem}


@shared_task
def refusal_sweep() -> int:
    """Write the counted repeats of refused requests whose window has passed (beat, every minute)."""
    return refusals.refusal_sweep()
