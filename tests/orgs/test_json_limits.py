"""API bodies nested too deeply or too large are refused with a 400, never a 500."""

import json

from django.test import Client

from orgs import services
from tests.factories import verified_client


def nested(depth: int) -> str:
    return '{"name": ' + "[" * depth + "]" * depth + "}"


def post(client, path, body, **extra):
    return client.post(path, body, content_type="application/json", **extra)


def bearer(user):
    _token, raw = services.api_token_create(user=user, name="script", days=1)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_a_body_nested_past_the_recursion_limit_is_a_400(cast):
    response = post(Client(), "/api/v1/cases/search/", nested(100_000), **bearer(cast.owner.caseworker))
    assert response.status_code == 400
    assert (response.json()["code"], response.json()["detail"]) == ("parse_error", "The JSON is nested too deeply.")


def test_a_body_nested_past_the_limit_is_a_400(cast):
    response = post(Client(), "/api/v1/cases/search/", nested(40), **bearer(cast.owner.caseworker))
    assert response.status_code == 400


def test_a_body_within_the_nesting_limit_is_read(cast):
    response = post(Client(), "/api/v1/cases/search/", json.dumps({"name": "Ana"}), **bearer(cast.owner.caseworker))
    assert response.status_code == 200


def test_a_body_larger_than_the_upload_limit_is_a_400(cast, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    body = json.dumps({"name": "x" * 2048})
    response = post(Client(), "/api/v1/cases/search/", body, **bearer(cast.owner.caseworker))
    assert response.status_code == 400
    assert (response.json()["code"], response.json()["detail"]) == ("parse_error", "The request body is too large.")


def test_a_deep_body_to_a_session_write_is_a_400(cast):
    client = verified_client(cast.owner.coordinator)
    client.handler.enforce_csrf_checks = False
    response = post(client, "/api/v1/cases/create/", nested(100_000))
    assert response.status_code == 400


def test_a_deep_body_without_credentials_is_refused_not_a_500(cast):
    response = post(Client(), "/api/v1/cases/search/", nested(100_000))
    assert response.status_code in {401, 403}


def test_the_directory_import_refuses_a_deep_body_with_a_400(cast):
    response = post(Client(), "/api/v1/directory/import/json/", nested(100_000), **bearer(cast.admin))
    assert response.status_code == 400
