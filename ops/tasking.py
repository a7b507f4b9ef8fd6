"""Celery tasks carry the request id of the request that enqueued them, and are counted.

The id travels in a message header: the worker's log lines and the audit events a task writes
carry it. An eager task runs inside the request and inherits it without a header.
"""

import time
from contextlib import ExitStack

from celery.signals import before_task_publish, task_failure, task_postrun, task_prerun

from audit.context import current_request_meta, request_meta
from ops import metrics

HEADER = "casehub_request_id"

# Per task id: what task_postrun must undo, and when the task started.
_running: dict[str, tuple[ExitStack, float]] = {}


def _publish(headers=None, **kwargs):
    request_id = current_request_meta().request_id
    if request_id and headers is not None:
        headers.setdefault(HEADER, request_id)


def _start(task_id=None, task=None, **kwargs):
    stack = ExitStack()
    # A worker lifts custom headers onto the request; Task.apply keeps them in request.headers.
    request_id = getattr(task.request, HEADER, None) or (task.request.headers or {}).get(HEADER)
    if request_id:
        stack.enter_context(request_meta(str(request_id), None))
    _running[task_id] = (stack, time.perf_counter())


def _end(task_id=None, task=None, **kwargs):
    stack, started = _running.pop(task_id, (None, None))
    if stack is None:
        return
    stack.close()
    metrics.TASK_RUNS.labels(task=task.name).inc()
    metrics.TASK_DURATION.labels(task=task.name).observe(time.perf_counter() - started)


def _failed(sender=None, **kwargs):
    metrics.TASK_FAILURES.labels(task=sender.name).inc()


def connect() -> None:
    before_task_publish.connect(_publish, weak=False, dispatch_uid="ops.publish")
    task_prerun.connect(_start, weak=False, dispatch_uid="ops.start")
    task_postrun.connect(_end, weak=False, dispatch_uid="ops.end")
    task_failure.connect(_failed, weak=False, dispatch_uid="ops.failed")
