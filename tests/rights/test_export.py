"""The survivor's copy: a PDF in the survivor's language with labels, plain dates and everyone the
case went to, a zip with the documents themselves, offered on the case's main page."""

import io
import json
import re
import shutil
import subprocess
import zipfile
from datetime import UTC, datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audit.models import AuditEvent
from casehub import services
from orgs import fieldgroups
from orgs.models import Role
from rights import export, pdf
from tests.casehub.factories import a_case
from tests.casehub.test_policy_seams import hide
from tests.factories import verified_client
from tests.referrals.factories import a_scene, accepted
from tests.sharing.factories import a_share

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
DAY = datetime(2026, 12, 7, 10, 30, tzinfo=UTC)


def pdf_text(content: bytes) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("needs pdftotext (poppler-utils)")
    text = subprocess.run(["pdftotext", "-", "-"], input=content, capture_output=True, check=True).stdout.decode()
    return re.sub(r"\s+", " ", text)  # a label may wrap inside its cell


def pages(content: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page\b", content))


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def export_url(case, fmt: str, **query) -> str:
    url = reverse(f"rights:case_export_{fmt}", kwargs={"case_uuid": case.uuid})
    return url + ("?" + "&".join(f"{key}={value}" for key, value in query.items()) if query else "")


@pytest.fixture
def case(cast):
    with time_machine.travel(DAY, tick=False):
        case = a_case(
            cast.owner,
            assigned=[cast.owner.caseworker],
            legal_name="José Núñez Peña",
            primary_language="en",
            exploitation_types=["ForcedLabour"],
            control_methods=["DebtBondage"],
            trafficking_status="PossibleVictimOfTrafficking",
        )
    return case


def get_pdf(user, case, **query) -> str:
    response = verified_client(user).get(export_url(case, "pdf", **query))
    assert response.status_code == 200
    return pdf_text(response.content)


# Labels, dates, language ---------------------------------------------------------------------------


def test_the_pdf_shows_labels_not_codes(cast, case):
    text = get_pdf(cast.owner.caseworker, case)
    assert "Forced labour" in text and "Debt bondage" in text and "Possible victim of trafficking" in text
    assert "ForcedLabour" not in text and "DebtBondage" not in text
    assert "Type of exploitation" in text  # the field's label, not exploitation_types


def test_the_pdf_writes_dates_as_people_write_them(cast, case):
    text = get_pdf(cast.owner.caseworker, case)
    assert "7 December 2026" in text
    assert "2026-12-07" not in text


def test_the_pdf_is_in_spanish_when_the_survivor_speaks_spanish(cast, case):
    case.primary_language = "es"
    case.save(update_fields=["primary_language"])
    text = get_pdf(cast.owner.caseworker, case)
    assert "Trabajo forzoso" in text and "Servidumbre por deudas" in text
    assert "7 de diciembre de 2026" in text
    assert "Forced labour" not in text


def test_the_user_may_choose_the_language_of_the_copy(cast, case):
    case.primary_language = "es"
    case.save(update_fields=["primary_language"])
    text = get_pdf(cast.owner.caseworker, case, lang="en")
    assert "Forced labour" in text and "Trabajo forzoso" not in text


def test_a_language_the_app_does_not_have_falls_back_to_the_survivors(cast, case):
    case.primary_language = "spa"  # the ISO 639-2 code of Spanish
    case.save(update_fields=["primary_language"])
    text = get_pdf(cast.owner.caseworker, case, lang="zz")
    assert "Trabajo forzoso" in text


def test_a_survivor_language_the_app_does_not_have_leaves_the_users(cast, case):
    case.primary_language = "zap"
    case.save(update_fields=["primary_language"])
    client = verified_client(cast.owner.caseworker)
    client.post("/i18n/setlang/", {"language": "es", "next": "/"})
    assert "Trabajo forzoso" in pdf_text(client.get(export_url(case, "pdf")).content)


# Recipients ----------------------------------------------------------------------------------------


def test_the_pdf_lists_every_consent_share_and_referral_with_dates(cast):
    with time_machine.travel(DAY, tick=False):
        scene = a_scene(cast)
        referral = accepted(scene)
        a_share(cast.owner, scene.case, cast.outsider, groups=[fieldgroups.CASE_DETAILS])
    text = get_pdf(cast.owner.coordinator, scene.case, lang="en")
    partner, outsider = cast.partner.organization.name, cast.outsider.organization.name
    assert "Who received your data" in text
    assert "Consent given" in text and "Referral to a service" in text and "Coordination of care" in text
    assert outsider in text and "Case details" in text  # the share: recipient and parts of the case
    assert referral.reference in text and partner in text and "Accepted" in text
    assert "Legal aid" in text and "7 December 2026" in text


def test_the_json_lists_the_recipients_as_codes(cast):
    scene = a_scene(cast)
    referral = accepted(scene)
    response = verified_client(cast.owner.coordinator).get(export_url(scene.case, "json"))
    recipients = json.loads(response.content)["recipients"]
    assert recipients["consents"][0]["decision"] == "granted"
    assert recipients["consents"][0]["provisions"][0]["recipient_organization"] == cast.partner.organization.name
    assert [r["reference"] for r in recipients["referrals"]] == [referral.reference]
    assert recipients["referrals"][0]["state"] == "accepted"
    assert recipients["shares"][0]["to_organization"] == cast.partner.organization.name


def test_a_referral_never_sent_is_no_recipient(cast):
    from tests.referrals.factories import a_referral

    scene = a_scene(cast)
    a_referral(scene)  # a draft
    assert export.case_recipients(scene.case)["referrals"] == []


# The zip -------------------------------------------------------------------------------------------


def with_document(cast, case, description="Foto de José en Guadalajara"):
    return services.attachment_add(
        case=case,
        by=cast.owner.caseworker,
        upload=SimpleUploadedFile("jose-nunez.png", PNG),
        kind="photo",
        description=description,
    )


def test_the_zip_holds_the_pdf_and_the_documents(cast, case):
    attachment = with_document(cast, case)
    response = verified_client(cast.owner.caseworker).get(export_url(case, "zip"))
    archive = zipfile.ZipFile(io.BytesIO(body(response)))
    name = f"documents/photo-{str(attachment.uuid)[:8]}.png"
    assert sorted(archive.namelist()) == [f"{case.case_number}.pdf", name]
    assert archive.read(name) == PNG
    assert name in pdf_text(archive.read(f"{case.case_number}.pdf"))  # the PDF names each file


def test_the_zip_names_no_personal_data(cast, case):
    with_document(cast, case)
    response = verified_client(cast.owner.caseworker).get(export_url(case, "zip"))
    names = " ".join(zipfile.ZipFile(io.BytesIO(body(response))).namelist())
    assert "jose" not in names.lower() and "Foto" not in names and "Guadalajara" not in names
    assert "Núñez" not in response["Content-Disposition"]


def test_the_zip_holds_no_documents_for_a_role_that_may_not_read_them(cast, case):
    with_document(cast, case)
    hide(cast.owner, Role.CASEWORKER, fieldgroups.DOCUMENTS)
    response = verified_client(cast.owner.caseworker).get(export_url(case, "zip"))
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(body(response)))
    assert archive.namelist() == [f"{case.case_number}.pdf"]
    assert "Foto de José" not in pdf_text(archive.read(archive.namelist()[0]))
    assert not AuditEvent.objects.filter(action="case.attachment_viewed").exists()


def test_every_document_in_the_zip_is_audited_as_read(cast, case):
    with_document(cast, case)
    with_document(cast, case, description="Pasaporte")
    response = verified_client(cast.owner.caseworker).get(export_url(case, "zip"))
    body(response)
    reads = AuditEvent.objects.filter(action="case.attachment_viewed", actor=cast.owner.caseworker)
    assert reads.count() == 2
    exported = AuditEvent.objects.get(action="case.exported")
    assert exported.details == {"format": "zip", "groups": sorted(fieldgroups.ALL), "language": "en"}


def test_the_api_gives_the_zip_too(cast, case):
    with_document(cast, case)
    response = verified_client(cast.owner.caseworker).get(f"/api/v1/cases/{case.uuid}/export.zip")
    assert response["Content-Type"] == "application/zip"
    assert len(zipfile.ZipFile(io.BytesIO(body(response))).namelist()) == 2


# Long notes ----------------------------------------------------------------------------------------


def test_a_note_of_30000_characters_on_one_line_flows_across_pages(cast, case):
    words = " ".join(f"palabra{index:05d}" for index in range(2_400))[:30_000]
    services.note_add(case=case, by=cast.owner.caseworker, body=words)
    response = verified_client(cast.owner.caseworker).get(export_url(case, "pdf"))
    assert response.status_code == 200
    assert pages(response.content) > 3
    text = pdf_text(response.content)
    assert "palabra00000" in text and "palabra02399"[:10] in text


def test_a_word_wider_than_the_page_is_broken_not_refused(cast, case):
    services.note_add(case=case, by=cast.owner.caseworker, body="x" * 30_000)
    response = verified_client(cast.owner.caseworker).get(export_url(case, "pdf"))
    assert response.status_code == 200
    assert pages(response.content) > 3


def test_a_note_of_2000_short_lines_flows_across_pages(cast, case):
    services.note_add(case=case, by=cast.owner.caseworker, body="\n".join(f"línea {n}" for n in range(2_000)))
    response = verified_client(cast.owner.caseworker).get(export_url(case, "pdf"))
    assert response.status_code == 200
    assert pages(response.content) > 20
    text = pdf_text(response.content)
    assert "línea 0 " in text and "línea 1999" in text


# The layout alone ----------------------------------------------------------------------------------


def test_a_date_is_written_in_the_copys_language():
    from django.utils import translation

    with translation.override("es"):
        assert pdf.day(DAY) == "7 de diciembre de 2026"
    with translation.override("en"):
        assert pdf.day(DAY.date()) == "7 December 2026"


def test_accented_text_survives_in_the_pdf(cast):
    case = a_case(
        cast.owner,
        assigned=[cast.owner.caseworker],
        legal_name="José Núñez Peña",
        aliases=["Ñandú"],
        narrative="Llegó en camión a “Guadalajara”.",
    )
    services.note_add(case=case, by=cast.owner.caseworker, body="Primera llamada, sin señal")
    text = get_pdf(cast.owner.coordinator, case)
    for expected in ("José Núñez Peña", "Ñandú", "Primera llamada, sin señal", "Llegó en camión"):
        assert expected in text


def test_each_export_is_audited_with_its_format_and_language(cast, case):
    client = verified_client(cast.owner.caseworker)
    client.get(export_url(case, "pdf", lang="es"))
    client.get(export_url(case, "json"))
    details = [e.details for e in AuditEvent.objects.filter(action="case.exported").order_by("id")]
    assert [(d["format"], d.get("language")) for d in details] == [("pdf", "es"), ("json", None)]
