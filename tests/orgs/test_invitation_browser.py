"""In a real browser: an invitation link's token, in the fragment, reaches the account form."""

import pytest

from orgs import services

pytestmark = pytest.mark.browser


@pytest.fixture
def cast(committed_cast):
    return committed_cast  # the live server reads committed rows only


def test_the_link_opens_the_account_form_and_leaves_no_token_in_the_address(cast, chromium_page, live_server):
    _invitation, token = services.invitation_create(
        organization=cast.owner.organization, email="new@example.org", role="caseworker", by=cast.owner.org_admin
    )
    chromium_page.goto(f"{live_server.url}/invitation/#{token}")
    chromium_page.wait_for_url(f"{live_server.url}/invitation/")
    chromium_page.wait_for_selector("#id_username")
    assert token not in chromium_page.url
