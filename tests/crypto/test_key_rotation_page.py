import pytest

from casehub.models import KeyRotation
from tests.crypto.keys import rotated
from tests.factories import verified_client

pytestmark = pytest.mark.django_db
URL = "/platform/keys/"


def test_it_shows_platform_admins_the_rotations(cast):
    KeyRotation.objects.create(target_key_id="test1", total=10, done=5)
    response = verified_client(cast.admin).get(URL)
    assert response.status_code == 200
    assert b'<progress max="100" value="50"' in response.content


@pytest.mark.parametrize("role", ["caseworker", "coordinator", "org_admin"])
def test_it_refuses_organization_members(cast, role):
    assert verified_client(cast.owner.by_role(role)).get(URL).status_code == 403


def test_a_get_starts_nothing(cast):
    verified_client(cast.admin).get(URL)
    assert not KeyRotation.objects.exists()


def test_a_post_starts_a_rotation_to_the_active_key(cast, settings):
    settings.CASEHUB_MASTER_KEYS = rotated()
    response = verified_client(cast.admin).post(URL)
    assert response.status_code == 302
    assert KeyRotation.objects.get().target_key_id == "new"


def test_members_cannot_start_a_rotation(cast):
    assert verified_client(cast.owner.org_admin).post(URL).status_code == 403
    assert not KeyRotation.objects.exists()
