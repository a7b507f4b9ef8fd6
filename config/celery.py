import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("casehub")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def tasks_run_in_process() -> bool:
    """True when tasks run eagerly (no broker, or tests): then nothing can be handed to a worker."""
    return bool(app.conf.task_always_eager)
