"""Services and selectors added for the case API: task_update, case_display_names, case_search, note_for_user."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from audit.models import AuditEvent
from casehub import access, selectors, services
from casehub.models import CaseEvent


@pytest.fixture
def case(cast):
    return services.case_create(
        organization=cast.owner.organization, by=cast.owner.caseworker, legal_name="Ana", phones=["+52 1"]
    )


def test_task_update_changes_done_due_and_assignee_in_one_history_entry(cast, case):
    task = services.task_add(case=case, by=cast.owner.coordinator, title="Call")
    events = CaseEvent.objects.count()
    services.task_update(task=task, by=cast.owner.coordinator, done=True, assignee=cast.owner.caseworker)
    task.refresh_from_db()
    assert task.done_at is not None and task.assignee == cast.owner.caseworker
    assert CaseEvent.objects.count() == events + 1
    assert AuditEvent.objects.filter(action="case.task_updated").first().details["fields"] == ["assignee", "done_at"]


def test_task_update_with_nothing_new_records_nothing(cast, case):
    task = services.task_add(case=case, by=cast.owner.coordinator, title="Call")
    events = CaseEvent.objects.count()
    services.task_update(task=task, by=cast.owner.coordinator, done=False, due_on=None)
    assert CaseEvent.objects.count() == events


def test_task_update_refuses_an_assignee_from_another_organization(cast, case):
    task = services.task_add(case=case, by=cast.owner.coordinator, title="Call")
    with pytest.raises(ValidationError):
        services.task_update(task=task, by=cast.owner.coordinator, assignee=cast.partner.caseworker)


def test_the_display_name_is_the_preferred_name_else_the_legal_name(cast, case):
    preferred = services.case_create(
        organization=cast.owner.organization, by=cast.owner.coordinator, legal_name="Ana", preferred_name="Anita"
    )
    nameless = services.case_create(organization=cast.owner.organization, by=cast.owner.coordinator)
    names = selectors.case_display_names([case, preferred, nameless])
    assert names == {case.pk: "Ana", preferred.pk: "Anita"}


def test_case_search_finds_exact_names_and_phones_of_the_searchers_organization(cast, case):
    def found(user, **query):
        return selectors.case_search(user, **query).ids()

    assert found(cast.owner.caseworker, name="ana") == {case.pk}
    assert found(cast.owner.caseworker, phone="+52-1") == {case.pk}
    assert found(cast.owner.caseworker, name="Ana", phone="+52 2") == set()
    assert found(cast.partner.coordinator, name="Ana") == set()


def test_only_the_author_may_edit_a_note(cast, case):
    note = services.note_add(case=case, by=cast.owner.coordinator, body="One")
    assert access.note_for_user(cast.owner.coordinator, case.uuid, note.uuid, action=access.CaseAction.NOTE)[1] == note
    with pytest.raises(PermissionDenied):
        access.note_for_user(cast.owner.caseworker, case.uuid, note.uuid, action=access.CaseAction.NOTE)
