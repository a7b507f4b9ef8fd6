"""The CI smoke test's browser: through HTTP only, as a caseworker would.

python .ci/smoke_http.py BASE_URL DEMO_ACCOUNTS_FILE CASE_UUID CASE_NUMBER
Fetches a static file, signs in as the demo shelter caseworker (password, then a TOTP code from
the authenticator key load_demo printed) and opens a case page. Exits non-zero on any failure.
"""

import base64
import hashlib
import hmac
import http.cookiejar
import re
import struct
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

USERNAME = "shelter-caseworker"


def totp(base32_key: str, *, at: float | None = None) -> str:
    """RFC 6238 with django-otp's defaults: SHA-1, 30-second steps, 6 digits."""
    key = base64.b32decode(base32_key)
    counter = int((time.time() if at is None else at) // 30)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    code = (struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 1_000_000
    return f"{code:06d}"


def demo_account(accounts_file: str, username: str) -> tuple[str, str]:
    """The password and authenticator key load_demo printed for username."""
    text = Path(accounts_file).read_text()
    password = re.search(r"password for all: ([^)\s]+)", text)
    key = re.search(rf"^\s*{re.escape(username)}\s.*\n\s*authenticator key: (\S+)", text, re.MULTILINE)
    if not (password and key):
        raise SystemExit(f"smoke: no password or authenticator key for {username} in {accounts_file}")
    return password.group(1), key.group(1)


class Browser:
    def __init__(self, base: str):
        self.base = base.rstrip("/")
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, path: str):
        return self._open(urllib.request.Request(self.base + path))

    def post(self, path: str, fields: dict):
        token = next(cookie.value for cookie in self.jar if cookie.name == "csrftoken")
        body = urllib.parse.urlencode({"csrfmiddlewaretoken": token, **fields}).encode()
        return self._open(urllib.request.Request(self.base + path, data=body, method="POST"))

    def _open(self, request):
        with self.opener.open(request, timeout=30) as response:
            return response.status, urllib.parse.urlsplit(response.url).path, response.read().decode(errors="replace")


def check(condition: bool, what: str) -> None:
    if not condition:
        raise SystemExit(f"smoke: FAILED: {what}")
    print(f"smoke: ok: {what}")


def main(base: str, accounts_file: str, case_uuid: str, case_number: str) -> None:
    browser = Browser(base)
    status, _path, page = browser.get("/sign-in/")
    check(status == 200, "the sign-in page answers")
    stylesheet = re.search(r'href="(/static/css/casehub\.[0-9a-f]{12}\.css)"', page)
    check(stylesheet is not None, "the page links the stylesheet by its hashed name")
    status, _path, css = browser.get(stylesheet.group(1))
    check(status == 200 and len(css) > 0, "gunicorn serves the stylesheet")

    password, key = demo_account(accounts_file, USERNAME)
    _status, path, _page = browser.post("/sign-in/", {"username": USERNAME, "password": password})
    check(path == "/sign-in/second-factor/", "the password leads to the second factor")
    _status, path, page = browser.post("/sign-in/second-factor/", {"code": totp(key)})
    check(path == "/", f"the authenticator code signs {USERNAME} in")

    status, _path, page = browser.get(f"/cases/{case_uuid}/")
    check(status == 200 and case_number in page, f"the case page shows case {case_number}")


if __name__ == "__main__":
    main(*sys.argv[1:5])
