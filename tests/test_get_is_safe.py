"""GET never changes anything, for every route and every kind of person."""

import copy

import pytest
from django.apps import apps
from django.test import Client

from tests.test_authorization_matrix import ACTORS, MATRIX, world  # noqa: F401 (a fixture)

pytestmark = pytest.mark.long

# Sessions and the audit trail record requests themselves (a refused GET is audited or counted); they are
# not data changes.
BOOKKEEPING = {"sessions.session", "audit.auditevent", "audit.audithead", "audit.auditrefusaltally"}


def snapshot():
    return {
        model._meta.label_lower: list(model.objects.order_by("pk").values())
        for model in apps.get_models()
        if model._meta.label_lower not in BOOKKEEPING
    }


def client_of(matrix_world, actor: str) -> Client:
    client = Client()
    client.cookies = copy.deepcopy(matrix_world.cookies[actor])
    return client


@pytest.mark.parametrize("actor", ACTORS)
def test_get_changes_nothing_on_any_route(world, db, actor):  # noqa: F811
    client = client_of(world, actor)
    before = snapshot()
    for name in MATRIX:
        client.get(world.path(name))
    assert snapshot() == before


# Django's own set_language answers GET with a redirect and changes nothing (the test above proves it).
ALLOWED = ("R", "200", "201", "202", "400", "L")
# Routes none of the matrix's actors may use (a transfer is answered by the receiving
# coordinator) are checked by their own tests (tests/sharing/test_sharing_api.py).
POST_ROUTES = [
    name
    for name, (method, codes) in MATRIX.items()
    if method in ("POST", "PATCH") and name != "set_language" and set(codes.split()[2:]) & set(ALLOWED)
]


@pytest.mark.parametrize("name", POST_ROUTES)
def test_a_state_changing_route_refuses_get_from_someone_allowed_to_post(world, db, name):  # noqa: F811
    codes = dict(zip(ACTORS, MATRIX[name][1].split(), strict=True))
    # 201: created; 202: a job started; 400: allowed in, refused for its (empty) input.
    actor = next(a for a in ACTORS[2:] if codes[a] in ALLOWED)
    response = client_of(world, actor).get(world.path(name))
    assert response.status_code == 405
