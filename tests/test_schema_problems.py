"""The OpenAPI schema documents every API operation's errors as problem details (RFC 9457)."""

import pytest
from drf_spectacular.generators import SchemaGenerator

PROBLEM = "application/problem+json"
METHODS = {"get", "post", "put", "patch", "delete"}


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def operations(schema):
    for path, item in schema["paths"].items():
        if path.startswith("/api/v1/"):
            for method, operation in item.items():
                if method in METHODS:
                    yield f"{method.upper()} {path}", path, operation


def expected_errors(path, operation):
    errors = {"401", "403", "429"}
    if "requestBody" in operation:
        errors.add("400")
    if "{" in path:
        errors.add("404")
    return errors


def test_every_operation_documents_its_errors_as_problems(schema):
    missing = {
        name: sorted(
            code
            for code in expected_errors(path, operation)
            if PROBLEM not in operation["responses"].get(code, {}).get("content", {})
        )
        for name, path, operation in operations(schema)
    }
    assert {name: codes for name, codes in missing.items() if codes} == {}


def test_the_schema_covers_the_api(schema):
    assert len(list(operations(schema))) > 50


def test_a_validation_problem_lists_its_field_errors(schema):
    [_problem, extension] = schema["components"]["schemas"]["ValidationProblem"]["allOf"]
    assert extension["properties"]["errors"]["items"]["required"] == ["field", "code", "detail"]


def test_a_declared_refusal_is_documented_beside_the_validation_problem(schema):
    response = schema["paths"]["/api/v1/cases/{case_id}/shares/"]["post"]["responses"]["400"]
    assert response["content"][PROBLEM]["schema"]["oneOf"] == [
        {"$ref": "#/components/schemas/RefusalOutput"},
        {"$ref": "#/components/schemas/ValidationProblem"},
    ]
