"""In headless Chromium: a shelter's caseworker finds a legal-aid provider through matching and
sends a referral; the provider's coordinator asks a question, the shelter answers, the provider
accepts and completes it with an outcome; the shelter sees it. And a provider that cannot help
suggests another, the shelter refers there in one click, and that provider hands the work to a
caseworker.

Skipped without /usr/bin/chromium unless CASEHUB_REQUIRE_BROWSER=1 (CI).
"""

import pytest

from casehub.grants import Purpose
from orgs.services import recovery_codes_generate
from referrals.models import Referral, ReferralState
from tests.browser import messages, sign_in, sign_out
from tests.casehub.factories import a_case
from tests.directory.factories import directory_service
from tests.factories import PASSWORD, make_cast
from tests.referrals.factories import a_referral, a_referral_consent, a_scene
from tests.sharing.factories import a_consent


@pytest.fixture
def cast(committed_cast):
    return committed_cast  # committed: this module's tests need real transactions


pytestmark = pytest.mark.browser


def sign_in_as(page, base_url, user) -> None:
    # A fresh recovery code each time: the same person signs in twice within one TOTP step here,
    # and a TOTP code is accepted only once.
    code = recovery_codes_generate(user=user)[0]
    sign_in(page, base_url, username=user.username, password=PASSWORD, code=code)


def test_a_shelter_refers_a_survivor_to_legal_aid_and_sees_the_outcome(chromium_page, live_server, transactional_db):
    page = chromium_page
    base = live_server.url
    # given a shelter's case, the survivor's consent to refer to the legal-aid provider, and its service
    cast = make_cast()
    shelter, provider = cast.owner, cast.partner
    case = a_case(
        shelter,
        assigned=[shelter.caseworker],
        legal_name="Ana Lucía Torres",
        age_band="25-34",
        gender="Feminine",
        primary_language="es",
        identified_region="Jalisco",
    )
    a_referral_consent(cast, case)
    service = directory_service(provider.organization, kind="legal_aid", name="Asesoría legal")

    # when the shelter's caseworker records the need and finds the provider through matching
    sign_in_as(page, base, shelter.caseworker)
    page.goto(f"{base}/cases/{case.uuid}/")
    page.click("nav.tabs a:has-text('Referrals')")
    page.select_option("#id_kind", "legal_aid")
    page.select_option("#id_urgency", "urgent")
    page.fill("#id_reason", "Needs advice on her residence permit.")
    page.click("button:has-text('Record need')")
    page.wait_for_load_state()
    assert messages(page) == ["Need recorded."]
    page.click("a:has-text('Find a provider and refer')")
    page.wait_for_load_state()
    assert service.name in page.locator("ol.matches").inner_text()
    page.click(f"button:has-text('Send referral to {service.name}')")
    page.wait_for_load_state()
    assert messages(page) == ["Referral sent."]
    referral = Referral.objects.get()
    assert referral.state == ReferralState.SENT
    sign_out(page)

    # and the provider's coordinator finds it in the incoming queue and asks a question
    sign_in_as(page, base, provider.coordinator)
    page.click("header.site a:has-text('Referrals')")
    page.click(f"a:has-text('{referral.reference}')")
    page.wait_for_load_state()
    assert "Torres" not in page.content()
    page.fill("#request_information-note", "Does she have a passport?")
    page.click("#request_information-form button")
    page.wait_for_load_state()
    sign_out(page)

    # and the shelter answers
    sign_in_as(page, base, shelter.caseworker)
    page.goto(f"{base}/referrals/{referral.uuid}/")
    assert "Does she have a passport?" in page.locator("ol.timeline").inner_text()
    page.fill("#answer-note", "Yes, an expired one.")
    page.click("#answer-form button")
    page.wait_for_load_state()
    sign_out(page)

    # and the provider accepts (assigning it to its coordinator), starts and completes it
    sign_in_as(page, base, provider.coordinator)
    page.goto(f"{base}/referrals/{referral.uuid}/")
    page.click("#accept-form button")
    page.wait_for_load_state()
    page.click("button:has-text('Start')")
    page.wait_for_load_state()
    page.select_option("#complete_outcome", "need_met")
    page.click("#complete-form button")
    page.wait_for_load_state()
    sign_out(page)

    # then the shelter sees the outcome
    sign_in_as(page, base, shelter.caseworker)
    page.goto(f"{base}/referrals/{referral.uuid}/")
    assert page.locator("#referral-state").inner_text().strip() == "Completed"
    assert page.locator("#referral-outcome").inner_text().strip() == "Need met"
    referral.refresh_from_db()
    assert (referral.state, referral.outcome) == (ReferralState.COMPLETED, "need_met")


def test_a_provider_suggests_another_the_shelter_refers_there_and_the_work_is_reassigned(
    chromium_page, live_server, transactional_db
):
    page = chromium_page
    base = live_server.url
    # given a referral sent to the partner, and a third organization's service the survivor also consented to
    scene = a_scene(make_cast())
    cast = scene.cast
    referral = a_referral(scene, send=True)
    other = directory_service(cast.outsider.organization, kind="legal_aid", name="Clínica jurídica")
    a_consent(cast.owner, scene.case, to=cast.outsider.organization, purposes=[Purpose.REFERRAL])

    # when the partner's coordinator redirects it there
    sign_in_as(page, base, scene.provider.coordinator)
    page.goto(f"{base}/referrals/{referral.uuid}/")
    page.select_option("#redirect-to", str(other.pk))
    page.click("#redirect-form button")
    page.wait_for_load_state()
    sign_out(page)

    # and the shelter's caseworker refers to the suggested service in one click
    sign_in_as(page, base, scene.shelter.caseworker)
    page.goto(f"{base}/referrals/{referral.uuid}/")
    assert other.name in page.locator("#redirected-to").inner_text()
    page.click("#suggested-form button")
    page.wait_for_load_state()
    assert messages(page) == ["Referral sent."]
    sign_out(page)
    attempt = Referral.objects.get(service=other)
    assert attempt.state == ReferralState.SENT and attempt.need_id == referral.need_id

    # and the third organization's coordinator accepts it and hands it to its caseworker
    sign_in_as(page, base, cast.outsider.coordinator)
    page.goto(f"{base}/referrals/{attempt.uuid}/")
    page.click("#accept-form button")
    page.wait_for_load_state()
    page.select_option("#reassign", str(cast.outsider.caseworker.pk))
    page.click("#assign-form button")
    page.wait_for_load_state()

    # then the first attempt is redirected and the second one is the caseworker's
    referral.refresh_from_db()
    attempt.refresh_from_db()
    assert (referral.state, referral.redirected_to_id) == (ReferralState.REDIRECTED, other.pk)
    assert (attempt.state, attempt.assigned_to_id) == (ReferralState.ACCEPTED, cast.outsider.caseworker.pk)
