"""Case services: numbers, details, history that names but never copies encrypted values."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.models import AuditEvent
from audit.services import audit_verify
from casehub.crypto.keyring import clear_data_keys
from casehub.models import Case, CaseEvent, CaseStatus, SurvivorName
from casehub.services import (
    case_assign,
    case_close,
    case_create,
    case_reopen,
    case_update,
    note_add,
    note_edit,
    survivor_details,
    task_add,
)
from orgs.fieldgroups import ALL
from tests.casehub.factories import a_case

SENTINEL = "Quixotica Sentinelsdottir"


def test_case_numbers_count_up_per_organization_and_year_with_a_kind_prefix(cast):
    first, second = a_case(cast.owner), a_case(cast.owner)
    other = a_case(cast.partner)
    year = first.created_at.year
    assert (first.case_number, second.case_number) == (f"SHL-{year}-0001", f"SHL-{year}-0002")
    assert other.case_number == f"LEG-{year}-0001"


def test_a_case_keeps_its_details_encrypted_and_gives_them_back(cast):
    case = a_case(
        cast.owner,
        legal_name=SENTINEL,
        aliases=["La Flaca"],
        phones=["+52 33 1234 5678"],
        identity_documents=[{"kind": "passport", "number": "G1234567"}],
        narrative="What happened.",
        needs=["shelter", "legal"],
        gender="Feminine",
    )
    details = survivor_details(Case.objects.get(pk=case.pk), ALL)
    assert details["legal_name"] == SENTINEL
    assert details["aliases"] == ["La Flaca"]
    assert details["phones"] == ["+52 33 1234 5678"]
    assert details["identity_documents"] == [{"kind": "passport", "number": "G1234567"}]
    assert details["narrative"] == "What happened."
    assert sorted(details["needs"]) == ["legal", "shelter"]
    stored = SurvivorName.objects.filter(case=case).values_list("value_sealed", flat=True)
    assert all(SENTINEL.encode() not in bytes(blob) for blob in stored)


def test_the_details_unwrap_the_data_key_the_case_row_carries_without_loading_it_again(cast):
    case = a_case(cast.owner, aliases=["La Flaca"], phones=["123456"])
    loaded = Case.objects.get(pk=case.pk)
    clear_data_keys()
    with CaptureQueriesContext(connection) as queries:
        survivor_details(loaded, ALL)
    assert not [q["sql"] for q in queries if 'FROM "casehub_case"' in q["sql"]]


def test_only_the_asked_field_groups_are_decrypted(cast):
    case = a_case(cast.owner, narrative="secret", phones=["123456"])
    details = survivor_details(Case.objects.get(pk=case.pk), {"case_details"})
    assert "narrative" not in details and "phones" not in details and "legal_name" not in details


def test_history_names_changed_encrypted_fields_without_their_values(cast):
    case = a_case(cast.owner)
    case_update(case=case, by=cast.owner.coordinator, narrative=SENTINEL, legal_name=SENTINEL)
    event = CaseEvent.objects.filter(case=case, action="updated").get()
    assert set(event.fields) == {"narrative", "legal_name"}
    assert SENTINEL not in str(event.changes)
    assert SENTINEL not in str(list(AuditEvent.objects.values("details", "target_id")))


def test_history_keeps_old_and_new_codes_of_coded_fields(cast):
    case = a_case(cast.owner, risk_level="low")
    case_update(case=case, by=cast.owner.coordinator, risk_level="high")
    event = CaseEvent.objects.get(case=case, action="updated")
    assert event.changes == {"risk_level": {"from": "low", "to": "high"}}


def test_an_unknown_code_is_refused_and_nothing_changes(cast):
    case = a_case(cast.owner, needs=["shelter"])
    with pytest.raises(ValidationError):
        case_update(case=case, by=cast.owner.coordinator, needs=["shelter", "spaceship"], narrative="changed")
    case = Case.objects.get(pk=case.pk)
    assert case.needs == ["shelter"]
    assert case.narrative is None


def test_an_unknown_field_is_refused(cast):
    with pytest.raises(ValidationError):
        case_create(organization=cast.owner.organization, by=cast.owner.coordinator, favourite_colour="blue")
    assert not Case.objects.exists()


def test_the_creating_caseworker_is_assigned(cast):
    case = case_create(organization=cast.owner.organization, by=cast.owner.caseworker, legal_name="A")
    assert list(case.assigned_caseworkers.all()) == [cast.owner.caseworker]


def test_only_members_with_case_roles_can_be_assigned(cast):
    case = a_case(cast.owner)
    with pytest.raises(ValidationError):
        case_assign(case=case, by=cast.owner.coordinator, caseworkers=[cast.partner.caseworker])
    with pytest.raises(ValidationError):
        case_assign(case=case, by=cast.owner.coordinator, caseworkers=[cast.owner.org_admin])


def test_closing_needs_a_reason_and_reopening_keeps_it_in_history(cast):
    case = a_case(cast.owner)
    with pytest.raises(ValidationError):
        case_close(case=case, by=cast.owner.coordinator, reason=" ")
    case_close(case=case, by=cast.owner.coordinator, reason="Moved to another city")
    assert case.status == CaseStatus.CLOSED
    case_reopen(case=case, by=cast.owner.coordinator, reason="Came back")
    assert case.status == CaseStatus.ACTIVE
    comments = [e.comment for e in CaseEvent.objects.filter(case=case, action__in=["closed", "reopened"])]
    assert sorted(comments) == ["Came back", "Moved to another city"]


def test_an_edited_note_keeps_its_earlier_text(cast):
    case = a_case(cast.owner)
    note = note_add(case=case, by=cast.owner.coordinator, body="first")
    note_edit(note=note, by=cast.owner.coordinator, body="second")
    assert note.body == "second"
    assert [r.body for r in note.revisions.all()] == ["first"]


def test_only_the_author_edits_a_note(cast):
    case = a_case(cast.owner, assigned=[cast.owner.caseworker])
    note = note_add(case=case, by=cast.owner.coordinator, body="first")
    with pytest.raises(PermissionDenied):
        note_edit(note=note, by=cast.owner.caseworker, body="changed")


def test_a_task_goes_only_to_a_member_of_the_organization(cast):
    case = a_case(cast.owner)
    with pytest.raises(ValidationError):
        task_add(case=case, by=cast.owner.coordinator, title="Call", assignee=cast.partner.caseworker)


def test_every_case_write_keeps_the_audit_chain_intact(cast):
    case = a_case(cast.owner)
    case_update(case=case, by=cast.owner.coordinator, risk_level="high")
    note_add(case=case, by=cast.owner.coordinator, body="x")
    assert audit_verify().ok


def test_the_dashboard_accounts_for_the_task_titles_it_decrypts(cast):
    from tests.factories import verified_client

    case = a_case(cast.owner, assigned=[cast.owner.caseworker])
    task_add(case=case, by=cast.owner.coordinator, title="Call the lawyer", assignee=cast.owner.caseworker)
    verified_client(cast.owner.caseworker).get("/")
    listed = AuditEvent.objects.filter(
        action="case.listed", actor=cast.owner.caseworker, details__groups=["case_details"]
    )
    assert [event.details["cases"] for event in listed] == [[str(case.uuid)]]
