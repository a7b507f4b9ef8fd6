"""Data-subject export: everything a case holds, as JSON (HTCDS names). The PDF, the zip and the
pages are tested in tests/rights/test_export.py."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from casehub import export, services
from orgs import fieldgroups

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


@pytest.fixture
def case(cast):
    owner = cast.owner
    case = services.case_create(
        organization=owner.organization,
        by=owner.caseworker,
        legal_name="José Núñez Peña",
        aliases=["Ñandú"],
        phones=["+52 33 1234 5678"],
        identity_documents=[{"kind": "passport", "number": "G123"}],
        gender="Feminine",
        citizenship=["HN"],
        primary_language="es",
        other_languages=["en"],
        exploitation_types=["ForcedLabour"],
        recruitment_methods=["ThroughOnlineSocialNetworks"],
        recruitment_websites=["Facebook"],
        control_methods=["DebtBondage"],
        vulnerabilities=["Poverty"],
        trafficking_status="PossibleVictimOfTrafficking",
        forced_labour_industry="A_AgricultureForestryAndFishing",
        narrative="Llegó en camión a Guadalajara; habla español y “quiché”.",
    )
    note = services.note_add(case=case, by=owner.caseworker, body="Primera llamada")
    services.note_edit(note=note, by=owner.caseworker, body="Primera llamada, sin señal")
    services.task_add(case=case, by=owner.caseworker, title="Cita médica", assignee=owner.caseworker)
    services.attachment_add(
        case=case, by=owner.caseworker, upload=SimpleUploadedFile("p.png", PNG), kind="photo", description="Foto"
    )
    services.case_close(case=case, by=owner.coordinator, reason="Reubicada")
    return case


def test_the_json_export_uses_htcds_names_where_they_exist(case):
    survivor = export.case_export_json(case, fieldgroups.ALL)["survivor"]
    assert survivor["prs_Gender"] == "Feminine"
    assert survivor["prs_Citizenship"] == ["HN"]
    assert survivor["prs_PrimaryLanguage"] == "es"
    assert survivor["prs_SecondaryLanguage"] == ["en"]
    assert survivor["vic_TypeOfExploitation"] == ["ForcedLabour"]
    assert survivor["vic_MethodOfRecruitment"] == ["ThroughOnlineSocialNetworks"]
    assert survivor["vic_RecruitmentWebsitesAndApps"] == ["Facebook"]
    assert survivor["vic_MethodsOfControl"] == ["DebtBondage"]
    assert survivor["vic_Vulnerabilities"] == ["Poverty"]
    assert survivor["vic_TraffickingStatus"] == "PossibleVictimOfTrafficking"
    assert survivor["vic_ForcedLabourIndustry"] == "A_AgricultureForestryAndFishing"
    assert survivor["needs"] == []


def test_the_json_export_holds_everything_the_case_holds(case):
    data = export.case_export_json(case, fieldgroups.ALL)
    assert data["case"]["cas_Status"] == "closed"
    assert data["survivor"]["legal_name"] == "José Núñez Peña"
    assert data["survivor"]["aliases"] == ["Ñandú"]
    assert data["survivor"]["phones"] == ["+52 33 1234 5678"]
    assert data["survivor"]["identity_documents"] == [{"kind": "passport", "number": "G123"}]
    [note] = data["notes"]
    assert note["body"] == "Primera llamada, sin señal"
    assert [revision["body"] for revision in note["revisions"]] == ["Primera llamada"]
    assert data["tasks"][0]["title"] == "Cita médica"
    assert data["attachments"][0]["description"] == "Foto"
    actions = [event["action"] for event in data["history"]]
    assert {"created", "note_added", "note_edited", "task_added", "attachment_added", "closed"} <= set(actions)
    assert next(e for e in data["history"] if e["action"] == "closed")["comment"] == "Reubicada"
