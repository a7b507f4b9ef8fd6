"""The sharing API: consent, shares, overrides, transfers and the cases shared with us."""

import pytest

from casehub.grants import (
    CaseGroupObjectPermission,
    CaseShare,
    CaseTransfer,
    Consent,
    ConsentProvision,
    EmergencyOverride,
    Purpose,
    ShareStatus,
    TransferStatus,
)
from casehub.models import Case
from casehub.services import case_viewed
from orgs import fieldgroups
from orgs.models import Role
from tests.casehub.factories import a_case
from tests.factories import member, verified_client
from tests.problems import error_fields
from tests.sharing.factories import a_consent, a_share

NAME = "Zz-api-legal-name"


@pytest.fixture
def case(cast):
    return a_case(cast.owner, legal_name=NAME, needs=["shelter"], assigned=[cast.owner.caseworker])


def post(user, url, body=None):
    return verified_client(user).post(url, body or {}, content_type="application/json")


def get(user, url):
    return verified_client(user).get(url)


def share_body(cast, groups=(fieldgroups.CASE_DETAILS,), purpose=Purpose.COORDINATION):
    return {"to_organization": str(cast.partner.organization.uuid), "field_groups": list(groups), "purpose": purpose}


def nothing_shared() -> bool:
    return not CaseShare.objects.exists() and not CaseGroupObjectPermission.objects.exists()


# Consent ----------------------------------------------------------------------------------------


def test_a_coordinator_records_consent_with_provisions(cast, case):
    body = {
        "decision": "granted",
        "method": "written",
        "provisions": [
            {
                "recipient_organization": str(cast.partner.organization.uuid),
                "field_groups": ["identity", "contact"],
                "purposes": ["coordination"],
            },
            {"recipient_service_kind": "legal_aid", "field_groups": ["case_details"], "purposes": ["referral"]},
        ],
    }
    response = post(cast.owner.coordinator, f"/api/v1/cases/{case.uuid}/consents/", body)
    assert response.status_code == 201, response.content
    assert response.json()["active"] is True
    assert ConsentProvision.objects.filter(consent__case=case).count() == 2
    listed = get(cast.owner.coordinator, f"/api/v1/cases/{case.uuid}/consents/").json()
    assert [consent["id"] for consent in listed] == [response.json()["id"]]
    assert listed[0]["provisions"][0]["recipient_organization"]["name"] == cast.partner.organization.name


def test_a_refusal_is_recorded_without_provisions(cast, case):
    response = post(
        cast.owner.caseworker, f"/api/v1/cases/{case.uuid}/consents/", {"decision": "refused", "method": "written"}
    )
    assert response.status_code == 201
    assert response.json()["provisions"] == [] and response.json()["active"] is False


def test_consent_naming_an_unknown_organization_is_refused_and_writes_nothing(cast, case):
    body = {
        "decision": "granted",
        "method": "written",
        "provisions": [
            {
                "recipient_organization": "00000000-0000-0000-0000-000000000000",
                "field_groups": ["identity"],
                "purposes": ["coordination"],
            }
        ],
    }
    response = post(cast.owner.coordinator, f"/api/v1/cases/{case.uuid}/consents/", body)
    assert response.status_code == 400 and "provisions" in error_fields(response)
    assert not Consent.objects.exists()


def test_consent_of_a_case_others_cannot_see_is_not_found(cast, case):
    for user in (cast.owner.org_admin, cast.partner.coordinator, cast.outsider.coordinator):
        assert get(user, f"/api/v1/cases/{case.uuid}/consents/").status_code == 404


def test_a_recipient_may_not_read_nor_record_consent(cast, case):
    a_share(cast.owner, case, cast.partner)
    assert get(cast.partner.coordinator, f"/api/v1/cases/{case.uuid}/consents/").status_code == 403


def test_withdrawing_consent_ends_its_shares(cast, case):
    share = a_share(cast.owner, case, cast.partner)
    response = post(cast.owner.coordinator, f"/api/v1/cases/{case.uuid}/consents/{share.consent.uuid}/withdraw/")
    assert response.status_code == 200 and response.json()["withdrawn_at"]
    share.refresh_from_db()
    assert share.status == ShareStatus.CONSENT_WITHDRAWN
    assert not CaseGroupObjectPermission.objects.exists()


def test_withdrawing_consent_twice_is_refused(cast, case):
    consent = a_consent(cast.owner, case, to=cast.partner.organization)
    url = f"/api/v1/cases/{case.uuid}/consents/{consent.uuid}/withdraw/"
    assert post(cast.owner.coordinator, url).status_code == 200
    assert post(cast.owner.coordinator, url).status_code == 400


# Shares -----------------------------------------------------------------------------------------


def test_a_coordinator_shares_a_case_within_consent(cast, case):
    a_consent(cast.owner, case, to=cast.partner.organization)
    response = post(cast.owner.coordinator, f"/api/v1/cases/{case.uuid}/shares/", share_body(cast))
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "active"
    assert response.json()["field_groups"] == ["case_details"]
    assert CaseGroupObjectPermission.objects.filter(share__uuid=response.json()["id"]).exists()


@pytest.mark.parametrize(
    ("consented", "asked", "missing"),
    [
        (None, {}, "recipient"),
        ({"purposes": [Purpose.REFERRAL]}, {}, "purpose"),
        ({"groups": [fieldgroups.CONTACT]}, {}, "field_groups"),
    ],
)
def test_a_share_outside_consent_is_a_400_naming_the_missing_part_and_writes_nothing(
    cast, case, consented, asked, missing
):
    if consented is not None:
        a_consent(cast.owner, case, to=cast.partner.organization, **consented)
    response = post(cast.owner.coordinator, f"/api/v1/cases/{case.uuid}/shares/", share_body(cast, **asked))
    assert response.status_code == 400
    assert response.json()["refused"] == missing and response.json()["code"] == "consent_refused"
    assert nothing_shared()


def test_a_caseworker_may_not_share(cast, case):
    a_consent(cast.owner, case, to=cast.partner.organization)
    response = post(cast.owner.caseworker, f"/api/v1/cases/{case.uuid}/shares/", share_body(cast))
    assert response.status_code == 403
    assert nothing_shared()


def test_sharing_with_an_unknown_organization_is_a_400(cast, case):
    body = {**share_body(cast), "to_organization": "00000000-0000-0000-0000-000000000000"}
    response = post(cast.owner.coordinator, f"/api/v1/cases/{case.uuid}/shares/", body)
    assert response.status_code == 400 and "to_organization" in error_fields(response)


def test_the_owner_sees_every_share_with_its_status(cast, case):
    ended = a_share(cast.owner, case, cast.partner)
    post(cast.owner.coordinator, f"/api/v1/cases/{case.uuid}/shares/{ended.uuid}/revoke/")
    a_share(cast.owner, case, cast.outsider, groups=[fieldgroups.NOTES])
    shares = get(cast.owner.coordinator, f"/api/v1/cases/{case.uuid}/shares/").json()
    assert sorted((share["to_organization"]["name"], share["status"]) for share in shares) == [
        ("Outsider", "active"),
        ("Partner", "revoked"),
    ]


def test_a_recipient_may_not_see_the_shares_of_a_case(cast, case):
    a_share(cast.owner, case, cast.partner)
    assert get(cast.partner.coordinator, f"/api/v1/cases/{case.uuid}/shares/").status_code == 403


def test_revoking_a_share_ends_the_recipients_access_at_once(cast, case):
    share = a_share(cast.owner, case, cast.partner)
    response = post(cast.owner.coordinator, f"/api/v1/cases/{case.uuid}/shares/{share.uuid}/revoke/")
    assert response.status_code == 200 and response.json()["status"] == "revoked"
    assert get(cast.partner.coordinator, f"/api/v1/cases/{case.uuid}/").status_code == 404


def test_a_caseworker_may_not_revoke_a_share(cast, case):
    share = a_share(cast.owner, case, cast.partner)
    response = post(cast.owner.caseworker, f"/api/v1/cases/{case.uuid}/shares/{share.uuid}/revoke/")
    assert response.status_code == 403
    share.refresh_from_db()
    assert share.is_active


def test_a_share_of_another_case_is_not_found(cast, case):
    other = a_case(cast.owner)
    share = a_share(cast.owner, other, cast.partner)
    response = post(cast.owner.coordinator, f"/api/v1/cases/{case.uuid}/shares/{share.uuid}/revoke/")
    assert response.status_code == 404


def test_the_owner_sees_the_recipients_accesses(cast, case):
    share = a_share(cast.owner, case, cast.partner, groups=[fieldgroups.IDENTITY])
    get(cast.partner.caseworker, f"/api/v1/cases/{case.uuid}/")
    case_viewed(case=case, by=cast.owner.coordinator, groups=["identity"])  # the owner's own: not listed
    accesses = get(cast.owner.coordinator, f"/api/v1/cases/{case.uuid}/shares/{share.uuid}/accesses/").json()
    assert [(a["actor"], a["action"], a["field_groups"]) for a in accesses] == [
        (cast.partner.caseworker.username, "case.viewed", ["identity"])
    ]


# Emergency overrides ----------------------------------------------------------------------------


def override_body(cast):
    return {
        "to_organization": str(cast.partner.organization.uuid),
        "legal_basis": "vital_interests",
        "reason": "She called from the trafficker's house and is in danger tonight.",
        "field_groups": ["identity", "contact"],
        "hours": 12,
    }


def test_a_second_coordinator_approves_emergency_access(cast, case):
    requested = post(cast.owner.coordinator, f"/api/v1/cases/{case.uuid}/overrides/", override_body(cast))
    assert requested.status_code == 201, requested.content
    second = member(cast.owner.organization, Role.COORDINATOR)
    approved = post(second, f"/api/v1/cases/{case.uuid}/overrides/{requested.json()['id']}/approve/")
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    assert CaseShare.objects.get(case=case).override.uuid.hex == requested.json()["id"].replace("-", "")


def test_the_requester_cannot_approve_their_own_emergency_access(cast, case):
    override_id = post(cast.owner.coordinator, f"/api/v1/cases/{case.uuid}/overrides/", override_body(cast)).json()[
        "id"
    ]
    response = post(cast.owner.coordinator, f"/api/v1/cases/{case.uuid}/overrides/{override_id}/approve/")
    assert response.status_code == 403  # who approves is authorization, not input
    assert nothing_shared()


def test_a_declined_emergency_access_shares_nothing(cast, case):
    override_id = post(cast.owner.coordinator, f"/api/v1/cases/{case.uuid}/overrides/", override_body(cast)).json()[
        "id"
    ]
    second = member(cast.owner.organization, Role.COORDINATOR)
    response = post(second, f"/api/v1/cases/{case.uuid}/overrides/{override_id}/decline/")
    assert response.status_code == 200 and response.json()["status"] == "declined"
    assert nothing_shared()


def test_an_emergency_request_without_a_reason_is_refused_and_writes_nothing(cast, case):
    body = {**override_body(cast), "reason": "danger"}
    assert post(cast.owner.coordinator, f"/api/v1/cases/{case.uuid}/overrides/", body).status_code == 400
    assert not EmergencyOverride.objects.exists()


def test_a_caseworker_may_not_ask_for_emergency_access(cast, case):
    response = post(cast.owner.caseworker, f"/api/v1/cases/{case.uuid}/overrides/", override_body(cast))
    assert response.status_code == 403
    assert not EmergencyOverride.objects.exists()


# Transfers --------------------------------------------------------------------------------------


def offer(cast, case):
    a_consent(cast.owner, case, to=cast.partner.organization)
    body = {"to_organization": str(cast.partner.organization.uuid)}
    return post(cast.owner.coordinator, f"/api/v1/cases/{case.uuid}/transfers/", body)


def test_the_receiving_coordinator_accepts_a_transfer(cast, case):
    offered = offer(cast, case)
    assert offered.status_code == 201, offered.content
    response = post(cast.partner.coordinator, f"/api/v1/transfers/{offered.json()['id']}/accept/")
    assert response.status_code == 200 and response.json()["status"] == "accepted"
    assert Case.objects.get(pk=case.pk).organization == cast.partner.organization


def test_a_transfer_without_consent_is_a_400_naming_the_recipient_and_writes_nothing(cast, case):
    body = {"to_organization": str(cast.partner.organization.uuid)}
    response = post(cast.owner.coordinator, f"/api/v1/cases/{case.uuid}/transfers/", body)
    assert response.status_code == 400 and response.json()["refused"] == "recipient"
    assert response["Content-Type"] == "application/problem+json"
    assert not CaseTransfer.objects.exists()


def test_only_the_receiving_coordinator_may_answer_a_transfer(cast, case):
    transfer_id = offer(cast, case).json()["id"]
    assert post(cast.partner.caseworker, f"/api/v1/transfers/{transfer_id}/accept/").status_code == 403
    assert post(cast.owner.coordinator, f"/api/v1/transfers/{transfer_id}/accept/").status_code == 404
    assert post(cast.outsider.coordinator, f"/api/v1/transfers/{transfer_id}/decline/").status_code == 404
    assert CaseTransfer.objects.get().status == TransferStatus.OFFERED


def test_answering_a_transfer_refuses_get(cast, case):
    transfer_id = offer(cast, case).json()["id"]
    for answer in ("accept", "decline"):
        assert get(cast.partner.coordinator, f"/api/v1/transfers/{transfer_id}/{answer}/").status_code == 405
    assert CaseTransfer.objects.get().status == TransferStatus.OFFERED


def test_a_declined_transfer_leaves_the_case_where_it_was(cast, case):
    transfer_id = offer(cast, case).json()["id"]
    response = post(cast.partner.coordinator, f"/api/v1/transfers/{transfer_id}/decline/")
    assert response.status_code == 200 and response.json()["status"] == "declined"
    assert Case.objects.get(pk=case.pk).organization == cast.owner.organization


def test_the_offering_coordinator_cancels_a_transfer(cast, case):
    transfer_id = offer(cast, case).json()["id"]
    assert post(cast.owner.caseworker, f"/api/v1/transfers/{transfer_id}/cancel/").status_code == 403
    assert post(cast.partner.coordinator, f"/api/v1/transfers/{transfer_id}/cancel/").status_code == 404
    response = post(cast.owner.coordinator, f"/api/v1/transfers/{transfer_id}/cancel/")
    assert response.status_code == 200 and response.json()["status"] == "cancelled"


def test_transfers_are_listed_for_both_organizations_only(cast, case):
    transfer_id = offer(cast, case).json()["id"]
    outgoing = get(cast.owner.coordinator, "/api/v1/transfers/").json()["results"]
    incoming = get(cast.partner.caseworker, "/api/v1/transfers/").json()["results"]
    assert [(t["id"], t["direction"]) for t in outgoing] == [(transfer_id, "outgoing")]
    assert [(t["id"], t["direction"]) for t in incoming] == [(transfer_id, "incoming")]
    assert get(cast.outsider.coordinator, "/api/v1/transfers/").json()["results"] == []
    assert get(cast.owner.org_admin, "/api/v1/transfers/").status_code == 403


# Shared with us ---------------------------------------------------------------------------------


def test_the_shared_list_shows_the_share_and_only_the_fields_in_scope(cast, case):
    a_share(cast.owner, case, cast.partner, groups=[fieldgroups.CASE_DETAILS])
    response = get(cast.partner.caseworker, "/api/v1/shared/")
    assert response.status_code == 200
    [row] = response.json()["results"]
    assert row["id"] == str(case.uuid)
    assert row["owner_organization"]["name"] == "Owner"
    assert row["field_groups"] == ["case_details"] and row["purpose"] == "coordination"
    assert row["details"]["needs"] == ["shelter"]
    assert "legal_name" not in row["details"] and NAME not in response.content.decode()


def test_the_shared_list_of_other_organizations_is_empty(cast, case):
    a_share(cast.owner, case, cast.partner)
    for user in (cast.outsider.coordinator, cast.owner.coordinator, cast.partner.org_admin):
        assert get(user, "/api/v1/shared/").json()["results"] == []


# The case API honours the recipient's scope -------------------------------------------------------


def test_the_case_list_names_a_shared_case_only_with_identity_in_scope(cast, case):
    a_share(cast.owner, case, cast.partner, groups=[fieldgroups.NOTES])
    [row] = get(cast.partner.coordinator, "/api/v1/cases/").json()["results"]
    assert row["id"] == str(case.uuid) and row["shared"] is True
    assert "display_name" not in row and "needs" not in row


def test_the_case_list_scope_shared_lists_only_shared_cases(cast, case):
    a_share(cast.owner, case, cast.partner, groups=[fieldgroups.IDENTITY])
    own = a_case(cast.partner)
    shared = get(cast.partner.coordinator, "/api/v1/cases/?scope=shared").json()["results"]
    organization = get(cast.partner.coordinator, "/api/v1/cases/?scope=organization").json()["results"]
    assert [row["id"] for row in shared] == [str(case.uuid)] and shared[0]["display_name"] == NAME
    assert [row["id"] for row in organization] == [str(own.uuid)]


def test_coded_filters_do_not_find_shared_cases_without_case_details(cast, case):
    a_share(cast.owner, case, cast.partner, groups=[fieldgroups.IDENTITY])
    assert get(cast.partner.coordinator, "/api/v1/cases/?needs=shelter").json()["results"] == []


def test_search_never_finds_a_shared_case(cast, case):
    a_share(cast.owner, case, cast.partner)
    response = post(cast.partner.coordinator, "/api/v1/cases/search/", {"name": NAME})
    assert response.status_code == 200 and response.json() == []


def test_a_recipient_never_sees_the_owners_tasks(cast, case):
    a_share(cast.owner, case, cast.partner)
    assert get(cast.partner.coordinator, f"/api/v1/cases/{case.uuid}/tasks/").status_code == 403


def test_a_recipient_adds_notes_when_notes_are_shared(cast, case):
    a_share(cast.owner, case, cast.partner, groups=[fieldgroups.NOTES])
    url = f"/api/v1/cases/{case.uuid}/notes/create/"
    assert post(cast.partner.caseworker, url, {"body": "Met her today."}).status_code == 201
    notes = get(cast.owner.coordinator, f"/api/v1/cases/{case.uuid}/notes/").json()
    assert [note["body"] for note in notes] == ["Met her today."]
