"""A recipient sees a shared case only within its share's scope, on every case page.

The sentinel test: a case with a distinct string in every field group, shared with one group at
a time; every page a recipient can ask for is fetched; no string of an unshared group appears.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from casehub.models import CaseNote
from casehub.services import attachment_add, case_create, note_add, task_add
from casehub.urls import urlpatterns as case_urlpatterns
from orgs import fieldgroups
from sharing.services import share_revoke
from tests.factories import verified_client
from tests.sharing.factories import a_share

SENTINELS = {
    fieldgroups.IDENTITY: ["SentinelIdentityName", "SentinelIdentityPassport77"],
    fieldgroups.CONTACT: ["sentinel-contact@example.org", "SentinelContactAddress"],
    # The safety plan travels only with the safety group, never with contact.
    fieldgroups.SAFETY: ["SentinelSafetyPlan", "SentinelSafetyThrough"],
    fieldgroups.CASE_DETAILS: ["SentinelDetailsRegion"],
    fieldgroups.NARRATIVE: ["SentinelNarrativeStory"],
    fieldgroups.DOCUMENTS: ["SentinelDocumentsDescription", "SentinelDocumentsFileBody"],
    fieldgroups.NOTES: ["SentinelNotesBody"],
}
# The owner's own work: never shown through any share.
NEVER_SHARED = ["SentinelTaskTitle"]


def sentinel_case(team):
    case = case_create(
        organization=team.organization,
        by=team.coordinator,
        legal_name="SentinelIdentityName",
        identity_documents=[{"kind": "passport", "number": "SentinelIdentityPassport77"}],
        email="sentinel-contact@example.org",
        current_address="SentinelContactAddress",
        safety_plan="SentinelSafetyPlan",
        contact_instructions={"do_not_contact_directly": True, "contact_only_through": "SentinelSafetyThrough"},
        identified_region="SentinelDetailsRegion",
        narrative="SentinelNarrativeStory",
    )
    note_add(case=case, by=team.coordinator, body="SentinelNotesBody")
    task_add(case=case, by=team.coordinator, title="SentinelTaskTitle")
    attachment = attachment_add(
        case=case,
        by=team.coordinator,
        upload=SimpleUploadedFile(
            "scan.pdf", b"%PDF-1.4 SentinelDocumentsFileBody\n%%EOF\n", content_type="application/pdf"
        ),
        kind="other",
        description="SentinelDocumentsDescription",
    )
    return case, attachment


def case_page_urls(case, attachment, note) -> list[str]:
    """Every case page of casehub/urls.py for this case (GET), plus the sharing pages."""
    records = {"note_uuid": note.uuid, "attachment_uuid": attachment.uuid}
    urls = []
    for pattern in case_urlpatterns:
        params = set(pattern.pattern.converters)
        if "case_uuid" not in params or params - {"case_uuid", "note_uuid", "attachment_uuid"}:
            continue
        kwargs = {"case_uuid": case.uuid, **{key: records[key] for key in params - {"case_uuid"}}}
        urls.append(reverse(f"cases:{pattern.name}", kwargs={**kwargs, **pattern.default_args}))
    return [
        *urls,
        reverse("home"),
        reverse("cases:list"),
        reverse("cases:list") + "?scope=all",
        reverse("sharing:shared"),
        reverse("sharing:case", kwargs={"case_uuid": case.uuid}),
    ]


def body_of(response) -> str:
    if hasattr(response, "streaming_content"):
        return b"".join(response.streaming_content).decode("latin-1")
    return response.content.decode("utf-8", "replace")


@pytest.mark.parametrize("group", sorted(fieldgroups.ALL))
def test_a_recipient_sees_no_field_of_a_group_outside_its_share_on_any_page(cast, group):
    # given a case with a sentinel in every group, shared with the partner for one group only
    case, attachment = sentinel_case(cast.owner)
    note = CaseNote.objects.get(case=case)
    a_share(cast.owner, case, cast.partner, groups=[group])
    hidden = [text for other, texts in SENTINELS.items() if other != group for text in texts] + NEVER_SHARED
    for user in (cast.partner.caseworker, cast.partner.coordinator):
        client = verified_client(user)
        seen = set()
        for url in case_page_urls(case, attachment, note):
            # when the recipient asks for every page
            response = client.get(url)
            assert response.status_code < 500, url
            body = body_of(response)
            # then no sentinel of an unshared group appears anywhere
            leaked = [text for text in hidden if text in body]
            assert not leaked, (url, leaked)
            seen.update(text for text in SENTINELS[group] if text in body)
        # and the shared group itself is shown somewhere (the test would prove nothing otherwise)
        assert seen, group


def test_a_recipient_gets_refused_on_tabs_and_actions_outside_its_scope(cast):
    case, attachment = sentinel_case(cast.owner)
    a_share(cast.owner, case, cast.partner, groups=[fieldgroups.CASE_DETAILS])
    client = verified_client(cast.partner.coordinator)
    for name in ("notes", "documents", "safety", "tasks", "history", "manage", "survivor_edit"):
        assert client.get(reverse(f"cases:{name}", kwargs={"case_uuid": case.uuid})).status_code == 403, name
    for fmt in ("pdf", "zip", "json"):
        assert client.get(reverse(f"rights:case_export_{fmt}", kwargs={"case_uuid": case.uuid})).status_code == 403
    for name in ("note_add", "task_add", "assign", "close", "restrict", "document_add"):
        assert client.post(reverse(f"cases:{name}", kwargs={"case_uuid": case.uuid})).status_code == 403, name
    assert client.get(reverse("cases:details", kwargs={"case_uuid": case.uuid})).status_code == 200


def test_a_recipient_does_not_get_the_tabs_outside_its_scope_in_the_menu(cast):
    case, _attachment = sentinel_case(cast.owner)
    a_share(cast.owner, case, cast.partner, groups=[fieldgroups.NOTES])
    response = verified_client(cast.partner.caseworker).get(reverse("cases:notes", kwargs={"case_uuid": case.uuid}))
    tabs = response.content.decode()
    assert reverse("cases:notes", kwargs={"case_uuid": case.uuid}) in tabs
    for name in ("details", "documents", "tasks", "history", "safety", "manage"):
        assert reverse(f"cases:{name}", kwargs={"case_uuid": case.uuid}) not in tabs, name
    assert reverse("sharing:case", kwargs={"case_uuid": case.uuid}) not in tabs


def test_a_recipient_with_notes_adds_a_note_both_organizations_see(cast):
    # given
    case, _attachment = sentinel_case(cast.owner)
    a_share(cast.owner, case, cast.partner, groups=[fieldgroups.NOTES])
    notes_url = reverse("cases:notes", kwargs={"case_uuid": case.uuid})
    # when
    response = verified_client(cast.partner.caseworker).post(
        reverse("cases:note_add", kwargs={"case_uuid": case.uuid}), {"body": "Partner met her today."}
    )
    # then
    assert response.status_code == 302
    note = CaseNote.objects.get(case=case, author=cast.partner.caseworker)
    assert note.organization == cast.partner.organization
    assert "Partner met her today." in verified_client(cast.owner.coordinator).get(notes_url).content.decode()
    assert "Partner met her today." in verified_client(cast.partner.coordinator).get(notes_url).content.decode()


def test_a_recipient_without_notes_cannot_add_one(cast):
    case, _attachment = sentinel_case(cast.owner)
    a_share(cast.owner, case, cast.partner, groups=[fieldgroups.IDENTITY])
    response = verified_client(cast.partner.caseworker).post(
        reverse("cases:note_add", kwargs={"case_uuid": case.uuid}), {"body": "Hello."}
    )
    assert response.status_code == 403
    assert not CaseNote.objects.filter(author=cast.partner.caseworker).exists()


def test_a_recipient_with_documents_downloads_one(cast):
    case, attachment = sentinel_case(cast.owner)
    a_share(cast.owner, case, cast.partner, groups=[fieldgroups.DOCUMENTS])
    url = reverse("cases:document_download", kwargs={"case_uuid": case.uuid, "attachment_uuid": attachment.uuid})
    response = verified_client(cast.partner.caseworker).get(url)
    assert response.status_code == 200
    assert b"SentinelDocumentsFileBody" in b"".join(response.streaming_content)


def test_a_revoked_share_leaves_the_recipient_nothing(cast):
    case, _attachment = sentinel_case(cast.owner)
    share = a_share(cast.owner, case, cast.partner)
    share_revoke(share=share, by=cast.owner.coordinator)
    response = verified_client(cast.partner.caseworker).get(reverse("cases:survivor", kwargs={"case_uuid": case.uuid}))
    assert response.status_code == 404
