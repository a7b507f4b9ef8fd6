"""Who sees which cases, and what they may do with them, inside their organization."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from casehub.access import CaseAction, case_actions, case_for_user, cases_for_user, may_create_cases, note_for_user
from casehub.crypto.keyring import data_key_destroy
from casehub.services import note_add
from orgs.models import Organization, User
from tests.casehub.factories import a_case
from tests.factories import caseworkers_see_all_cases


def visible(user):
    return cases_for_user(user).ids()


def test_a_coordinator_sees_every_case_of_the_organization(cast):
    cases = {a_case(cast.owner).pk, a_case(cast.owner, restricted=True).pk}
    assert visible(cast.owner.coordinator) == cases


def test_a_caseworker_sees_only_assigned_cases_by_default(cast):
    mine = a_case(cast.owner, assigned=[cast.owner.caseworker])
    a_case(cast.owner)
    assert visible(cast.owner.caseworker) == {mine.pk}


def test_the_organization_setting_widens_a_caseworker_to_every_unrestricted_case(cast):
    caseworkers_see_all_cases(cast.owner.organization, True)
    open_case = a_case(cast.owner)
    a_case(cast.owner, restricted=True)
    assert visible(cast.owner.caseworker) == {open_case.pk}


def test_an_assigned_caseworker_still_sees_a_restricted_case(cast):
    caseworkers_see_all_cases(cast.owner.organization, True)
    case = a_case(cast.owner, restricted=True, assigned=[cast.owner.caseworker])
    assert visible(cast.owner.caseworker) == {case.pk}


@pytest.mark.parametrize("who", ["org_admin", "platform_admin", "other_coordinator", "suspended_coordinator"])
def test_people_without_case_roles_in_the_organization_see_nothing(cast, who):
    a_case(cast.owner, assigned=[cast.owner.caseworker])
    user = {
        "org_admin": cast.owner.org_admin,
        "platform_admin": cast.admin,
        "other_coordinator": cast.partner.coordinator,
        "suspended_coordinator": cast.suspended.coordinator,
    }[who]
    assert visible(user) == set()


def test_a_case_of_a_suspended_organization_is_closed_to_its_own_coordinator(cast):
    case = a_case(cast.owner)
    Organization.objects.filter(pk=cast.owner.organization.pk).update(status="suspended")
    coordinator = User.objects.get(pk=cast.owner.coordinator.pk)  # as the next request loads it
    assert case.pk not in visible(coordinator)


def test_an_erased_case_is_gone_from_every_list(cast):
    case = a_case(cast.owner)
    data_key_destroy(case)
    assert visible(cast.owner.coordinator) == set()


def test_an_invisible_case_is_not_found(cast):
    case = a_case(cast.owner)
    with pytest.raises(Http404):
        case_for_user(cast.owner.caseworker, case.uuid)


def test_a_malformed_id_is_not_found(cast):
    with pytest.raises(Http404):
        case_for_user(cast.owner.coordinator, "not-a-uuid")


def test_a_caseworker_may_not_close_a_case_they_see(cast):
    case = a_case(cast.owner, assigned=[cast.owner.caseworker])
    with pytest.raises(PermissionDenied):
        case_for_user(cast.owner.caseworker, case.uuid, action=CaseAction.CLOSE)


@pytest.mark.parametrize("action", [CaseAction.ASSIGN, CaseAction.RESTRICT, CaseAction.CLOSE, CaseAction.ERASE])
def test_coordinator_only_actions(cast, action):
    case = a_case(cast.owner, assigned=[cast.owner.caseworker])
    assert action in case_actions(cast.owner.coordinator, case)
    assert action not in case_actions(cast.owner.caseworker, case)


def test_a_note_of_another_case_is_not_found_through_this_case(cast):
    first, second = a_case(cast.owner), a_case(cast.owner)
    note = note_add(case=second, by=cast.owner.coordinator, body="private")
    with pytest.raises(Http404):
        note_for_user(cast.owner.coordinator, first.uuid, note.uuid)


def test_only_caseworkers_and_coordinators_create_cases(cast):
    assert may_create_cases(cast.owner.caseworker)
    assert may_create_cases(cast.owner.coordinator)
    assert not may_create_cases(cast.owner.org_admin)
    assert not may_create_cases(cast.admin)
    assert not may_create_cases(cast.suspended.coordinator)
