"""Prometheus metrics. Labels are route names, task names, methods and status classes only:
never a path, a query string, a user, an organization or an id.

With several gunicorn workers set PROMETHEUS_MULTIPROC_DIR (docs/observability.md): every
process writes its counters there and a scrape of any one of them adds them up.
"""

import logging
import os
import time

import redis
from django.conf import settings
from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector

from referrals.selectors import referrals_overdue_count

logger = logging.getLogger(__name__)

METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}

REQUESTS = Counter(
    "casehub_http_requests",
    "HTTP requests answered, by method, route name and status class",
    ["method", "route", "status"],
)
LATENCY = Histogram("casehub_http_request_duration_seconds", "Time to answer a request, by route name", ["route"])
TASK_RUNS = Counter("casehub_celery_task_runs", "Celery tasks run, by task name", ["task"])
TASK_FAILURES = Counter("casehub_celery_task_failures", "Celery tasks that raised, by task name", ["task"])
TASK_DURATION = Histogram("casehub_celery_task_duration_seconds", "Celery task run time, by task name", ["task"])


def route_of(request) -> str:
    """The URL pattern's name ("cases:survivor"), never the path with its ids."""
    match = getattr(request, "resolver_match", None)
    return match.view_name if match else "unmatched"


class MetricsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        route = route_of(request)
        method = request.method if request.method in METHODS else "other"
        REQUESTS.labels(method=method, route=route, status=f"{response.status_code // 100}xx").inc()
        LATENCY.labels(route=route).observe(time.perf_counter() - started)
        return response


class QueueDepthCollector:
    """Messages waiting in the default queue (Redis brokers), read at scrape time."""

    def collect(self):
        url = settings.CELERY_BROKER_URL
        if not url.startswith(("redis://", "rediss://")):
            return
        queue = settings.CELERY_TASK_DEFAULT_QUEUE
        try:
            client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
            depth = client.llen(queue)
        except redis.RedisError as error:
            logger.warning("queue depth unavailable: %s", type(error).__name__)
            return
        family = GaugeMetricFamily("casehub_celery_queue_depth", "Tasks waiting in the queue", labels=["queue"])
        family.add_metric([queue], depth)
        yield family


class ReferralDeadlinesCollector:
    """Open referrals whose running deadline has passed, counted at scrape time."""

    def collect(self):
        yield GaugeMetricFamily(
            "casehub_referral_deadlines_due",
            "Open referrals past their running deadline",
            value=referrals_overdue_count(),
        )


class Scrape:
    """What one scrape reads: this process's metrics (or every process's) and the live collectors."""

    def __init__(self):
        if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
            base = CollectorRegistry()
            MultiProcessCollector(base)
        else:
            base = REGISTRY
        self.parts = [base, QueueDepthCollector(), ReferralDeadlinesCollector()]

    def collect(self):
        for part in self.parts:
            yield from part.collect()


def exposition() -> bytes:
    return generate_latest(Scrape())
