"""In headless Chromium: a caseworker searches, does the intake, adds a note and a document, finds
the case by phone number; a coordinator closes it.

The browser is the system one at /usr/bin/chromium, never a downloaded build; without it the test
is skipped, unless CASEHUB_REQUIRE_BROWSER=1 says it must run. Set CASEHUB_SCREENSHOT_DIR to keep
screenshots of the list, intake and case page at 1200 and 390 pixels wide (for looking, not asserting).
"""

import pytest

from casehub.models import Case, CaseAttachment, CaseNote, CaseStatus
from orgs.models import Authenticator
from tests.browser import messages, minimal_pdf, screenshot, sign_in, sign_out
from tests.factories import PASSWORD, current_totp, make_cast


@pytest.fixture
def cast(committed_cast):
    return committed_cast  # committed: this module's tests need real transactions


pytestmark = pytest.mark.browser

WIDTHS = {"wide": 1200, "phone": 390}


def screenshots(page, name: str) -> None:
    """Screenshots at a laptop's and a phone's width (kept only when CASEHUB_SCREENSHOT_DIR is set)."""
    for label, width in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": 900})
        screenshot(page, f"{name}-{label}")
    page.set_viewport_size({"width": WIDTHS["wide"], "height": 900})


def sign_in_as(page, base_url, user) -> None:
    sign_in(
        page,
        base_url,
        username=user.username,
        password=PASSWORD,
        code=current_totp(Authenticator.objects.get(user=user)),
    )


def test_a_caseworker_registers_a_case_and_a_coordinator_closes_it(chromium_page, live_server, transactional_db):
    page = chromium_page
    # given
    cast = make_cast()
    caseworker, coordinator = cast.owner.caseworker, cast.owner.coordinator
    base = live_server.url

    # when the caseworker searches before creating
    sign_in_as(page, base, caseworker)
    page.click("header.site a:has-text('New case')")
    page.fill("#id_q", "Ana Lucía Torres")
    page.click("form[role=search] button:has-text('Search')")
    page.wait_for_load_state()
    assert page.locator(".search-results").inner_text().startswith("No case you can open matches.")

    # and does the intake (the name searched for is filled in), removing the name at first
    assert page.input_value("#id_legal_name") == "Ana Lucía Torres"
    page.fill("#id_legal_name", "")
    page.fill("#id_phone", "+52 (33) 5555-0101")
    page.check("input[name=needs][value=shelter]")
    page.click("button:has-text('Open case')")
    page.wait_for_load_state()
    assert page.locator(".errors").inner_text().strip() == "Enter a legal name or a preferred name."
    assert page.input_value("#id_phone") == "+52 (33) 5555-0101"
    assert page.is_checked("input[name=needs][value=shelter]")
    screenshots(page, "intake-error")
    page.fill("#id_legal_name", "Ana Lucía Torres")
    page.select_option("#id_gender", "Feminine")
    page.select_option("#id_age_band", "18-24")
    page.select_option("#id_primary_language", "es")
    page.select_option("#id_risk_level", "high")
    page.check("input[name=needs][value=legal]")
    screenshots(page, "intake")
    page.click("button:has-text('Open case')")
    page.wait_for_load_state()
    case = Case.objects.get()
    assert messages(page) == [f"Case {case.case_number} opened."]
    assert page.locator("h1").inner_text() == "Ana Lucía Torres"

    # and adds a note and a document
    page.click("nav.tabs a:has-text('Notes')")
    page.fill("#id_body", "First meeting at the clinic; wants legal advice.")
    page.click("button:has-text('Add note')")
    page.wait_for_load_state()
    assert messages(page) == ["Note added."]
    screenshots(page, "notes")
    page.click("nav.tabs a:has-text('Documents')")
    page.set_input_files(
        "#id_file",
        files=[{"name": "consent.pdf", "mimeType": "application/pdf", "buffer": minimal_pdf("Consent form")}],
    )
    page.select_option("#id_kind", "consent")
    page.click("button:has-text('Upload')")
    page.wait_for_load_state()
    assert messages(page) == ["Document added."]
    with page.expect_download() as download:
        page.click("a:has-text('Download')")
    assert download.value.suggested_filename.startswith(case.case_number)
    assert "Ana" not in download.value.suggested_filename

    page.click("header.site a:has-text('Dashboard')")
    screenshots(page, "dashboard")

    # and finds the case by its phone number, written another way
    page.click("header.site a:has-text('Cases')")
    page.fill("#id_q", "0052 33 5555 0101")
    page.click("form[role=search] button:has-text('Search')")
    page.wait_for_load_state()
    rows = page.locator("table.case-list tbody tr")
    assert rows.count() == 1
    assert case.case_number in rows.first.inner_text()
    screenshots(page, "list")
    rows.first.locator("a").first.click()
    page.wait_for_load_state()
    screenshots(page, "case")
    sign_out(page)

    # and a coordinator closes it
    sign_in_as(page, base, coordinator)
    page.goto(f"{base}/cases/?scope=all")
    page.click(f"a:has-text('{case.case_number}')")
    page.click("nav.tabs a:has-text('Manage')")
    screenshots(page, "manage")
    page.fill("#id_reason", "Moved to a partner shelter in another state.")
    page.click("button:has-text('Close case')")
    page.wait_for_load_state()

    # then
    assert messages(page) == ["Case closed."]
    assert page.locator(".case-header .badge.status-closed").inner_text() == "Closed"
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    assert CaseNote.objects.filter(case=case).count() == 1
    assert CaseAttachment.objects.filter(case=case).count() == 1
