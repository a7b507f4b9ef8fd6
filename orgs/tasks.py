import logging

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string

from casehub.audit import audit_verify

logger = logging.getLogger(__name__)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_email(to: list[str], template: str, context: dict) -> None:
    """Send a notification e-mail. Templates carry status and links only, never personal data."""
    recipients = [address for address in to if address]
    if not recipients:
        return
    text = render_to_string(f"emails/{template}.txt", {"site_url": settings.SITE_URL, **context})
    subject, _, body = text.strip().partition("\n")
    send_mail(subject.strip(), body.strip() + "\n", None, recipients)


@shared_task
def verify_audit_chain() -> dict:
    """Verify the audit chain (also run by beat, so a broken chain is noticed without an operator)."""
    report = audit_verify()
    if not report.ok:
        logger.error("audit chain broken: %s", report.problem)
    return {"checked": report.checked, "ok": report.ok, "problem": report.problem}
