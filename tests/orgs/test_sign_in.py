"""Password, second factor, throttling, idle timeout, and signing out."""

import re

import time_machine
from django.core import mail
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import AuditEvent
from orgs.models import Authenticator, User
from tests.factories import PASSWORD, authenticator, current_totp, verified_client


def sign_in(client, username, password=PASSWORD):
    return client.post("/sign-in/", {"username": username, "password": password})


def test_a_right_password_leads_to_the_second_factor_not_in(cast):
    client = Client()
    response = sign_in(client, cast.owner.caseworker.username)
    assert response.url == "/sign-in/second-factor/"
    assert client.get("/").url == "/sign-in/second-factor/"


def test_a_code_from_the_authenticator_completes_sign_in(cast):
    client = Client()
    sign_in(client, cast.owner.caseworker.username)
    code = current_totp(authenticator(cast.owner.caseworker))
    response = client.post("/sign-in/second-factor/", {"code": code})
    assert response.url == "/"
    assert client.get("/").status_code == 200


def test_a_recovery_code_completes_sign_in_once(cast):
    from orgs.services import recovery_codes_generate

    codes = recovery_codes_generate(user=cast.owner.caseworker)
    first, second = Client(), Client()
    sign_in(first, cast.owner.caseworker.username)
    assert first.post("/sign-in/second-factor/", {"code": codes[0]}).url == "/"
    sign_in(second, cast.owner.caseworker.username)
    response = second.post("/sign-in/second-factor/", {"code": codes[0]})
    assert response.status_code == 200
    assert "not valid" in response.content.decode()


def test_a_wrong_code_keeps_the_user_out(cast):
    client = Client()
    sign_in(client, cast.owner.caseworker.username)
    client.post("/sign-in/second-factor/", {"code": "000000"})
    assert client.get("/").url == "/sign-in/second-factor/"


def test_a_user_without_an_authenticator_must_enroll_before_anything_else(cast):
    Authenticator.objects.filter(user=cast.owner.caseworker).delete()
    client = Client()
    sign_in(client, cast.owner.caseworker.username)
    assert client.get("/sign-in/second-factor/").url == "/sign-in/second-factor/set-up/"
    assert client.get("/organization/members/").url == "/sign-in/second-factor/"


def test_enrollment_confirms_the_authenticator_and_shows_recovery_codes(cast):
    Authenticator.objects.filter(user=cast.owner.caseworker).delete()
    client = Client()
    sign_in(client, cast.owner.caseworker.username)
    client.get("/sign-in/second-factor/set-up/")
    device = TOTPDevice(key=client.session["orgs.totp_setup_key"])
    response = client.post(
        "/sign-in/second-factor/set-up/", {"code": current_totp(device), "current_password": PASSWORD}
    )
    assert response.status_code == 200
    assert "recovery-codes" in response.content.decode()
    assert Authenticator.objects.get(user=cast.owner.caseworker).confirmed
    assert AuditEvent.objects.filter(action="auth.2fa_enrolled", actor=cast.owner.caseworker).exists()
    assert client.get("/").status_code == 200


def test_showing_the_enrollment_page_saves_no_device(cast):
    Authenticator.objects.filter(user=cast.owner.caseworker).delete()
    client = Client()
    sign_in(client, cast.owner.caseworker.username)
    client.get("/sign-in/second-factor/set-up/")
    assert not Authenticator.objects.filter(user=cast.owner.caseworker).exists()


def test_an_enrolled_user_cannot_enroll_a_new_authenticator_without_the_old_one(cast):
    client = Client()
    sign_in(client, cast.owner.caseworker.username)
    assert client.get("/sign-in/second-factor/set-up/").url == "/sign-in/second-factor/"


def test_unknown_and_known_usernames_get_the_same_answer(cast):
    known = sign_in(Client(), cast.owner.caseworker.username, "wrong password")
    unknown = sign_in(Client(), "nobody-by-this-name", "wrong password")
    assert known.status_code == unknown.status_code == 200

    def page(response, username):
        body = response.content.decode().split('id="main"')[1].replace(username, "NAME")
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", body)

    assert page(known, cast.owner.caseworker.username) == page(unknown, "nobody-by-this-name")


def test_failed_sign_ins_are_audited_without_the_username(cast):
    sign_in(Client(), cast.owner.caseworker.username, "wrong password")
    event = AuditEvent.objects.get(action="auth.sign_in", outcome="failure")
    assert cast.owner.caseworker.username not in str(event.details)


def test_an_account_is_throttled_after_repeated_failures_even_with_the_right_password(cast, settings):
    settings.LOGIN_FAILURES_PER_ACCOUNT = 3
    for _ in range(3):
        sign_in(Client(), cast.owner.caseworker.username, "wrong password")
    response = sign_in(Client(), cast.owner.caseworker.username)
    assert response.status_code == 200
    assert "Too many failed attempts" in response.content.decode()


def test_the_throttle_cools_off(cast, settings):
    settings.LOGIN_FAILURES_PER_ACCOUNT = 3
    settings.LOGIN_COOL_OFF_SECONDS = 600
    for _ in range(3):
        sign_in(Client(), cast.owner.caseworker.username, "wrong password")
    with time_machine.travel(timezone.now() + timezone.timedelta(seconds=601)):
        response = sign_in(Client(), cast.owner.caseworker.username)
    assert response.url == "/sign-in/second-factor/"


def test_an_address_is_throttled_across_accounts(cast, settings):
    settings.LOGIN_FAILURES_PER_ADDRESS = 4
    for n in range(4):
        sign_in(Client(), f"guess-{n}", "wrong password")
    response = sign_in(Client(), cast.owner.caseworker.username)
    assert "Too many failed attempts" in response.content.decode()


def test_another_address_is_not_affected_by_a_throttled_one(cast, settings):
    settings.LOGIN_FAILURES_PER_ADDRESS = 2
    for n in range(2):
        sign_in(Client(REMOTE_ADDR="203.0.113.9"), f"guess-{n}", "wrong password")
    response = sign_in(Client(REMOTE_ADDR="198.51.100.7"), cast.owner.caseworker.username)
    assert response.url == "/sign-in/second-factor/"


def test_second_factor_guesses_are_throttled_too(cast, settings):
    settings.LOGIN_FAILURES_PER_ACCOUNT = 3
    client = Client()
    sign_in(client, cast.owner.caseworker.username)
    for _ in range(3):
        client.post("/sign-in/second-factor/", {"code": "000000"})
    code = current_totp(authenticator(cast.owner.caseworker))
    response = client.post("/sign-in/second-factor/", {"code": code})
    assert "Too many failed attempts" in response.content.decode()


def test_an_idle_session_expires(cast, settings):
    client = verified_client(cast.owner.caseworker)
    with time_machine.travel(timezone.now() + timezone.timedelta(seconds=settings.SESSION_COOKIE_AGE + 5)):
        assert client.get("/").url.startswith("/sign-in/")


def test_an_active_session_stays_open(cast, settings):
    client = verified_client(cast.owner.caseworker)
    start = timezone.now()
    for step in range(1, 4):
        with time_machine.travel(start + timezone.timedelta(seconds=step * settings.SESSION_COOKIE_AGE * 0.6)):
            assert client.get("/").status_code == 200


def test_sign_out_everywhere_ends_every_session(cast):
    laptop = verified_client(cast.owner.caseworker)
    phone = verified_client(cast.owner.caseworker)
    laptop.post("/sign-out/everywhere/", {"confirm": "on"})
    assert phone.get("/").url.startswith("/sign-in/")


def test_sign_out_ends_this_session_only(cast):
    laptop = verified_client(cast.owner.caseworker)
    phone = verified_client(cast.owner.caseworker)
    laptop.post("/sign-out/")
    assert laptop.get("/").url.startswith("/sign-in/")
    assert phone.get("/").status_code == 200


def test_password_reset_mails_a_link_that_sets_a_new_password(cast, settings):
    cast.owner.caseworker.email = "cw@example.org"
    cast.owner.caseworker.save()
    Client().post("/password-reset/", {"email": "cw@example.org"})
    (message,) = mail.outbox
    link = next(line for line in message.body.splitlines() if "/password-reset/" in line)
    path = link.split(settings.SITE_URL, 1)[1]
    client = Client()
    form_url = client.get(path).url
    new = "a fresh and unusual passphrase 8"
    client.post(form_url, {"new_password1": new, "new_password2": new})
    assert User.objects.get(pk=cast.owner.caseworker.pk).check_password(new)


def test_password_reset_answers_the_same_for_unknown_addresses(cast):
    response = Client().post("/password-reset/", {"email": "nobody@example.org"})
    assert response.url == "/password-reset/sent/"
    assert mail.outbox == []


def test_sign_in_returns_to_the_page_first_asked_for(cast):
    client = Client()
    login_url = client.get("/organization/members/").url
    assert login_url == "/sign-in/?next=%2Forganization%2Fmembers%2F"
    client.post(
        login_url, {"username": cast.owner.org_admin.username, "password": PASSWORD, "next": "/organization/members/"}
    )
    response = client.post("/sign-in/second-factor/", {"code": current_totp(authenticator(cast.owner.org_admin))})
    assert response.url == "/organization/members/"


def test_sign_in_never_returns_to_another_site(cast):
    client = Client()
    client.post(
        "/sign-in/", {"username": cast.owner.caseworker.username, "password": PASSWORD, "next": "https://evil.example/"}
    )
    response = client.post("/sign-in/second-factor/", {"code": current_totp(authenticator(cast.owner.caseworker))})
    assert response.url == "/"


def test_the_menu_stays_hidden_until_the_second_factor_is_verified(cast):
    client = Client()
    sign_in(client, cast.owner.org_admin.username)
    body = client.get("/sign-in/second-factor/").content.decode()
    assert "/organization/members/" not in body


def test_new_recovery_codes_are_made_only_once_confirmed(cast):
    client = verified_client(cast.owner.caseworker)
    asked = client.get("/?confirm=recovery-codes").content.decode()
    assert "The ones you have now will stop working." in asked
    refused = client.post("/account/recovery-codes/")
    assert refused.status_code == 302 and refused.url == "/"
    assert client.post("/account/recovery-codes/", {"confirm": "on"}).status_code == 200


def test_signing_out_everywhere_is_asked_first_and_refused_without_confirmation(cast):
    client = verified_client(cast.owner.caseworker)
    assert (
        "Sign out on every device, this one included?" in client.get("/?confirm=sign-out-everywhere").content.decode()
    )
    refused = client.post("/sign-out/everywhere/")
    assert refused.url == "/"
    assert client.get("/").status_code == 200  # still signed in


def test_a_session_ends_at_its_absolute_lifetime_however_active(cast, settings):
    client = verified_client(cast.owner.caseworker)
    client.get("/")
    start = timezone.now()
    step = timezone.timedelta(seconds=settings.SESSION_COOKIE_AGE * 0.6)
    with time_machine.travel(start, tick=False) as traveller:
        while timezone.now() - start <= timezone.timedelta(seconds=settings.SESSION_ABSOLUTE_LIFETIME):
            traveller.shift(step)
            response = client.get("/")
    assert response.url.startswith("/sign-in/?next=")


def test_a_session_within_its_absolute_lifetime_stays_open(cast, settings):
    settings.SESSION_COOKIE_AGE = settings.SESSION_ABSOLUTE_LIFETIME * 2
    client = verified_client(cast.owner.caseworker)
    client.get("/")
    with time_machine.travel(timezone.now() + timezone.timedelta(seconds=settings.SESSION_ABSOLUTE_LIFETIME - 30)):
        assert client.get("/").status_code == 200


def test_the_api_refuses_a_session_past_its_absolute_lifetime(cast, settings):
    settings.SESSION_COOKIE_AGE = settings.SESSION_ABSOLUTE_LIFETIME * 2
    client = verified_client(cast.owner.caseworker)
    assert client.get("/api/v1/me/").status_code == 200
    with time_machine.travel(timezone.now() + timezone.timedelta(seconds=settings.SESSION_ABSOLUTE_LIFETIME + 5)):
        assert client.get("/api/v1/me/").status_code in {401, 403}


def test_second_factor_failures_outlast_a_right_password(cast, settings):
    settings.LOGIN_FAILURES_PER_ACCOUNT = 3
    user = cast.owner.caseworker
    for _ in range(3):
        client = Client()
        sign_in(client, user.username)
        client.post("/sign-in/second-factor/", {"code": "000000"})
    response = sign_in(Client(), user.username)
    assert "Too many failed attempts" in response.content.decode()


def test_wrong_recovery_codes_count_against_the_account(cast, settings):
    settings.LOGIN_FAILURES_PER_ACCOUNT = 2
    client = Client()
    sign_in(client, cast.owner.caseworker.username)
    for _ in range(2):
        client.post("/sign-in/second-factor/", {"code": "abcdef-123456"})
    assert "Too many failed attempts" in sign_in(Client(), cast.owner.caseworker.username).content.decode()


def test_a_complete_sign_in_clears_the_failures(cast, settings):
    settings.LOGIN_FAILURES_PER_ACCOUNT = 3
    user = cast.owner.caseworker
    for _ in range(2):
        sign_in(Client(), user.username, "wrong password")
    client = Client()
    sign_in(client, user.username)
    client.post("/sign-in/second-factor/", {"code": current_totp(authenticator(user))})
    for _ in range(2):
        sign_in(Client(), user.username, "wrong password")
    assert sign_in(Client(), user.username).url == "/sign-in/second-factor/"
