"""The case API: who may call what, field groups, invalid input, list privacy, query counts."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test import Client, TestCase
from django.test.utils import CaptureQueriesContext

from audit.models import AuditEvent
from casehub import services
from casehub.models import (
    Case,
    CaseAttachment,
    CaseEvent,
    CaseNote,
    CaseTask,
    SurvivorDocument,
    SurvivorName,
    SurvivorPhone,
)
from orgs import capabilities, fieldgroups
from orgs import services as org_services
from orgs.models import Role
from tests.factories import caseworkers_see_all_cases, make_cast, member, verified_client
from tests.problems import error_fields

pytestmark = pytest.mark.long

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
SENTINEL = "Zz-sentinel"

# Every personal field of a case, each holding a sentinel that must never leak where it should not.
PERSONAL = {
    "legal_name": f"{SENTINEL}-legal",
    "preferred_name": f"{SENTINEL}-preferred",
    "aliases": [f"{SENTINEL}-alias"],
    "phones": ["+52 33 1234 5678"],
    "identity_documents": [{"kind": "passport", "number": "G12345678"}],
    "date_of_birth": "1999-04-01",
    "estimated_age": f"{SENTINEL}-age",
    "email": "zz-sentinel@example.org",
    "current_address": f"{SENTINEL}-address",
    "narrative": f"{SENTINEL}-narrative",
    "safety_plan": f"{SENTINEL}-plan",
    "contact_instructions": {"do_not_contact_directly": True, "contact_only_through": f"{SENTINEL}-through"},
}


def bearer_client(user) -> Client:
    _token, raw = org_services.api_token_create(user=user, name="test", days=1)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    client.get("/api/v1/me/")  # the first use stamps the token's last_used_at: one query more, once
    return client


def counts() -> dict:
    models = (Case, SurvivorName, SurvivorPhone, SurvivorDocument, CaseEvent, CaseNote, CaseTask, CaseAttachment)
    return {model.__name__: model.objects.count() for model in (*models, AuditEvent)}


# The permission matrix --------------------------------------------------------------------------

ACTORS = ["anon", "unverified", "assigned", "unassigned", "coordinator", "org_admin", "other", "platform", "suspended"]
# endpoint: (method, path suffix, expected per actor in ACTORS order); "U" = as the assigned caseworker.
ENDPOINTS = {
    "list": ("GET", "", "401 401 200 200 200 200 200 200 403"),
    "create": ("POST", "create/", "401 401 201 201 201 403 201 403 403"),
    "retrieve": ("GET", "{case}/", "401 401 200 U 200 404 404 404 403"),
    "update": ("PATCH", "{case}/update/", "401 401 200 U 200 404 404 404 403"),
    "notes": ("GET", "{case}/notes/", "401 401 200 U 200 404 404 404 403"),
    "note_create": ("POST", "{case}/notes/create/", "401 401 201 U 201 404 404 404 403"),
    "note": ("GET", "{case}/notes/{note}/", "401 401 200 U 200 404 404 404 403"),
    # The note is the coordinator's: a caseworker who may see it still may not edit it.
    "note_update": ("PATCH", "{case}/notes/{note}/update/", "401 401 403 U 200 404 404 404 403"),
    "tasks": ("GET", "{case}/tasks/", "401 401 200 U 200 404 404 404 403"),
    "task_create": ("POST", "{case}/tasks/create/", "401 401 201 U 201 404 404 404 403"),
    "task_update": ("PATCH", "{case}/tasks/{task}/update/", "401 401 200 U 200 404 404 404 403"),
    "documents": ("GET", "{case}/documents/", "401 401 200 U 200 404 404 404 403"),
    "document_upload": ("POST", "{case}/documents/upload/", "401 401 201 U 201 404 404 404 403"),
    "document_download": ("GET", "{case}/documents/{document}/", "401 401 200 U 200 404 404 404 403"),
    "export_json": ("GET", "{case}/export.json", "401 401 200 U 200 404 404 404 403"),
    "export_pdf": ("GET", "{case}/export.pdf", "401 401 200 U 200 404 404 404 403"),
}
BODIES = {
    "create": {"legal_name": "Ana", "needs": ["shelter"]},
    "update": {"risk_level": "high"},
    "note_create": {"body": "Called back."},
    "note_update": {"body": "Called back twice."},
    "task_create": {"title": "Book interpreter"},
    "task_update": {"done": True},
}


@pytest.fixture
def cast(db):
    return make_cast()  # this module's TestCase classes make their own cast: one per test here too


class CaseApiMatrix(TestCase):
    """Each endpoint × each person, for one combination of `restricted` and the organization's setting."""

    restricted = False
    see_all = False

    @classmethod
    def setUpTestData(cls):
        cls.cast = make_cast()
        owner = cls.cast.owner
        caseworkers_see_all_cases(owner.organization, cls.see_all)
        cls.unassigned = member(owner.organization, Role.CASEWORKER, username="unassigned-caseworker")
        cls.case = services.case_create(
            organization=owner.organization, by=owner.caseworker, legal_name="Ana", phones=["+52 1"]
        )
        if cls.restricted:
            services.case_set_restricted(case=cls.case, by=owner.coordinator, restricted=True)
        cls.note = services.note_add(case=cls.case, by=owner.coordinator, body="First contact.")
        cls.task = services.task_add(case=cls.case, by=owner.coordinator, title="Call back")
        cls.document = services.attachment_add(
            case=cls.case, by=owner.coordinator, upload=SimpleUploadedFile("p.png", PNG), kind="photo"
        )

    def client_for(self, actor: str) -> Client:
        owner = self.cast.owner
        if actor == "anon":
            return Client()
        if actor == "unverified":
            client = Client()
            client.force_login(owner.coordinator)
            return client
        user = {
            "assigned": owner.caseworker,
            "unassigned": self.unassigned,
            "coordinator": owner.coordinator,
            "org_admin": owner.org_admin,
            "other": self.cast.partner.coordinator,
            "platform": self.cast.admin,
            "suspended": self.cast.suspended.coordinator,
        }[actor]
        return verified_client(user)

    def expected(self, endpoint: str) -> list[str]:
        codes = ENDPOINTS[endpoint][2].split()
        # An unassigned caseworker sees the case only if the organization says so and it is not restricted.
        sees = self.see_all and not self.restricted
        return [codes[2] if code == "U" and sees else ("404" if code == "U" else code) for code in codes]

    def call(self, endpoint: str, client: Client):
        method, suffix, _codes = ENDPOINTS[endpoint]
        path = "/api/v1/cases/" + suffix.format(
            case=self.case.uuid, note=self.note.uuid, task=self.task.uuid, document=self.document.uuid
        )
        if method == "GET":
            return client.get(path)
        if endpoint == "document_upload":
            return client.post(path, {"file": SimpleUploadedFile("p.png", PNG), "kind": "photo"})
        send = client.patch if method == "PATCH" else client.post
        return send(path, BODIES[endpoint], content_type="application/json")

    def check(self, endpoint: str) -> None:
        got = []
        for actor in ACTORS:
            response = self.call(endpoint, self.client_for(actor))
            if isinstance(response, object) and hasattr(response, "streaming_content"):
                b"".join(response.streaming_content)
            got.append(str(response.status_code))
        assert got == self.expected(endpoint), endpoint

    def test_every_other_method_is_refused_on_every_endpoint(self):
        client = self.client_for("coordinator")
        for endpoint, (allowed, suffix, _codes) in ENDPOINTS.items():
            path = "/api/v1/cases/" + suffix.format(
                case=self.case.uuid, note=self.note.uuid, task=self.task.uuid, document=self.document.uuid
            )
            for method in {"GET", "POST", "PUT", "PATCH", "DELETE"} - {allowed}:
                response = getattr(client, method.lower())(path, {}, content_type="application/json")
                assert response.status_code == 405, (endpoint, method)


def _add_endpoint_tests(cls):
    for endpoint in ENDPOINTS:
        setattr(cls, f"test_{endpoint}_answers_each_person_as_the_matrix_says", lambda self, e=endpoint: self.check(e))
    return cls


@_add_endpoint_tests
class TestAnUnrestrictedCase(CaseApiMatrix):
    pass


@_add_endpoint_tests
class TestARestrictedCase(CaseApiMatrix):
    restricted = True


@_add_endpoint_tests
class TestAnUnrestrictedCaseWhenCaseworkersSeeAll(CaseApiMatrix):
    see_all = True


@_add_endpoint_tests
class TestARestrictedCaseWhenCaseworkersSeeAll(CaseApiMatrix):
    restricted = True
    see_all = True


# Behaviour ------------------------------------------------------------------------------------


@pytest.fixture
def owner(cast):
    return cast.owner


@pytest.fixture
def case(owner):
    return services.case_create(
        organization=owner.organization,
        by=owner.caseworker,
        needs=["shelter"],
        exploitation_types=["ForcedLabour"],
        **{k: v for k, v in PERSONAL.items() if k != "date_of_birth"},
    )


def test_a_hotline_pushes_an_intake_and_reads_it_back(owner):
    client = bearer_client(owner.caseworker)
    body = {**PERSONAL, "needs": ["shelter", "legal"], "gender": "Feminine", "citizenship": ["HN"]}
    response = client.post("/api/v1/cases/create/", body, content_type="application/json")
    assert response.status_code == 201, response.json()
    created = response.json()
    assert created["case_number"].startswith("SHL-")
    again = client.get(f"/api/v1/cases/{created['id']}/").json()
    assert again["details"]["legal_name"] == PERSONAL["legal_name"]
    assert again["details"]["phones"] == PERSONAL["phones"]
    assert again["details"]["date_of_birth"] == "1999-04-01"
    assert sorted(again["details"]["needs"]) == ["legal", "shelter"]
    assert again["assigned_caseworkers"][0]["username"] == owner.caseworker.username


def test_a_detail_view_is_audited_with_its_field_groups(owner, case):
    verified_client(owner.coordinator).get(f"/api/v1/cases/{case.uuid}/")
    event = AuditEvent.objects.filter(action="case.viewed").first()
    assert event.target_id == str(case.uuid)
    assert event.details == {"groups": sorted(fieldgroups.ALL)}


def test_a_partial_update_changes_only_the_fields_sent(owner, case):
    client = verified_client(owner.caseworker)
    response = client.patch(
        f"/api/v1/cases/{case.uuid}/update/", {"risk_level": "immediate"}, content_type="application/json"
    )
    assert response.status_code == 200
    case.refresh_from_db()
    assert case.risk_level == "immediate"
    assert case.narrative == PERSONAL["narrative"]


def test_fields_outside_the_callers_groups_are_never_serialized_nor_written(owner, case):
    hidden = {capabilities.group_codename(group) for group in fieldgroups.ALL - {fieldgroups.CASE_DETAILS}}
    coordinator = org_services.capabilities_of(owner.organization, Role.COORDINATOR)
    org_services.capabilities_set(
        organization=owner.organization, role=Role.COORDINATOR, codenames=coordinator - hidden
    )
    client = verified_client(owner.coordinator)
    response = client.get(f"/api/v1/cases/{case.uuid}/")
    assert response.status_code == 200
    assert SENTINEL not in response.content.decode()
    assert "legal_name" not in response.json()["details"]
    assert "narrative" not in response.json()["details"]
    assert response.json()["details"]["needs"] == ["shelter"]
    before = counts()
    refused = client.patch(f"/api/v1/cases/{case.uuid}/update/", {"legal_name": "X"}, content_type="application/json")
    assert refused.status_code == 403
    # The refusal itself is audited; nothing else changes.
    assert {**counts(), "AuditEvent": 0} == {**before, "AuditEvent": 0}
    assert client.get(f"/api/v1/cases/{case.uuid}/notes/").status_code == 403
    assert client.get(f"/api/v1/cases/{case.uuid}/documents/").status_code == 403


INVALID_CREATES = {
    "a NUL byte": {"legal_name": "An\x00a"},
    "a wrong type": {"phones": "not a list"},
    "a wrong nested type": {"identity_documents": [{"kind": "passport", "number": ["x"]}]},
    "an unknown code": {"needs": ["spa"]},
    "an unknown HTCDS value": {"exploitation_types": ["Tourism"]},
    "an unknown document kind": {"identity_documents": [{"kind": "library_card", "number": "1"}]},
    "an oversized value": {"narrative": "x" * 50001},
    "too many phones": {"phones": ["1"] * 11},
    "a malformed date": {"date_of_birth": "31/12/1999"},
    "a lowercase country": {"citizenship": ["mx"]},
    "a non-object body": ["legal_name"],
}


@pytest.mark.parametrize("body", INVALID_CREATES.values(), ids=INVALID_CREATES.keys())
def test_an_invalid_intake_is_a_400_and_changes_nothing(owner, body):
    client = verified_client(owner.caseworker)
    before = counts()
    response = client.post("/api/v1/cases/create/", body, content_type="application/json")
    assert response.status_code == 400
    assert counts() == before


@pytest.mark.parametrize("body", INVALID_CREATES.values(), ids=INVALID_CREATES.keys())
def test_an_invalid_update_is_a_400_and_changes_nothing(owner, case, body):
    client = verified_client(owner.caseworker)
    before = counts()
    response = client.patch(f"/api/v1/cases/{case.uuid}/update/", body, content_type="application/json")
    assert response.status_code == 400
    assert counts() == before
    case.refresh_from_db()
    assert case.narrative == PERSONAL["narrative"]


def test_malformed_json_is_a_400(owner):
    response = verified_client(owner.caseworker).post(
        "/api/v1/cases/create/", "{not json", content_type="application/json"
    )
    assert response.status_code == 400


@pytest.mark.parametrize(
    ("endpoint", "body"),
    [
        ("notes/create/", {"body": "\x00"}),
        ("notes/create/", {"body": "   "}),
        ("tasks/create/", {"title": ""}),
        ("tasks/create/", {"title": "Call", "due_on": "tomorrow"}),
        ("tasks/create/", {"title": "Call", "assignee": "00000000-0000-0000-0000-000000000000"}),
    ],
)
def test_invalid_notes_and_tasks_are_a_400_and_change_nothing(owner, case, endpoint, body):
    client = verified_client(owner.caseworker)
    before = counts()
    response = client.post(f"/api/v1/cases/{case.uuid}/{endpoint}", body, content_type="application/json")
    assert response.status_code == 400
    assert counts() == before


def test_a_task_cannot_be_given_to_someone_outside_the_organization(cast, case):
    task = services.task_add(case=case, by=cast.owner.coordinator, title="Call")
    response = verified_client(cast.owner.coordinator).patch(
        f"/api/v1/cases/{case.uuid}/tasks/{task.uuid}/update/",
        {"assignee": str(cast.partner.caseworker.uuid)},
        content_type="application/json",
    )
    assert response.status_code == 400
    task.refresh_from_db()
    assert task.assignee is None


def test_a_task_is_marked_done_moved_and_reassigned(owner, case):
    task = services.task_add(case=case, by=owner.coordinator, title="Call")
    response = verified_client(owner.caseworker).patch(
        f"/api/v1/cases/{case.uuid}/tasks/{task.uuid}/update/",
        {"done": True, "due_on": "2030-01-02", "assignee": str(owner.caseworker.uuid)},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["done"] is True
    task.refresh_from_db()
    assert (str(task.due_on), task.assignee) == ("2030-01-02", owner.caseworker)


def test_a_rejected_file_is_a_400_and_stores_nothing(owner, case):
    before = counts()
    response = verified_client(owner.caseworker).post(
        f"/api/v1/cases/{case.uuid}/documents/upload/", {"file": SimpleUploadedFile("x.exe", b"MZ\x90\x00" * 10)}
    )
    assert response.status_code == 400
    assert "file" in error_fields(response)
    assert counts() == before


def test_a_document_is_uploaded_and_downloaded_decrypted(owner, case):
    client = verified_client(owner.caseworker)
    uploaded = client.post(
        f"/api/v1/cases/{case.uuid}/documents/upload/",
        {"file": SimpleUploadedFile("p.png", PNG), "kind": "photo", "description": "Pasaporte"},
    )
    assert uploaded.status_code == 201
    response = client.get(f"/api/v1/cases/{case.uuid}/documents/{uploaded.json()['id']}/")
    assert b"".join(response.streaming_content) == PNG
    assert response["Content-Type"] == "image/png"
    listed = client.get(f"/api/v1/cases/{case.uuid}/documents/").json()
    assert listed[0]["description"] == "Pasaporte"


def test_the_author_edits_their_note_and_the_earlier_text_is_kept(owner, case):
    client = verified_client(owner.caseworker)
    note = client.post(f"/api/v1/cases/{case.uuid}/notes/create/", {"body": "One"}, content_type="application/json")
    path = f"/api/v1/cases/{case.uuid}/notes/{note.json()['id']}/"
    edited = client.patch(f"{path}update/", {"body": "Two"}, content_type="application/json")
    assert edited.status_code == 200
    detail = client.get(path).json()
    assert detail["body"] == "Two"
    assert [revision["body"] for revision in detail["revisions"]] == ["One"]


# Nested routes with a foreign parent --------------------------------------------------------------


@pytest.fixture
def other_case(owner):
    other = services.case_create(organization=owner.organization, by=owner.coordinator, legal_name="Luz")
    note = services.note_add(case=other, by=owner.coordinator, body="Other")
    task = services.task_add(case=other, by=owner.coordinator, title="Other")
    document = services.attachment_add(
        case=other, by=owner.coordinator, upload=SimpleUploadedFile("p.png", PNG), kind="photo"
    )
    return other, note, task, document


@pytest.mark.parametrize(
    ("method", "suffix"),
    [
        ("get", "notes/{note}/"),
        ("patch", "notes/{note}/update/"),
        ("patch", "tasks/{task}/update/"),
        ("get", "documents/{document}/"),
    ],
)
def test_a_record_of_another_case_named_through_the_url_is_404(owner, case, other_case, method, suffix):
    _other, note, task, document = other_case
    path = f"/api/v1/cases/{case.uuid}/" + suffix.format(note=note.uuid, task=task.uuid, document=document.uuid)
    client = verified_client(owner.coordinator)
    response = getattr(client, method)(path, {"body": "x", "done": True}, content_type="application/json")
    assert response.status_code == 404


def test_an_unknown_case_is_404(owner):
    client = verified_client(owner.coordinator)
    assert client.get("/api/v1/cases/00000000-0000-0000-0000-000000000000/").status_code == 404
    assert client.get("/api/v1/cases/not-a-uuid/").status_code == 404


# Lists: privacy, search, filters, pagination, query counts -------------------------------------


def test_the_list_carries_coded_fields_and_the_display_name_only(owner, case):
    response = verified_client(owner.coordinator).get("/api/v1/cases/")
    assert response.status_code == 200
    [item] = response.json()["results"]
    assert item["display_name"] == PERSONAL["preferred_name"]
    assert item["case_number"] == case.case_number
    assert item["needs"] == ["shelter"]
    text = response.content.decode()
    leaked = [v for k, v in PERSONAL.items() if k != "preferred_name" and isinstance(v, str) and v in text]
    assert leaked == []
    assert "G12345678" not in text and "1234 5678" not in text


def test_the_list_is_audited_without_personal_data(owner, case):
    verified_client(owner.coordinator).get("/api/v1/cases/")
    event = AuditEvent.objects.get(action="case.listed")
    assert event.details["cases"] == [str(case.uuid)]


def test_no_audit_event_holds_personal_data(owner, case):
    client = verified_client(owner.caseworker)
    base = f"/api/v1/cases/{case.uuid}/"
    client.post("/api/v1/cases/search/", {"name": PERSONAL["legal_name"]}, content_type="application/json")
    client.get(base)
    client.patch(f"{base}update/", {"narrative": f"{SENTINEL}-new"}, content_type="application/json")
    client.post(f"{base}notes/create/", {"body": f"{SENTINEL}-note"}, content_type="application/json")
    client.post(f"{base}tasks/create/", {"title": f"{SENTINEL}-task"}, content_type="application/json")
    client.get(f"{base}notes/")
    client.get(f"{base}tasks/")
    client.get(f"{base}export.json")
    details = json.dumps(list(AuditEvent.objects.values_list("details", flat=True)))
    assert AuditEvent.objects.filter(action="case.exported").exists()
    assert SENTINEL.lower() not in details.lower()
    history = json.dumps(list(CaseEvent.objects.values_list("fields", "changes")))
    assert SENTINEL.lower() not in history.lower()


def search(client, **query):
    return client.post("/api/v1/cases/search/", query, content_type="application/json")


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ({"name": f"{SENTINEL}-legal"}, True),
        ({"name": f"{SENTINEL}-LEGAL"}, True),
        ({"name": f"{SENTINEL}-alias"}, True),
        ({"name": f"{SENTINEL}-leg"}, False),
        ({"phone": "+52-33-1234-5678"}, True),
        ({"phone": "999"}, False),
        ({"document": "g1234-5678"}, True),
        ({"document": "G0000"}, False),
    ],
)
def test_exact_search_goes_through_the_blind_indexes(owner, case, query, found):
    response = search(verified_client(owner.coordinator), **query)
    assert response.status_code == 200
    assert [item["id"] for item in response.json()] == ([str(case.uuid)] if found else [])


def test_search_terms_are_not_taken_from_the_url(owner, case):
    response = verified_client(owner.coordinator).get(f"/api/v1/cases/?name={SENTINEL}-legal")
    assert response.status_code == 200
    assert len(response.json()["results"]) == 1  # the name was ignored: it is a list of all cases


def test_a_search_without_a_term_is_a_400(owner):
    assert search(verified_client(owner.coordinator), status="open").status_code == 400


def test_search_finds_nothing_in_cases_the_caller_cannot_see(cast, case):
    # given a caseworker of the same organization who is not assigned to the case
    outsider = member(cast.owner.organization, Role.CASEWORKER, username="not-assigned")
    # when
    response = search(verified_client(outsider), name=f"{SENTINEL}-legal")
    # then
    assert response.json() == []


def test_the_list_filters_by_coded_fields_and_assigned_worker(owner, case):
    other = services.case_create(organization=owner.organization, by=owner.coordinator, needs=["legal"])
    services.case_close(case=other, by=owner.coordinator, reason="Done")
    client = verified_client(owner.coordinator)

    def ids(query):
        response = client.get(f"/api/v1/cases/?{query}")
        assert response.status_code == 200, response.json()
        return {item["id"] for item in response.json()["results"]}

    assert ids("needs=shelter") == {str(case.uuid)}
    assert ids("status=closed") == {str(other.uuid)}
    assert ids("exploitation_type=ForcedLabour") == {str(case.uuid)}
    assert ids("risk=medium") == {str(case.uuid), str(other.uuid)}
    assert ids(f"assigned={owner.caseworker.uuid}") == {str(case.uuid)}


@pytest.mark.parametrize("query", ["status=lost", "needs=spa", "assigned=x", "risk=extreme"])
def test_a_bad_filter_is_a_400(owner, query):
    assert verified_client(owner.coordinator).get(f"/api/v1/cases/?{query}").status_code == 400


def test_the_list_is_cursor_paginated(owner):
    made = [services.case_create(organization=owner.organization, by=owner.coordinator) for _ in range(3)]
    client = verified_client(owner.coordinator)
    first = client.get("/api/v1/cases/?page_size=2").json()
    second = client.get(first["next"]).json()
    seen = [item["id"] for item in first["results"] + second["results"]]
    assert seen == [str(c.uuid) for c in reversed(made)]
    assert second["next"] is None


def _list_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/api/v1/cases/").status_code == 200
    return len(queries)


def test_the_list_costs_the_same_number_of_queries_for_any_page_size(owner):
    client = bearer_client(owner.coordinator)
    for _ in range(2):
        services.case_create(
            organization=owner.organization, by=owner.coordinator, legal_name="Ana", preferred_name="A"
        )
    few = _list_queries(client)
    for _ in range(6):
        services.case_create(organization=owner.organization, by=owner.coordinator, legal_name="Ana")
    assert _list_queries(client) == few


def test_a_nul_byte_in_a_search_is_a_400(owner):
    assert search(verified_client(owner.coordinator), name="a\x00b").status_code == 400


def test_a_search_costs_the_same_number_of_queries_for_any_number_of_matches(owner):
    client = bearer_client(owner.coordinator)
    services.case_create(organization=owner.organization, by=owner.coordinator, legal_name="Ana")

    def searched():
        with CaptureQueriesContext(connection) as queries:
            assert len(search(client, name="Ana").json()) >= 1
        return len(queries)

    one = searched()
    for _ in range(5):
        services.case_create(organization=owner.organization, by=owner.coordinator, legal_name="Ana")
    assert searched() == one


def test_the_note_list_costs_the_same_number_of_queries_for_any_number_of_notes(owner, case):
    client = bearer_client(owner.coordinator)
    services.note_add(case=case, by=owner.coordinator, body="One")

    def listed():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/api/v1/cases/{case.uuid}/notes/").status_code == 200
        return len(queries)

    one = listed()
    for _ in range(4):
        services.note_add(case=case, by=owner.caseworker, body="More")
    assert listed() == one


# Export -----------------------------------------------------------------------------------------


def test_the_export_is_refused_to_those_without_the_export_right(cast, case):
    assert verified_client(cast.owner.org_admin).get(f"/api/v1/cases/{case.uuid}/export.json").status_code == 404


def test_the_json_export_holds_everything_with_htcds_names_and_is_audited(owner, case):
    services.note_add(case=case, by=owner.caseworker, body="Llamó desde Guadalajara")
    response = verified_client(owner.caseworker).get(f"/api/v1/cases/{case.uuid}/export.json")
    assert response.status_code == 200
    data = response.json()
    assert data["survivor"]["vic_TypeOfExploitation"] == ["ForcedLabour"]
    assert data["survivor"]["legal_name"] == PERSONAL["legal_name"]
    assert data["notes"][0]["body"] == "Llamó desde Guadalajara"
    event = AuditEvent.objects.get(action="case.exported")
    assert event.details["format"] == "json"


def test_the_pdf_export_is_a_pdf_and_is_audited(owner, case):
    response = verified_client(owner.caseworker).get(f"/api/v1/cases/{case.uuid}/export.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert AuditEvent.objects.get(action="case.exported").details["format"] == "pdf"


def test_the_openapi_schema_documents_the_case_api_without_warnings(db, tmp_path):
    # given / when: --fail-on-warn makes any drf-spectacular warning or error fail the command
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--fail-on-warn", "--file", str(out))
    # then
    schema = out.read_text()
    assert "/api/v1/cases/{case_id}/export.pdf:" in schema
    assert "/api/v1/cases/{case_id}/documents/upload/:" in schema


@pytest.mark.parametrize("records", ["tasks", "documents"])
def test_the_task_and_document_lists_cost_the_same_number_of_queries_for_any_number_of_records(owner, case, records):
    client = bearer_client(owner.coordinator)

    def add():
        if records == "tasks":
            services.task_add(case=case, by=owner.coordinator, title="Call", assignee=owner.caseworker)
        else:
            upload = SimpleUploadedFile("p.png", PNG)
            services.attachment_add(case=case, by=owner.coordinator, upload=upload, kind="photo", description="Foto")

    def listed():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/api/v1/cases/{case.uuid}/{records}/").status_code == 200
        return len(queries)

    add()
    one = listed()
    for _ in range(4):
        add()
    assert listed() == one


def test_the_list_decrypts_one_name_per_case_and_nothing_else(owner, case, monkeypatch):
    # given three cases, each with several encrypted fields and names
    from casehub.crypto.fields import EncryptedAttribute

    details = {k: v for k, v in PERSONAL.items() if k != "date_of_birth"}
    for _ in range(2):
        services.case_create(organization=owner.organization, by=owner.coordinator, **details)
    read = []
    original = EncryptedAttribute.__get__

    def counting(self, instance, cls=None):
        if instance is not None:
            read.append(f"{type(instance).__name__}.{self.field.name}")
        return original(self, instance, cls)

    monkeypatch.setattr(EncryptedAttribute, "__get__", counting)
    # when
    response = verified_client(owner.coordinator).get("/api/v1/cases/")
    # then
    assert len(response.json()["results"]) == 3
    assert read == ["SurvivorName.value"] * 3


@pytest.mark.parametrize(
    ("endpoint", "body", "multipart"),
    [
        ("/api/v1/cases/create/", {"legal_name": "Ana", "needs": ["shelter"]}, False),
        ("{case}notes/create/", {"body": "Called the consulate"}, False),
        ("{case}documents/upload/", {"kind": "photo", "description": "Pasaporte"}, True),
    ],
    ids=["case", "note", "document"],
)
def test_a_201_has_a_location_where_the_created_resource_is_read(owner, case, endpoint, body, multipart):
    client = verified_client(owner.caseworker)
    path = endpoint.format(case=f"/api/v1/cases/{case.uuid}/")
    if multipart:
        created = client.post(path, {**body, "file": SimpleUploadedFile("p.png", PNG)})
    else:
        created = client.post(path, body, content_type="application/json")
    assert created.status_code == 201
    assert created["Location"].startswith("http://testserver/api/v1/cases/")
    assert client.get(created["Location"]).status_code == 200
    assert created.json()["id"] in created["Location"]
