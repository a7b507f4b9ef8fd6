"""The Idempotency-Key header on API creates: a retry replays the first answer, creates nothing."""

import json
from datetime import timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from audit.models import AuditEvent
from casehub import services
from casehub.models import Case, CaseAttachment, CaseNote
from orgs import services as org_services
from orgs.models import IdempotencyKey
from orgs.tasks import delete_expired_idempotency_keys
from tests.factories import verified_client

CREATE = "/api/v1/cases/create/"
INTAKE = {"legal_name": "Zz-sentinel Ana", "needs": ["shelter"]}
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


def bearer_client(user) -> Client:
    _token, raw = org_services.api_token_create(user=user, name="test", days=7)
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def post(client, path, body, key="intake-1"):
    return client.post(path, json.dumps(body), content_type="application/json", HTTP_IDEMPOTENCY_KEY=key)


@pytest.fixture
def caseworker(cast):
    return cast.owner.caseworker


@pytest.fixture
def client(caseworker):
    return bearer_client(caseworker)


def test_a_retry_with_the_same_key_opens_one_case(client):
    post(client, CREATE, INTAKE)
    post(client, CREATE, INTAKE)
    assert Case.objects.count() == 1


def test_a_retry_replays_the_first_answer_and_says_so(client):
    first = post(client, CREATE, INTAKE)
    again = post(client, CREATE, INTAKE)
    assert (again.status_code, again.json(), again["Idempotent-Replayed"]) == (201, first.json(), "true")


def test_the_first_answer_is_not_marked_replayed(client):
    assert not post(client, CREATE, INTAKE).has_header("Idempotent-Replayed")


def test_a_request_without_a_key_is_not_deduplicated(client):
    client.post(CREATE, INTAKE, content_type="application/json")
    client.post(CREATE, INTAKE, content_type="application/json")
    assert Case.objects.count() == 2


def test_the_same_key_with_another_body_is_refused(client):
    post(client, CREATE, INTAKE)
    response = post(client, CREATE, {**INTAKE, "legal_name": "Other"})
    assert (response.status_code, Case.objects.count()) == (422, 1)
    assert "another body" in response.json()["detail"]
    assert response.json()["code"] == "idempotency_key_reused"


def test_the_same_key_of_another_user_opens_their_own_case(cast, client):
    post(client, CREATE, INTAKE)
    post(bearer_client(cast.owner.coordinator), CREATE, INTAKE)
    assert Case.objects.count() == 2


@pytest.mark.parametrize("key", ["", "x" * 256, "clé", "tab\there"])
def test_a_malformed_key_is_a_bad_request(client, key):
    response = post(client, CREATE, INTAKE, key=key)
    assert (response.status_code, Case.objects.count()) == (400, 0)


def test_a_key_of_255_printable_characters_is_accepted(client):
    assert post(client, CREATE, INTAKE, key="~" * 255).status_code == 201


def test_a_refused_request_leaves_its_key_free_for_the_corrected_one(client):
    assert post(client, CREATE, {"legal_name": "Ana", "needs": ["no-such-need"]}).status_code == 400
    assert post(client, CREATE, INTAKE).status_code == 201


def test_a_retry_while_the_first_request_runs_is_a_conflict(client, monkeypatch):
    answers = []
    create = services.case_create

    def create_and_retry(**kwargs):
        answers.append(post(client, CREATE, INTAKE).status_code)
        return create(**kwargs)

    monkeypatch.setattr(services, "case_create", create_and_retry)
    first = post(client, CREATE, INTAKE)
    assert (first.status_code, answers, Case.objects.count()) == (201, [409], 1)


def test_a_claim_left_by_a_request_whose_process_died_is_taken_over(client):
    # given a claim without an answer, made longer ago than any request may run
    post(client, CREATE, INTAKE)
    IdempotencyKey.objects.update(status=None, object_id="", created_at=timezone.now() - timedelta(minutes=11))
    Case.objects.all().delete()
    # when the client retries
    response = post(client, CREATE, INTAKE)
    # then the request runs again instead of waiting out the key's day
    assert (response.status_code, Case.objects.count()) == (201, 1)


def test_a_recent_claim_without_an_answer_is_still_a_conflict(client):
    post(client, CREATE, INTAKE)
    IdempotencyKey.objects.update(status=None, object_id="", created_at=timezone.now() - timedelta(minutes=9))
    assert post(client, CREATE, INTAKE).status_code == 409


def test_a_replayed_case_is_audited_as_a_read(client):
    post(client, CREATE, INTAKE)
    post(client, CREATE, INTAKE)
    assert AuditEvent.objects.filter(action="case.viewed").count() == 1


def test_a_replayed_case_the_caller_may_no_longer_see_is_not_found(cast, client):
    # given a case the caseworker opened, since restricted to others
    case = Case.objects.get(uuid=post(client, CREATE, INTAKE).json()["id"])
    services.case_assign(case=case, by=cast.owner.coordinator, caseworkers=[])
    services.case_set_restricted(case=case, by=cast.owner.coordinator, restricted=True)
    # when the caseworker retries the intake
    response = post(client, CREATE, INTAKE)
    # then the replay shows nothing
    assert (response.status_code, Case.objects.count()) == (404, 1)


def test_a_created_case_is_kept_by_its_id_without_its_details(client):
    case_id = post(client, CREATE, INTAKE).json()["id"]
    kept = IdempotencyKey.objects.get()
    assert (kept.object_id, kept.sealed_body) == (case_id, None)


def test_a_note_is_replayed_from_its_sealed_answer(cast, client):
    case = services.case_create(organization=cast.owner.organization, by=cast.owner.caseworker, legal_name="Ana")
    path = f"/api/v1/cases/{case.uuid}/notes/create/"
    first = post(client, path, {"body": "Zz-sentinel called"})
    again = post(client, path, {"body": "Zz-sentinel called"})
    assert (again.json(), CaseNote.objects.filter(case=case).count()) == (first.json(), 1)
    assert b"Zz-sentinel" not in bytes(IdempotencyKey.objects.get().sealed_body)


def test_a_document_upload_retried_with_the_same_file_stores_it_once(cast, client):
    case = services.case_create(organization=cast.owner.organization, by=cast.owner.caseworker, legal_name="Ana")
    path = f"/api/v1/cases/{case.uuid}/documents/upload/"
    for _ in range(2):
        upload = SimpleUploadedFile("p.png", PNG, content_type="image/png")
        response = client.post(path, {"file": upload, "kind": "photo"}, HTTP_IDEMPOTENCY_KEY="upload-1")
    assert (response.status_code, CaseAttachment.objects.filter(case=case).count()) == (201, 1)


def test_a_document_upload_with_another_file_under_the_same_key_is_refused(cast, client):
    case = services.case_create(organization=cast.owner.organization, by=cast.owner.caseworker, legal_name="Ana")
    path = f"/api/v1/cases/{case.uuid}/documents/upload/"
    client.post(path, {"file": SimpleUploadedFile("p.png", PNG), "kind": "photo"}, HTTP_IDEMPOTENCY_KEY="upload-1")
    other = SimpleUploadedFile("p.png", PNG + b"\1")
    response = client.post(path, {"file": other, "kind": "photo"}, HTTP_IDEMPOTENCY_KEY="upload-1")
    assert response.status_code == 422


def test_an_expired_key_may_be_used_again(client, settings):
    settings.IDEMPOTENCY_KEY_HOURS = 24
    post(client, CREATE, INTAKE)
    with time_machine.travel(timezone.now() + timedelta(hours=25)):
        response = post(client, CREATE, {**INTAKE, "legal_name": "Other"})
    assert (response.status_code, Case.objects.count()) == (201, 2)


def test_the_sweep_deletes_expired_answers_only(client):
    post(client, CREATE, INTAKE, key="old")
    with time_machine.travel(timezone.now() + timedelta(hours=23)):
        post(client, CREATE, INTAKE, key="new")
    with time_machine.travel(timezone.now() + timedelta(hours=25)):
        delete_expired_idempotency_keys()
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["new"]


def test_the_sweep_is_scheduled(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "orgs.tasks.delete_expired_idempotency_keys" in tasks


def test_the_schema_documents_the_header_on_creates(cast):
    response = verified_client(cast.owner.caseworker).get("/api/schema/", HTTP_ACCEPT="application/json")
    create = response.json()["paths"]["/api/v1/cases/create/"]["post"]
    assert "Idempotency-Key" in [parameter["name"] for parameter in create.get("parameters", [])]
