from importlib import import_module

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string

from orgs import idempotency


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
def clear_expired_sessions() -> None:
    """Delete the sessions past their expiry, as `manage.py clearsessions` does (run by beat)."""
    engine = import_module(settings.SESSION_ENGINE)
    engine.SessionStore.clear_expired()


@shared_task
def delete_expired_idempotency_keys() -> None:
    """Forget the stored answers of API creates past their replay window (run by beat)."""
    idempotency.delete_expired()
