"""In headless Chromium, each role's day: a caseworker finds a survivor by surname and by case
number (and the result survives Refresh); a coordinator refers a case whose identification region
is recorded ("Jalisco, MX") to a provider in another region of the country; the receiving
coordinator sees the emergency referral first on the dashboard, hands it to a caseworker, and that
caseworker is told by its reference.

Skipped without /usr/bin/chromium unless CASEHUB_REQUIRE_BROWSER=1 (CI).
"""

import pytest

from referrals.models import Referral, ReferralState
from tests.browser import messages, sign_out
from tests.casehub.factories import a_case
from tests.directory.factories import directory_service
from tests.factories import make_cast
from tests.referrals.factories import a_referral, a_referral_consent, a_scene
from tests.referrals.test_referral_browser import sign_in_as

pytestmark = [pytest.mark.browser, pytest.mark.long]


def test_a_caseworker_finds_a_survivor_by_surname_and_by_case_number(chromium_page, live_server, transactional_db):
    page, base = chromium_page, live_server.url
    cast = make_cast()
    case = a_case(cast.owner, assigned=[cast.owner.caseworker], legal_name="Lucía Fernanda Torres")
    other = a_case(cast.owner, assigned=[cast.owner.caseworker], legal_name="Rosa Medina")
    sign_in_as(page, base, cast.owner.caseworker)

    page.goto(f"{base}/cases/")
    page.fill("#id_q", "torres")
    page.click("form[role=search] button[type=submit]")
    page.wait_for_load_state()
    assert "search=" in page.url and "torres" not in page.url.lower()
    listed = page.locator("table.case-list").inner_text()
    assert case.case_number in listed and other.case_number not in listed
    page.reload()  # a GET: no form is sent again
    assert case.case_number in page.locator("table.case-list").inner_text()

    page.fill("#id_q", case.case_number)
    page.click("form[role=search] button[type=submit]")
    page.wait_for_load_state()
    listed = page.locator("table.case-list").inner_text()
    assert case.case_number in listed and other.case_number not in listed


def test_a_coordinator_refers_a_case_identified_elsewhere_to_a_provider_in_the_same_country(
    chromium_page, live_server, transactional_db
):
    page, base = chromium_page, live_server.url
    cast = make_cast()
    case = a_case(
        cast.owner,
        legal_name="Ana Lucía Torres",
        age_band="25-34",
        primary_language="es",
        identified_region="Jalisco, MX",
        identified_country="MX",
    )
    a_referral_consent(cast, case)
    service = directory_service(
        cast.partner.organization, kind="legal_aid", name="Justicia CDMX", region="Ciudad de México"
    )
    sign_in_as(page, base, cast.owner.coordinator)

    page.goto(f"{base}/cases/{case.uuid}/referrals/")
    page.select_option("#id_kind", "legal_aid")
    page.click("button:has-text('Record need')")
    page.wait_for_load_state()
    assert messages(page) == ["Need recorded."]
    page.click("a:has-text('Find a provider and refer')")
    page.wait_for_load_state()
    assert service.name in page.locator("ol.matches").inner_text()
    page.click(f"button:has-text('Send referral to {service.name}')")
    page.wait_for_load_state()
    assert messages(page) == ["Referral sent."]
    assert Referral.objects.get().state == ReferralState.SENT


def test_the_receiver_sees_the_emergency_first_and_the_assignee_is_told_by_its_reference(
    chromium_page, live_server, transactional_db
):
    page, base = chromium_page, live_server.url
    cast = make_cast()
    routine = a_referral(a_scene(cast), send=True)
    emergency = a_referral(a_scene(cast, urgency="emergency"), send=True)
    receiver = cast.partner

    sign_in_as(page, base, receiver.coordinator)
    page.goto(f"{base}/")
    rows = page.locator("section:has(h2:has-text('Referrals waiting on you')) tbody tr").all_inner_texts()
    assert emergency.reference in rows[0] and "Emergency" in rows[0]
    assert routine.reference in rows[1]
    page.click(f"a:has-text('{emergency.reference}')")
    page.wait_for_load_state()
    page.select_option("#assignee", str(receiver.caseworker.pk))
    page.click("#accept-form button")
    page.wait_for_load_state()
    sign_out(page)

    sign_in_as(page, base, receiver.caseworker)
    page.goto(f"{base}/notifications/")
    assert f"A referral was assigned to you: {emergency.reference}" in page.locator("ul.notifications").inner_text()
    page.goto(f"{base}/")
    waiting = page.locator("section:has(h2:has-text('Referrals waiting on you'))").inner_text()
    assert emergency.reference in waiting and "First contact by" in waiting
