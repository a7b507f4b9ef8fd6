"""The official HSDS 3.0 compiled schemas (vendored in directory/hsds/schema/) and validation."""

import functools
import json
from pathlib import Path

from django.conf import settings
from jsonschema import Draft202012Validator, FormatChecker


def schema_dir() -> Path:
    return Path(settings.HSDS_SCHEMA_DIR)


@functools.cache
def _validator(name: str) -> Draft202012Validator:
    schema = json.loads((schema_dir() / "compiled" / f"{name}.json").read_text())
    return Draft202012Validator(schema, format_checker=FormatChecker())


@functools.cache
def _row_validator(table: str) -> Draft202012Validator:
    tabular = json.loads((schema_dir() / "compiled" / "tabular.json").read_text())
    return Draft202012Validator(tabular["properties"][table]["items"], format_checker=FormatChecker())


@functools.cache
def tabular_tables() -> dict[str, dict]:
    """Each HSDS table's row schema (its CSV file name, fields and their JSON types)."""
    tabular = json.loads((schema_dir() / "compiled" / "tabular.json").read_text())
    return {name: spec["items"] for name, spec in tabular["properties"].items()}


def document_errors(document: dict, schema: str = "service") -> list[str]:
    """Every way a document breaks the named compiled schema, as `path: message`."""
    return [
        f"{'/'.join(str(p) for p in error.absolute_path) or '(document)'}: {error.message}"
        for error in sorted(_validator(schema).iter_errors(document), key=lambda e: list(e.absolute_path))
    ]


def row_errors(table: str, row: dict) -> list[tuple[str, str]]:
    """(field, message) for every way a row breaks its HSDS table schema."""
    found = []
    for error in _row_validator(table).iter_errors(row):
        if error.validator == "required":
            field = error.message.split("'")[1] if "'" in error.message else ""
            found.append((field, "is required"))
        else:
            field = str(error.absolute_path[0]) if error.absolute_path else ""
            found.append((field, error.message))
    return found
