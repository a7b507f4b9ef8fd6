"""In headless Chromium: a caseworker searches, does the intake, adds a note and a document, finds
the case by phone number; a coordinator closes it.

The browser is the system one at /usr/bin/chromium, never a downloaded build; without it the test
is skipped, unless CASEHUB_REQUIRE_BROWSER=1 says it must run. Set CASEHUB_SCREENSHOT_DIR to keep
screenshots of the list, intake and case page at 1200 and 390 pixels wide (for looking, not asserting).
"""

import os
import tempfile
from pathlib import Path

import pytest
from django.db import connections

from casehub.models import Case, CaseAttachment, CaseNote, CaseStatus
from tests.factories import PASSWORD, authenticator, current_totp, make_cast

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
TIMEOUT_MS = 30_000
WIDTHS = {"wide": 1200, "phone": 390}


def minimal_pdf() -> bytes:
    stream = b"BT /F1 18 Tf 72 720 Td (Consent form) Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


@pytest.fixture
def page(live_server, monkeypatch):
    if not CHROMIUM.exists():
        if os.environ.get("CASEHUB_REQUIRE_BROWSER") == "1":
            pytest.fail(f"CASEHUB_REQUIRE_BROWSER=1 but {CHROMIUM} is not installed")
        pytest.skip(f"{CHROMIUM} is not installed")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the test's ORM calls stay synchronous.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with tempfile.TemporaryDirectory(prefix="casehub-chromium-") as profile, sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            profile,
            executable_path=str(CHROMIUM),
            headless=True,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
            locale="en-US",
            viewport={"width": WIDTHS["wide"], "height": 900},
        )
        context.set_default_timeout(TIMEOUT_MS)
        try:
            yield context.pages[0] if context.pages else context.new_page()
        finally:
            context.close()
            connections.close_all()


def screenshots(page, name: str) -> None:
    directory = os.environ.get("CASEHUB_SCREENSHOT_DIR")
    if not directory:
        return
    Path(directory).mkdir(parents=True, exist_ok=True)
    for label, width in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(Path(directory) / f"{name}-{label}.png"), full_page=True)
    page.set_viewport_size({"width": WIDTHS["wide"], "height": 900})


def sign_in(page, base_url, user) -> None:
    page.goto(f"{base_url}/sign-in/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button:has-text('Continue')")
    page.wait_for_url("**/sign-in/second-factor/")
    page.fill("#id_code", current_totp(authenticator(user)))
    page.click("button:has-text('Verify')")
    page.wait_for_load_state()


def messages(page) -> list[str]:
    return [text.strip() for text in page.locator("ul.messages li").all_inner_texts()]


def test_a_caseworker_registers_a_case_and_a_coordinator_closes_it(page, live_server, transactional_db):
    # given
    cast = make_cast()
    caseworker, coordinator = cast.owner.caseworker, cast.owner.coordinator
    base = live_server.url

    # when the caseworker searches before creating
    sign_in(page, base, caseworker)
    page.click("header.site a:has-text('New case')")
    page.fill("#id_q", "Ana Lucía Torres")
    page.click("form[role=search] button:has-text('Search')")
    page.wait_for_load_state()
    assert page.locator(".search-results").inner_text().strip() == "No case you can open matches."

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
    page.fill("#id_primary_language", "es")
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
        "#id_file", files=[{"name": "consent.pdf", "mimeType": "application/pdf", "buffer": minimal_pdf()}]
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
    page.click("header.site button:has-text('Sign out')")
    page.wait_for_url("**/sign-in/")

    # and a coordinator closes it
    sign_in(page, base, coordinator)
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
