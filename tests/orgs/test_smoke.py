from tests.factories import verified_client


def test_home_shows_the_members_organization(cast):
    response = verified_client(cast.owner.coordinator).get("/")
    assert response.status_code == 200
    assert b"Owner" in response.content
