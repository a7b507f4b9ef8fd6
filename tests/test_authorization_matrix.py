"""Every route × every kind of person, from the URL configuration: a route missing here fails.

Codes: 200/403/404/401 are status codes; L = sent to sign-in, 2 = sent to the second factor,
P = sent to the pending-application page, H = sent home, Q = sent to the review queue,
R = redirected back after doing the action.
"""

import copy

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from casehub.crypto.shredding import case_erase_request
from casehub.grants import Purpose
from casehub.services import attachment_add, case_create, note_add, task_add
from directory.models import DirectoryJob, DirectoryJobKind, DirectoryJobStatus
from notifications.models import NotificationKind
from notifications.services import notify
from orgs import services
from orgs.models import ApplicationDocument, Organization, OrganizationReference, OrganizationStatus, Role
from referrals.workflow import need_create, referral_act, referral_create
from sharing.services import override_request, share_create, transfer_offer
from tests.directory.factories import LocationFactory, directory_service
from tests.factories import make_cast, member, verified_client
from tests.sharing.factories import a_consent

pytestmark = pytest.mark.long

ACTORS = [
    "anon",
    "unverified",
    "caseworker",
    "coordinator",
    "org_admin",
    "other_admin",
    "suspended",
    "pending",
    "platform",
]

CASE_PAGE = "L 2 200 200 404 404 403 P 404"
COORDINATOR_ONLY = "L 2 403 200 404 404 403 P 404"

# name: (method, expected per actor in ACTORS order)
MATRIX = {
    "home": ("GET", "L 2 200 200 200 200 403 P Q"),
    "orgs:login": ("GET", "200 200 H H H H H H H"),
    "orgs:two_factor": ("GET", "L 200 H H H H H H H"),
    "orgs:two_factor_setup": ("GET", "L 2 200 200 200 200 200 200 200"),
    "orgs:recovery_codes": ("POST", "L 2 200 200 200 200 200 200 200"),
    "orgs:logout": ("POST", "L L L L L L L L L"),
    "orgs:sign_out_everywhere": ("POST", "L 2 L L L L L L L"),
    "orgs:tokens": ("GET", "L 2 200 200 200 200 403 P 200"),
    "orgs:preferences": ("GET", "L 2 200 200 200 200 403 P 200"),
    "orgs:password_change": ("GET", "L 2 200 200 200 200 403 P 200"),
    "orgs:token_revoke": ("POST", "L 2 R 404 404 404 403 P 404"),
    "orgs:pending": ("GET", "L 2 H H H H H 200 H"),
    "orgs:suspended": ("GET", "L 2 H H H H 403 H H"),
    "orgs:apply": ("GET", "200 H H H H H H H H"),
    "orgs:references": ("GET", "L 2 403 403 200 200 403 P 403"),
    "orgs:reference_answer": ("POST", "L 2 403 403 R 404 403 P 403"),
    "orgs:members": ("GET", "L 2 403 403 200 200 403 P 403"),
    "orgs:member_invite": ("POST", "L 2 403 403 R R 403 P 403"),
    "orgs:member_role": ("POST", "L 2 403 403 R 404 403 P 403"),
    "orgs:member_deactivate": ("POST", "L 2 403 403 R 404 403 P 403"),
    "orgs:invitation_revoke": ("POST", "L 2 403 403 R 404 403 P 403"),
    "orgs:invitation_accept": ("GET", "200 200 200 200 200 200 200 200 200"),
    "orgs:invitation_open": ("POST", "R R R R R R R R R"),
    "orgs:review_queue": ("GET", "L 2 403 403 403 403 403 P 200"),
    "orgs:review_detail": ("GET", "L 2 403 403 403 403 403 P 200"),
    "orgs:review_checklist": ("POST", "L 2 403 403 403 403 403 P R"),
    "orgs:review_decide": ("POST", "L 2 403 403 403 403 403 P R"),
    "orgs:review_document": ("GET", "L 2 403 403 403 403 403 P 200"),
    "audit_log": ("GET", "L 2 403 403 403 403 403 P 200"),
    "key_rotation": ("GET", "L 2 403 403 403 403 403 P 200"),
    "set_language": ("POST", "R R R R R R R R R"),
    "password_reset": ("GET", "200 200 200 200 200 200 200 200 200"),
    "password_reset_done": ("GET", "200 200 200 200 200 200 200 200 200"),
    "password_reset_confirm": ("GET", "200 200 200 200 200 200 200 200 200"),
    "password_reset_complete": ("GET", "200 200 200 200 200 200 200 200 200"),
    "api:me": ("GET", "401 401 200 200 200 200 403 403 200"),
    "api:organizations": ("GET", "401 401 200 200 200 200 403 403 200"),
    "api_schema": ("GET", "401 401 200 200 200 200 403 403 200"),
    "api_docs": ("GET", "401 401 200 200 200 200 403 403 200"),
    # Service directory (referrals/): the service and location belong to the owner organization.
    "directory:service_list": ("GET", "L 2 403 200 200 200 403 P 403"),
    "directory:service_create": ("GET", "L 2 403 200 200 200 403 P 403"),
    "directory:service_detail": ("GET", "L 2 200 200 200 200 403 P 403"),
    "directory:service_edit": ("GET", "L 2 403 200 200 404 403 P 403"),
    "directory:service_capacity": ("POST", "L 2 403 R R 404 403 P 403"),
    "directory:location_create": ("GET", "L 2 403 200 200 200 403 P 403"),
    "directory:location_edit": ("GET", "L 2 403 200 200 404 403 P 403"),
    "directory:match": ("GET", "L 2 200 200 403 403 403 P 403"),
    "api:directory_services": ("GET", "401 401 200 200 200 200 403 403 403"),
    "api:directory_service": ("GET", "401 401 200 200 200 200 403 403 403"),
    "api:directory_service_create": ("POST", "401 401 403 201 201 201 403 403 403"),
    "api:directory_service_update": ("POST", "401 401 403 200 200 404 403 403 403"),
    "api:directory_capacity": ("POST", "401 401 403 200 200 404 403 403 403"),
    "api:directory_locations": ("GET", "401 401 403 200 200 200 403 403 403"),
    "api:directory_location_create": ("POST", "401 401 403 201 201 201 403 403 403"),
    "api:directory_location_update": ("POST", "401 401 403 200 200 404 403 403 403"),
    "api:directory_match": ("GET", "401 401 200 200 403 403 403 403 403"),
    # HSDS import/export jobs: exports are any vetted member's (the job is its organization's),
    # imports the platform admins'. The job in World is an export by the owner organization.
    "api:directory_export_json": ("POST", "401 401 202 202 202 202 403 403 403"),
    "api:directory_export_tabular": ("POST", "401 401 202 202 202 202 403 403 403"),
    "api:directory_import_json": ("POST", "401 401 403 403 403 403 403 403 202"),
    "api:directory_import_tabular": ("POST", "401 401 403 403 403 403 403 403 400"),
    "api:directory_job": ("GET", "401 401 200 200 200 404 403 403 404"),
    "api:directory_job_download": ("GET", "401 401 200 200 200 404 403 403 404"),
    "directory:directory_jobs": ("GET", "L 2 200 200 200 200 403 P 200"),
    "directory:directory_export": ("POST", "L 2 R R R R 403 P 403"),
    "directory:directory_import": ("POST", "L 2 403 403 403 403 403 P R"),
    "directory:directory_job": ("GET", "L 2 200 200 200 404 403 P 404"),
    "directory:directory_job_download": ("GET", "L 2 200 200 200 404 403 P 404"),
    "hsds:root": ("GET", "401 401 200 200 200 200 403 403 403"),
    "hsds:services": ("GET", "401 401 200 200 200 200 403 403 403"),
    "hsds:service": ("GET", "401 401 200 200 200 200 403 403 403"),
    "orgs:settings": ("GET", "L 2 403 403 200 200 403 P 403"),
    # Case pages (casehub/urls.py): the case belongs to the owner organization and is assigned
    # to its caseworker; org admins and platform admins see no case content.
    "cases:list": ("GET", "L 2 200 200 403 403 403 P 403"),
    "cases:new": ("GET", "L 2 200 200 403 403 403 P 403"),
    "cases:survivor": ("GET", CASE_PAGE),
    "cases:survivor_edit": ("GET", CASE_PAGE),
    "cases:details": ("GET", CASE_PAGE),
    "cases:details_edit": ("GET", CASE_PAGE),
    "cases:safety": ("GET", CASE_PAGE),
    "cases:safety_edit": ("GET", CASE_PAGE),
    "cases:notes": ("GET", CASE_PAGE),
    "cases:note_add": ("POST", "L 2 R R 404 404 403 P 404"),
    # Only the author (the caseworker) edits a note.
    "cases:note_edit": ("GET", "L 2 200 403 404 404 403 P 404"),
    "cases:tasks": ("GET", CASE_PAGE),
    "cases:task_add": ("POST", "L 2 R R 404 404 403 P 404"),
    "cases:task_done": ("POST", "L 2 R R 404 404 403 P 404"),
    "cases:task_edit": ("GET", "L 2 200 200 404 404 403 P 404"),
    "cases:task_delete": ("POST", "L 2 R R 404 404 403 P 404"),
    "cases:documents": ("GET", CASE_PAGE),
    "cases:document_add": ("POST", "L 2 400 400 404 404 403 P 404"),
    "cases:document_download": ("GET", CASE_PAGE),
    "cases:history": ("GET", CASE_PAGE),
    # The survivor's copy (rights/urls.py): as the case pages.
    "rights:case_export_pdf": ("GET", CASE_PAGE),
    "rights:case_export_zip": ("GET", CASE_PAGE),
    "rights:case_export_json": ("GET", CASE_PAGE),
    "cases:manage": ("GET", COORDINATOR_ONLY),
    "cases:assign": ("POST", "L 2 403 R 404 404 403 P 404"),
    "cases:restrict": ("POST", "L 2 403 R 404 404 403 P 404"),
    "cases:close": ("POST", "L 2 403 R 404 404 403 P 404"),
    # The case is open: reopening it is refused as invalid input.
    "cases:reopen": ("POST", "L 2 403 400 404 404 403 P 404"),
    # An erasure is already requested by the coordinator: asking again, or confirming one's own, is refused.
    "cases:erase_request": ("POST", "L 2 403 R 404 404 403 P 404"),
    "rights:erase_confirm": ("POST", "L 2 403 R 404 404 403 P 404"),
    "cases:erase_cancel": ("POST", "L 2 403 R 404 404 403 P 404"),
    # Case API: the same case as the case pages (assigned to the owner's caseworker, who wrote the
    # note: only its author may edit it).
    "api:cases": ("GET", "401 401 200 200 200 200 403 403 200"),
    "api:cases_count": ("GET", "401 401 200 200 200 200 403 403 200"),
    "api:cases_search": ("POST", "401 401 200 200 200 200 403 403 200"),
    "api:case_create": ("POST", "401 401 201 201 403 403 403 403 403"),
    "api:case": ("GET", "401 401 200 200 404 404 403 403 404"),
    "api:case_update": ("PATCH", "401 401 200 200 404 404 403 403 404"),
    "api:case_notes": ("GET", "401 401 200 200 404 404 403 403 404"),
    "api:case_note_create": ("POST", "401 401 201 201 404 404 403 403 404"),
    "api:case_note": ("GET", "401 401 200 200 404 404 403 403 404"),
    "api:case_note_update": ("PATCH", "401 401 200 403 404 404 403 403 404"),
    "api:case_tasks": ("GET", "401 401 200 200 404 404 403 403 404"),
    "api:case_task_create": ("POST", "401 401 201 201 404 404 403 403 404"),
    "api:case_task_update": ("PATCH", "401 401 200 200 404 404 403 403 404"),
    "api:case_task": ("DELETE", "401 401 204 204 404 404 403 403 404"),
    "api:case_documents": ("GET", "401 401 200 200 404 404 403 403 404"),
    "api:case_document_upload": ("POST", "401 401 201 201 404 404 403 403 404"),
    "api:case_document_download": ("GET", "401 401 200 200 404 404 403 403 404"),
    "api:case_export_json": ("GET", "401 401 200 200 404 404 403 403 404"),
    "api:case_export_pdf": ("GET", "401 401 200 200 404 404 403 403 404"),
    "api:case_export_zip": ("GET", "401 401 200 200 404 404 403 403 404"),
    # Notifications: everyone with an inbox sees their own; the one in World is the owner caseworker's.
    "notifications:inbox": ("GET", "L 2 200 200 200 200 403 P 200"),
    "notifications:mark_read": ("POST", "L 2 R 404 404 404 403 P 404"),
    "notifications:mark_all_read": ("POST", "L 2 R R R R 403 P R"),
    "api:notifications": ("GET", "401 401 200 200 200 200 403 403 200"),
    "api:notification_read": ("POST", "401 401 200 404 404 404 403 403 404"),
    # Sharing pages (sharing/urls.py): the owner's case, with a consent covering the partner, a
    # share with the partner, an emergency-access request by the owner's coordinator and a
    # transfer offered to the partner. Caseworkers record consent; coordinators share and transfer.
    "sharing:shared": ("GET", "L 2 200 200 403 403 403 P 403"),
    "sharing:consent_explanation": ("GET", "L 2 200 200 200 200 403 P 200"),
    "sharing:case": ("GET", CASE_PAGE),
    "sharing:consent_add": ("POST", "L 2 400 400 404 404 403 P 404"),
    "rights:consent_withdraw": ("POST", "L 2 R R 404 404 403 P 404"),
    "sharing:share_add": ("POST", "L 2 403 400 404 404 403 P 404"),
    "sharing:share_revoke": ("POST", "L 2 403 R 404 404 403 P 404"),
    "sharing:override_add": ("POST", "L 2 403 400 404 404 403 P 404"),
    "sharing:override_decide": ("POST", "L 2 403 R 404 404 403 P 404"),
    "sharing:transfer_add": ("POST", "L 2 403 400 404 404 403 P 404"),
    "sharing:transfer_cancel": ("POST", "L 2 403 R 404 404 403 P 404"),
    # Only a coordinator of the receiving organization decides a transfer: here the partner offers
    # one of its cases to the owner organization.
    "sharing:transfer_decide": ("POST", "L 2 403 R 403 403 403 P 403"),
    # Sharing API (sharing/api_urls.py): the case is shared with the partner under a consent the
    # caseworker may withdraw; an emergency request by a second coordinator waits for another;
    # a second case of the owner is offered to the partner (only its coordinator answers).
    "api:case_consents": ("GET", "401 401 200 200 404 404 403 403 404"),
    "api:case_consent_withdraw": ("POST", "401 401 200 200 404 404 403 403 404"),
    "api:case_shares": ("GET", "401 401 403 200 404 404 403 403 404"),
    "api:case_share_revoke": ("POST", "401 401 403 200 404 404 403 403 404"),
    "api:case_share_accesses": ("GET", "401 401 403 200 404 404 403 403 404"),
    "api:case_override_request": ("POST", "401 401 403 201 404 404 403 403 404"),
    "api:case_override_approve": ("POST", "401 401 403 200 404 404 403 403 404"),
    "api:case_override_decline": ("POST", "401 401 403 200 404 404 403 403 404"),
    "api:case_transfer_offer": ("POST", "401 401 403 201 404 404 403 403 404"),
    "api:transfers": ("GET", "401 401 200 200 403 403 403 403 403"),
    "api:transfer_accept": ("POST", "401 401 404 404 403 403 403 403 403"),
    "api:transfer_decline": ("POST", "401 401 404 404 403 403 403 403 403"),
    "api:transfer_cancel": ("POST", "401 401 403 200 403 403 403 403 403"),
    "api:shared_cases": ("GET", "401 401 200 200 200 200 403 403 200"),
    # Referrals: the owner's caseworker sent one of the case's needs to the partner (who holds
    # no row here but its org admin, who sees no referral).
    "referrals:referral_detail": ("GET", CASE_PAGE),
    "referrals:referral_action": ("POST", "L 2 R R 404 404 403 P 404"),
    "referrals:referral_message": ("POST", "L 2 R R 404 404 403 P 404"),
    # Reassigning accepted work is the receiving coordinator's (tests/referrals/test_referral_assign.py):
    # the sender's people are refused, everyone else does not see the referral.
    "referrals:referral_assign": ("POST", "L 2 403 403 404 404 403 P 404"),
    "referrals:case_referrals": ("GET", CASE_PAGE),
    "referrals:need_add": ("POST", "L 2 R R 404 404 403 P 404"),
    "referrals:referral_new": ("GET", CASE_PAGE),  # the need of a case: as the case pages
    "referrals:incoming": ("GET", "L 2 200 200 403 403 403 P 403"),
    "referrals:outgoing": ("GET", "L 2 200 200 403 403 403 P 403"),
    # The network's figures: coordinators of vetted organizations only.
    "referrals:figures": ("GET", "L 2 403 200 403 403 403 P 403"),
    "api:referrals_incoming": ("GET", "401 401 200 200 403 403 403 403 403"),
    "api:referrals_outgoing": ("GET", "401 401 200 200 403 403 403 403 403"),
    "api:referral_figures": ("GET", "401 401 403 200 403 403 403 403 403"),
    "api:referral_need_create": ("POST", "401 401 201 201 404 404 403 403 404"),
    "api:referral_create": ("POST", "401 401 201 201 403 403 403 403 403"),
    "api:referral": ("GET", "401 401 200 200 404 404 403 403 404"),
    "api:referral_status": ("GET", "401 401 200 200 404 404 403 403 404"),
    "api:referral_events": ("GET", "401 401 200 200 404 404 403 403 404"),
    "api:referral_messages": ("GET", "401 401 200 200 404 404 403 403 404"),
    "api:referral_act": ("POST", "401 401 200 200 404 404 403 403 404"),
    "api:referral_assign": ("POST", "401 401 403 403 404 404 403 403 404"),
    "api:referral_message_create": ("POST", "401 401 201 201 404 404 403 403 404"),
    # Operations (ops/): probes are public and the same for everyone; ready fails here because
    # no heartbeat task has run in this world. /metrics exists only for a bearer of METRICS_TOKEN.
    "ops:live": ("GET", "200 200 200 200 200 200 200 200 200"),
    "ops:ready": ("GET", "503 503 503 503 503 503 503 503 503"),
    "ops:metrics": ("GET", "404 404 404 404 404 404 404 404 404"),
}

# JSON bodies for the JSON APIs' writes (their parsers take JSON only).
JSON_BODIES = {
    "api:cases_search": {"name": "Matrix Person"},
    "api:directory_service_create": {"kind": "shelter", "name": "Casa"},
    "api:directory_service_update": {"kind": "shelter", "name": "Casa"},
    "api:directory_capacity": {"status": "waitlist"},
    "api:directory_location_create": {"name": "Office"},
    "api:directory_location_update": {"name": "Office"},
    "api:directory_import_json": [],
    "api:directory_export_json": {"scope": "network"},
    "api:directory_export_tabular": {"scope": "public"},
    "api:case_create": {"legal_name": "Ana", "needs": ["shelter"]},
    "api:case_update": {"risk_level": "high"},
    "api:case_note_create": {"body": "Called back."},
    "api:case_note_update": {"body": "Called back twice."},
    "api:case_task_create": {"title": "Book interpreter"},
    "api:case_task_update": {"done": True},
    "api:case_override_request": {
        "to_organization": "",  # the partner's id, filled in by World.request
        "legal_basis": "vital_interests",
        "reason": "She is in danger tonight and needs a safe place.",
        "field_groups": ["contact"],
        "hours": 12,
    },
    "api:case_transfer_offer": {"to_organization": ""},
    "api:referral_need_create": {"kind": "shelter"},
    "api:referral_act": {"action": "withdraw"},
    "api:referral_message_create": {"body": "Is there an interpreter?"},
}
PARTNER_BODIES = {"api:case_override_request", "api:case_transfer_offer"}

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


def route_names() -> set[str]:
    names = set()

    def walk(patterns, namespace=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                names.add(namespace + pattern.name)

    walk(get_resolver().url_patterns)
    return names


def test_every_route_has_a_row_in_the_matrix():
    assert route_names() - MATRIX.keys() == set()


def test_the_matrix_names_no_route_that_does_not_exist():
    assert MATRIX.keys() - route_names() == set()


class World:
    """The cast plus the objects that routes with parameters point at."""

    def __init__(self):
        self.cast = make_cast()
        owner = self.cast.owner
        self.applicant = Organization.objects.create(
            name="Applicant", kind="ngo", country="MX", contact_email="a@example.org", status=OrganizationStatus.APPLIED
        )
        services.organization_role_groups_create(organization=self.applicant)
        self.pending = member(self.applicant, Role.ORG_ADMIN, username="applicant-admin")
        self.document = ApplicationDocument.objects.create(
            organization=self.applicant,
            file=SimpleUploadedFile("d.pdf", b"%PDF-1.4 test"),
            content_type="application/pdf",
            size=13,
        )
        self.reference = OrganizationReference.objects.create(applicant=self.applicant, referee=owner.organization)
        self.invitation, self.invitation_token = services.invitation_create(
            organization=owner.organization, email="new@example.org", role=Role.CASEWORKER, by=owner.org_admin
        )
        self.token, _raw = services.api_token_create(user=owner.caseworker, name="hotline", days=30)
        self.target_membership = owner.caseworker.membership
        self.location = LocationFactory(organization=owner.organization)
        self.service = directory_service(owner.organization, location=self.location)
        self.job = DirectoryJob.objects.create(
            kind=DirectoryJobKind.EXPORT_JSON,
            scope="network",
            status=DirectoryJobStatus.DONE,
            started_by=owner.coordinator,
            organization=owner.organization,
        )
        self.job.result.save("result", ContentFile(b'{"contents": []}'))
        self.case = case_create(organization=owner.organization, by=owner.caseworker, legal_name="Matrix Person")
        self.note = note_add(case=self.case, by=owner.caseworker, body="First meeting.")
        self.task = task_add(case=self.case, by=owner.caseworker, title="Call back")
        self.attachment = attachment_add(
            case=self.case,
            by=owner.caseworker,
            upload=SimpleUploadedFile("scan.pdf", b"%PDF-1.4 matrix", content_type="application/pdf"),
            kind="other",
        )
        self.erasure = case_erase_request(case=self.case, by=owner.coordinator, reason="entered_in_error")
        self.referral = self.referral_sent()
        (self.notification,) = notify([owner.caseworker], NotificationKind.SHARE_RECEIVED, f"/cases/{self.case.uuid}/")
        partner = self.cast.partner
        self.consent = a_consent(owner, self.case, to=partner.organization)
        self.share = share_create(
            case=self.case,
            by=owner.coordinator,
            to_organization=partner.organization,
            field_groups=["case_details"],
            purpose="coordination",
        )
        self.override = override_request(
            case=self.case,
            by=owner.coordinator,
            to_organization=self.cast.outsider.organization,
            legal_basis="vital_interests",
            reason="Someone is in danger tonight and needs a shelter now.",
            field_groups=["contact"],
            hours=4,
        )
        self.transfer = transfer_offer(case=self.case, by=owner.coordinator, to_organization=partner.organization)
        incoming = case_create(organization=partner.organization, by=partner.coordinator, legal_name="Incoming Person")
        a_consent(partner, incoming, to=owner.organization)
        self.incoming_transfer = transfer_offer(
            case=incoming, by=partner.coordinator, to_organization=owner.organization
        )
        # For the sharing API: an emergency request by a second coordinator (so the first may
        # approve it) and a case of the owner, offered to the partner, whose coordinator answers.
        second = member(owner.organization, Role.COORDINATOR, username="owner-coordinator-2")
        self.api_override = override_request(
            case=self.case,
            by=second,
            to_organization=self.cast.outsider.organization,
            legal_basis="vital_interests",
            reason="She is in danger tonight and needs a safe place.",
            field_groups=["contact"],
            hours=12,
        )
        offered = case_create(organization=owner.organization, by=owner.coordinator, legal_name="Matrix Other")
        a_consent(owner, offered, to=partner.organization)
        self.api_transfer = transfer_offer(case=offered, by=owner.coordinator, to_organization=partner.organization)
        self.offerable = case_create(organization=owner.organization, by=owner.caseworker, legal_name="Matrix Third")
        a_consent(owner, self.offerable, to=partner.organization)

    def referral_sent(self):
        owner, partner = self.cast.owner, self.cast.partner
        self.case.assigned_caseworkers.add(owner.caseworker)
        a_consent(owner, self.case, to=partner.organization, purposes=[Purpose.REFERRAL])
        service = directory_service(partner.organization, kind="legal_aid")
        self.need = need_create(case=self.case, by=owner.caseworker, kind="legal_aid")
        self.open_need = need_create(case=self.case, by=owner.caseworker, kind="legal_aid")
        self.referral_service = service
        referral = referral_create(need=self.need, service=service, by=owner.caseworker)
        return referral_act(referral=referral, by=owner.caseworker, action="send")

    def client_for(self, actor: str) -> Client:
        cast = self.cast
        if actor == "anon":
            return Client()
        if actor == "unverified":
            client = Client()
            client.force_login(cast.owner.coordinator)
            return client
        user = {
            "caseworker": cast.owner.caseworker,
            "coordinator": cast.owner.coordinator,
            "org_admin": cast.owner.org_admin,
            "other_admin": cast.partner.org_admin,
            "suspended": cast.suspended.coordinator,
            "pending": self.pending,
            "platform": cast.admin,
        }[actor]
        return verified_client(user)

    def path(self, name: str) -> str:
        org = self.applicant.uuid
        paths = {
            "orgs:token_revoke": f"/account/tokens/{self.token.pk}/revoke/",
            "orgs:reference_answer": f"/organization/references/{self.reference.pk}/answer/",
            "orgs:member_role": f"/organization/members/{self.target_membership.pk}/role/",
            "orgs:member_deactivate": f"/organization/members/{self.target_membership.pk}/deactivate/",
            "orgs:invitation_revoke": f"/organization/invitations/{self.invitation.pk}/revoke/",
            "orgs:invitation_accept": "/invitation/",
            "orgs:invitation_open": "/invitation/open/",
            "orgs:review_detail": f"/platform/organizations/{org}/",
            "orgs:review_checklist": f"/platform/organizations/{org}/checklist/",
            "orgs:review_decide": f"/platform/organizations/{org}/decide/",
            "orgs:review_document": f"/platform/organizations/{org}/documents/{self.document.pk}/",
            "password_reset_confirm": "/password-reset/MQ/not-a-token/",
            "directory:service_detail": f"/directory/services/{self.service.id}/",
            "directory:service_edit": f"/directory/services/{self.service.id}/edit/",
            "directory:service_capacity": f"/directory/services/{self.service.id}/capacity/",
            "directory:location_edit": f"/directory/locations/{self.location.id}/edit/",
            "directory:match": "/directory/match/?kind=shelter",
            "api:directory_service": f"/api/v1/directory/services/{self.service.id}/",
            "api:directory_service_update": f"/api/v1/directory/services/{self.service.id}/update/",
            "api:directory_capacity": f"/api/v1/directory/services/{self.service.id}/capacity/",
            "api:directory_location_update": f"/api/v1/directory/locations/{self.location.id}/update/",
            "api:directory_match": "/api/v1/directory/match/?kind=shelter",
            "hsds:service": f"/api/hsds/services/{self.service.id}",
            "api:directory_job": f"/api/v1/directory/jobs/{self.job.uuid}/",
            "api:directory_job_download": f"/api/v1/directory/jobs/{self.job.uuid}/download/",
            "directory:directory_job": f"/directory/jobs/{self.job.uuid}/",
            "directory:directory_job_download": f"/directory/jobs/{self.job.uuid}/download/",
            "notifications:mark_read": f"/notifications/{self.notification.uuid}/read/",
            "referrals:referral_detail": f"/referrals/{self.referral.uuid}/",
            "referrals:referral_action": f"/referrals/{self.referral.uuid}/act/",
            "referrals:referral_message": f"/referrals/{self.referral.uuid}/messages/",
            "referrals:referral_assign": f"/referrals/{self.referral.uuid}/assign/",
            "referrals:case_referrals": f"/cases/{self.case.uuid}/referrals/",
            "referrals:need_add": f"/cases/{self.case.uuid}/needs/add/",
            "referrals:referral_new": f"/referrals/needs/{self.open_need.uuid}/send/",
            "api:referral_need_create": f"/api/v1/referrals/cases/{self.case.uuid}/needs/create/",
            "api:referral": f"/api/v1/referrals/{self.referral.uuid}/",
            "api:referral_status": f"/api/v1/referrals/{self.referral.uuid}/status/",
            "api:referral_events": f"/api/v1/referrals/{self.referral.uuid}/events/",
            "api:referral_messages": f"/api/v1/referrals/{self.referral.uuid}/messages/",
            "api:referral_act": f"/api/v1/referrals/{self.referral.uuid}/act/",
            "api:referral_assign": f"/api/v1/referrals/{self.referral.uuid}/assign/",
            "api:referral_message_create": f"/api/v1/referrals/{self.referral.uuid}/messages/create/",
            "api:notification_read": f"/api/v1/notifications/{self.notification.uuid}/read/",
            "rights:erase_confirm": reverse(
                "rights:erase_confirm", kwargs={"case_uuid": self.case.uuid, "erasure_uuid": self.erasure.uuid}
            ),
            "rights:consent_withdraw": reverse(
                "rights:consent_withdraw", kwargs={"case_uuid": self.case.uuid, "consent_uuid": self.consent.uuid}
            ),
            **{
                f"rights:case_export_{fmt}": reverse(f"rights:case_export_{fmt}", kwargs={"case_uuid": self.case.uuid})
                for fmt in ("pdf", "zip", "json")
            },
            **self.case_paths(),
        }
        if name in paths:
            return paths[name]
        if name.startswith("cases:") and name not in ("cases:list", "cases:new"):
            kwargs = {"case_uuid": self.case.uuid}
            kwargs.update(
                {
                    "cases:note_edit": {"note_uuid": self.note.uuid},
                    "cases:task_done": {"task_uuid": self.task.uuid},
                    "cases:task_edit": {"task_uuid": self.task.uuid},
                    "cases:task_delete": {"task_uuid": self.task.uuid},
                    "cases:document_download": {"attachment_uuid": self.attachment.uuid},
                    "cases:erase_cancel": {"erasure_uuid": self.erasure.uuid},
                }.get(name, {})
            )
            return reverse(name, kwargs=kwargs)
        if name.startswith("sharing:") and name not in ("sharing:shared", "sharing:consent_explanation"):
            if name == "sharing:transfer_decide":
                return reverse(name, kwargs={"transfer_uuid": self.incoming_transfer.uuid})
            kwargs = {"case_uuid": self.case.uuid}
            kwargs.update(
                {
                    "sharing:share_revoke": {"share_uuid": self.share.uuid},
                    "sharing:override_decide": {"override_uuid": self.override.uuid},
                    "sharing:transfer_cancel": {"transfer_uuid": self.transfer.uuid},
                }.get(name, {})
            )
            return reverse(name, kwargs=kwargs)
        return reverse(name)

    def case_paths(self) -> dict:
        case = f"/api/v1/cases/{self.case.uuid}"
        return {
            "api:case": f"{case}/",
            "api:case_update": f"{case}/update/",
            "api:case_notes": f"{case}/notes/",
            "api:case_note_create": f"{case}/notes/create/",
            "api:case_note": f"{case}/notes/{self.note.uuid}/",
            "api:case_note_update": f"{case}/notes/{self.note.uuid}/update/",
            "api:case_tasks": f"{case}/tasks/",
            "api:case_task_create": f"{case}/tasks/create/",
            "api:case_task_update": f"{case}/tasks/{self.task.uuid}/update/",
            "api:case_task": f"{case}/tasks/{self.task.uuid}/",
            "api:case_documents": f"{case}/documents/",
            "api:case_document_upload": f"{case}/documents/upload/",
            "api:case_document_download": f"{case}/documents/{self.attachment.uuid}/",
            "api:case_export_json": f"{case}/export.json",
            "api:case_export_pdf": f"{case}/export.pdf",
            "api:case_export_zip": f"{case}/export.zip",
            "api:case_consents": f"{case}/consents/",
            "api:case_consent_withdraw": f"{case}/consents/{self.consent.uuid}/withdraw/",
            "api:case_shares": f"{case}/shares/",
            "api:case_share_revoke": f"{case}/shares/{self.share.uuid}/revoke/",
            "api:case_share_accesses": f"{case}/shares/{self.share.uuid}/accesses/",
            "api:case_override_request": f"{case}/overrides/",
            "api:case_override_approve": f"{case}/overrides/{self.api_override.uuid}/approve/",
            "api:case_override_decline": f"{case}/overrides/{self.api_override.uuid}/decline/",
            "api:case_transfer_offer": f"/api/v1/cases/{self.offerable.uuid}/transfers/",
            "api:transfer_accept": f"/api/v1/transfers/{self.api_transfer.uuid}/accept/",
            "api:transfer_decline": f"/api/v1/transfers/{self.api_transfer.uuid}/decline/",
            "api:transfer_cancel": f"/api/v1/transfers/{self.api_transfer.uuid}/cancel/",
        }

    def request(self, name: str, client: Client):
        method, _expected = MATRIX[name]
        if method == "GET":
            return client.get(self.path(name))
        if method == "PATCH":
            return client.patch(self.path(name), JSON_BODIES[name], content_type="application/json")
        if method == "DELETE":
            return client.delete(self.path(name))
        if name == "api:case_document_upload":
            return client.post(self.path(name), {"file": SimpleUploadedFile("p.png", PNG), "kind": "photo"})
        if name in PARTNER_BODIES:
            body = {**JSON_BODIES[name], "to_organization": str(self.cast.partner.organization.uuid)}
            return client.post(self.path(name), body, content_type="application/json")
        if name == "api:referral_create":
            body = {"need": str(self.open_need.uuid), "service": str(self.referral_service.id)}
            return client.post(self.path(name), body, content_type="application/json")
        if name == "api:referral_assign":
            body = {"assignee": str(self.cast.partner.caseworker.uuid)}
            return client.post(self.path(name), body, content_type="application/json")
        if name in JSON_BODIES:
            return client.post(self.path(name), JSON_BODIES[name], content_type="application/json")
        data = {
            "orgs:reference_answer": {"vouch": "yes", "confirm": "yes"},
            "orgs:member_deactivate": {"confirm": "yes"},
            "orgs:invitation_revoke": {"confirm": "yes"},
            "orgs:token_revoke": {"confirm": "yes"},
            "orgs:invitation_open": {"token": self.invitation_token},
            "orgs:member_invite": {"email": "someone@example.org", "role": "caseworker"},
            "orgs:member_role": {"role": "coordinator"},
            "orgs:review_decide": {"decision": "start_review"},
            "orgs:review_checklist": {"documents_checked": "on"},
            "set_language": {"language": "es", "next": "/"},
            "directory:service_capacity": {"status": "waitlist"},
            "directory:directory_export": {"format": "json", "scope": "network"},
            "directory:directory_import": {"format": "json", "file": SimpleUploadedFile("d.json", b"[]")},
            "cases:note_add": {"body": "Called."},
            "cases:task_add": {"title": "Visit"},
            "cases:close": {"reason": "Moved away."},
            "cases:reopen": {"reason": "Back."},
            "cases:erase_request": {"erase-reason": "survivor_request"},
            "rights:consent_withdraw": {"confirm": "on"},
            "orgs:recovery_codes": {"confirm": "on"},
            "orgs:sign_out_everywhere": {"confirm": "on"},
            "sharing:transfer_decide": {"decision": "decline"},
            "referrals:referral_action": {"action": "withdraw"},
            "referrals:referral_message": {"body": "Is there an interpreter?"},
            "referrals:referral_assign": {"assignee": self.cast.partner.caseworker.pk},
            "referrals:need_add": {"kind": "shelter", "urgency": "routine"},
        }.get(name, {})
        return client.post(self.path(name), data)


def outcome(response) -> str:
    if response.status_code not in (301, 302):
        return str(response.status_code)
    location = response["Location"]
    for prefix, code in [
        ("/sign-in/second-factor/", "2"),
        ("/sign-in/", "L"),
        ("/organization/pending/", "P"),
        ("/platform/organizations/", "Q"),
    ]:
        if location.startswith(prefix):
            if code == "Q" and response.request["REQUEST_METHOD"] == "POST":
                return "R"
            return code
    if location == "/":
        return "H" if response.request["REQUEST_METHOD"] == "GET" else "R"
    return "R"


CELLS = [(name, index, actor) for name in MATRIX for index, actor in enumerate(ACTORS)]


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """One world for every cell, each cell's request rolled back with its test (the ``db``
    fixture's transaction), and each actor's signed-in session kept as cookies to copy."""
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
        transaction.atomic(),
    ):
        world = World()
        world.cookies = {actor: world.client_for(actor).cookies for actor in ACTORS}
        yield world
        transaction.set_rollback(True)


@pytest.mark.parametrize(("name", "index", "actor"), CELLS, ids=[f"{n}-{a}" for n, _i, a in CELLS])
def test_route_answers_each_actor_as_the_matrix_says(world, db, name, index, actor):
    # given the actor's own session (a request may end or cycle it: each cell gets a copy)
    client = Client()
    client.cookies = copy.deepcopy(world.cookies[actor])
    expected = MATRIX[name][1].split()[index]
    # when
    response = world.request(name, client)
    # then
    assert outcome(response) == expected
