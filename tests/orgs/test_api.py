"""The API: tokens, verified sessions, the access gate, and the first endpoints."""

import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from orgs import services
from orgs.models import ApiToken
from tests.factories import PASSWORD, verified_client


def bearer(raw):
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_a_token_reaches_the_api(cast):
    _token, raw = services.api_token_create(user=cast.owner.caseworker, name="hotline", days=30)
    response = Client().get("/api/v1/me/", **bearer(raw))
    assert response.status_code == 200
    assert response.json()["role"] == "caseworker"
    assert response.json()["organization"] == str(cast.owner.organization.uuid)


def test_only_the_hash_of_a_token_is_stored(cast):
    token, raw = services.api_token_create(user=cast.owner.caseworker, name="hotline", days=30)
    stored = ApiToken.objects.filter(pk=token.pk).values().get()
    assert raw not in str(stored)


def test_a_revoked_token_is_refused(cast):
    token, raw = services.api_token_create(user=cast.owner.caseworker, name="hotline", days=30)
    services.api_token_revoke(token=token, by=cast.owner.caseworker)
    assert Client().get("/api/v1/me/", **bearer(raw)).status_code == 401


def test_an_expired_token_is_refused(cast):
    token, raw = services.api_token_create(user=cast.owner.caseworker, name="hotline", days=30)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timezone.timedelta(seconds=1))
    assert Client().get("/api/v1/me/", **bearer(raw)).status_code == 401


def test_a_token_with_a_wrong_secret_is_refused(cast):
    _token, raw = services.api_token_create(user=cast.owner.caseworker, name="hotline", days=30)
    assert Client().get("/api/v1/me/", **bearer(raw[:-2] + "xx")).status_code == 401


def test_a_token_of_a_suspended_organization_is_refused(cast):
    _token, raw = services.api_token_create(user=cast.suspended.caseworker, name="hotline", days=30)
    assert Client().get("/api/v1/me/", **bearer(raw)).status_code == 403


def test_a_token_stops_working_when_its_organization_is_suspended(cast):
    _token, raw = services.api_token_create(user=cast.owner.caseworker, name="hotline", days=30)
    services.organization_decide(
        organization=cast.owner.organization, admin=cast.admin, decision="suspend", reason="investigation"
    )
    assert Client().get("/api/v1/organizations/", **bearer(raw)).status_code == 403


def test_a_session_without_the_second_factor_gets_nothing(cast):
    client = Client()
    client.force_login(cast.owner.coordinator)
    assert client.get("/api/v1/me/").status_code == 401
    assert client.get("/api/v1/organizations/").status_code == 401


def test_a_verified_session_must_send_the_csrf_token_to_write(cast):
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.owner.coordinator)
    verified = verified_client(cast.owner.coordinator)
    client.cookies = verified.cookies
    response = client.post("/api/v1/me/", {}, content_type="application/json")
    assert response.status_code == 403


def test_the_token_page_shows_a_new_token_once(cast):
    client = verified_client(cast.owner.caseworker)
    created = client.post("/account/tokens/", {"name": "hotline", "days": 30, "current_password": PASSWORD})
    raw = created.content.decode().split('id="new-token">')[1].split("<")[0]
    assert raw.startswith("chub_")
    assert raw not in client.get("/account/tokens/").content.decode()


def test_a_token_longer_than_the_maximum_is_refused(cast, settings):
    settings.API_TOKEN_MAX_DAYS = 30
    response = verified_client(cast.owner.caseworker).post(
        "/account/tokens/", {"name": "hotline", "days": 31, "current_password": PASSWORD}
    )
    assert response.status_code == 200
    assert not ApiToken.objects.exists()


def test_operators_create_tokens_from_the_command_line(cast):
    out = io.StringIO()
    call_command("create_api_token", cast.owner.caseworker.username, "--days", "7", stdout=out)
    raw = out.getvalue().strip()
    assert Client().get("/api/v1/me/", **bearer(raw)).status_code == 200


def test_the_command_refuses_an_unknown_user(cast):
    from django.core.management import CommandError

    with pytest.raises(CommandError):
        call_command("create_api_token", "nobody")


def test_the_organization_list_shows_vetted_organizations_and_public_fields_only(cast):
    response = verified_client(cast.owner.caseworker).get("/api/v1/organizations/")
    names = [row["name"] for row in response.json()["results"]]
    assert "Suspended" not in names
    assert set(names) >= {"Owner", "Partner", "Outsider"}
    assert "contact_email" not in response.json()["results"][0]
    assert "review_notes" not in response.json()["results"][0]


def test_the_schema_lists_the_endpoints(cast):
    response = verified_client(cast.owner.caseworker).get("/api/schema/", HTTP_ACCEPT="application/json")
    assert "/api/v1/me/" in response.content.decode()


def test_the_docs_page_loads_its_assets_from_this_server(cast):
    body = verified_client(cast.owner.caseworker).get("/api/docs/").content.decode()
    assert "cdn" not in body.lower()
    assert "https://" not in body
