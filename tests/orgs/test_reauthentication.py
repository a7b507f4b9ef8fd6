"""A new API token and a new authenticator ask for the password again; sign-out everywhere and a
password reset end the user's API tokens."""

from urllib.parse import urlsplit

from django.core import mail
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import AuditEvent
from orgs import services
from orgs.models import ApiToken, Authenticator
from tests.factories import PASSWORD, authenticator, current_totp, verified_client


def bearer(raw):
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def create_token(client, password):
    return client.post("/account/tokens/", {"name": "hotline", "days": 30, "current_password": password})


def test_a_token_is_created_with_the_right_password(cast):
    create_token(verified_client(cast.owner.caseworker), PASSWORD)
    assert ApiToken.objects.filter(user=cast.owner.caseworker).count() == 1


def test_a_token_is_not_created_with_a_wrong_password(cast):
    response = create_token(verified_client(cast.owner.caseworker), "not my password")
    assert "That is not your password." in response.content.decode()
    assert not ApiToken.objects.exists()


def test_wrong_passwords_on_the_token_form_count_like_sign_in_failures(cast, settings):
    settings.LOGIN_FAILURES_PER_ACCOUNT = 2
    client = verified_client(cast.owner.caseworker)
    for _ in range(2):
        create_token(client, "not my password")
    response = create_token(client, PASSWORD)
    assert "Too many failed attempts" in response.content.decode()
    assert not ApiToken.objects.exists()


def start_enrollment(user):
    Authenticator.objects.filter(user=user).delete()
    client = Client()
    client.post("/sign-in/", {"username": user.username, "password": PASSWORD})
    client.get("/sign-in/second-factor/set-up/")
    return client, TOTPDevice(key=client.session["orgs.totp_setup_key"])


def test_an_authenticator_is_not_enrolled_with_a_wrong_password(cast):
    client, device = start_enrollment(cast.owner.caseworker)
    response = client.post(
        "/sign-in/second-factor/set-up/", {"code": current_totp(device), "current_password": "not my password"}
    )
    assert "That is not your password." in response.content.decode()
    assert not Authenticator.objects.filter(user=cast.owner.caseworker).exists()


def test_a_verified_user_replacing_the_authenticator_gives_the_password_too(cast):
    user = cast.owner.caseworker
    old = authenticator(user)
    client = verified_client(user)
    client.get("/sign-in/second-factor/set-up/")
    device = TOTPDevice(key=client.session["orgs.totp_setup_key"])
    client.post("/sign-in/second-factor/set-up/", {"code": current_totp(device), "current_password": "nope"})
    assert list(Authenticator.objects.filter(user=user)) == [old]


def test_wrong_passwords_at_enrollment_count_like_sign_in_failures(cast, settings):
    settings.LOGIN_FAILURES_PER_ACCOUNT = 2
    client, device = start_enrollment(cast.owner.caseworker)
    for _ in range(2):
        client.post("/sign-in/second-factor/set-up/", {"code": current_totp(device), "current_password": "nope"})
    response = client.post(
        "/sign-in/second-factor/set-up/", {"code": current_totp(device), "current_password": PASSWORD}
    )
    assert "Too many failed attempts" in response.content.decode()


def test_signing_out_everywhere_ends_the_api_tokens(cast):
    _token, raw = services.api_token_create(user=cast.owner.caseworker, name="hotline", days=30)
    verified_client(cast.owner.caseworker).post("/sign-out/everywhere/", {"confirm": "on"})
    assert Client().get("/api/v1/me/", **bearer(raw)).status_code == 401


def test_signing_out_everywhere_says_the_tokens_are_revoked(cast):
    client = verified_client(cast.owner.caseworker)
    response = client.post("/sign-out/everywhere/", {"confirm": "on"}, follow=True)
    assert "your API tokens are revoked" in response.content.decode()


def test_signing_out_everywhere_audits_the_revocation(cast):
    services.api_token_create(user=cast.owner.caseworker, name="hotline", days=30)
    verified_client(cast.owner.caseworker).post("/sign-out/everywhere/", {"confirm": "on"})
    event = AuditEvent.objects.get(action="api_token.revoked_all")
    assert event.details == {"reason": "signed_out_everywhere", "tokens": 1}


def reset_password(user):
    user.email = "cw@example.org"
    user.save()
    Client().post("/password-reset/", {"email": "cw@example.org"})
    link = next(line for line in mail.outbox[-1].body.splitlines() if "/password-reset/" in line)
    client = Client()
    form_url = client.get(urlsplit(link.strip()).path).url
    new = "a fresh and unusual passphrase 8"
    return client.post(form_url, {"new_password1": new, "new_password2": new}, follow=True)


def test_a_password_reset_ends_the_api_tokens(cast):
    _token, raw = services.api_token_create(user=cast.owner.caseworker, name="hotline", days=30)
    reset_password(cast.owner.caseworker)
    assert Client().get("/api/v1/me/", **bearer(raw)).status_code == 401


def test_a_password_reset_says_the_tokens_are_revoked(cast):
    response = reset_password(cast.owner.caseworker)
    assert "your API tokens are revoked" in response.content.decode()


def test_a_password_reset_audits_the_revocation(cast):
    services.api_token_create(user=cast.owner.caseworker, name="hotline", days=30)
    reset_password(cast.owner.caseworker)
    assert AuditEvent.objects.get(action="api_token.revoked_all").details == {"reason": "password_reset", "tokens": 1}
