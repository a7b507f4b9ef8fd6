"""In a real browser: an organization applies, is vouched for and approved, and its admin signs in with 2FA."""

import pytest

from orgs import services
from orgs.models import Authenticator, Organization, OrganizationReference, OrganizationStatus, Role
from tests.browser import form_errors, messages, minimal_pdf, screenshot, sign_in, sign_out, totp_from_secret
from tests.factories import PASSWORD, current_totp


@pytest.fixture
def cast(committed_cast):
    return committed_cast  # committed: this module's tests need real transactions


pytestmark = pytest.mark.browser

APPLICANT = "ana-refugio"
APPLICANT_PASSWORD = "Lantern harbour 7 violet!"


def apply(page, base_url):
    page.goto(f"{base_url}/apply/")
    page.fill("#id_name", "Refugio Esperanza")
    page.select_option("#id_kind", "shelter")
    page.select_option("#id_country", "MX")
    page.fill("#id_region", "Oaxaca")
    page.fill("#id_registration_number", "OAX-2026-118")
    page.fill("#id_website", "https://refugio-esperanza.example.org")
    page.fill("#id_contact_email", "contacto@refugio-esperanza.example.org")
    page.select_option("#id_languages", ["es", "zap"])
    page.fill("#id_description", "A shelter for women and girls leaving exploitation.")
    page.set_input_files(
        "#id_document_1",
        files=[{"name": "registration.pdf", "mimeType": "application/pdf", "buffer": minimal_pdf()}],
    )
    page.select_option("#id_referee_1", label="Owner")
    page.select_option("#id_referee_2", label="Partner")
    page.fill("#id_username", APPLICANT)
    page.fill("#id_email", "ana@refugio-esperanza.example.org")
    page.fill("#id_password", APPLICANT_PASSWORD)
    page.fill("#id_password_again", APPLICANT_PASSWORD)
    screenshot(page, "1-apply")
    page.click("button:has-text('Send application')")
    page.wait_for_load_state()


def vouch_in_browser(page, base_url, referee_admin):
    sign_in(
        page,
        base_url,
        username=referee_admin.username,
        password=PASSWORD,
        code=current_totp(Authenticator.objects.get(user=referee_admin)),
    )
    page.click("header.site a:has-text('References')")
    card = page.locator("section.card", has_text="Refugio Esperanza")
    card.locator("input[name=note]").fill("We have worked with them since 2021.")
    card.locator("input[name=confirm]").check()
    card.locator("button:has-text('Vouch')").click()
    page.wait_for_load_state()
    assert messages(page) == ["Your answer was recorded."]
    sign_out(page)


def approve_in_browser(page, base_url, admin):
    sign_in(
        page,
        base_url,
        username=admin.username,
        password=PASSWORD,
        code=current_totp(Authenticator.objects.get(user=admin)),
    )
    # A platform admin lands on the review queue.
    assert page.locator("h1").inner_text() == "Organizations"
    page.click("a:has-text('Refugio Esperanza')")
    page.check("#id_documents_checked")
    page.check("#id_contact_verified")
    page.fill("#id_review_notes", "Registration checked against the state registry.")
    page.click("button:has-text('Save checklist')")
    page.wait_for_load_state()
    assert messages(page) == ["Checklist saved."]
    assert page.locator("text=Two references vouched").is_visible()
    screenshot(page, "2-review")
    page.click("button[value=approve]")
    page.wait_for_load_state()
    assert messages(page) == ["Decision recorded; the organization was told by e-mail."]
    assert page.locator("#org-status").inner_text() == "Vetted"
    sign_out(page)


def test_an_applicant_is_vetted_and_signs_in_with_a_new_authenticator(
    chromium_page, live_server, cast, mailoutbox, settings, tmp_path
):
    page, base_url = chromium_page, live_server.url
    settings.MEDIA_ROOT = tmp_path / "media"  # the uploaded document goes away with the test

    # given an application sent through the public page
    apply(page, base_url)
    assert page.locator("h1").inner_text() == "Application sent", form_errors(page)
    applicant = Organization.objects.get(name="Refugio Esperanza")
    assert applicant.status == OrganizationStatus.APPLIED
    assert applicant.country == "MX"
    assert applicant.languages == ["es", "zap"]
    document = applicant.documents.get()
    assert document.content_type == "application/pdf"
    assert "registration" not in document.file.name
    with document.file.open("rb") as stored:
        assert stored.read() == minimal_pdf()
    assert set(applicant.references.values_list("referee__name", flat=True)) == {"Owner", "Partner"}
    assert applicant.memberships.get().role == Role.ORG_ADMIN

    # and both referees vouch: one in the browser, one through the service layer
    vouch_in_browser(page, base_url, cast.owner.org_admin)
    services.reference_decide(
        reference=OrganizationReference.objects.get(applicant=applicant, referee=cast.partner.organization),
        user=cast.partner.org_admin,
        vouch=True,
    )

    # when a platform admin ticks the checklist and approves
    approve_in_browser(page, base_url, cast.admin)

    # then the organization is vetted and told so by e-mail
    applicant.refresh_from_db()
    assert applicant.status == OrganizationStatus.VETTED
    assert applicant.status_changed_by == cast.admin
    assert any(
        message.to == ["contacto@refugio-esperanza.example.org"] and "vetted" in message.body.lower()
        for message in mailoutbox
    )

    # and its admin, signing in for the first time, must enroll an authenticator
    page.goto(f"{base_url}/sign-in/")
    page.fill("#id_username", APPLICANT)
    page.fill("#id_password", APPLICANT_PASSWORD)
    page.click("button:has-text('Continue')")
    page.wait_for_url("**/sign-in/second-factor/set-up/")
    screenshot(page, "3-two-factor-setup")
    page.fill("#id_code", totp_from_secret(page.locator("#totp-secret").inner_text()))
    page.fill("#id_current_password", APPLICANT_PASSWORD)
    page.click("button:has-text('Confirm')")
    page.wait_for_load_state()

    # and is shown recovery codes once, then reaches the dashboard
    assert page.locator("h1").inner_text() == "Your recovery codes"
    assert page.locator("#recovery-codes li").count() == 10
    page.click("a:has-text('I have saved them')")
    page.wait_for_load_state()
    screenshot(page, "4-dashboard")
    assert page.url == f"{base_url}/"
    assert page.locator("h1").inner_text() == "Refugio Esperanza"
    assert "You are signed in as Organization admin." in page.locator("main").inner_text()
    assert Authenticator.objects.get(user__username=APPLICANT).confirmed
