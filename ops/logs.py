"""Log lines that carry the request id and never an exception's message.

An exception's message can hold values (a database error quotes the row it refused, a
validation error the input), so a logged exception shows its type and where it was raised,
never its text. Selected by LOG_FORMAT: ``json`` (one object a line) or ``plain``.
"""

import json
import logging
import traceback
from datetime import UTC, datetime

from celery import current_task

from audit.context import current_request_meta


def exception_summary(exc_info) -> str:
    """The exception chain's types and frames (file, line, function), without any message."""
    _type, error, _tb = exc_info
    parts = []
    seen = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        frames = traceback.extract_tb(error.__traceback__)
        lines = [f'  File "{frame.filename}", line {frame.lineno}, in {frame.name}' for frame in frames]
        parts.append("\n".join([f"{type(error).__module__}.{type(error).__qualname__}", *lines]))
        error = error.__cause__ or error.__context__
    return "\nwhile handling the above:\n".join(reversed(parts))


def context_fields() -> dict:
    """The request id, and the task's id and name inside a Celery task."""
    fields = {"request_id": current_request_meta().request_id}
    task = current_task
    if task and task.request.id:
        fields["task_id"] = task.request.id
        fields["task_name"] = task.name
    return fields


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            **context_fields(),
        }
        if record.exc_info:
            entry["exception"] = exception_summary(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class PlainFormatter(logging.Formatter):
    def __init__(self):
        super().__init__("%(asctime)s %(levelname)s %(name)s [%(context)s] %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        record.context = " ".join(value for value in context_fields().values() if value) or "-"
        # Another handler may have cached the full traceback text, message included: make ours.
        record.exc_text = None
        return super().format(record)

    def formatException(self, ei) -> str:  # noqa: N802 - logging's name
        return exception_summary(ei)


class TaskValuesFilter(logging.Filter):
    """Celery's task lines quote the exception, the return value and the arguments: keep the type only."""

    HIDDEN = ("return_value", "args", "kwargs", "traceback")

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name.startswith("celery.") and isinstance(record.args, dict):
            args = dict(record.args)
            if "exc" in args:
                args["exc"] = record.exc_info[0].__name__ if record.exc_info else "error"
            args.update({key: "(not logged)" for key in self.HIDDEN if key in args})
            record.args = args
        return True
