"""A real worker logs JSON lines carrying the request id of the request that enqueued the task."""

import json

import pytest

from audit.context import request_meta
from ops.models import Heartbeat
from ops.tasks import BEAT, heartbeat

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_a_workers_log_lines_carry_the_enqueuing_requests_id(celery_worker):
    # when a request enqueues the heartbeat
    with request_meta("req-to-the-worker", None):
        celery_worker.run(heartbeat)
    # then the worker ran it, and its line about the task names the task and the request
    assert Heartbeat.objects.filter(name=BEAT).exists()
    lines = [json.loads(line) for line in celery_worker.output().splitlines() if line.startswith("{")]
    done = [line for line in lines if line.get("task_name") == "ops.tasks.heartbeat"]
    assert done and done[-1]["request_id"] == "req-to-the-worker"
