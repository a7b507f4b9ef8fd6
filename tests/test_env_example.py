"""Every environment variable the code reads is listed, with a comment, in .env.example."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SKIPPED_DIRS = {".venv", "var", "migrations", "node_modules", ".git"}
READERS = {"env_str", "env_bool", "env_int", "env_list", "env_mapping", "getenv"}

# Read by the code but not for operators, each for the reason given.
NOT_FOR_OPERATORS = {
    "DJANGO_SETTINGS_MODULE": "set by manage.py, wsgi, asgi and Celery themselves",
    "CASEHUB_REQUIRE_BROWSER": "tests: CI fails instead of skipping when Chromium is missing",
    "CASEHUB_REQUIRE_WORKER": "tests: CI fails instead of skipping when no Celery broker answers",
    "CASEHUB_SCREENSHOT_DIR": "tests: where the browser tests leave screenshots",
    "CASEHUB_TEST_MAILBOX": "tests: the file mailbox a test worker delivers to",
    "LOAD_PLAN": "bench/load.py: tells its locust users where the plan of organizations and tokens is",
    "LOAD_THINK": "bench/load.py: the think time it hands its locust users",
    "SOME_FLAG": "tests/test_settings.py: a made-up name for testing the readers",
    "SOME_NUMBER": "tests/test_settings.py: a made-up name for testing the readers",
    "SOME_MAPPING": "tests/test_settings.py: a made-up name for testing the readers",
}


def python_files():
    for path in ROOT.rglob("*.py"):
        if not SKIPPED_DIRS.intersection(path.relative_to(ROOT).parts):
            yield path


def _name(call_or_subscript) -> str | None:
    """The variable name a read names: env_int("X", …), os.environ.get("X"), os.environ["X"]."""
    node = call_or_subscript
    if isinstance(node, ast.Subscript):
        target, key = node.value, node.slice
        is_environ = isinstance(target, ast.Attribute) and target.attr == "environ"
        return key.value if is_environ and isinstance(key, ast.Constant) and isinstance(key.value, str) else None
    if not isinstance(node, ast.Call) or not node.args:
        return None
    func, first = node.func, node.args[0]
    if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
        return None
    called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    on_environ = (
        isinstance(func, ast.Attribute) and isinstance(func.value, ast.Attribute) and func.value.attr == "environ"
    )
    if called in READERS or (on_environ and called in {"get", "setdefault", "pop"}):
        return first.value
    return None


def variables_read() -> dict[str, str]:
    """Each variable read anywhere in first-party Python, with one place that reads it."""
    found = {}
    for path in python_files():
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            name = _name(node)
            if name:
                found.setdefault(name, f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def listed() -> dict[str, str]:
    """The variables in .env.example (set or commented out), with the comment above each."""
    entries, comment = {}, ""
    for line in (ROOT / ".env.example").read_text().splitlines():
        match = re.match(r"#?\s*([A-Z][A-Z0-9_]*)=", line)
        if match:
            entries[match.group(1)] = comment
        elif line.startswith("#"):
            comment = line.lstrip("# ").strip() or comment
        else:
            comment = ""
    return entries


def test_every_variable_the_code_reads_is_in_the_env_example():
    missing = {name: where for name, where in variables_read().items() if name not in listed()}
    missing = {name: where for name, where in missing.items() if name not in NOT_FOR_OPERATORS}
    assert not missing, "add to .env.example, with a comment: " + ", ".join(
        f"{name} (read at {where})" for name, where in sorted(missing.items())
    )


def test_every_variable_in_the_env_example_has_a_comment():
    assert [name for name, comment in listed().items() if not comment] == []


def test_the_reader_finds_each_kind_of_read():
    source = (
        'env_int("A", 1)\nenv.env_bool("B")\nos.environ.get("C")\nos.environ["D"]\nos.getenv("E")\n'
        'settings.get("NOT_ENV")\n'
    )
    assert [_name(node) for node in ast.walk(ast.parse(source)) if _name(node)] == ["A", "B", "C", "D", "E"]
