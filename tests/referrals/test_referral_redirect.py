"""Redirecting to another provider: the receiver suggests a service, the sender decides whether to
refer there (a new attempt, with its own consent check); nothing reaches the suggested provider."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from audit.models import AuditEvent
from casehub.grants import Purpose
from notifications.models import Notification
from referrals.models import Referral, ReferralState
from referrals.workflow import referral_act
from tests.directory.factories import directory_service
from tests.factories import verified_client
from tests.problems import error_fields
from tests.referrals.factories import a_referral, a_scene
from tests.sharing.factories import a_consent


def post(client, path, body):
    return client.post(path, body, content_type="application/json")


def an_alternative(cast, **fields):
    """A legal-aid service of the outsider organization: where the partner may redirect."""
    return directory_service(cast.outsider.organization, kind="legal_aid", **fields)


def redirected(cast):
    scene = a_scene(cast)
    alternative = an_alternative(cast, name="Other Legal Aid")
    referral = a_referral(scene, send=True)
    referral = referral_act(
        referral=referral, by=scene.provider.coordinator, action="redirect", redirect_to=alternative
    )
    return scene, alternative, referral


# The service ------------------------------------------------------------------------------------


def test_redirecting_records_the_suggested_service(cast):
    _scene, alternative, referral = redirected(cast)
    referral.refresh_from_db()
    assert (referral.state, referral.redirected_to) == (ReferralState.REDIRECTED, alternative)


def test_the_redirect_is_audited_with_the_services_id_only(cast):
    _scene, alternative, referral = redirected(cast)
    audit = AuditEvent.objects.get(action="referral.redirect")
    assert audit.details["redirected_to"] == str(alternative.pk)
    assert "Other Legal Aid" not in str(audit.details)


def test_a_redirect_sends_nothing_to_the_suggested_provider(cast):
    scene, alternative, _referral = redirected(cast)
    assert Referral.objects.filter(need=scene.need).count() == 1
    assert not Notification.objects.filter(organization=alternative.organization).exists()


def test_the_sender_is_told_by_a_link_only(cast):
    scene, _alternative, referral = redirected(cast)
    told = Notification.objects.filter(recipient=scene.shelter.caseworker).latest("id")
    assert told.link == referral.get_absolute_url()


@pytest.mark.parametrize(
    "target",
    ["none", "same", "own", "senders", "inactive", "not_accepting", "suspended", "other_kind"],
)
def test_a_redirect_without_a_fitting_service_is_refused_and_changes_nothing(cast, target):
    # given a referral the partner's coordinator has read
    scene = a_scene(cast)
    referral = a_referral(scene, send=True)
    service = {
        "none": lambda: None,
        "same": lambda: scene.service,
        "own": lambda: directory_service(cast.partner.organization, kind="legal_aid"),
        "senders": lambda: directory_service(cast.owner.organization, kind="legal_aid"),
        "inactive": lambda: an_alternative(cast, status="inactive"),
        "not_accepting": lambda: an_alternative(cast, accepting_referrals=False),
        "suspended": lambda: directory_service(cast.suspended.organization, kind="legal_aid"),
        "other_kind": lambda: directory_service(cast.outsider.organization, kind="shelter"),
    }[target]()
    # when
    with pytest.raises(ValidationError) as refused:
        referral_act(referral=referral, by=scene.provider.coordinator, action="redirect", redirect_to=service)
    # then
    assert "redirect_to" in refused.value.message_dict
    referral.refresh_from_db()
    assert (referral.state, referral.redirected_to) == (ReferralState.SENT, None)


# Pages ------------------------------------------------------------------------------------------


def test_the_receivers_redirect_form_offers_other_providers_of_the_kind_only(cast):
    scene = a_scene(cast)
    an_alternative(cast, name="Other Legal Aid")
    directory_service(cast.partner.organization, kind="legal_aid", name="Partner Second Office")
    directory_service(cast.outsider.organization, kind="shelter", name="Outsider Shelter")
    referral = a_referral(scene, send=True)
    page = verified_client(scene.provider.coordinator).get(referral.get_absolute_url()).content.decode()
    form = page[page.index('id="redirect-form"') : page.index("</form>", page.index('id="redirect-form"'))]
    assert "Other Legal Aid" in form
    assert "Partner Second Office" not in form and "Outsider Shelter" not in form


def test_the_receiver_redirects_from_the_page_with_a_service_choice(cast):
    scene = a_scene(cast)
    alternative = an_alternative(cast)
    referral = a_referral(scene, send=True)
    response = verified_client(scene.provider.coordinator).post(
        f"{referral.get_absolute_url()}act/", {"action": "redirect", "redirect_to": str(alternative.pk)}
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert (referral.state, referral.redirected_to) == (ReferralState.REDIRECTED, alternative)


@pytest.mark.parametrize("choice", ["", "not-a-uuid", "00000000-0000-0000-0000-000000000000"])
def test_a_missing_or_unknown_choice_is_a_form_error_and_changes_nothing(cast, choice):
    scene = a_scene(cast)
    referral = a_referral(scene, send=True)
    with translation.override("en"):
        response = verified_client(scene.provider.coordinator).post(
            f"{referral.get_absolute_url()}act/", {"action": "redirect", "redirect_to": choice}
        )
    assert response.status_code == 400
    assert "Choose the service you suggest instead." in response.content.decode()
    assert Referral.objects.get(pk=referral.pk).state == ReferralState.SENT


def test_the_sender_refers_to_the_suggested_service_with_one_button(cast):
    # given a redirected referral and the survivor's consent for referral to the suggested provider
    scene, alternative, referral = redirected(cast)
    a_consent(cast.owner, scene.case, to=cast.outsider.organization, purposes=[Purpose.REFERRAL])
    client = verified_client(scene.shelter.caseworker)
    page = client.get(referral.get_absolute_url()).content.decode()
    assert 'id="suggested-form"' in page and "Other Legal Aid" in page
    # when
    response = client.post(f"/referrals/needs/{scene.need.uuid}/send/", {"service": str(alternative.pk)})
    # then a new attempt went to the suggested service
    following = Referral.objects.exclude(pk=referral.pk).get(need=scene.need)
    assert response["Location"] == following.get_absolute_url()
    assert (following.service, following.state) == (alternative, ReferralState.SENT)


def test_without_consent_for_the_suggested_provider_the_next_attempt_waits_for_it(cast):
    scene, alternative, _referral = redirected(cast)
    verified_client(scene.shelter.caseworker).post(
        f"/referrals/needs/{scene.need.uuid}/send/", {"service": str(alternative.pk)}
    )
    following = Referral.objects.get(need=scene.need, service=alternative)
    assert following.state == ReferralState.AWAITING_CONSENT and following.sent_at is None


def test_the_receiver_is_not_offered_the_suggestion_button(cast):
    scene, _alternative, referral = redirected(cast)
    page = verified_client(scene.provider.coordinator).get(referral.get_absolute_url()).content.decode()
    assert 'id="suggested-form"' not in page


# API --------------------------------------------------------------------------------------------


def test_the_api_redirects_and_shows_the_suggested_service(cast):
    scene = a_scene(cast)
    alternative = an_alternative(cast)
    referral = a_referral(scene, send=True)
    body = post(
        verified_client(scene.provider.coordinator),
        f"/api/v1/referrals/{referral.uuid}/act/",
        {"action": "redirect", "redirect_to": str(alternative.pk)},
    ).json()
    assert (body["state"], body["fhir_status"], body["redirected_to"]) == (
        "redirected",
        "rejected",
        str(alternative.pk),
    )


def test_the_api_refuses_a_redirect_to_an_unknown_service_with_a_400(cast):
    scene = a_scene(cast)
    referral = a_referral(scene, send=True)
    response = post(
        verified_client(scene.provider.coordinator),
        f"/api/v1/referrals/{referral.uuid}/act/",
        {"action": "redirect", "redirect_to": "00000000-0000-0000-0000-000000000000"},
    )
    assert response.status_code == 400 and "redirect_to" in error_fields(response)
    assert Referral.objects.get(pk=referral.pk).state == ReferralState.SENT


def test_through_the_api_the_sender_creates_the_next_attempt_with_the_suggested_id(cast):
    scene, _alternative, referral = redirected(cast)
    client = verified_client(scene.shelter.caseworker)
    suggested = client.get(f"/api/v1/referrals/{referral.uuid}/").json()["redirected_to"]
    response = post(client, "/api/v1/referrals/create/", {"need": str(scene.need.uuid), "service": suggested})
    assert response.status_code == 201
    assert (response.json()["service"], response.json()["state"]) == (suggested, "awaiting_consent")
