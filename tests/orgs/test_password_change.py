"""A member changes their own password: the current one is asked first, this session stays, the
other sessions and every API token end."""

from audit.models import AuditEvent
from orgs import services
from orgs.models import ApiToken
from tests.factories import PASSWORD, verified_client

NEW_PASSWORD = "a-new-long-passphrase-2026"


def change(client, old, new=NEW_PASSWORD, again=None):
    return client.post("/account/password/", {"old_password": old, "new_password1": new, "new_password2": again or new})


def test_it_changes_the_password_with_the_current_one(cast):
    user = cast.owner.caseworker
    change(verified_client(user), PASSWORD)
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_this_session_stays_signed_in(cast):
    client = verified_client(cast.owner.caseworker)
    change(client, PASSWORD)
    assert client.get("/").status_code == 200


def test_other_sessions_end(cast):
    user = cast.owner.caseworker
    other = verified_client(user)
    change(verified_client(user), PASSWORD)
    assert other.get("/").status_code == 302


def test_api_tokens_end(cast):
    user = cast.owner.caseworker
    token, _raw = services.api_token_create(user=user, name="hotline", days=30)
    change(verified_client(user), PASSWORD)
    token.refresh_from_db()
    assert not token.is_usable


def test_it_is_audited_without_the_password(cast):
    change(verified_client(cast.owner.caseworker), PASSWORD)
    event = AuditEvent.objects.get(action="auth.password_changed")
    assert NEW_PASSWORD not in str(event.details) and PASSWORD not in str(event.details)


def test_a_wrong_current_password_changes_nothing(cast):
    user = cast.owner.caseworker
    services.api_token_create(user=user, name="hotline", days=30)
    response = change(verified_client(user), "not my password")
    user.refresh_from_db()
    assert response.status_code == 400
    assert user.check_password(PASSWORD)
    assert ApiToken.objects.filter(user=user, revoked_at__isnull=True).count() == 1


def test_a_weak_new_password_is_refused(cast):
    user = cast.owner.caseworker
    response = change(verified_client(user), PASSWORD, new="password")
    user.refresh_from_db()
    assert response.status_code == 400
    assert user.check_password(PASSWORD)


def test_wrong_current_passwords_count_like_sign_in_failures(cast, settings):
    settings.LOGIN_FAILURES_PER_ACCOUNT = 2
    user = cast.owner.caseworker
    client = verified_client(user)
    for _ in range(2):
        change(client, "not my password")
    response = change(client, PASSWORD)
    user.refresh_from_db()
    assert "Too many failed attempts" in response.content.decode()
    assert user.check_password(PASSWORD)
