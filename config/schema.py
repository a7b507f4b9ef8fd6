"""The schema's error responses: every API operation documents its problem details (RFC 9457)."""

import re

from orgs.problems import CODES_BY_STATUS, MEDIA_TYPE, TITLES

PROBLEM = "Problem"
VALIDATION_PROBLEM = "ValidationProblem"

PROBLEM_SCHEMA = {
    "type": "object",
    "description": "An RFC 9457 problem: every error the API answers, as application/problem+json.",
    "properties": {
        "type": {"type": "string", "example": "urn:casehub:problem:not_found"},
        "title": {"type": "string", "description": "Short and stable per code; translated."},
        "status": {"type": "integer"},
        "detail": {"type": "string", "description": "For a person to read; translated."},
        "code": {"type": "string", "enum": sorted(TITLES)},
    },
    "required": ["type", "title", "status", "detail", "code"],
}
VALIDATION_PROBLEM_SCHEMA = {
    "allOf": [
        {"$ref": f"#/components/schemas/{PROBLEM}"},
        {
            "type": "object",
            "properties": {
                "errors": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {
                            "field": {"type": "string", "nullable": True},
                            "code": {"type": "string"},
                            "detail": {"type": "string"},
                        },
                        "required": ["field", "code", "detail"],
                    },
                }
            },
        },
    ]
}


def _problem(schema: str, description: str) -> dict:
    return {"description": description, "content": {MEDIA_TYPE: {"schema": {"$ref": f"#/components/schemas/{schema}"}}}}


def _documented_errors(path: str, operation: dict) -> dict:
    """The problems an operation may answer: 401, 403 and 429 always; 400 with a body; 404 with a path parameter."""
    errors = {401: PROBLEM, 403: PROBLEM, 429: PROBLEM}
    if "requestBody" in operation:
        errors[400] = VALIDATION_PROBLEM
    if re.search(r"\{[^}]+\}", path):
        errors[404] = PROBLEM
    return errors


def problem_responses(result, generator, request, public):
    """drf-spectacular postprocessing hook: add the problem schemas and each operation's error responses.

    An error response a view already declares keeps its schema, answered as application/problem+json.
    """
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas[PROBLEM] = PROBLEM_SCHEMA
    schemas[VALIDATION_PROBLEM] = VALIDATION_PROBLEM_SCHEMA
    for path, operations in result.get("paths", {}).items():
        if not path.startswith("/api/"):
            continue
        for operation in operations.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            responses = operation["responses"]
            for code, response in responses.items():
                if str(code)[0] in "45" and "content" in response:
                    declared = next(iter(response["content"].values()))["schema"]
                    if str(code) == "400":
                        declared = {"oneOf": [declared, {"$ref": f"#/components/schemas/{VALIDATION_PROBLEM}"}]}
                    response["content"] = {MEDIA_TYPE: {"schema": declared}}
            for status, schema in _documented_errors(path, operation).items():
                title = str(TITLES["validation_failed" if schema == VALIDATION_PROBLEM else CODES_BY_STATUS[status]])
                documented = responses.setdefault(str(status), _problem(schema, title))
                documented.setdefault("content", _problem(schema, title)["content"])
    return result
