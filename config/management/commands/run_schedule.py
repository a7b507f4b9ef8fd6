"""The periodic tasks, run in this process on their schedule: the embedded set-up's beat.

Without a broker (CELERY_BROKER_URL unset) tasks run eagerly and no Celery beat runs, so
`make run` starts this beside the development server: referral reminders and expiry every
minute, ended shares tidied, notification e-mails sent, the audit chain checked. In production
Celery beat (exactly one) sends the same CELERY_BEAT_SCHEDULE to the workers instead.
"""

import logging
import time
from datetime import timedelta

from celery.schedules import schedule as every
from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.module_loading import import_string

logger = logging.getLogger("casehub.schedule")


def entries() -> dict:
    """Each scheduled task by name: (the task, its Celery schedule)."""
    found = {}
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        due = entry["schedule"]
        if isinstance(due, int | float | timedelta):
            due = every(timedelta(seconds=due) if isinstance(due, int | float) else due)
        found[name] = (import_string(entry["task"]), due)
    return found


def run(name: str, task) -> bool:
    """Run one task here and now; a failure is logged by task and error class only (no values)."""
    try:
        task.apply(throw=True)
    except Exception as error:  # noqa: BLE001 - one failing task must not stop the others
        logger.error("scheduled task %s failed: %s", name, type(error).__name__)
        return False
    return True


class Command(BaseCommand):
    help = "Run the periodic tasks (CELERY_BEAT_SCHEDULE) in this process, on schedule."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="run every task once, then stop")

    def handle(self, *args, **options):
        tasks = entries()
        if options["once"]:
            failed = [name for name, (task, _due) in tasks.items() if not run(name, task)]
            self.stdout.write(f"ran {len(tasks) - len(failed)} of {len(tasks)} scheduled tasks")
            return
        self.stdout.write(f"running {len(tasks)} scheduled tasks on schedule (Ctrl-C stops)")
        last_run = dict.fromkeys(tasks, timezone.now() - timedelta(days=1))  # all due at start
        while True:
            wait = 60.0
            for name, (task, due) in tasks.items():
                is_due, next_in = due.is_due(last_run[name])
                if is_due:
                    last_run[name] = timezone.now()
                    run(name, task)
                    is_due, next_in = due.is_due(last_run[name])
                wait = min(wait, next_in)
            time.sleep(max(1.0, wait))
