"""Services and selectors added for the case API: task_update, case_display_names, cases_matching, note_for_author."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from casehub import access, cases
from casehub import case_selectors as selectors
from casehub.models import AuditEvent, Case, CaseEvent


@pytest.fixture
def case(cast):
    return cases.case_create(
        organization=cast.owner.organization, by=cast.owner.caseworker, legal_name="Ana", phones=["+52 1"]
    )


def test_task_update_changes_done_due_and_assignee_in_one_history_entry(cast, case):
    task = cases.task_add(case=case, by=cast.owner.coordinator, title="Call")
    events = CaseEvent.objects.count()
    cases.task_update(task=task, by=cast.owner.coordinator, done=True, assignee=cast.owner.caseworker)
    task.refresh_from_db()
    assert task.done_at is not None and task.assignee == cast.owner.caseworker
    assert CaseEvent.objects.count() == events + 1
    assert AuditEvent.objects.filter(action="case.task_updated").first().details["fields"] == ["assignee", "done_at"]


def test_task_update_with_nothing_new_records_nothing(cast, case):
    task = cases.task_add(case=case, by=cast.owner.coordinator, title="Call")
    events = CaseEvent.objects.count()
    cases.task_update(task=task, by=cast.owner.coordinator, done=False, due_on=None)
    assert CaseEvent.objects.count() == events


def test_task_update_refuses_an_assignee_from_another_organization(cast, case):
    task = cases.task_add(case=case, by=cast.owner.coordinator, title="Call")
    with pytest.raises(ValidationError):
        cases.task_update(task=task, by=cast.owner.coordinator, assignee=cast.partner.caseworker)


def test_the_display_name_is_the_preferred_name_else_the_legal_name(cast, case):
    preferred = cases.case_create(
        organization=cast.owner.organization, by=cast.owner.coordinator, legal_name="Ana", preferred_name="Anita"
    )
    nameless = cases.case_create(organization=cast.owner.organization, by=cast.owner.coordinator)
    names = selectors.case_display_names([case, preferred, nameless])
    assert names == {case.pk: "Ana", preferred.pk: "Anita"}


def test_cases_matching_finds_exact_names_and_phones_among_the_cases_given(cast, case):
    everything = Case.objects.all()
    org = cast.owner.organization
    assert list(selectors.cases_matching(everything, organization=org, name="ana")) == [case]
    assert list(selectors.cases_matching(everything, organization=org, phone="+52-1")) == [case]
    assert list(selectors.cases_matching(everything.exclude(pk=case.pk), organization=org, name="Ana")) == []
    assert list(selectors.cases_matching(everything, organization=cast.partner.organization, name="Ana")) == []


def test_only_the_author_may_edit_a_note(cast, case):
    note = cases.note_add(case=case, by=cast.owner.coordinator, body="One")
    assert access.note_for_author(cast.owner.coordinator, case.uuid, note.uuid) == note
    with pytest.raises(PermissionDenied):
        access.note_for_author(cast.owner.caseworker, case.uuid, note.uuid)
