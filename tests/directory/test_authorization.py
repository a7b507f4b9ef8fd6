"""Every role of the cast against every directory page and endpoint: the expected answer of each.

The owner organization holds the service and location asked about; partner and outsider are
other vetted organizations; suspended is suspended; admin is the platform admin.
"""

import pytest
from django.test import Client

from tests.directory.factories import LocationFactory, directory_service
from tests.factories import verified_client

VETTED = ["owner", "partner", "outsider"]
ROLES = ["caseworker", "coordinator", "org_admin"]
EVERYONE = [f"{team}.{role}" for team in [*VETTED, "suspended"] for role in ROLES] + ["admin", "anonymous"]


def expect(ok: int, *, who: str, anonymous: int) -> dict:
    """The answer of each person for an operation open to `who`."""
    table = {}
    for person in EVERYONE:
        team, _, role = person.partition(".")
        if person == "anonymous":
            table[person] = anonymous
        elif team in VETTED and who == "member":
            table[person] = ok
        elif team in VETTED and who == "editor":
            table[person] = ok if role in ("coordinator", "org_admin") else 403
        elif team in VETTED and who == "owner_editor":
            if role == "caseworker":
                table[person] = 403
            else:
                table[person] = ok if team == "owner" else 404
        elif team in VETTED and who == "matcher":
            table[person] = ok if role in ("caseworker", "coordinator") else 403
        else:
            table[person] = 403
    return table


CAPACITY = {"status": "waitlist"}
LOCATION_FORM = {"name": "Office", "visibility": "public", "location_type": "physical"}
SERVICE_API = {"kind": "shelter", "name": "Casa"}
EXPORT_FORM = {"format": "tabular", "scope": "public"}

# (method, path template, body, JSON?, expected table)
OPERATIONS = [
    ("get", "/directory/services/", None, False, expect(200, who="editor", anonymous=302)),
    ("get", "/directory/services/new/", None, False, expect(200, who="editor", anonymous=302)),
    ("get", "/directory/locations/new/", None, False, expect(200, who="editor", anonymous=302)),
    ("post", "/directory/locations/new/", LOCATION_FORM, False, expect(302, who="editor", anonymous=302)),
    ("get", "/directory/services/{service}/", None, False, expect(200, who="member", anonymous=302)),
    ("get", "/directory/services/{service}/edit/", None, False, expect(200, who="owner_editor", anonymous=302)),
    (
        "post",
        "/directory/services/{service}/capacity/",
        CAPACITY,
        False,
        expect(302, who="owner_editor", anonymous=302),
    ),
    ("get", "/directory/locations/{location}/edit/", None, False, expect(200, who="owner_editor", anonymous=302)),
    (
        "post",
        "/directory/locations/{location}/edit/",
        LOCATION_FORM,
        False,
        expect(302, who="owner_editor", anonymous=302),
    ),
    ("get", "/directory/match/?kind=shelter", None, False, expect(200, who="matcher", anonymous=302)),
    ("get", "/api/v1/directory/match/?kind=shelter", None, True, expect(200, who="matcher", anonymous=401)),
    ("get", "/api/hsds/", None, True, expect(200, who="member", anonymous=401)),
    ("get", "/api/hsds/services", None, True, expect(200, who="member", anonymous=401)),
    ("get", "/api/hsds/services/{service}", None, True, expect(200, who="member", anonymous=401)),
    ("post", "/api/v1/directory/export/json/", {}, True, expect(202, who="member", anonymous=401)),
    ("post", "/api/v1/directory/export/tabular/", {}, True, expect(202, who="member", anonymous=401)),
    ("post", "/api/v1/directory/import/json/", [], True, expect(403, who="nobody", anonymous=401) | {"admin": 202}),
    ("get", "/directory/jobs/", None, False, expect(200, who="member", anonymous=302) | {"admin": 200}),
    ("post", "/directory/jobs/export/", EXPORT_FORM, False, expect(302, who="member", anonymous=302)),
    ("get", "/api/v1/directory/services/", None, True, expect(200, who="member", anonymous=401)),
    ("get", "/api/v1/directory/services/{service}/", None, True, expect(200, who="member", anonymous=401)),
    ("post", "/api/v1/directory/services/create/", SERVICE_API, True, expect(201, who="editor", anonymous=401)),
    (
        "post",
        "/api/v1/directory/services/{service}/update/",
        SERVICE_API,
        True,
        expect(200, who="owner_editor", anonymous=401),
    ),
    (
        "post",
        "/api/v1/directory/services/{service}/capacity/",
        CAPACITY,
        True,
        expect(200, who="owner_editor", anonymous=401),
    ),
    ("get", "/api/v1/directory/locations/", None, True, expect(200, who="editor", anonymous=401)),
    ("post", "/api/v1/directory/locations/create/", LOCATION_FORM, True, expect(201, who="editor", anonymous=401)),
    (
        "post",
        "/api/v1/directory/locations/{location}/update/",
        LOCATION_FORM,
        True,
        expect(200, who="owner_editor", anonymous=401),
    ),
]


def person(cast, key: str):
    if key == "admin":
        return cast.admin
    team, role = key.split(".")
    return getattr(cast, team).by_role(role)


def client_for(cast, key: str) -> Client:
    return Client() if key == "anonymous" else verified_client(person(cast, key))


@pytest.mark.django_db
@pytest.mark.parametrize("method,template,body,is_json,table", OPERATIONS, ids=[f"{o[0]} {o[1]}" for o in OPERATIONS])
def test_each_person_gets_the_answer_their_role_allows(cast, method, template, body, is_json, table):
    location = LocationFactory(organization=cast.owner.organization)
    service = directory_service(cast.owner.organization, location=location)
    path = template.format(service=service.id, location=location.id)
    answers = {}
    for key in EVERYONE:
        client = client_for(cast, key)
        kwargs = {"content_type": "application/json"} if is_json and body is not None else {}
        response = getattr(client, method)(path, body, **kwargs) if body is not None else getattr(client, method)(path)
        answers[key] = response.status_code
    assert answers == table


def directory_state() -> dict:
    from directory.models import Address, Language, Location, Phone, Schedule, Service, ServiceArea, ServiceAtLocation
    from orgs.models import Organization

    models = [Organization, Service, Location, Address, Phone, Schedule, Language, ServiceArea, ServiceAtLocation]
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in models}


@pytest.mark.django_db
def test_no_get_changes_anything_whoever_asks(cast):
    location = LocationFactory(organization=cast.owner.organization)
    service = directory_service(cast.owner.organization, location=location)
    before = directory_state()
    for method, template, _body, _is_json, _table in OPERATIONS:
        if method != "get":
            continue
        path = template.format(service=service.id, location=location.id)
        for key in EVERYONE:
            client_for(cast, key).get(path)
    assert directory_state() == before
