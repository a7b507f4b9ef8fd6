"""Every API error is an RFC 9457 problem (application/problem+json); pages keep their HTML errors."""

import pytest
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.test import Client, RequestFactory
from rest_framework import exceptions, status
from rest_framework.views import APIView

from config.api import exception_handler, handler404, handler500
from orgs import api as orgs_api
from orgs import services
from tests.factories import verified_client

PROBLEM = "application/problem+json"


def bearer(user):
    _token, raw = services.api_token_create(user=user, name="script", days=1)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def handled(exc):
    return exception_handler(exc, {"view": APIView(), "request": None})


def test_a_validation_error_is_a_problem_listing_each_field_with_its_code(cast):
    response = verified_client(cast.partner.coordinator).get(
        "/api/v1/directory/match/", {"kind": "shelter", "latitude": "20.6"}
    )
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert {key: body[key] for key in ("type", "status", "code")} == {
        "type": "urn:casehub:problem:validation_failed",
        "status": 400,
        "code": "validation_failed",
    }
    assert body["title"] and body["detail"]
    assert {"field", "code", "detail"} == set(body["errors"][0])


def test_a_nested_field_error_is_named_by_its_path():
    response = handled(exceptions.ValidationError({"hours": {"opens_at": ["Bad time."]}}))
    assert response.data["errors"] == [{"field": "hours.opens_at", "code": "invalid", "detail": "Bad time."}]


def test_a_service_validation_error_keeps_its_field_and_code():
    response = handled(DjangoValidationError({"due_on": DjangoValidationError("In the past.", code="past")}))
    assert (response.status_code, response.data["errors"]) == (
        400,
        [{"field": "due_on", "code": "past", "detail": "In the past."}],
    )


def test_a_service_validation_error_for_no_field_has_a_null_field():
    response = handled(DjangoValidationError("Not now.", code="closed"))
    assert response.data["errors"] == [{"field": None, "code": "closed", "detail": "Not now."}]


def test_no_credentials_is_a_401_problem_with_its_challenge(db):
    response = Client().get("/api/v1/me/")
    assert (response.status_code, response.json()["code"], response["WWW-Authenticate"]) == (
        401,
        "not_authenticated",
        "Bearer",
    )


def test_a_wrong_token_is_a_401_not_authenticated_problem(cast):
    response = Client().get("/api/v1/me/", HTTP_AUTHORIZATION="Bearer chub_nonsense")
    assert (response.status_code, response["Content-Type"], response.json()["code"]) == (
        401,
        PROBLEM,
        "not_authenticated",
    )


def test_a_suspended_organization_is_a_403_problem(cast):
    response = Client().get("/api/v1/me/", **bearer(cast.suspended.caseworker))
    assert (response.status_code, response["Content-Type"], response.json()["code"]) == (
        403,
        PROBLEM,
        "permission_denied",
    )


def test_a_suspended_session_is_refused_by_the_gate_with_a_403_problem(cast):
    response = verified_client(cast.suspended.caseworker).get("/api/v1/me/")
    assert (response.status_code, response["Content-Type"], response.json()["code"]) == (
        403,
        PROBLEM,
        "permission_denied",
    )


def test_an_unknown_case_is_a_404_problem(cast):
    response = Client().get("/api/v1/cases/00000000-0000-0000-0000-000000000000/", **bearer(cast.owner.caseworker))
    assert (response.status_code, response["Content-Type"], response.json()["code"]) == (404, PROBLEM, "not_found")


def test_an_address_with_no_route_under_the_api_is_a_404_problem(db):
    response = Client().get("/api/v1/no-such-thing/")
    assert (response.status_code, response["Content-Type"], response.json()["code"]) == (404, PROBLEM, "not_found")


def test_a_page_with_no_route_keeps_the_html_404(db):
    response = handler404(RequestFactory().get("/no-such-page/"), Http404())
    assert response.status_code == 404 and response["Content-Type"].startswith("text/html")


def test_a_wrong_method_is_a_405_problem_that_names_the_allowed_ones(cast):
    response = Client().delete("/api/v1/me/", **bearer(cast.owner.caseworker))
    assert (response.status_code, response.json()["code"]) == (405, "method_not_allowed")
    assert "GET" in response["Allow"]


def test_an_unsupported_body_type_is_a_415_problem(cast):
    response = Client().post(
        "/api/v1/cases/search/", "name=Ana", content_type="text/plain", **bearer(cast.owner.caseworker)
    )
    assert (response.status_code, response.json()["code"]) == (415, "unsupported_media_type")


def test_a_body_that_is_not_json_is_a_parse_error_that_quotes_no_exception(cast):
    response = Client().post(
        "/api/v1/cases/search/", "{nope", content_type="application/json", **bearer(cast.owner.caseworker)
    )
    assert (response.status_code, response.json()["code"]) == (400, "parse_error")
    assert response.json()["detail"] == "The request body is not valid JSON."


def test_throttling_is_a_429_problem_with_retry_after():
    response = handled(exceptions.Throttled(wait=30))
    assert (response.status_code, response.data["code"], response["Retry-After"]) == (429, "throttled", "30")


@pytest.mark.parametrize(
    ("status_code", "code"),
    [(status.HTTP_409_CONFLICT, "conflict"), (status.HTTP_422_UNPROCESSABLE_ENTITY, "unprocessable")],
)
def test_an_api_exception_is_coded_by_its_status(status_code, code):
    exc = exceptions.APIException("No.")
    exc.status_code = status_code
    assert (handled(exc).status_code, handled(exc).data["code"]) == (status_code, code)


def test_django_permission_denied_in_a_view_is_a_403_problem():
    assert handled(PermissionDenied("internal reason")).data["code"] == "permission_denied"


def test_django_http404_in_a_view_is_a_404_problem_without_its_message():
    response = handled(Http404("No Case matches the given query."))
    assert (response.data["code"], "Case" in response.data["detail"]) == ("not_found", False)


def test_a_crash_in_an_api_view_is_a_500_problem_without_internal_detail(cast, monkeypatch, settings):
    settings.DEBUG = False

    def crash(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(orgs_api.MeApi, "get", crash)
    client = Client(raise_request_exception=False)
    response = client.get("/api/v1/me/", **bearer(cast.owner.caseworker))
    assert (response.status_code, response["Content-Type"], response.json()["code"]) == (500, PROBLEM, "server_error")
    assert "secret" not in response.content.decode()


def test_a_crash_on_a_page_keeps_the_html_500():
    response = handler500(RequestFactory().get("/cases/"))
    assert response.status_code == 500 and response["Content-Type"].startswith("text/html")
