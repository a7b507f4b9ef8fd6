"""Personal data stays out of logs, URLs and audit details."""

import logging

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from audit.models import AuditEvent
from tests.factories import verified_client

SENTINEL_NAME = "Zyxwv Sentinel-Person"
SENTINEL_MAIL = "sentinel.person@example.org"


def test_applying_signing_in_and_inviting_log_no_personal_data(cast, caplog, django_capture_on_commit_callbacks):
    caplog.set_level(logging.DEBUG)
    with django_capture_on_commit_callbacks(execute=True):
        Client().post(
            "/apply/",
            {
                "name": SENTINEL_NAME,
                "kind": "ngo",
                "country": "MX",
                "contact_email": SENTINEL_MAIL,
                "description": "x",
                "referee_1": cast.owner.organization.pk,
                "referee_2": cast.partner.organization.pk,
                "username": "sentinel-user",
                "email": SENTINEL_MAIL,
                "password": "a long and unusual passphrase 7",
                "password_again": "a long and unusual passphrase 7",
                "document_1": SimpleUploadedFile("d.pdf", b"%PDF-1.4 x", content_type="application/pdf"),
            },
        )
        Client().post("/sign-in/", {"username": "sentinel-user", "password": "wrong"})
        verified_client(cast.owner.org_admin).post(
            "/organization/members/invite/", {"email": SENTINEL_MAIL, "role": "caseworker"}
        )
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert SENTINEL_NAME not in logged
    assert "sentinel-user" not in logged
    audit = str(list(AuditEvent.objects.values("details", "target_id")))
    assert SENTINEL_MAIL not in audit
    assert "sentinel-user" not in audit


def test_bad_api_input_is_a_clear_client_error(cast):
    client = verified_client(cast.owner.caseworker)
    assert client.get("/api/v1/organizations/?cursor=%%%not-a-cursor").status_code == 404
    assert Client().get("/api/v1/me/", HTTP_AUTHORIZATION="Bearer a b c").status_code == 401
    assert Client().get("/api/v1/me/", HTTP_AUTHORIZATION="Bearer \xff").status_code == 401
    response = client.post("/api/v1/me/", "{not json", content_type="application/json")
    assert response.status_code in (400, 403, 405)
