"""Application → review → vetting → suspension → reinstatement, through the pages."""

import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from audit.models import AuditEvent
from orgs.models import (
    Organization,
    OrganizationReference,
    OrganizationStatus,
    OrganizationStatusChange,
    ReferenceStatus,
    User,
)
from tests.factories import verified_client

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def application(cast, **overrides):
    data = {
        "name": "Refugio Norte",
        "kind": "shelter",
        "country": "MX",
        "region": "Sonora",
        "contact_email": "contact@refugio.example.org",
        "languages": ["es", "en"],
        "description": "Shelter for adult survivors.",
        "referee_1": cast.owner.organization.pk,
        "referee_2": cast.partner.organization.pk,
        "username": "refugio-admin",
        "email": "admin@refugio.example.org",
        "password": "a long and unusual passphrase 7",
        "password_again": "a long and unusual passphrase 7",
        "document_1": SimpleUploadedFile("registration.pdf", PDF, content_type="application/pdf"),
    }
    data.update(overrides)
    return data


def without_csrf(body: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", body)


def apply(cast, **overrides):
    return Client().post("/apply/", application(cast, **overrides))


def decide(admin, organization, decision, reason="", confirm="yes"):
    """The decision as the page posts it: rejecting and suspending come from their confirmation form."""
    return verified_client(admin).post(
        f"/platform/organizations/{organization.uuid}/decide/",
        {"decision": decision, "reason": reason, "confirm": confirm},
    )


def vouch(team, organization):
    reference = OrganizationReference.objects.get(applicant=organization, referee=team.organization)
    return verified_client(team.org_admin).post(
        f"/organization/references/{reference.pk}/answer/",
        {"vouch": "yes", "note": "We work with them.", "confirm": "yes"},
    )


def ready_for_approval(cast):
    apply(cast)
    organization = Organization.objects.get(name="Refugio Norte")
    vouch(cast.owner, organization)
    vouch(cast.partner, organization)
    verified_client(cast.admin).post(
        f"/platform/organizations/{organization.uuid}/checklist/",
        {"documents_checked": "on", "contact_verified": "on", "review_notes": "Called the office."},
    )
    return organization


@pytest.mark.django_db
class TestApplying:
    def test_it_creates_an_applied_organization_with_its_admin_documents_and_references(self, cast):
        response = apply(cast)
        assert response.status_code == 200
        organization = Organization.objects.get(name="Refugio Norte")
        assert organization.status == OrganizationStatus.APPLIED
        assert organization.country == "MX"
        assert organization.languages == ["es", "en"]
        assert organization.documents.get().content_type == "application/pdf"
        assert set(organization.references.values_list("referee", flat=True)) == {
            cast.owner.organization.pk,
            cast.partner.organization.pk,
        }
        assert User.objects.get(username="refugio-admin").membership.role == "org_admin"

    def test_it_tells_the_applicant_and_the_referees_by_email_without_naming_anyone(
        self, cast, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            apply(cast)
        assert len(mail.outbox) == 3
        for message in mail.outbox:
            assert "Refugio" not in message.subject + message.body
            assert "refugio-admin" not in message.body

    def test_a_taken_username_gets_the_same_page_as_a_free_one(self, cast):
        free = apply(cast, username="a-free-name")
        taken = apply(cast, name="Refugio Sur", username=cast.owner.caseworker.username)
        assert taken.status_code == free.status_code == 200
        assert without_csrf(taken.content.decode()) == without_csrf(free.content.decode())

    def test_a_taken_username_is_not_mentioned_when_the_form_has_another_error(self, cast):
        free = apply(cast, username="a-free-name", password_again="something else entirely 9")
        taken = apply(cast, username=cast.owner.caseworker.username, password_again="something else entirely 9")
        taken_page = without_csrf(taken.content.decode().replace(cast.owner.caseworker.username, "NAME"))
        assert taken_page == without_csrf(free.content.decode().replace("a-free-name", "NAME"))

    def test_a_taken_username_is_given_with_a_suffix_told_by_email(self, cast, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            apply(cast, username=cast.owner.caseworker.username)
        admin = Organization.objects.get(name="Refugio Norte").memberships.get().user
        suffix = admin.username.removeprefix(cast.owner.caseworker.username)
        assert re.fullmatch(r"-[0-9a-f]{6}", suffix)
        (message,) = [message for message in mail.outbox if message.to == ["admin@refugio.example.org"]]
        assert f"followed by {suffix}" in message.body

    def test_a_taken_username_leaves_the_existing_account_alone(self, cast):
        apply(cast, username=cast.owner.caseworker.username)
        assert User.objects.get(username=cast.owner.caseworker.username) == cast.owner.caseworker

    def test_it_refuses_a_file_that_is_not_a_pdf_or_image_and_saves_nothing(self, cast):
        fake = SimpleUploadedFile("registration.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
        response = apply(cast, document_1=fake)
        assert response.status_code == 200
        assert "Upload a PDF, PNG or JPEG file." in response.content.decode()
        assert not Organization.objects.filter(name="Refugio Norte").exists()
        assert not User.objects.filter(username="refugio-admin").exists()

    def test_it_refuses_a_file_over_the_size_limit(self, cast, settings):
        settings.APPLICATION_DOCUMENT_MAX_BYTES = 1024
        big = SimpleUploadedFile("big.pdf", PDF + b"0" * 2048, content_type="application/pdf")
        response = apply(cast, document_1=big)
        assert "larger than" in response.content.decode()
        assert not Organization.objects.filter(name="Refugio Norte").exists()

    def test_it_refuses_the_same_referee_twice(self, cast):
        response = apply(cast, referee_2=cast.owner.organization.pk)
        assert "Choose two different organizations." in response.content.decode()
        assert not Organization.objects.filter(name="Refugio Norte").exists()

    def test_it_refuses_a_referee_that_is_not_vetted(self, cast):
        response = apply(cast, referee_2=cast.suspended.organization.pk)
        assert response.status_code == 200
        assert not Organization.objects.filter(name="Refugio Norte").exists()

    def test_a_form_with_an_error_keeps_what_was_typed(self, cast):
        response = apply(cast, password_again="something else entirely 9")
        body = response.content.decode()
        assert "The two passwords differ." in body
        assert 'value="Shelter for adult survivors.' in body or "Shelter for adult survivors." in body
        assert 'value="Refugio Norte"' in body

    def test_it_is_rate_limited_per_address(self, cast, settings):
        settings.APPLICATIONS_PER_ADDRESS_PER_HOUR = 1
        assert apply(cast).status_code == 200
        response = apply(cast, name="Second", username="second-admin")
        assert response.status_code == 429
        assert not Organization.objects.filter(name="Second").exists()

    def test_a_pending_applicant_who_signs_in_sees_only_the_application_status(self, cast):
        organization = ready_for_approval(cast)
        client = verified_client(User.objects.get(username="refugio-admin"))
        assert client.get("/").url == "/organization/pending/"
        response = client.get("/organization/pending/")
        assert organization.get_status_display() in response.content.decode()


@pytest.mark.django_db
class TestReferences:
    def test_a_referee_admin_vouches_and_the_reference_records_who_and_when(self, cast):
        apply(cast)
        organization = Organization.objects.get(name="Refugio Norte")
        vouch(cast.owner, organization)
        reference = OrganizationReference.objects.get(applicant=organization, referee=cast.owner.organization)
        assert reference.status == ReferenceStatus.VOUCHED
        assert reference.decided_by == cast.owner.org_admin
        assert reference.decided_at is not None

    def test_a_reference_cannot_be_answered_twice(self, cast):
        apply(cast)
        organization = Organization.objects.get(name="Refugio Norte")
        vouch(cast.owner, organization)
        reference = OrganizationReference.objects.get(applicant=organization, referee=cast.owner.organization)
        verified_client(cast.owner.org_admin).post(
            f"/organization/references/{reference.pk}/answer/", {"vouch": "no", "confirm": "yes"}
        )
        reference.refresh_from_db()
        assert reference.status == ReferenceStatus.VOUCHED


@pytest.mark.django_db
class TestVettingDecisions:
    def test_approval_needs_the_whole_checklist(self, cast):
        apply(cast)
        organization = Organization.objects.get(name="Refugio Norte")
        decide(cast.admin, organization, "approve")
        organization.refresh_from_db()
        assert organization.status == OrganizationStatus.APPLIED

    def test_the_full_life_cycle_records_every_change_with_its_admin(self, cast):
        organization = ready_for_approval(cast)
        decide(cast.admin, organization, "start_review")
        decide(cast.admin, organization, "approve")
        decide(cast.admin, organization, "suspend", "Reported misuse of data.")
        decide(cast.admin, organization, "reinstate", "Investigation closed.")
        organization.refresh_from_db()
        assert organization.status == OrganizationStatus.VETTED
        changes = list(OrganizationStatusChange.objects.filter(organization=organization).order_by("id"))
        assert [c.to_status for c in changes] == ["applied", "under_review", "vetted", "suspended", "vetted"]
        assert all(c.decided_by == cast.admin for c in changes[1:])
        assert changes[3].reason == "Reported misuse of data."

    def test_each_decision_writes_an_audit_event(self, cast):
        organization = ready_for_approval(cast)
        decide(cast.admin, organization, "approve")
        event = AuditEvent.objects.get(action="organization.approve")
        assert event.actor == cast.admin
        assert event.organization == organization
        assert event.details == {"from": "applied", "to": "vetted"}

    def test_rejection_needs_a_reason(self, cast):
        apply(cast)
        organization = Organization.objects.get(name="Refugio Norte")
        decide(cast.admin, organization, "reject", "   ")
        organization.refresh_from_db()
        assert organization.status == OrganizationStatus.APPLIED

    def test_the_applicant_is_told_the_status_by_email_and_nothing_more(self, cast, django_capture_on_commit_callbacks):
        organization = ready_for_approval(cast)
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            decide(cast.admin, organization, "approve")
        (message,) = mail.outbox
        assert message.to == ["contact@refugio.example.org"]
        assert "vetted" in message.body
        assert "Called the office" not in message.body

    def test_an_impossible_move_is_refused_with_a_message(self, cast):
        response = decide(cast.admin, cast.owner.organization, "reinstate", "why not")
        cast.owner.organization.refresh_from_db()
        assert cast.owner.organization.status == OrganizationStatus.VETTED
        assert response.status_code == 302

    def test_an_approved_applicant_reaches_the_dashboard(self, cast):
        organization = ready_for_approval(cast)
        decide(cast.admin, organization, "approve")
        response = verified_client(User.objects.get(username="refugio-admin")).get("/")
        assert response.status_code == 200
        assert "Refugio Norte" in response.content.decode()


@pytest.mark.django_db
class TestSuspension:
    def test_suspension_ends_the_members_sessions_at_once(self, cast):
        client = verified_client(cast.owner.caseworker)
        assert client.get("/").status_code == 200
        decide(cast.admin, cast.owner.organization, "suspend", "Breach under investigation.")
        assert client.get("/").url.startswith("/sign-in/")

    def test_a_suspended_member_who_signs_in_again_sees_only_the_notice(self, cast):
        decide(cast.admin, cast.owner.organization, "suspend", "Breach under investigation.")
        client = verified_client(cast.owner.coordinator)
        for path in ["/", "/account/tokens/", "/organization/members/"]:
            response = client.get(path)
            assert response.status_code == 403
            assert "suspended" in response.content.decode()

    def test_reinstatement_restores_access(self, cast):
        decide(cast.admin, cast.owner.organization, "suspend", "Breach under investigation.")
        decide(cast.admin, cast.owner.organization, "reinstate", "Resolved.")
        assert verified_client(cast.owner.coordinator).get("/").status_code == 200


@pytest.mark.django_db
def test_a_stored_document_does_not_keep_its_uploaded_name(cast):
    apply(cast, document_1=SimpleUploadedFile("Maria-Lopez-passport.pdf", PDF, content_type="application/pdf"))
    document = Organization.objects.get(name="Refugio Norte").documents.get()
    assert "Maria" not in document.file.name


@pytest.mark.django_db
def test_a_website_without_a_scheme_is_accepted_as_https(cast):
    apply(cast, website="refugio.example.org")
    assert Organization.objects.get(name="Refugio Norte").website == "https://refugio.example.org"


@pytest.mark.django_db
class TestConfirmation:
    def test_the_review_page_asks_to_confirm_a_rejection_with_its_reason(self, cast):
        apply(cast)
        organization = Organization.objects.get(name="Refugio Norte")
        response = verified_client(cast.admin).get(f"/platform/organizations/{organization.uuid}/?decide=reject")
        body = response.content.decode()
        assert "Reject the application of Refugio Norte?" in body
        assert 'name="confirm" value="yes"' in body

    def test_the_review_page_offers_no_confirmation_for_a_move_that_is_not_possible(self, cast):
        response = verified_client(cast.admin).get(
            f"/platform/organizations/{cast.owner.organization.uuid}/?decide=reject"
        )
        assert 'name="confirm"' not in response.content.decode()

    def test_a_rejection_without_confirmation_changes_nothing_and_says_why(self, cast):
        apply(cast)
        organization = Organization.objects.get(name="Refugio Norte")
        response = verified_client(cast.admin).post(
            f"/platform/organizations/{organization.uuid}/decide/",
            {"decision": "reject", "reason": "Not an anti-trafficking organization."},
            follow=True,
        )
        organization.refresh_from_db()
        assert organization.status == OrganizationStatus.APPLIED
        assert "confirm the decision first" in response.content.decode()

    def test_a_suspension_without_confirmation_keeps_the_members_access(self, cast):
        decide(cast.admin, cast.owner.organization, "suspend", "Breach under investigation.", confirm="")
        cast.owner.organization.refresh_from_db()
        assert cast.owner.organization.status == OrganizationStatus.VETTED
        assert verified_client(cast.owner.coordinator).get("/").status_code == 200

    def test_an_approval_needs_no_confirmation(self, cast):
        organization = ready_for_approval(cast)
        decide(cast.admin, organization, "approve", confirm="")
        organization.refresh_from_db()
        assert organization.status == OrganizationStatus.VETTED

    def test_a_reference_answer_without_confirmation_is_not_recorded(self, cast):
        apply(cast)
        organization = Organization.objects.get(name="Refugio Norte")
        reference = OrganizationReference.objects.get(applicant=organization, referee=cast.owner.organization)
        response = verified_client(cast.owner.org_admin).post(
            f"/organization/references/{reference.pk}/answer/", {"vouch": "no"}, follow=True
        )
        reference.refresh_from_db()
        assert reference.status == ReferenceStatus.PENDING
        assert "confirm that your answer is final" in response.content.decode()


@pytest.mark.django_db
class TestDecisionReachesTheApplicant:
    REASON = "We could not confirm the registration number with the authorities."

    def test_the_rejection_reason_is_mailed_to_the_applicant(self, cast, django_capture_on_commit_callbacks):
        apply(cast)
        organization = Organization.objects.get(name="Refugio Norte")
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            decide(cast.admin, organization, "reject", self.REASON)
        (message,) = mail.outbox
        assert message.to == ["contact@refugio.example.org"]
        assert self.REASON in message.body

    def test_a_rejected_applicant_sees_the_reason_on_the_status_page(self, cast):
        apply(cast)
        organization = Organization.objects.get(name="Refugio Norte")
        decide(cast.admin, organization, "reject", self.REASON)
        response = verified_client(User.objects.get(username="refugio-admin")).get("/organization/pending/")
        assert self.REASON in response.content.decode()

    def test_a_suspension_reason_is_mailed_to_no_one(self, cast, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            decide(cast.admin, cast.owner.organization, "suspend", "Breach under investigation.")
        (message,) = mail.outbox
        assert "Breach" not in message.body


@pytest.mark.django_db
class TestOpenReferencesClose:
    def test_a_rejection_closes_the_references_still_pending(self, cast):
        apply(cast)
        organization = Organization.objects.get(name="Refugio Norte")
        decide(cast.admin, organization, "reject", "Not an anti-trafficking organization.")
        statuses = set(organization.references.values_list("status", flat=True))
        assert statuses == {ReferenceStatus.CLOSED}

    def test_an_approval_closes_the_references_still_pending_and_keeps_the_answers(self, cast):
        organization = ready_for_approval(cast)
        late = OrganizationReference.objects.create(applicant=organization, referee=cast.outsider.organization)
        decide(cast.admin, organization, "approve")
        late.refresh_from_db()
        assert late.status == ReferenceStatus.CLOSED
        assert organization.references.filter(status=ReferenceStatus.VOUCHED).count() == 2

    def test_starting_the_review_leaves_the_references_open(self, cast):
        apply(cast)
        organization = Organization.objects.get(name="Refugio Norte")
        decide(cast.admin, organization, "start_review")
        assert set(organization.references.values_list("status", flat=True)) == {ReferenceStatus.PENDING}

    def test_a_closed_request_leaves_the_referees_page_and_home_count(self, cast):
        apply(cast)
        organization = Organization.objects.get(name="Refugio Norte")
        client = verified_client(cast.owner.org_admin)
        assert "Refugio Norte" in client.get("/organization/references/").content.decode()
        assert "to vouch for" in client.get("/").content.decode()
        decide(cast.admin, organization, "reject", "Not an anti-trafficking organization.")
        assert "Refugio Norte" not in client.get("/organization/references/").content.decode()
        assert "to vouch for" not in client.get("/").content.decode()

    def test_a_closed_request_cannot_be_answered(self, cast):
        apply(cast)
        organization = Organization.objects.get(name="Refugio Norte")
        decide(cast.admin, organization, "reject", "Not an anti-trafficking organization.")
        vouch(cast.owner, organization)
        reference = OrganizationReference.objects.get(applicant=organization, referee=cast.owner.organization)
        assert reference.status == ReferenceStatus.CLOSED
