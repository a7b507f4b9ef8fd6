"""Password reset: links built from SITE_URL, and requests throttled without saying so."""

import time_machine
from django.core import mail
from django.test import Client
from django.utils import timezone


def ask(email, client=None, **extra):
    return (client or Client()).post("/password-reset/", {"email": email}, **extra)


def with_email(user, email="cw@example.org"):
    user.email = email
    user.save()
    return email


def test_the_reset_link_starts_with_site_url_whatever_the_host_header(cast, settings):
    settings.ALLOWED_HOSTS = ["testserver", "evil.example"]
    settings.SITE_URL = "https://casehub.example.org"
    email = with_email(cast.owner.caseworker)
    ask(email, HTTP_HOST="evil.example")
    (message,) = mail.outbox
    (link,) = [line for line in message.body.splitlines() if "/password-reset/" in line]
    assert link.startswith("https://casehub.example.org/password-reset/")
    assert "evil.example" not in message.body


def test_an_account_gets_no_more_resets_than_its_limit(cast, settings):
    settings.PASSWORD_RESETS_PER_ACCOUNT = 2
    email = with_email(cast.owner.caseworker)
    for n in range(3):
        ask(email, Client(REMOTE_ADDR=f"198.51.100.{n}"))
    assert len(mail.outbox) == 2


def test_an_address_gets_no_more_resets_than_its_limit(cast, settings):
    settings.PASSWORD_RESETS_PER_ADDRESS = 2
    ask("nobody@example.org")
    ask("nobody-else@example.org")
    ask(with_email(cast.owner.caseworker))
    assert mail.outbox == []


def test_a_throttled_request_gets_the_same_answer_as_a_sent_one(cast, settings):
    settings.PASSWORD_RESETS_PER_ACCOUNT = 1
    email = with_email(cast.owner.caseworker)
    sent = ask(email)
    throttled = ask(email)
    assert len(mail.outbox) == 1
    assert (throttled.status_code, throttled.url) == (sent.status_code, sent.url)


def test_the_limit_lifts_after_an_hour(cast, settings):
    settings.PASSWORD_RESETS_PER_ACCOUNT = 1
    email = with_email(cast.owner.caseworker)
    ask(email)
    with time_machine.travel(timezone.now() + timezone.timedelta(seconds=3601)):
        ask(email)
    assert len(mail.outbox) == 2
