"""People given work on a case are told, by a link and the kind of work, never a name or detail;
a task cannot be due in the past, and one past its day stands out."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from casehub.models import CaseTask
from casehub.services import case_assign, task_add, task_update
from notifications.models import Notification, NotificationKind
from tests.casehub.factories import a_case
from tests.factories import member, verified_client
from tests.problems import error_fields


def told(user, kind) -> list[Notification]:
    return list(Notification.objects.filter(recipient=user, kind=kind))


def test_a_caseworker_newly_assigned_a_case_is_told_by_a_link_to_it(cast):
    case = a_case(cast.owner, legal_name="Sentinel Quetzal")
    case_assign(case=case, by=cast.owner.coordinator, caseworkers=[cast.owner.caseworker])
    (notice,) = told(cast.owner.caseworker, NotificationKind.CASE_ASSIGNED)
    assert notice.link == reverse("cases:survivor", args=[case.uuid])
    assert "Sentinel" not in notice.link + notice.kind


def test_those_already_assigned_and_the_one_assigning_are_not_told_again(cast):
    second = member(cast.owner.organization, "caseworker", username="second-caseworker")
    case = a_case(cast.owner, assigned=[cast.owner.caseworker])
    case_assign(
        case=case, by=cast.owner.coordinator, caseworkers=[cast.owner.caseworker, cast.owner.coordinator, second]
    )
    assert told(cast.owner.caseworker, NotificationKind.CASE_ASSIGNED) == []
    assert told(cast.owner.coordinator, NotificationKind.CASE_ASSIGNED) == []
    assert len(told(second, NotificationKind.CASE_ASSIGNED)) == 1


def test_the_assignee_of_a_new_task_is_told_by_a_link_to_the_tasks(cast):
    case = a_case(cast.owner)
    task_add(case=case, by=cast.owner.coordinator, title="Call the lawyer", assignee=cast.owner.caseworker)
    (notice,) = told(cast.owner.caseworker, NotificationKind.TASK_ASSIGNED)
    assert notice.link == reverse("cases:tasks", args=[case.uuid])


def test_a_task_given_to_oneself_tells_no_one(cast):
    task_add(case=a_case(cast.owner), by=cast.owner.coordinator, title="Call", assignee=cast.owner.coordinator)
    assert not Notification.objects.filter(kind=NotificationKind.TASK_ASSIGNED).exists()


def test_a_task_handed_to_another_member_tells_the_new_assignee_each_time(cast):
    case = a_case(cast.owner)
    task = task_add(case=case, by=cast.owner.coordinator, title="Call", assignee=cast.owner.coordinator)
    task_update(task=task, by=cast.owner.coordinator, assignee=cast.owner.caseworker)
    task_update(task=task, by=cast.owner.coordinator, assignee=cast.owner.coordinator)
    task_update(task=task, by=cast.owner.coordinator, assignee=cast.owner.caseworker)
    assert len(told(cast.owner.caseworker, NotificationKind.TASK_ASSIGNED)) == 2


def test_a_task_due_in_the_past_is_refused_and_nothing_is_written(cast):
    case = a_case(cast.owner)
    with pytest.raises(ValidationError) as refused:
        task_add(case=case, by=cast.owner.coordinator, title="Call", due_on=timezone.localdate() - timedelta(days=1))
    assert "due_on" in refused.value.message_dict
    assert not CaseTask.objects.filter(case=case).exists()


def test_a_task_due_today_is_taken(cast):
    task = task_add(case=a_case(cast.owner), by=cast.owner.coordinator, title="Call", due_on=timezone.localdate())
    assert task.due_on == timezone.localdate() and not task.is_overdue


def test_the_api_refuses_a_past_due_date_with_a_400_naming_the_field(cast):
    case = a_case(cast.owner)
    response = verified_client(cast.owner.coordinator).post(
        f"/api/v1/cases/{case.uuid}/tasks/create/",
        {"title": "Call", "due_on": str(timezone.localdate() - timedelta(days=3))},
        content_type="application/json",
    )
    assert response.status_code == 400 and "due_on" in error_fields(response)
    assert not CaseTask.objects.filter(case=case).exists()


def test_a_task_past_its_day_stands_out_on_the_tasks_page(cast, time_machine):
    case = a_case(cast.owner)
    task_add(case=case, by=cast.owner.coordinator, title="Call", due_on=timezone.localdate())
    time_machine.move_to(timezone.now() + timedelta(days=2))
    page = verified_client(cast.owner.coordinator).get(reverse("cases:tasks", args=[case.uuid])).content.decode()
    assert 'class="overdue"' in page and "overdue" in page
