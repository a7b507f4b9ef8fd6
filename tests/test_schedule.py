"""The embedded set-up's beat: `manage.py run_schedule` runs CELERY_BEAT_SCHEDULE in process."""

import logging
from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command

from config.management.commands import run_schedule
from referrals.models import ReferralState
from tests.referrals.factories import a_referral, a_scene

MONDAY_10 = datetime(2027, 3, 1, 10, 0, tzinfo=UTC)


def test_every_scheduled_task_is_found_and_runs_once(db, settings):
    out = StringIO()
    call_command("run_schedule", "--once", stdout=out)
    assert (
        out.getvalue().strip()
        == f"ran {len(settings.CELERY_BEAT_SCHEDULE)} of {len(settings.CELERY_BEAT_SCHEDULE)} scheduled tasks"
    )


def test_an_unanswered_referral_expires_when_the_schedule_runs(cast, settings):
    settings.CASEHUB_DIRECTORY_TIMEZONE = "UTC"
    with time_machine.travel(MONDAY_10, tick=False):
        referral = a_referral(a_scene(cast), send=True)
    with time_machine.travel(MONDAY_10 + timedelta(days=4, hours=1), tick=False):
        call_command("run_schedule", "--once", stdout=StringIO())
    referral.refresh_from_db()
    assert referral.state == ReferralState.EXPIRED


def test_a_failing_task_is_logged_by_name_and_error_class_and_the_others_still_run(db, settings, caplog, monkeypatch):
    def broken(*args, **kwargs):
        raise ValueError("Lucía Torres, +52 33 1234 5678")

    tasks = run_schedule.entries()
    name = next(iter(tasks))
    monkeypatch.setattr(tasks[name][0], "run", broken)
    out = StringIO()
    with caplog.at_level(logging.ERROR, logger="casehub.schedule"):
        call_command("run_schedule", "--once", stdout=out)
    assert f"ran {len(tasks) - 1} of {len(tasks)}" in out.getvalue()
    assert f"scheduled task {name} failed: ValueError" in caplog.text
    assert "Lucía" not in caplog.text and "1234" not in caplog.text


@pytest.mark.parametrize("seconds", [60, 300])
def test_a_schedule_in_seconds_is_due_again_after_its_interval(seconds):
    due = run_schedule.every(timedelta(seconds=seconds))
    now = datetime.now(UTC)
    assert due.is_due(now - timedelta(seconds=seconds + 1))[0]
    assert not due.is_due(now)[0]
