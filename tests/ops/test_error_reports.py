"""Error reports: off without SENTRY_DSN; with it, a decrypted value never leaves in a report."""

import pytest
import sentry_sdk
from sentry_sdk.transport import Transport

from casehub.crypto.errors import CryptoError
from ops.errors import error_reporting_init, scrub
from tests.casehub.factories import a_case
from tests.factories import verified_client

NAME = "Zyxwv Reportable"
PHONE = "+52 33 2468 9753"


class Captured(Transport):
    """A transport that keeps each serialized envelope instead of sending it."""

    def __init__(self):
        super().__init__()
        self.envelopes: list[bytes] = []

    def capture_envelope(self, envelope):
        self.envelopes.append(envelope.serialize())


@pytest.fixture
def reports():
    transport = Captured()
    assert error_reporting_init(dsn="https://public@sentry.invalid/1", transport=transport)
    yield transport
    sentry_sdk.get_client().close()
    sentry_sdk.get_global_scope().set_client(None)  # reporting off again for the tests after this one


def sent(transport: Captured) -> str:
    sentry_sdk.flush()
    return b"\n".join(transport.envelopes).decode("utf-8", "replace")


def test_without_a_dsn_nothing_is_initialized(settings, monkeypatch):
    monkeypatch.setattr(sentry_sdk, "init", lambda *a, **k: pytest.fail("sentry_sdk.init was called"))
    assert settings.SENTRY_DSN == ""
    assert error_reporting_init(dsn="") is False
    assert not sentry_sdk.get_client().is_active()


def test_reporting_starts_without_personal_data_options(reports):
    options = sentry_sdk.get_client().options
    assert options["send_default_pii"] is False
    assert options["include_local_variables"] is False
    assert options["max_request_body_size"] == "never"


def test_a_decrypted_value_in_a_failing_views_frame_never_leaves(cast, settings, reports):
    # given a view that fails holding the survivor's decrypted name in a local variable
    settings.ROOT_URLCONF = "tests.ops.failing_urls"
    case = a_case(cast.owner, assigned=[cast.owner.caseworker], legal_name=NAME)
    client = verified_client(cast.owner.caseworker)
    client.raise_request_exception = False
    # when it is asked with the name in the body, the query string and a header too
    response = client.post(
        f"/test-failure/{case.uuid}/?q=Zyxwv", {"legal_name": NAME, "phone": PHONE}, HTTP_X_NOTE="Reportable"
    )
    # then a report left, with the exception's type and none of the values
    text = sent(reports)
    assert response.status_code == 500
    assert "RuntimeError" in text and "fail_with_a_name" in text
    assert "Zyxwv" not in text and "Reportable" not in text and "2468" not in text
    assert cast.owner.caseworker.username not in text


def test_our_own_fixed_message_is_kept(reports):
    try:
        raise CryptoError("a data key failed authentication")
    except CryptoError as error:
        sentry_sdk.capture_exception(error)
    assert "a data key failed authentication" in sent(reports)


def test_scrubbing_drops_values_user_body_cookies_query_breadcrumb_data_and_frame_vars():
    event = {
        "user": {"username": "ana"},
        "extra": {"celery-job": {"args": ["Ana"]}},
        "request": {
            "method": "POST",
            "url": "https://casehub.example.org/cases/?q=Ana",
            "query_string": "q=Ana",
            "data": {"legal_name": "Ana"},
            "cookies": {"session": "s"},
            "headers": {"User-Agent": "probe", "Cookie": "session=s", "X-Note": "Ana"},
        },
        "logentry": {"message": "saving %s", "params": ["Ana"], "formatted": "saving Ana"},
        "breadcrumbs": {"values": [{"category": "query", "message": "Ana", "data": {"v": "Ana"}, "level": "info"}]},
        "exception": {
            "values": [
                {
                    "type": "ValueError",
                    "module": None,
                    "value": "Ana",
                    "stacktrace": {"frames": [{"function": "f", "vars": {"name": "Ana"}}]},
                }
            ]
        },
        "threads": {"values": [{"stacktrace": {"frames": [{"function": "g", "vars": {"name": "Ana"}}]}}]},
    }
    assert "Ana" not in str(scrub(event, {}))
    assert event["request"] == {
        "method": "POST",
        "url": "https://casehub.example.org/cases/",
        "headers": {"User-Agent": "probe"},
    }
    assert event["exception"]["values"][0]["type"] == "ValueError"
    assert event["breadcrumbs"]["values"] == [{"category": "query", "level": "info"}]
