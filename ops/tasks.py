from celery import shared_task
from django.utils import timezone

from ops.models import Heartbeat

BEAT = "beat"


@shared_task
def heartbeat() -> None:
    """Scheduled every minute: a worker running a task sent by beat proves both are alive."""
    Heartbeat.objects.update_or_create(name=BEAT, defaults={"at": timezone.now()})
