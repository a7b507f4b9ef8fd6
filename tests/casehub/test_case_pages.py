"""Case pages: who gets what on every page, foreign records, and the tabs' behaviour."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from casehub.models import Case, CaseEvent, CaseNote, CaseStatus, CaseTask
from casehub.services import attachment_add, case_create, case_set_restricted, note_add, task_add
from tests.factories import caseworkers_see_all_cases, member, verified_client

PDF = b"%PDF-1.4 case page test\n%%EOF\n"

# Every GET page of a case, with the record it needs (None: the case alone).
PAGES = [
    ("cases:survivor", None),
    ("cases:survivor_edit", None),
    ("cases:details", None),
    ("cases:details_edit", None),
    ("cases:safety", None),
    ("cases:safety_edit", None),
    ("cases:notes", None),
    ("cases:tasks", None),
    ("cases:documents", None),
    ("cases:history", None),
    ("cases:manage", None),
    ("cases:document_download", "attachment"),
]
ROLES = ["assigned", "unassigned", "coordinator", "org_admin", "other_coordinator", "platform_admin"]


def expected_status(page: str, role: str, *, restricted: bool, see_all: bool) -> int:
    if role in ("org_admin", "other_coordinator", "platform_admin"):
        return 404
    if role == "unassigned" and (restricted or not see_all):
        return 404
    if page == "cases:manage" and role != "coordinator":
        return 403
    return 200


@pytest.fixture
def world(cast):
    owner = cast.owner
    unassigned = member(owner.organization, "caseworker", username="owner-caseworker-2")
    case = case_create(organization=owner.organization, by=owner.caseworker, legal_name="Sentinel Quetzal")
    note = note_add(case=case, by=owner.caseworker, body="Met at the clinic.")
    task = task_add(case=case, by=owner.caseworker, title="Call back")
    attachment = attachment_add(
        case=case,
        by=owner.caseworker,
        upload=SimpleUploadedFile("passport-sentinel.pdf", PDF, content_type="application/pdf"),
        kind="identity",
    )
    other = case_create(organization=owner.organization, by=owner.caseworker, legal_name="Other Person")
    other_note = note_add(case=other, by=owner.caseworker, body="Other note.")
    other_task = task_add(case=other, by=owner.caseworker, title="Other task")
    other_attachment = attachment_add(
        case=other,
        by=owner.caseworker,
        upload=SimpleUploadedFile("o.pdf", PDF, content_type="application/pdf"),
        kind="other",
    )
    return {
        "cast": cast,
        "unassigned": unassigned,
        "case": case,
        "note": note,
        "task": task,
        "attachment": attachment,
        "other": other,
        "other_note": other_note,
        "other_task": other_task,
        "other_attachment": other_attachment,
    }


def user_for(world, role):
    cast = world["cast"]
    return {
        "assigned": cast.owner.caseworker,
        "unassigned": world["unassigned"],
        "coordinator": cast.owner.coordinator,
        "org_admin": cast.owner.org_admin,
        "other_coordinator": cast.partner.coordinator,
        "platform_admin": cast.admin,
    }[role]


def page_url(world, page, record=None, case=None):
    case = case or world["case"]
    kwargs = {"case_uuid": case.uuid}
    if record == "attachment":
        kwargs["attachment_uuid"] = world["attachment"].uuid
    return reverse(page, kwargs=kwargs)


CELLS = [(role, restricted, see_all) for role in ROLES for restricted in (False, True) for see_all in (False, True)]


@pytest.mark.parametrize(
    ("role", "restricted", "see_all"),
    CELLS,
    ids=[f"{r}-{'restricted' if x else 'open'}-{'see-all' if s else 'own-only'}" for r, x, s in CELLS],
)
def test_every_case_page_answers_each_role_as_the_access_rules_say(world, role, restricted, see_all):
    # given
    cast = world["cast"]
    Case.objects.filter(pk=world["case"].pk).update(restricted=restricted)
    caseworkers_see_all_cases(cast.owner.organization, see_all)
    client = verified_client(user_for(world, role))
    # when
    answers = {page: client.get(page_url(world, page, record)).status_code for page, record in PAGES}
    # then
    expected = {page: expected_status(page, role, restricted=restricted, see_all=see_all) for page, _r in PAGES}
    assert answers == expected


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("cases:note_edit", "note"),
        ("cases:task_done", "task"),
        ("cases:document_download", "attachment"),
    ],
)
def test_a_record_of_another_case_through_the_url_is_404(world, name, kind):
    client = verified_client(world["cast"].owner.caseworker)
    kwarg = {"note": "note_uuid", "task": "task_uuid", "attachment": "attachment_uuid"}[kind]
    url = reverse(name, kwargs={"case_uuid": world["case"].uuid, kwarg: world[f"other_{kind}"].uuid})
    response = client.post(url) if name == "cases:task_done" else client.get(url)
    assert response.status_code == 404


def test_it_refuses_a_coordinator_editing_someone_elses_note(world):
    client = verified_client(world["cast"].owner.coordinator)
    url = reverse("cases:note_edit", kwargs={"case_uuid": world["case"].uuid, "note_uuid": world["note"].uuid})
    assert client.post(url, {"body": "Changed."}).status_code == 403
    assert CaseNote.objects.get(pk=world["note"].pk).body == "Met at the clinic."


def test_editing_a_note_keeps_its_earlier_text_and_shows_it(world):
    client = verified_client(world["cast"].owner.caseworker)
    url = reverse("cases:note_edit", kwargs={"case_uuid": world["case"].uuid, "note_uuid": world["note"].uuid})
    response = client.post(url, {"edit-body": "Met at the clinic on Monday."})
    assert response.status_code == 302
    page = client.get(reverse("cases:notes", kwargs={"case_uuid": world["case"].uuid})).content.decode()
    assert "Met at the clinic on Monday." in page
    assert "1 earlier version" in page
    assert "Met at the clinic." in page


def test_a_case_page_view_is_audited_with_the_field_groups_shown(world):
    client = verified_client(world["cast"].owner.caseworker)
    client.get(reverse("cases:notes", kwargs={"case_uuid": world["case"].uuid}))
    event = AuditEvent.objects.filter(action="case.viewed").order_by("-id").first()
    assert event.target_id == str(world["case"].uuid)
    assert event.details == {"groups": ["case_details", "identity", "notes"]}  # the header shows name and risk


def test_history_shows_who_accessed_the_case_and_no_encrypted_value(world):
    client = verified_client(world["cast"].owner.coordinator)
    client.get(reverse("cases:survivor", kwargs={"case_uuid": world["case"].uuid}))
    page = client.get(reverse("cases:history", kwargs={"case_uuid": world["case"].uuid})).content.decode()
    assert "Who accessed this case" in page
    assert "owner-coordinator" in page
    assert "Identity, Contact, Safety, Case details, Narrative" in page  # the groups the survivor tab showed
    assert "Note added" in page
    assert "Met at the clinic" not in page


def test_a_document_downloads_as_an_attachment_without_the_survivors_or_files_name(world):
    client = verified_client(world["cast"].owner.caseworker)
    response = client.get(page_url(world, "cases:document_download", "attachment"))
    assert b"".join(response.streaming_content) == PDF
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="SHL-')
    assert disposition.endswith('.pdf"')
    assert "Sentinel" not in disposition and "passport" not in disposition
    assert AuditEvent.objects.filter(action="case.attachment_viewed").exists()


def test_a_document_upload_is_encrypted_and_listed(world):
    client = verified_client(world["cast"].owner.caseworker)
    url = reverse("cases:document_add", kwargs={"case_uuid": world["case"].uuid})
    upload = SimpleUploadedFile("scan.pdf", PDF, content_type="application/pdf")
    response = client.post(url, {"file": upload, "kind": "medical", "description": "Clinic letter"})
    assert response.status_code == 302
    page = client.get(reverse("cases:documents", kwargs={"case_uuid": world["case"].uuid})).content.decode()
    assert "Clinic letter" in page


def test_a_documents_size_is_listed_in_megabytes(world):
    client = verified_client(world["cast"].owner.caseworker)
    page = client.get(reverse("cases:documents", kwargs={"case_uuid": world["case"].uuid})).content.decode()
    assert "Download (less than 0.1 MB)" in page


def test_a_document_of_the_wrong_type_is_refused_and_nothing_is_stored(world):
    client = verified_client(world["cast"].owner.caseworker)
    url = reverse("cases:document_add", kwargs={"case_uuid": world["case"].uuid})
    upload = SimpleUploadedFile("script.pdf", b"#!/bin/sh\necho hi\n", content_type="application/pdf")
    before = world["case"].caseattachment_set.count()
    response = client.post(url, {"file": upload, "kind": "other"})
    assert response.status_code == 400
    assert world["case"].caseattachment_set.count() == before


DUE = timezone.localdate() + timedelta(days=7)


def test_a_task_is_added_with_due_date_and_assignee_and_marked_done_and_undone(world):
    cast = world["cast"]
    client = verified_client(cast.owner.caseworker)
    case_uuid = world["case"].uuid
    response = client.post(
        reverse("cases:task_add", kwargs={"case_uuid": case_uuid}),
        {"title": "Book interpreter", "due_on": str(DUE), "assignee": cast.owner.coordinator.pk},
    )
    assert response.status_code == 302
    task = CaseTask.objects.get(case=world["case"], assignee=cast.owner.coordinator)
    assert task.due_on == DUE
    done_url = reverse("cases:task_done", kwargs={"case_uuid": case_uuid, "task_uuid": task.uuid})
    client.post(done_url, {"done": "on"})
    task.refresh_from_db()
    assert task.done_at is not None
    client.post(done_url, {})
    task.refresh_from_db()
    assert task.done_at is None


def test_a_task_for_someone_outside_the_organization_is_refused_and_keeps_what_was_typed(world):
    client = verified_client(world["cast"].owner.caseworker)
    response = client.post(
        reverse("cases:task_add", kwargs={"case_uuid": world["case"].uuid}),
        {"title": "Book interpreter", "assignee": world["cast"].partner.coordinator.pk},
    )
    assert response.status_code == 400
    assert "Book interpreter" in response.content.decode()
    assert not CaseTask.objects.filter(case=world["case"], assignee=world["cast"].partner.coordinator).exists()


def test_survivor_details_are_edited_with_one_alias_and_phone_per_line_and_documents_as_kind_and_number(world):
    client = verified_client(world["cast"].owner.caseworker)
    url = reverse("cases:survivor_edit", kwargs={"case_uuid": world["case"].uuid})
    data = {
        "legal_name": "Sentinel Quetzal",
        "preferred_name": "Quetz",
        "aliases": "La Q\nQ. Sentinel\n",
        "phones": "+52 33 1234 5678\n55 9876 5432",
        "identity_documents": "passport: X123 456\nnational_id: CURP-1",
        "email": "",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    page = client.get(reverse("cases:survivor", kwargs={"case_uuid": world["case"].uuid})).content.decode()
    for text in ("Quetz", "La Q", "Q. Sentinel", "+52 33 1234 5678", "passport: X123 456", "national_id: CURP-1"):
        assert text in page


def test_a_bad_identity_document_line_changes_nothing_and_keeps_everything_typed(world):
    client = verified_client(world["cast"].owner.caseworker)
    url = reverse("cases:survivor_edit", kwargs={"case_uuid": world["case"].uuid})
    events = CaseEvent.objects.filter(case=world["case"]).count()
    response = client.post(
        url, {"legal_name": "Changed Name", "aliases": "Typed alias", "identity_documents": "driving licence 123"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Changed Name" in page and "Typed alias" in page and "driving licence 123" in page
    assert "kind: number" in page
    assert CaseEvent.objects.filter(case=world["case"]).count() == events


def test_coded_details_are_saved_from_checkbox_lists(world):
    client = verified_client(world["cast"].owner.caseworker)
    url = reverse("cases:details_edit", kwargs={"case_uuid": world["case"].uuid})
    response = client.post(
        url,
        {
            "risk_level": "high",
            "age_band": "18-24",
            "needs": ["shelter", "legal"],
            "exploitation_types": ["ForcedLabour"],
            "recruitment_methods": ["ThroughOnlineSocialNetworks"],
            "citizenship": ["MX", "GT"],
        },
    )
    assert response.status_code == 302
    case = Case.objects.get(pk=world["case"].pk)
    assert case.needs == ["legal", "shelter"]
    assert case.exploitation_types == ["ForcedLabour"]
    assert case.citizenship == ["GT", "MX"]
    assert case.risk_level == "high"


def test_an_unknown_code_changes_nothing(world):
    client = verified_client(world["cast"].owner.caseworker)
    url = reverse("cases:details_edit", kwargs={"case_uuid": world["case"].uuid})
    response = client.post(url, {"risk_level": "high", "age_band": "18-24", "needs": ["spaceship"]})
    assert response.status_code == 400
    assert Case.objects.get(pk=world["case"].pk).risk_level == "medium"


def test_the_safety_plan_and_contact_instructions_are_saved(world):
    client = verified_client(world["cast"].owner.caseworker)
    url = reverse("cases:safety_edit", kwargs={"case_uuid": world["case"].uuid})
    response = client.post(
        url, {"safety_plan": "Code word: lemon.", "do_not_contact_directly": "on", "contact_only_through": "Sister"}
    )
    assert response.status_code == 302
    page = client.get(reverse("cases:safety", kwargs={"case_uuid": world["case"].uuid})).content.decode()
    assert "Code word: lemon." in page and "Sister" in page


def test_a_coordinator_closes_with_a_reason_and_reopens(world):
    client = verified_client(world["cast"].owner.coordinator)
    case_uuid = world["case"].uuid
    assert client.post(reverse("cases:close", kwargs={"case_uuid": case_uuid}), {"reason": ""}).status_code == 400
    assert Case.objects.get(pk=world["case"].pk).status != CaseStatus.CLOSED
    client.post(reverse("cases:close", kwargs={"case_uuid": case_uuid}), {"reason": "Safe with family."})
    assert Case.objects.get(pk=world["case"].pk).status == CaseStatus.CLOSED
    client.post(reverse("cases:reopen", kwargs={"case_uuid": case_uuid}), {"reason": "New contact."})
    assert Case.objects.get(pk=world["case"].pk).status == CaseStatus.ACTIVE


def test_a_coordinator_assigns_and_restricts(world):
    cast = world["cast"]
    client = verified_client(cast.owner.coordinator)
    case_uuid = world["case"].uuid
    client.post(reverse("cases:assign", kwargs={"case_uuid": case_uuid}), {"caseworkers": [world["unassigned"].pk]})
    assert list(world["case"].assigned_caseworkers.all()) == [world["unassigned"]]
    client.post(reverse("cases:restrict", kwargs={"case_uuid": case_uuid}), {"restricted": "on"})
    assert Case.objects.get(pk=world["case"].pk).restricted


def test_assigning_someone_of_another_organization_changes_nothing(world):
    cast = world["cast"]
    client = verified_client(cast.owner.coordinator)
    url = reverse("cases:assign", kwargs={"case_uuid": world["case"].uuid})
    response = client.post(url, {"caseworkers": [cast.partner.caseworker.pk]})
    assert response.status_code == 400
    assert list(world["case"].assigned_caseworkers.all()) == [cast.owner.caseworker]


def test_erasure_needs_a_second_coordinator(world):
    cast = world["cast"]
    first = verified_client(cast.owner.coordinator)
    second_coordinator = member(cast.owner.organization, "coordinator", username="owner-coordinator-2")
    case_uuid = world["other"].uuid
    first.post(reverse("cases:erase_request", kwargs={"case_uuid": case_uuid}), {"erase-reason": "entered_in_error"})
    erasure = world["other"].erasures.get()
    confirm = reverse("rights:erase_confirm", kwargs={"case_uuid": case_uuid, "erasure_uuid": erasure.uuid})
    first.post(confirm)
    assert world["other"].erasures.get().status == "requested"
    response = verified_client(second_coordinator).post(confirm)
    assert response.status_code == 302
    assert world["other"].erasures.get().status == "erased"
    assert first.get(reverse("cases:survivor", kwargs={"case_uuid": case_uuid})).status_code == 404


def test_restricting_hides_the_case_from_an_unassigned_caseworker_even_when_all_cases_are_shown(world):
    cast = world["cast"]
    caseworkers_see_all_cases(cast.owner.organization, True)
    case_set_restricted(case=world["case"], by=cast.owner.coordinator, restricted=True)
    client = verified_client(world["unassigned"])
    assert client.get(reverse("cases:survivor", kwargs={"case_uuid": world["case"].uuid})).status_code == 404


def test_the_coded_details_tab_shows_labels_not_codes(world):
    Case.objects.filter(pk=world["case"].pk).update(needs="|mental_health|", exploitation_types="|ForcedLabour|")
    client = verified_client(world["cast"].owner.caseworker)
    page = client.get(reverse("cases:details", kwargs={"case_uuid": world["case"].uuid})).content.decode()
    assert "Mental health" in page and "Forced labour" in page
    assert "mental_health" not in page and "ForcedLabour" not in page


def test_an_empty_note_edit_changes_nothing_and_says_why(world):
    client = verified_client(world["cast"].owner.caseworker)
    url = reverse("cases:note_edit", kwargs={"case_uuid": world["case"].uuid, "note_uuid": world["note"].uuid})
    response = client.post(url, {"edit-body": "   "})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert CaseNote.objects.get(pk=world["note"].pk).body == "Met at the clinic."


def test_history_shows_old_and_new_values_of_coded_fields_only(world):
    client = verified_client(world["cast"].owner.caseworker)
    case_uuid = world["case"].uuid
    client.post(
        reverse("cases:details_edit", kwargs={"case_uuid": case_uuid}), {"risk_level": "high", "age_band": "18-24"}
    )
    client.post(reverse("cases:survivor_edit", kwargs={"case_uuid": case_uuid}), {"legal_name": "Renamed Person"})
    page = client.get(reverse("cases:history", kwargs={"case_uuid": case_uuid})).content.decode()
    assert "Risk: Medium → High" in page
    assert "Legal name" in page
    assert "Renamed Person" not in page.split("<h1>")[1].split("</h1>")[1]  # only the header shows the name


def test_the_menu_offers_cases_to_caseworkers_and_coordinators_only(cast):
    for user, offered in [
        (cast.owner.caseworker, True),
        (cast.owner.coordinator, True),
        (cast.owner.org_admin, False),
    ]:
        page = verified_client(user).get(reverse("home")).content.decode()
        assert ('href="/cases/new/"' in page) is offered
        assert ('href="/cases/"' in page) is offered


def test_a_case_tab_costs_the_same_number_of_queries_with_1_or_10_notes(world):
    client = verified_client(world["cast"].owner.caseworker)
    url = reverse("cases:notes", kwargs={"case_uuid": world["case"].uuid})
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for number in range(9):
        note_add(case=world["case"], by=world["cast"].owner.caseworker, body=f"Note {number}")
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few)
