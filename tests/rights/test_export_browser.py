"""In headless Chromium: the case's caseworker opens the case and downloads the survivor's copy as a
PDF from the case's main page; pdftotext reads labels, not codes, and the case number in it.

The browser is the system one at /usr/bin/chromium, never a downloaded build; without it the test
is skipped, unless CASEHUB_REQUIRE_BROWSER=1 says it must run.
"""

import shutil
import subprocess
from pathlib import Path

import pytest

from orgs.models import Authenticator
from tests.browser import sign_in
from tests.casehub.factories import a_case
from tests.factories import PASSWORD, current_totp, make_cast

pytestmark = pytest.mark.browser


def test_a_caseworker_downloads_the_survivors_copy_from_the_case_page(chromium_page, live_server, transactional_db):
    if shutil.which("pdftotext") is None:
        pytest.skip("needs pdftotext (poppler-utils)")
    page = chromium_page
    # given a case of the caseworker's, whose survivor speaks English
    cast = make_cast()
    caseworker = cast.owner.caseworker
    case = a_case(
        cast.owner,
        assigned=[caseworker],
        legal_name="Marta Quispe",
        primary_language="en",
        exploitation_types=["ForcedLabour"],
    )

    # when the caseworker opens the case and downloads the PDF from its main page
    sign_in(
        page,
        live_server.url,
        username=caseworker.username,
        password=PASSWORD,
        code=current_totp(Authenticator.objects.get(user=caseworker)),
    )
    page.goto(f"{live_server.url}/cases/{case.uuid}/")
    assert page.is_visible("#export-heading")
    with page.expect_download() as download:
        page.click("section.export-offer button:has-text('Download as PDF')")
    path = Path(download.value.path())

    # then it is the case's PDF, named by its number, with labels where the case holds codes
    assert download.value.suggested_filename == f"{case.case_number}.pdf"
    assert path.read_bytes().startswith(b"%PDF")
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True, text=True).stdout
    assert case.case_number in text
    assert "Type of exploitation" in text and "Forced labour" in text
    assert "ForcedLabour" not in text
    assert "Marta Quispe" in text
