"""No personal field reaches a log line, whatever the flow, with every logger at DEBUG."""

import logging
import re
import uuid

import pytest
from django.test import Client
from django.urls import reverse

from casehub.models import Case
from ops.logs import JsonFormatter, PlainFormatter, TaskValuesFilter
from ops.tasks import heartbeat
from tests.factories import verified_client

NAME = "Zyxwv Quillonbarr"
PHONE = "+52 33 9876 1357"
EMAIL = "zyxwv.quillonbarr@example.org"
BAD_EMAIL = "zyxwv-quillonbarr-at-nowhere"
USERNAME = "zyxwv-signin"
# The phone as it could be written out; short digit runs would also match inside request ids.
DISTINCTIVE = ["Zyxwv", "Quillonbarr", "quillonbarr", USERNAME, "9876 1357", "98761357", "9876-1357"]
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


class Capture(logging.Handler):
    """Every record, formatted as production formats it (both formats)."""

    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.addFilter(TaskValuesFilter())
        self.lines: list[str] = []

    def emit(self, record):
        self.lines.append(JsonFormatter().format(record))
        self.lines.append(PlainFormatter().format(record))


@pytest.fixture
def captured():
    handler = Capture()
    root = logging.getLogger()
    loggers = [root, *(logging.getLogger(name) for name in list(logging.root.manager.loggerDict))]
    levels = [(logger, logger.level) for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.DEBUG)
    root.addHandler(handler)
    yield handler.lines
    root.removeHandler(handler)
    for logger, level in levels:
        logger.setLevel(level)


def test_no_personal_field_reaches_a_log_line(cast, captured, settings, monkeypatch):
    # given every logger at DEBUG and a route that fails holding a decrypted name
    settings.ROOT_URLCONF = "tests.ops.failing_urls"
    client = verified_client(cast.owner.caseworker)
    client.raise_request_exception = False

    # when a sign-in fails, a case is created, viewed, searched for, edited badly and well,
    # a missing page and a failing one are asked for, and tasks run
    Client().post("/sign-in/", {"username": USERNAME, "password": "wrong password"})
    client.post(reverse("cases:new"), {"step": "search", "q": NAME}, follow=True)
    client.post(
        reverse("cases:new"),
        {"step": "intake", "legal_name": NAME, "phone": PHONE, "age_band": "unknown", "risk_level": "low"},
    )
    case = Case.objects.get()
    edit = reverse("cases:survivor_edit", kwargs={"case_uuid": case.uuid})
    client.post(edit, {"legal_name": NAME, "phones": PHONE, "email": BAD_EMAIL})
    client.post(edit, {"legal_name": NAME, "phones": PHONE, "email": EMAIL})
    client.get(reverse("cases:survivor", kwargs={"case_uuid": case.uuid}))
    client.post(reverse("cases:list"), {"q": NAME}, follow=True)
    client.get(reverse("cases:survivor", kwargs={"case_uuid": uuid.uuid4()}))
    failed = client.get(f"/test-failure/{case.uuid}/")
    heartbeat.delay()

    def broken():
        raise ValueError(f"{NAME} {PHONE}")

    monkeypatch.setattr(heartbeat, "run", broken)
    with pytest.raises(ValueError):
        heartbeat.delay()

    # then the flows happened and were logged, and nothing distinctive was
    assert failed.status_code == 500
    text = UUID.sub("<uuid>", "\n".join(captured))
    assert "RuntimeError" in text and "ValueError" in text
    leaks = [value for value in DISTINCTIVE if value.lower() in text.lower()]
    assert leaks == []
