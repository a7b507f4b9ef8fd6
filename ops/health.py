"""What /health/ready checks. Each check answers "ok", "failed" or "skipped" and nothing else:
a failure is logged by check name and exception class only, never its message."""

import logging
import uuid
from datetime import timedelta

import kombu
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from casehub.crypto.keys import key_provider
from ops.models import Heartbeat
from ops.tasks import BEAT

logger = logging.getLogger(__name__)

PROBE = b"casehub readiness probe"


def database() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        return cursor.fetchone() == (1,)


def broker() -> bool | None:
    if not settings.CELERY_BROKER_URL:
        return None  # tasks run in-process: there is no broker to reach
    with kombu.Connection(settings.CELERY_BROKER_URL, connect_timeout=3) as conn:
        conn.ensure_connection(max_retries=1)
    return True


def cache_round_trip() -> bool:
    key, value = f"ops:ready:{uuid.uuid4().hex}", uuid.uuid4().hex
    cache.set(key, value, timeout=30)
    try:
        return cache.get(key) == value
    finally:
        cache.delete(key)


def master_keys() -> bool:
    """The active master key wraps and unwraps a test value; no case's key is touched."""
    provider = key_provider()
    key_id, wrapped = provider.wrap(PROBE, aad=b"ops-health")
    return provider.unwrap(key_id, wrapped, aad=b"ops-health") == PROBE


def beat() -> bool:
    """The heartbeat task ran lately: beat sends it and a worker runs it (or run_schedule, embedded)."""
    since = timezone.now() - timedelta(seconds=settings.OPS_HEARTBEAT_MAX_AGE)
    return Heartbeat.objects.filter(name=BEAT, at__gte=since).exists()


CHECKS = {
    "database": database,
    "broker": broker,
    "cache": cache_round_trip,
    "master_keys": master_keys,
    "beat": beat,
}


def readiness() -> dict[str, str]:
    results = {}
    for name, check in CHECKS.items():
        try:
            outcome = check()
        except Exception as error:  # noqa: BLE001 - any failure is "failed", never a crash of the probe
            logger.warning("readiness check %s failed: %s", name, type(error).__name__)
            outcome = False
        results[name] = "skipped" if outcome is None else "ok" if outcome else "failed"
    return results
