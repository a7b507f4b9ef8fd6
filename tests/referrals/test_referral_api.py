"""/api/v1/referrals/: the same rules as the pages, status with FHIR beside ours."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from referrals.models import Referral, ReferralState
from referrals.workflow import need_create, referral_act, referral_create
from tests.factories import verified_client
from tests.problems import error_fields
from tests.referrals.factories import a_referral, a_scene


def post(client, path, body):
    return client.post(path, body, content_type="application/json")


def test_a_caseworker_records_a_need_and_refers_it_through_the_api(cast):
    scene = a_scene(cast)
    client = verified_client(scene.shelter.caseworker)
    need = post(client, f"/api/v1/referrals/cases/{scene.case.uuid}/needs/create/", {"kind": "legal_aid"}).json()
    response = post(client, "/api/v1/referrals/create/", {"need": need["id"], "service": str(scene.service.id)})
    assert response.status_code == 201
    body = response.json()
    assert (body["state"], body["fhir_status"]) == ("sent", "requested")
    assert "withdraw" in body["actions"]


def test_status_for_integrations_reports_ours_and_fhir(cast):
    scene = a_scene(cast)
    referral = a_referral(scene, send=True)
    client = verified_client(scene.provider.coordinator)
    post(client, f"/api/v1/referrals/{referral.uuid}/act/", {"action": "decline", "reason": "no_capacity"})
    body = client.get(f"/api/v1/referrals/{referral.uuid}/status/").json()
    assert (body["state"], body["fhir_status"], body["reason"]) == ("declined", "rejected", "no_capacity")


def test_an_action_without_its_reason_is_a_400_and_changes_nothing(cast):
    scene = a_scene(cast)
    referral = a_referral(scene, send=True)
    client = verified_client(scene.provider.coordinator)
    response = post(client, f"/api/v1/referrals/{referral.uuid}/act/", {"action": "decline"})
    assert response.status_code == 400 and "reason" in error_fields(response)
    assert Referral.objects.get(pk=referral.pk).state == ReferralState.SENT


def test_the_receiver_accepts_naming_an_assignee_by_uuid(cast):
    scene = a_scene(cast)
    referral = a_referral(scene, send=True)
    client = verified_client(scene.provider.coordinator)
    body = post(
        client,
        f"/api/v1/referrals/{referral.uuid}/act/",
        {"action": "accept", "assignee": str(scene.provider.caseworker.uuid)},
    ).json()
    assert body["state"] == "accepted" and body["assigned_to"] == str(scene.provider.caseworker.uuid)


def test_the_thread_and_timeline_are_readable_by_both_sides(cast):
    scene = a_scene(cast)
    referral = a_referral(scene, send=True)
    post(
        verified_client(scene.provider.coordinator),
        f"/api/v1/referrals/{referral.uuid}/messages/create/",
        {"body": "ID?"},
    )
    shelter = verified_client(scene.shelter.caseworker)
    assert [m["body"] for m in shelter.get(f"/api/v1/referrals/{referral.uuid}/messages/").json()] == ["ID?"]
    actions = [e["action"] for e in shelter.get(f"/api/v1/referrals/{referral.uuid}/events/").json()]
    assert actions == ["create", "send"]


def test_the_incoming_queue_never_carries_the_case(cast):
    scene = a_scene(cast)
    a_referral(scene, send=True)
    rows = verified_client(scene.provider.coordinator).get("/api/v1/referrals/incoming/").json()
    assert len(rows) == 1
    assert "Secretname" not in str(rows) and scene.case.case_number not in str(rows)


def test_figures_are_counts_only(cast):
    body = verified_client(cast.outsider.coordinator).get("/api/v1/referrals/figures/").json()
    assert body["answered"] == 0 and body["acceptance_rate"] is None


def test_figures_are_refused_to_caseworkers(cast):
    assert verified_client(cast.outsider.caseworker).get("/api/v1/referrals/figures/").status_code == 403


def test_the_outgoing_queue_takes_as_many_queries_for_many_referrals_as_for_one(cast):
    # given
    scene = a_scene(cast)
    a_referral(scene, send=True)
    client = verified_client(scene.shelter.caseworker)
    client.get("/api/v1/referrals/outgoing/")
    with CaptureQueriesContext(connection) as one:
        assert len(client.get("/api/v1/referrals/outgoing/").json()) == 1
    for _ in range(4):
        need = need_create(case=scene.case, by=scene.shelter.caseworker, kind="legal_aid")
        referral = referral_create(need=need, service=scene.service, by=scene.shelter.caseworker)
        referral_act(referral=referral, by=scene.shelter.caseworker, action="send")
    # when
    with CaptureQueriesContext(connection) as five:
        rows = client.get("/api/v1/referrals/outgoing/").json()
    # then
    assert len(rows) == 5 and all("withdraw" in row["actions"] for row in rows)
    assert len(five) == len(one)


def test_a_created_referral_has_a_location_where_it_is_read(cast):
    scene = a_scene(cast)
    client = verified_client(scene.shelter.caseworker)
    need = post(client, f"/api/v1/referrals/cases/{scene.case.uuid}/needs/create/", {"kind": "legal_aid"}).json()
    created = post(client, "/api/v1/referrals/create/", {"need": need["id"], "service": str(scene.service.id)})
    assert created["Location"] == f"http://testserver/api/v1/referrals/{created.json()['id']}/"
    assert client.get(created["Location"]).json()["id"] == created.json()["id"]
