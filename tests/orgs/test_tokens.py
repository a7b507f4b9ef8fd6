"""The tokens page: a revocation is confirmed in place before it happens."""

from orgs import services
from tests.factories import verified_client


def a_token(user):
    token, _raw = services.api_token_create(user=user, name="hotline bridge", days=30)
    return token


def test_the_tokens_page_asks_to_confirm_a_revocation_in_place(cast):
    token = a_token(cast.owner.caseworker)
    response = verified_client(cast.owner.caseworker).get(f"/account/tokens/?revoke={token.pk}")
    assert 'Revoke the token "hotline bridge"?' in response.content.decode().replace("&quot;", '"')
    token.refresh_from_db()
    assert token.is_usable


def test_a_revocation_without_confirmation_keeps_the_token_and_says_why(cast):
    token = a_token(cast.owner.caseworker)
    response = verified_client(cast.owner.caseworker).post(f"/account/tokens/{token.pk}/revoke/", follow=True)
    token.refresh_from_db()
    assert token.is_usable
    assert "confirm that you want to revoke this token" in response.content.decode()


def test_a_confirmed_revocation_ends_the_token(cast):
    token = a_token(cast.owner.caseworker)
    verified_client(cast.owner.caseworker).post(f"/account/tokens/{token.pk}/revoke/", {"confirm": "yes"})
    token.refresh_from_db()
    assert not token.is_usable


def test_no_one_is_asked_to_confirm_revoking_someone_elses_token(cast):
    token = a_token(cast.owner.coordinator)
    response = verified_client(cast.owner.caseworker).get(f"/account/tokens/?revoke={token.pk}")
    assert "hotline bridge" not in response.content.decode()
