"""/metrics: for a bearer of METRICS_TOKEN only, with labels that can never name a person or a case."""

import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest
import redis
import time_machine
from django.test import Client
from django.urls import reverse
from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families

from ops.tasks import heartbeat
from tests.casehub.factories import a_case
from tests.factories import verified_client
from tests.referrals.factories import a_referral, a_scene

TOKEN = "metrics-token-for-tests-0123456789"
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.IGNORECASE)
MONDAY_10 = datetime(2027, 3, 1, 10, 0, tzinfo=UTC)


@pytest.fixture
def token(settings):
    settings.METRICS_TOKEN = TOKEN
    return TOKEN


def scrape() -> str:
    response = Client().get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200
    return response.content.decode()


def sample(text: str, name: str, labels: dict | None = None) -> float | None:
    for family in text_string_to_metric_families(text):
        for found in family.samples:
            if found.name == name and (labels is None or found.labels == labels):
                return found.value
    return None


def test_there_is_no_metrics_page_without_a_token_setting(db, settings):
    settings.METRICS_TOKEN = ""
    assert Client().get("/metrics", HTTP_AUTHORIZATION="Bearer ").status_code == 404


def test_a_wrong_token_gets_no_metrics(db, token):
    assert Client().get("/metrics", HTTP_AUTHORIZATION="Bearer not-the-token").status_code == 404


def test_requests_are_counted_by_method_route_name_and_status_class(db, token):
    Client().get("/health/live")
    assert sample(scrape(), "casehub_http_requests_total", {"method": "GET", "route": "ops:live", "status": "2xx"}) >= 1


def test_labels_never_hold_a_path_an_id_or_a_case_value(cast, token):
    # given a case with a distinctive name, read on its pages, and a missing page with an id in its path
    case = a_case(cast.owner, assigned=[cast.owner.caseworker], legal_name="Zyxwv Metricsperson")
    client = verified_client(cast.owner.caseworker)
    client.get(reverse("cases:survivor", kwargs={"case_uuid": case.uuid}))
    client.get(f"/cases/{case.uuid}/no-such-tab/?q=Zyxwv")
    client.post(reverse("cases:list"), {"q": "Zyxwv Metricsperson"})
    # when
    text = scrape()
    # then
    labels = {
        value for family in text_string_to_metric_families(text) for s in family.samples for value in s.labels.values()
    }
    assert "cases:survivor" in labels and "unmatched" in labels
    assert [value for value in labels if "/" in value or UUID.search(value)] == []
    assert "Zyxwv" not in text and str(case.uuid) not in text
    assert cast.owner.caseworker.username not in text and cast.owner.organization.name not in text


def test_an_unknown_method_is_counted_as_other(db, token):
    Client().generic("BREW", "/health/live")
    assert (
        sample(scrape(), "casehub_http_requests_total", {"method": "other", "route": "ops:live", "status": "4xx"}) >= 1
    )


def test_task_runs_and_failures_are_counted_by_task_name(db, monkeypatch):
    labels = {"task": "ops.tasks.heartbeat"}
    runs = REGISTRY.get_sample_value("casehub_celery_task_runs_total", labels) or 0
    failures = REGISTRY.get_sample_value("casehub_celery_task_failures_total", labels) or 0

    heartbeat.delay()

    def broken():
        raise ValueError("no")

    monkeypatch.setattr(heartbeat, "run", broken)
    heartbeat.apply(throw=False)

    assert REGISTRY.get_sample_value("casehub_celery_task_runs_total", labels) == runs + 2
    assert REGISTRY.get_sample_value("casehub_celery_task_failures_total", labels) == failures + 1
    assert REGISTRY.get_sample_value("casehub_celery_task_duration_seconds_count", labels) >= 2


def test_referrals_past_their_deadline_are_counted_at_scrape(cast, token, settings):
    settings.CASEHUB_DIRECTORY_TIMEZONE = "UTC"
    with time_machine.travel(MONDAY_10, tick=False):
        a_referral(a_scene(cast), send=True)
        assert sample(scrape(), "casehub_referral_deadlines_due") == 0
    with time_machine.travel(MONDAY_10 + timedelta(days=3), tick=False):
        assert sample(scrape(), "casehub_referral_deadlines_due") == 1


def test_the_queue_depth_is_read_from_a_redis_broker_at_scrape(db, token, settings):
    url = "redis://127.0.0.1:6379/13"
    queue = "ops-metrics-test-queue"
    try:
        broker = redis.Redis.from_url(url, socket_connect_timeout=1)
        broker.delete(queue)
    except redis.RedisError:
        pytest.skip("no Redis at 127.0.0.1:6379")
    settings.CELERY_BROKER_URL, settings.CELERY_TASK_DEFAULT_QUEUE = url, queue
    broker.rpush(queue, "a", "b")
    try:
        assert sample(scrape(), "casehub_celery_queue_depth", {"queue": queue}) == 2
    finally:
        broker.delete(queue)


def test_without_a_broker_there_is_no_queue_depth(db, token, settings):
    settings.CELERY_BROKER_URL = ""
    assert sample(scrape(), "casehub_celery_queue_depth") is None


def test_in_multiprocess_mode_a_scrape_adds_up_what_every_process_wrote(db, token, tmp_path, monkeypatch):
    # given a worker process that counted a request into the shared directory
    program = (
        "from prometheus_client import Counter\n"
        "Counter('casehub_http_requests', 'x', ['method', 'route', 'status'])"
        ".labels(method='GET', route='home', status='2xx').inc(3)\n"
    )
    subprocess.run([sys.executable, "-c", program], env={"PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}, check=True)
    # when this process is scraped in multiprocess mode
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    # then the other process's count is there
    assert sample(scrape(), "casehub_http_requests_total", {"method": "GET", "route": "home", "status": "2xx"}) == 3
