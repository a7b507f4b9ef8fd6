"""Every actor × state × action, generated from the one transition table: allowed ones succeed,
every other is refused and changes nothing."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from referrals.models import DeclineReason, Outcome, Referral, ReferralEvent, ReferralState
from referrals.transitions import (
    ACTIONS,
    ACTORS,
    RECEIVER_ASSIGNEE,
    RECEIVER_COORDINATOR,
    SENDER,
    SYSTEM,
    TRANSITIONS,
    allowed_actors,
    next_state,
)
from referrals.workflow import referral_act
from tests.directory.factories import directory_service
from tests.referrals.factories import a_referral, a_scene

ARGUMENTS = {"reason": DeclineReason.NO_CAPACITY, "outcome": Outcome.NEED_MET, "note": "A question or answer."}


class _Rollback(Exception):
    pass


def user_for(scene, actor):
    return {
        SENDER: scene.shelter.caseworker,
        RECEIVER_COORDINATOR: scene.provider.coordinator,
        RECEIVER_ASSIGNEE: scene.provider.caseworker,
        SYSTEM: None,
    }[actor]


def test_the_table_names_only_known_states_and_actors():
    for (state, _action), (new_state, actors) in TRANSITIONS.items():
        assert state in ReferralState.values
        assert new_state is None or new_state in ReferralState.values
        assert actors and actors <= set(ACTORS)


def test_no_action_leads_back_to_draft():
    # Reopening is a new attempt, never a step backwards.
    assert all(new != ReferralState.DRAFT for new, _actors in TRANSITIONS.values())


@pytest.mark.parametrize("state", ReferralState.values)
def test_each_actor_may_take_exactly_the_actions_the_table_allows(cast, state):
    # given a referral in `state`, with consent, assigned to the provider's caseworker
    scene = a_scene(cast)
    referral = a_referral(scene)
    Referral.objects.filter(pk=referral.pk).update(state=state, assigned_to=scene.provider.caseworker)
    arguments = {**ARGUMENTS, "redirect_to": directory_service(cast.outsider.organization, kind="legal_aid")}
    for action in ACTIONS:
        for actor in ACTORS:
            allowed = actor in allowed_actors(state, action)
            events = ReferralEvent.objects.count()
            try:
                with transaction.atomic():
                    # when
                    if allowed:
                        done = referral_act(referral=referral, by=user_for(scene, actor), action=action, **arguments)
                        # then
                        assert done.state == next_state(state, action), (state, action, actor)
                        assert ReferralEvent.objects.count() == events + 1
                    else:
                        with pytest.raises((PermissionDenied, ValidationError)):
                            referral_act(referral=referral, by=user_for(scene, actor), action=action, **arguments)
                        # then
                        assert Referral.objects.get(pk=referral.pk).state == state, (state, action, actor)
                        assert ReferralEvent.objects.count() == events
                    raise _Rollback
            except _Rollback:
                pass


def test_a_decline_without_a_coded_reason_is_refused(cast):
    scene = a_scene(cast)
    referral = a_referral(scene, send=True)
    with pytest.raises(ValidationError):
        referral_act(referral=referral, by=scene.provider.coordinator, action="decline", reason="because")
    assert Referral.objects.get(pk=referral.pk).state == ReferralState.SENT


def test_a_completion_without_an_outcome_is_refused(cast):
    scene = a_scene(cast)
    referral = a_referral(scene, send=True)
    referral_act(referral=referral, by=scene.provider.coordinator, action="accept", assignee=scene.provider.caseworker)
    referral_act(referral=referral, by=scene.provider.caseworker, action="start")
    with pytest.raises(ValidationError):
        referral_act(referral=referral, by=scene.provider.caseworker, action="complete")
    assert Referral.objects.get(pk=referral.pk).state == ReferralState.IN_PROGRESS


def test_outsiders_and_suspended_members_may_do_nothing(cast):
    scene = a_scene(cast)
    referral = a_referral(scene, send=True)
    for user in (cast.outsider.coordinator, cast.suspended.coordinator, cast.owner.org_admin, cast.admin):
        with pytest.raises(PermissionDenied):
            referral_act(referral=referral, by=user, action="acknowledge")
