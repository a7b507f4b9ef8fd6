"""Referral pages: needs on the case, sending from matching, queues, timeline actions, thread, figures."""

from datetime import timedelta

from django.utils import timezone

from directory.models import Service
from referrals.models import Referral, ReferralMessage, ReferralState, ServiceNeed
from referrals.workflow import referral_act
from tests.directory.factories import directory_service
from tests.factories import verified_client
from tests.referrals.factories import a_referral, a_scene, accepted


def test_a_caseworker_records_a_need_on_the_case(cast):
    scene = a_scene(cast)
    client = verified_client(scene.shelter.caseworker)
    response = client.post(
        f"/cases/{scene.case.uuid}/needs/add/", {"kind": "shelter", "urgency": "urgent", "reason": "Tonight"}
    )
    assert response.status_code == 302
    assert ServiceNeed.objects.filter(case=scene.case, kind="shelter", urgency="urgent").exists()


def test_a_need_with_an_unknown_kind_is_refused_with_a_400(cast):
    scene = a_scene(cast)
    client = verified_client(scene.shelter.caseworker)
    response = client.post(f"/cases/{scene.case.uuid}/needs/add/", {"kind": "nope", "urgency": "urgent"})
    assert response.status_code == 400
    assert ServiceNeed.objects.filter(case=scene.case).count() == 1


def test_the_send_page_lists_the_matching_provider_and_sends_to_it(cast):
    scene = a_scene(cast)
    client = verified_client(scene.shelter.caseworker)
    page = client.get(f"/referrals/needs/{scene.need.uuid}/send/")
    assert page.status_code == 200 and scene.service.name in page.content.decode()
    response = client.post(f"/referrals/needs/{scene.need.uuid}/send/", {"service": str(scene.service.id)})
    referral = Referral.objects.get(need=scene.need)
    assert response.status_code == 302 and response["Location"] == referral.get_absolute_url()
    assert referral.state == ReferralState.SENT


def test_the_receiver_sees_the_offer_tier_but_not_the_survivors_name(cast):
    scene = a_scene(cast)
    referral = a_referral(scene, send=True)
    page = verified_client(scene.provider.coordinator).get(referral.get_absolute_url()).content.decode()
    assert referral.reference in page and "25-34" in page
    assert "Secretname" not in page and scene.case.case_number not in page and "Needs a lawyer" not in page


def test_the_incoming_queue_puts_overdue_referrals_first(cast):
    scene = a_scene(cast)
    late = a_referral(scene, send=True)
    Referral.objects.filter(pk=late.pk).update(due_at=timezone.now() - timedelta(hours=1))
    other = a_scene(cast)
    fresh = a_referral(other, send=True)
    page = verified_client(cast.partner.coordinator).get("/referrals/incoming/").content.decode()
    assert page.index(late.reference) < page.index(fresh.reference)
    assert "overdue" in page


def test_the_outgoing_queue_lists_what_the_shelter_sent(cast):
    scene = a_scene(cast)
    referral = a_referral(scene, send=True)
    page = verified_client(scene.shelter.caseworker).get("/referrals/outgoing/").content.decode()
    assert referral.reference in page


def test_one_click_decline_needs_a_reason(cast):
    scene = a_scene(cast)
    referral = a_referral(scene, send=True)
    client = verified_client(scene.provider.coordinator)
    assert client.post(f"{referral.get_absolute_url()}act/", {"action": "decline"}).status_code == 400
    response = client.post(f"{referral.get_absolute_url()}act/", {"action": "decline", "reason": "no_capacity"})
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.state == ReferralState.DECLINED and referral.reason_code == "no_capacity"


def test_an_action_the_actor_may_not_take_is_forbidden(cast):
    scene = a_scene(cast)
    referral = a_referral(scene, send=True)
    response = verified_client(scene.shelter.caseworker).post(
        f"{referral.get_absolute_url()}act/", {"action": "accept"}
    )
    assert response.status_code == 403


def test_an_unknown_action_is_a_400_not_a_500(cast):
    scene = a_scene(cast)
    referral = a_referral(scene, send=True)
    response = verified_client(scene.provider.coordinator).post(f"{referral.get_absolute_url()}act/", {"action": "x"})
    assert response.status_code == 400


def test_the_assignee_completes_with_an_outcome_from_the_page(cast):
    scene = a_scene(cast)
    referral = accepted(scene)
    client = verified_client(scene.provider.caseworker)
    client.post(f"{referral.get_absolute_url()}act/", {"action": "start"})
    client.post(f"{referral.get_absolute_url()}act/", {"action": "complete", "outcome": "enrolled"})
    referral.refresh_from_db()
    assert (referral.state, referral.outcome) == (ReferralState.COMPLETED, "enrolled")


def test_both_organizations_write_in_the_thread_and_messages_are_encrypted(cast):
    scene = a_scene(cast)
    referral = a_referral(scene, send=True)
    verified_client(scene.provider.coordinator).post(f"{referral.get_absolute_url()}messages/", {"body": "Any ID?"})
    verified_client(scene.shelter.caseworker).post(f"{referral.get_absolute_url()}messages/", {"body": "A passport."})
    messages = list(ReferralMessage.objects.filter(referral=referral).select_related("case"))
    assert [m.body for m in messages] == ["Any ID?", "A passport."]
    assert b"passport" not in bytes(messages[1].body_sealed)


def test_an_outsider_cannot_open_a_referral(cast):
    scene = a_scene(cast)
    referral = a_referral(scene, send=True)
    assert verified_client(cast.outsider.coordinator).get(referral.get_absolute_url()).status_code == 404


def test_a_draft_is_invisible_to_the_receiver(cast):
    scene = a_scene(cast)
    referral = a_referral(scene)
    assert verified_client(scene.provider.coordinator).get(referral.get_absolute_url()).status_code == 404


def test_the_figures_page_draws_its_charts_without_inline_styles(cast):
    scene = a_scene(cast)
    referral = a_referral(scene, send=True)
    referral_act(referral=referral, by=scene.provider.coordinator, action="decline", reason="not_eligible")
    page = verified_client(cast.outsider.coordinator).get("/referrals/figures/").content.decode()
    assert "<svg" in page and "style=" not in page and "<script" not in page
    assert "Not eligible" in page


def test_an_overdue_referral_offers_the_sender_the_next_match(cast):
    scene = a_scene(cast)
    referral = a_referral(scene, send=True)
    Referral.objects.filter(pk=referral.pk).update(due_at=timezone.now() - timedelta(minutes=5))
    client = verified_client(scene.shelter.caseworker)
    assert "next-match-form" in client.get(referral.get_absolute_url()).content.decode()
    response = client.post(f"{referral.get_absolute_url()}act/", {"action": "withdraw", "next_match": "1"})
    assert response["Location"] == f"/referrals/needs/{scene.need.uuid}/send/"
    referral.refresh_from_db()
    assert referral.state == ReferralState.WITHDRAWN


def test_the_figures_page_is_for_coordinators_not_caseworkers(cast):
    assert verified_client(cast.outsider.caseworker).get("/referrals/figures/").status_code == 403
    assert verified_client(cast.outsider.coordinator).get("/referrals/figures/").status_code == 200


def test_the_queue_links_to_the_figures_for_coordinators_only(cast):
    link = 'href="/referrals/figures/"'
    assert link in verified_client(cast.owner.coordinator).get("/referrals/incoming/").content.decode()
    assert link not in verified_client(cast.owner.caseworker).get("/referrals/incoming/").content.decode()


def test_finding_a_match_for_a_need_keeps_to_the_provider_gender_it_asks_for(cast):
    # given a need for a female provider, the scene's service with men on staff and another with women
    scene = a_scene(cast, provider_gender="female")
    Service.objects.filter(pk=scene.service.pk).update(staff_genders=["male"])
    women = directory_service(cast.partner.organization, kind="legal_aid", name="Abogadas", staff_genders=["female"])
    # when
    page = verified_client(scene.shelter.caseworker).get(f"/referrals/needs/{scene.need.uuid}/send/").content.decode()
    # then
    assert women.name in page and "female staff available" in page
    assert scene.service.name not in page
