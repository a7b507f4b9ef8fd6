"""Erasing a case (crypto-shredding) ends its open referrals; the provider is told by a link to its
inbox and can no longer open them, so nothing tries to decrypt what is gone."""

import pytest

from casehub.crypto.shredding import case_erase_request
from casehub.models import ErasureReason
from notifications.models import Notification
from referrals.models import ReferralState
from referrals.workflow import referral_message_add
from rights.services import case_erase_confirm
from tests.factories import member, verified_client
from tests.referrals.factories import a_referral, a_scene, accepted

pytestmark = pytest.mark.django_db


def erase(scene) -> None:
    erasure = case_erase_request(case=scene.case, by=scene.shelter.coordinator, reason=ErasureReason.SURVIVOR_REQUEST)
    case_erase_confirm(erasure=erasure, by=member(scene.shelter.organization, "coordinator", username="second"))


def test_erasing_a_case_withdraws_its_open_referrals(cast):
    scene = a_scene(cast)
    referral = a_referral(scene, send=True)
    erase(scene)
    referral.refresh_from_db()
    assert referral.state == ReferralState.WITHDRAWN
    assert referral.reason_code == "case_erased"
    assert referral.due_at is None and referral.expires_at is None  # the sweep has nothing left to do


def test_erasing_a_case_ends_the_share_an_accepted_referral_opened(cast):
    scene = a_scene(cast)
    referral = accepted(scene)
    erase(scene)
    referral.refresh_from_db()
    assert referral.state == ReferralState.WITHDRAWN
    assert referral.share.ended_at is not None


def test_erasing_a_case_leaves_finished_referrals_as_they_were(cast):
    scene = a_scene(cast)
    referral = a_referral(scene, send=True)
    from referrals.workflow import referral_act

    referral_act(referral=referral, by=scene.provider.coordinator, action="decline", reason="no_capacity")
    erase(scene)
    referral.refresh_from_db()
    assert referral.state == ReferralState.DECLINED


def test_the_provider_can_no_longer_open_a_referral_of_an_erased_case(cast):
    scene = a_scene(cast)
    referral = a_referral(scene, send=True)
    referral_message_add(referral=referral, by=scene.shelter.caseworker, body="Sentinel message")
    erase(scene)
    client = verified_client(scene.provider.coordinator)
    assert client.get(referral.get_absolute_url()).status_code == 404
    incoming = client.get("/referrals/incoming/")
    assert incoming.status_code == 200
    assert referral.reference not in incoming.content.decode()


def test_the_provider_is_told_with_a_link_to_its_inbox_and_the_erasing_side_is_not(cast):
    scene = a_scene(cast)
    referral = a_referral(scene, send=True)
    before = set(Notification.objects.values_list("pk", flat=True))
    erase(scene)
    told = Notification.objects.exclude(pk__in=before).filter(link__contains="/notifications/")
    assert set(told.values_list("recipient", flat=True)) == {scene.provider.coordinator.pk}
    assert not Notification.objects.exclude(pk__in=before).filter(link=referral.get_absolute_url()).exists()
