"""Shared helpers for tests that run tasks through a real Celery worker on the real broker.

Use the `celery_worker` fixture (tests/conftest.py) and mark the module `worker`. Unit tests
run tasks eagerly; `CeleryWorker.run` publishes one task for real and waits for its result.
"""

import os
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest
from celery.result import allow_join_result
from django.conf import settings
from django.db import connection

from config.celery import app as celery_app

# Generous, so a slow machine fails only when something is really stuck; never asserted on.
RESULT_TIMEOUT_SECONDS = 60


def require_worker() -> None:
    """Skip without a broker or a database a second process can share; fail when CI requires the worker."""
    if not settings.CELERY_BROKER_URL:
        problem = "CELERY_BROKER_URL is not set"
    elif connection.vendor != "postgresql":
        # An in-memory SQLite test database cannot be opened by another process.
        problem = f"the worker needs a database it can share (PostgreSQL); this run uses {connection.vendor}"
    else:
        return
    if os.environ.get("CASEHUB_REQUIRE_WORKER") == "1":
        pytest.fail(f"CASEHUB_REQUIRE_WORKER=1 but {problem}")
    pytest.skip(problem)


def worker_database_url() -> str:
    """DATABASE_URL for the test database this process uses (not the one in the environment)."""
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    host = db["HOST"] or ""
    if ":" in host:  # an IPv6 address
        host = f"[{host}]"
    port = f":{db['PORT']}" if db["PORT"] else ""
    at = "@" if credentials else ""
    return f"postgres://{credentials}{at}{host}{port}/{quote(db['NAME'], safe='')}"


@contextmanager
def eager_off() -> Iterator[None]:
    """Publish to the broker instead of running in-process (tests/conftest.py turns eager on)."""
    saved = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    try:
        yield
    finally:
        celery_app.conf.task_always_eager = saved


@contextmanager
def publishing_to(queue: str) -> Iterator[None]:
    """Publish to the broker, and tasks this process enqueues itself (`.delay()`) to this queue."""
    saved = celery_app.conf.task_default_queue
    # Celery's router reads the default queue on every publish.
    celery_app.conf.task_default_queue = queue
    try:
        with eager_off():
            yield
    finally:
        celery_app.conf.task_default_queue = saved


@dataclass
class CeleryWorker:
    process: subprocess.Popen
    queue: str
    log: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]

    def run(self, task, *args, **kwargs):
        """Send task to this worker's own queue and return its result."""
        with eager_off():
            result = task.apply_async(args=args, kwargs=kwargs, queue=self.queue)
            deadline = time.monotonic() + RESULT_TIMEOUT_SECONDS
            while not result.ready():
                if self.process.poll() is not None:
                    pytest.fail(f"the Celery worker exited with {self.process.returncode}:\n{self.output()}")
                if time.monotonic() > deadline:
                    pytest.fail(f"no result from the Celery worker after {RESULT_TIMEOUT_SECONDS}s:\n{self.output()}")
                time.sleep(0.05)
            # Celery marks "inside a task" in one process-wide flag, which eager tasks run at once in
            # threads (tests/orgs/test_idempotency_concurrency.py) can leave set: this process is no task.
            with allow_join_result():
                return result.get(timeout=RESULT_TIMEOUT_SECONDS)


@contextmanager
def running_worker(*, queue: str | None = None, env: dict | None = None) -> Iterator[CeleryWorker]:
    """`celery -A config worker` on the test database, consuming a queue no other run shares.

    Tasks the worker enqueues itself go to that queue too; `env` adds to its environment.
    """
    # A queue of its own: other checkouts may run their suites against the same Redis database.
    queue = queue or f"casehub-test-{uuid.uuid4().hex[:12]}"
    env = {
        **os.environ,
        "DATABASE_URL": worker_database_url(),
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        **(env or {}),
    }
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "config",
        "worker",
        "--pool=solo",
        "--concurrency=1",
        f"--queues={queue}",
        f"--hostname={queue}@%h",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        "--loglevel=INFO",
    ]
    with tempfile.TemporaryDirectory(prefix="casehub-worker-") as directory:
        log = Path(directory) / "worker.log"
        with log.open("wb") as sink:
            process = subprocess.Popen(
                command, cwd=settings.BASE_DIR, env=env, stdout=sink, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
            )
        try:
            yield CeleryWorker(process, queue, log)
        finally:
            # Always stop it, or it would hold a connection that keeps the test database from being dropped.
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
