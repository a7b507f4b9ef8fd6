"""A partner's own id for a case: set on intake or update, unique in the organization, filterable."""

import json

import pytest

from casehub import services
from casehub.models import Case
from tests.factories import verified_client
from tests.sharing.factories import a_share

CREATE = "/api/v1/cases/create/"


def open_case(client, reference, **details):
    body = {"legal_name": "Ana", "external_reference": reference, **details}
    return client.post(CREATE, json.dumps(body), content_type="application/json")


def update(client, case, reference):
    body = json.dumps({"external_reference": reference})
    return client.patch(f"/api/v1/cases/{case.uuid}/update/", body, content_type="application/json")


@pytest.fixture
def client(cast):
    return verified_client(cast.owner.coordinator)


def a_case(cast, reference=""):
    return services.case_create(
        organization=cast.owner.organization, by=cast.owner.coordinator, external_reference=reference
    )


def test_a_case_opened_with_a_reference_returns_it(client):
    response = open_case(client, "HL-2041")
    assert (response.status_code, response.json()["external_reference"]) == (201, "HL-2041")


def test_a_case_opened_without_a_reference_has_a_blank_one(client):
    response = client.post(CREATE, json.dumps({"legal_name": "Ana"}), content_type="application/json")
    assert response.json()["external_reference"] == ""


def test_a_reference_longer_than_100_characters_is_refused(client):
    assert open_case(client, "x" * 101).status_code == 400


def test_a_reference_another_case_of_the_organization_has_is_a_conflict(cast, client):
    taken = a_case(cast, "HL-2041")
    response = open_case(client, "HL-2041")
    assert (response.status_code, Case.objects.count()) == (409, 1)
    assert response.json()["detail"] == "Another case of your organization already has this external reference."
    assert response.json()["code"] == "external_reference_taken"
    assert taken.case_number not in response.content.decode()


def test_the_same_reference_in_another_organization_is_accepted(cast):
    services.case_create(
        organization=cast.partner.organization, by=cast.partner.coordinator, external_reference="HL-2041"
    )
    assert open_case(verified_client(cast.owner.coordinator), "HL-2041").status_code == 201


def test_cases_without_a_reference_do_not_collide(cast, client):
    a_case(cast)
    assert open_case(client, "").status_code == 201


def test_an_update_sets_the_reference(cast, client):
    case = a_case(cast)
    assert update(client, case, "HL-7").json()["external_reference"] == "HL-7"


def test_an_update_to_a_reference_another_case_has_is_a_conflict(cast, client):
    a_case(cast, "HL-7")
    case = a_case(cast, "HL-8")
    assert update(client, case, "HL-7").status_code == 409
    case.refresh_from_db()
    assert case.external_reference == "HL-8"


def test_an_update_keeping_the_case_own_reference_is_no_conflict(cast, client):
    case = a_case(cast, "HL-7")
    assert update(client, case, "HL-7").status_code == 200


def test_the_list_filters_on_the_exact_reference(cast, client):
    wanted = a_case(cast, "HL-7")
    a_case(cast, "HL-70")
    response = client.get("/api/v1/cases/?external_reference=HL-7")
    assert [row["id"] for row in response.json()["results"]] == [str(wanted.uuid)]


def test_the_list_shows_the_reference(cast, client):
    a_case(cast, "HL-7")
    assert client.get("/api/v1/cases/").json()["results"][0]["external_reference"] == "HL-7"


def test_another_organization_sees_no_reference_on_a_shared_case(cast):
    case = a_case(cast, "HL-7")
    a_share(cast.owner, case, cast.partner)
    response = verified_client(cast.partner.coordinator).get(f"/api/v1/cases/{case.uuid}/")
    assert response.json()["external_reference"] is None


def test_another_organization_cannot_find_a_shared_case_by_its_reference(cast):
    case = a_case(cast, "HL-7")
    a_share(cast.owner, case, cast.partner)
    response = verified_client(cast.partner.coordinator).get("/api/v1/cases/?external_reference=HL-7")
    assert response.json()["results"] == []


def test_the_case_page_shows_the_reference(cast, client):
    case = a_case(cast, "HL-7")
    assert "HL-7" in client.get(f"/cases/{case.uuid}/").content.decode()


def test_a_reference_taken_between_the_check_and_the_save_is_still_a_conflict(cast, monkeypatch):
    # given another writer that takes the reference after this one checked it
    a_case(cast, "HL-7")
    check = services._check_external_reference
    calls = []

    def checked_too_early(*args, **kwargs):
        calls.append(1)
        if len(calls) > 1:
            check(*args, **kwargs)

    monkeypatch.setattr(services, "_check_external_reference", checked_too_early)
    # when the save meets the constraint, then it is refused as taken
    with pytest.raises(services.ExternalReferenceTaken):
        a_case(cast, "HL-7")
