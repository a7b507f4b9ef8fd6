"""Log lines: JSON with the request id (and the task inside Celery), exceptions without their text."""

import json
import logging
import sys

from audit.context import request_meta
from ops.logs import JsonFormatter, PlainFormatter, TaskValuesFilter
from ops.tasks import heartbeat
from tests.test_settings import PRODUCTION, manage


def record(message="hello %s", args=("world",), exc_info=None) -> logging.LogRecord:
    return logging.LogRecord("casehub.test", logging.WARNING, __file__, 1, message, args, exc_info)


def raised() -> tuple:
    try:
        raise ValueError("Lucía Torres, +52 33 1234 5678")
    except ValueError:
        return sys.exc_info()


def test_a_json_line_has_time_level_logger_message_and_request_id():
    with request_meta("req-json-1", None):
        line = json.loads(JsonFormatter().format(record()))
    assert line["level"] == "WARNING"
    assert line["logger"] == "casehub.test"
    assert line["message"] == "hello world"
    assert line["request_id"] == "req-json-1"
    assert line["time"].endswith("+00:00")


def test_a_line_logged_inside_a_task_names_the_task_and_its_id(db, monkeypatch):
    lines = []
    monkeypatch.setattr(heartbeat, "run", lambda: lines.append(json.loads(JsonFormatter().format(record()))))
    result = heartbeat.apply()
    assert lines[0]["task_name"] == "ops.tasks.heartbeat"
    assert lines[0]["task_id"] == result.id


def test_a_json_line_shows_an_exceptions_type_and_frames_but_not_its_message():
    line = json.loads(JsonFormatter().format(record(exc_info=raised())))
    assert "builtins.ValueError" in line["exception"]
    assert "in raised" in line["exception"]
    assert "Lucía" not in json.dumps(line, ensure_ascii=False)


def test_a_plain_line_shows_an_exceptions_type_but_not_its_message():
    with request_meta("req-plain-1", None):
        text = PlainFormatter().format(record(exc_info=raised()))
    assert "[req-plain-1] hello world" in text
    assert "builtins.ValueError" in text
    assert "Lucía" not in text


def test_a_chained_exception_shows_both_types_and_neither_message():
    try:
        try:
            raise KeyError("ana@example.org")
        except KeyError as error:
            raise RuntimeError("while saving ana@example.org") from error
    except RuntimeError:
        text = JsonFormatter().format(record(exc_info=sys.exc_info()))
    assert "builtins.KeyError" in text and "builtins.RuntimeError" in text
    assert "ana@example.org" not in text


def test_celerys_task_failure_line_names_the_exception_type_without_its_text():
    # as celery.app.trace logs a failure in a worker
    error = raised()
    line = logging.LogRecord(
        "celery.app.trace",
        logging.ERROR,
        __file__,
        1,
        "Task %(name)s[%(id)s] %(description)s: %(exc)s",
        ({"name": "t", "id": "1", "description": "raised unexpected", "exc": repr(error[1]), "args": "('Ana',)"},),
        error,
    )
    TaskValuesFilter().filter(line)
    text = JsonFormatter().format(line)
    assert "Task t[1] raised unexpected: ValueError" in text
    assert "Lucía" not in text


def test_the_console_handler_filters_celerys_task_lines(settings):
    assert settings.LOGGING["handlers"]["console"]["filters"] == ["task_values"]
    assert settings.LOGGING["filters"]["task_values"] == {"()": "ops.logs.TaskValuesFilter"}


def test_an_unknown_log_format_stops_start_up():
    result = manage("check", environment={**PRODUCTION, "LOG_FORMAT": "xml"})
    assert result.returncode != 0
    assert "LOG_FORMAT must be plain or json" in result.stderr
