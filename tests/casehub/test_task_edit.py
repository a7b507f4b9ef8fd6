"""Tasks can be reworded, moved, reassigned and removed, on the page and through the API; a
removal asks for confirmation and leaves a line in the history."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from casehub.models import CaseEvent, CaseTask
from casehub.services import task_add, task_delete, task_update
from tests.casehub.factories import a_case
from tests.factories import verified_client
from tests.problems import error_fields


@pytest.fixture
def task(cast):
    case = a_case(cast.owner, assigned=[cast.owner.caseworker])
    return task_add(case=case, by=cast.owner.caseworker, title="Call the consulate")


def page(task, name):
    return reverse(f"cases:{name}", kwargs={"case_uuid": task.case.uuid, "task_uuid": task.uuid})


def test_the_edit_page_shows_the_task_in_a_form_in_place(cast, task):
    response = verified_client(cast.owner.caseworker).get(page(task, "task_edit"))
    assert response.status_code == 200
    assert 'value="Call the consulate"' in response.content.decode()


def test_a_task_is_reworded_moved_and_given_to_another_member_on_the_page(cast, task):
    due = timezone.localdate() + timedelta(days=3)
    response = verified_client(cast.owner.caseworker).post(
        page(task, "task_edit"),
        {
            "edit-title": "Call the consulate again",
            "edit-due_on": due.isoformat(),
            "edit-assignee": cast.owner.coordinator.pk,
        },
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert (task.title, task.due_on, task.assignee) == ("Call the consulate again", due, cast.owner.coordinator)
    event = CaseEvent.objects.filter(case=task.case, action="task_updated").get()
    assert "Call" not in str(event.changes) + str(event.fields)


def test_moving_a_task_to_a_day_already_past_is_refused_and_changes_nothing(cast, task):
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    response = verified_client(cast.owner.caseworker).post(
        page(task, "task_edit"), {"edit-title": "Changed", "edit-due_on": yesterday}
    )
    assert response.status_code == 400
    assert "Choose today or a later day." in response.content.decode()
    task.refresh_from_db()
    assert (task.title, task.due_on) == ("Call the consulate", None)


def test_an_empty_title_is_refused(cast, task):
    with pytest.raises(ValidationError):
        task_update(task=task, by=cast.owner.caseworker, title="   ")


def test_removing_a_task_asks_first_and_changes_nothing_until_confirmed(cast, task):
    tab = reverse("cases:tasks", args=[task.case.uuid])
    response = verified_client(cast.owner.caseworker).get(tab, {"remove": str(task.uuid)})
    assert response.status_code == 200
    page_ = response.content.decode()
    assert "Remove this task?" in page_ and page(task, "task_delete") in page_
    assert CaseTask.objects.filter(pk=task.pk).exists()


def test_a_confirmed_removal_deletes_the_task_and_the_history_says_so(cast, task):
    response = verified_client(cast.owner.caseworker).post(page(task, "task_delete"))
    assert response.status_code == 302
    assert not CaseTask.objects.filter(pk=task.pk).exists()
    assert CaseEvent.objects.filter(case=task.case, action="task_deleted").exists()
    audit = AuditEvent.objects.get(action="case.task_deleted")
    assert audit.details == {"task": str(task.uuid)}


def test_the_api_rewords_a_task_and_removes_it(cast, task):
    client = verified_client(cast.owner.caseworker)
    api = f"/api/v1/cases/{task.case.uuid}/tasks/{task.uuid}/"
    response = client.patch(f"{api}update/", {"title": "Book an interpreter"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["title"] == "Book an interpreter"
    past = (timezone.localdate() - timedelta(days=2)).isoformat()
    refused = client.patch(f"{api}update/", {"due_on": past}, content_type="application/json")
    assert refused.status_code == 400 and "due_on" in error_fields(refused)
    assert client.delete(api).status_code == 204
    assert client.delete(api).status_code == 404


def test_a_member_outside_the_case_cannot_remove_its_task(cast, task):
    with pytest.raises(PermissionDenied):
        task_delete(task=task, by=cast.partner.coordinator)
    assert CaseTask.objects.filter(pk=task.pk).exists()


def test_an_overdue_task_is_marked_on_the_tasks_tab(cast, task):
    CaseTask.objects.filter(pk=task.pk).update(due_on=timezone.localdate() - timedelta(days=1))
    tab = verified_client(cast.owner.caseworker).get(reverse("cases:tasks", args=[task.case.uuid])).content.decode()
    assert 'class="overdue"' in tab and "overdue-mark" in tab
