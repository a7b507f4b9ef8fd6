"""Shared helpers for tests that drive Debian's headless Chromium through Playwright.

Use the `chromium_page` fixture (tests/conftest.py) and mark the module `browser`. The
browser is the system one at /usr/bin/chromium, never a downloaded build, and it talks to
nothing but the live server on localhost.
"""

import base64
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django_otp.oath import totp

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
# Generous, so a slow CI machine fails only when something is really stuck; never asserted on.
TIMEOUT_MS = 30_000


def require_chromium() -> None:
    """Skip without the browser, or fail when CI says the browser tests must run."""
    if CHROMIUM.exists():
        return
    message = f"{CHROMIUM} is not installed (apt-get install chromium)"
    if os.environ.get("CASEHUB_REQUIRE_BROWSER") == "1":
        pytest.fail(f"CASEHUB_REQUIRE_BROWSER=1 but {message}")
    pytest.skip(message)


@contextmanager
def chromium_context() -> Iterator:
    """A headless Chromium with a fresh, throwaway profile; yields its browser context."""
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="casehub-chromium-") as profile, sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            profile,
            executable_path=str(CHROMIUM),
            headless=True,
            args=CHROMIUM_ARGS,
            locale="en-US",
            viewport={"width": 1280, "height": 900},
        )
        context.set_default_timeout(TIMEOUT_MS)
        try:
            yield context
        finally:
            context.close()


def screenshot(page, name: str) -> None:
    """Save a full-page screenshot when CASEHUB_SCREENSHOT_DIR is set (for looking, not asserting)."""
    directory = os.environ.get("CASEHUB_SCREENSHOT_DIR")
    if directory:
        Path(directory).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(directory) / f"{name}.png"), full_page=True)


def totp_from_secret(secret: str) -> str:
    """The current code for a base32 secret as an authenticator app shows it (tests.factories.current_totp)."""
    key = base64.b32decode(secret.strip().replace(" ", "").upper())
    return f"{totp(key, step=30, t0=0, digits=6):06d}"


def sign_in(page, base_url: str, *, username: str, password: str, code: str) -> None:
    """Sign in with password and second factor, ending wherever the site sends the user."""
    page.goto(f"{base_url}/sign-in/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button:has-text('Continue')")
    page.wait_for_url("**/sign-in/second-factor/")
    page.fill("#id_code", code)
    page.click("button:has-text('Verify')")
    page.wait_for_load_state()


def sign_out(page) -> None:
    page.click("header.site button:has-text('Sign out')")
    page.wait_for_url("**/sign-in/")


def messages(page) -> list[str]:
    """The flash messages shown on the current page."""
    return [text.strip() for text in page.locator("ul.messages li").all_inner_texts()]


def minimal_pdf(text: str = "Registration certificate") -> bytes:
    """A small, well-formed one-page PDF (correct cross-reference table), built without a library."""
    stream = f"BT /F1 18 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
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


def form_errors(page) -> list[str]:
    """Every form error on the current page, to make a failed submission explain itself."""
    return [text.strip() for text in page.locator(".errors, .error").all_inner_texts()]
