"""The case list, exact search through blind indexes, search before create and intake."""

import json
import logging
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from casehub.access import case_field_groups
from casehub.models import Case
from casehub.services import case_create, task_add
from orgs import fieldgroups
from orgs.services import organization_case_settings, organization_settings_update
from tests.casehub.factories import a_case
from tests.factories import caseworkers_see_all_cases, member, verified_client

SENTINEL = "Zyxwv Sentinelson"


@pytest.fixture
def people(cast):
    owner = cast.owner
    unassigned = member(owner.organization, "caseworker", username="owner-caseworker-2")
    mine = case_create(
        organization=owner.organization,
        by=owner.caseworker,
        legal_name="María José Pérez",
        preferred_name="Majo",
        aliases=["La Flaca"],
        phones=["+52 (33) 1234-5678"],
        identity_documents=[{"kind": "passport", "number": "G-1234 567"}],
        needs=["shelter"],
        risk_level="high",
    )
    # Same name, but only the coordinator (and its creator) may open it.
    hidden = case_create(organization=owner.organization, by=unassigned, legal_name="Maria Jose Perez")
    # Same name in another organization: never found from the owner organization.
    foreign = case_create(
        organization=cast.partner.organization, by=cast.partner.caseworker, legal_name="María José Pérez"
    )
    return {"cast": cast, "unassigned": unassigned, "mine": mine, "hidden": hidden, "foreign": foreign}


def search(client, query, **filters):
    return client.post(reverse("cases:list"), {"q": query, **filters}, follow=True)


def listed(response) -> set[str]:
    return {row.case.case_number for row in response.context["rows"]}


@pytest.mark.parametrize(
    "query",
    ["maria jose perez", "MAJO", "la flaca", "0052 33 1234 5678", "523312345678", "g1234567", "G-1234 567"],
)
def test_search_finds_a_case_by_name_alias_phone_or_document_number_in_any_formatting(people, query):
    client = verified_client(people["cast"].owner.caseworker)
    assert listed(search(client, query)) == {people["mine"].case_number}


def test_search_never_returns_a_case_the_user_cannot_open_nor_another_organizations(people):
    cast = people["cast"]
    caseworker = verified_client(cast.owner.caseworker)
    coordinator = verified_client(cast.owner.coordinator)
    assert listed(search(caseworker, "María José Pérez", scope="all")) == {people["mine"].case_number}
    assert listed(search(coordinator, "María José Pérez", scope="all")) == {
        people["mine"].case_number,
        people["hidden"].case_number,
    }
    assert people["foreign"].case_number not in listed(search(coordinator, "María José Pérez", scope="all"))


def test_a_word_of_a_name_alone_finds_the_case(people):
    client = verified_client(people["cast"].owner.caseworker)
    assert listed(search(client, "Pérez")) == {people["mine"].case_number}


def test_search_before_create_links_visible_matches_and_says_nothing_of_the_others(people):
    client = verified_client(people["cast"].owner.caseworker)
    response = client.post(reverse("cases:new"), {"step": "search", "q": "maria jose perez"}, follow=True)
    page = response.content.decode()
    assert people["mine"].case_number in page
    assert people["hidden"].case_number not in page
    assert "other case" not in page
    assert people["foreign"].case_number not in page


def test_the_duplicate_check_answers_alike_whether_or_not_a_case_the_user_cannot_open_matches(people):
    # Regression: "1 other case in your organization matches" told a caseworker that a survivor
    # they may not know about is known (an existence oracle for restricted cases).
    client = verified_client(people["cast"].owner.caseworker)

    def answer(query):
        response = client.post(reverse("cases:new"), {"step": "search", "q": query}, follow=True)
        return response.content.decode().split('role="status">')[1].split("</div>")[0].replace(query, "Q")

    assert answer("la flaca") != answer("Nobody Known")  # the caseworker's own case matches "la flaca"
    people["mine"].assigned_caseworkers.clear()
    assert answer("maria jose perez") == answer("Nobody Known")


def test_the_search_never_travels_in_a_url(people):
    client = verified_client(people["cast"].owner.caseworker)
    response = client.get(reverse("cases:list"), {"q": "maria jose perez"})
    assert response.context["searched"] is False
    assert len(response.context["rows"]) == 1  # the unfiltered "my cases" list


def test_the_list_filters_by_status_risk_need_exploitation_and_worker(people):
    cast = people["cast"]
    client = verified_client(cast.owner.coordinator)
    url = reverse("cases:list")
    mine, hidden = people["mine"].case_number, people["hidden"].case_number
    assert listed(client.get(url, {"scope": "all", "risk": "high"})) == {mine}
    assert listed(client.get(url, {"scope": "all", "need": "shelter"})) == {mine}
    assert listed(client.get(url, {"scope": "all", "worker": people["unassigned"].pk})) == {hidden}
    assert listed(client.get(url, {"scope": "all", "status": "closed"})) == set()
    assert listed(client.get(url, {"scope": "all", "exploitation": "ForcedLabour"})) == set()
    assert listed(client.get(url, {"scope": "all", "sort": "number"})) == {mine, hidden}


def test_a_caseworker_gets_the_all_cases_tab_only_when_the_organization_allows_it(people):
    cast = people["cast"]
    client = verified_client(cast.owner.caseworker)
    response = client.get(reverse("cases:list"), {"scope": "all"})
    assert response.context["scope"] == "mine"
    assert "All organization cases" not in response.content.decode()
    caseworkers_see_all_cases(cast.owner.organization, True)
    response = client.get(reverse("cases:list"), {"scope": "all"})
    assert response.context["scope"] == "all"
    assert listed(response) == {people["mine"].case_number, people["hidden"].case_number}


def test_the_list_is_audited_with_the_cases_shown_and_no_names(people):
    client = verified_client(people["cast"].owner.caseworker)
    client.get(reverse("cases:list"))
    event = AuditEvent.objects.filter(action="case.listed").order_by("-id").first()
    assert event.details == {"cases": [str(people["mine"].uuid)], "groups": ["identity"]}


def _list_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("cases:list"), {"scope": "all"}).status_code == 200
    return len(queries)


def test_the_list_costs_the_same_number_of_queries_for_2_or_20_cases(cast):
    owner = cast.owner
    client = verified_client(owner.coordinator)
    for number in range(2):
        case_create(organization=owner.organization, by=owner.coordinator, legal_name=f"Person {number}")
    few = _list_queries(client)
    for number in range(18):
        case_create(organization=owner.organization, by=owner.coordinator, legal_name=f"Person {number}")
    assert _list_queries(client) == few


def test_the_list_decrypts_only_the_names_it_shows(cast, decrypts):
    owner = cast.owner
    for number in range(30):
        case_create(
            organization=owner.organization,
            by=owner.coordinator,
            legal_name=f"Legal {number}",
            preferred_name=f"Preferred {number}",
            aliases=[f"Alias {number}"],
            phones=["+52 33 0000 0000"],
            email="someone@example.org",
            narrative="What happened.",
        )
    decrypts.clear()
    response = verified_client(owner.coordinator).get(reverse("cases:list"), {"scope": "all"})
    assert len(response.context["rows"]) == 25
    # 25 decryptions for 25 rows, each with six encrypted values: only the shown name was opened.
    assert len(decrypts) == 25
    assert {row.name for row in response.context["rows"]} == {f"Preferred {n}" for n in range(5, 30)}


def test_intake_saves_a_case_and_opens_it(cast):
    client = verified_client(cast.owner.caseworker)
    response = client.post(
        reverse("cases:new"),
        {
            "step": "intake",
            "preferred_name": "Luz",
            "phone": "33 1111 2222",
            "gender": "Feminine",
            "age_band": "18-24",
            "primary_language": "es",
            "risk_level": "immediate",
            "needs": ["shelter", "medical"],
            "do_not_contact_directly": "on",
        },
    )
    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:survivor", kwargs={"case_uuid": case.uuid})
    assert case.needs == ["medical", "shelter"]
    assert case.primary_language == "es"
    assert case.contact_instructions == {"do_not_contact_directly": True}
    assert list(case.assigned_caseworkers.all()) == [cast.owner.caseworker]


def test_an_intake_without_a_name_saves_nothing_and_keeps_what_was_typed(cast):
    client = verified_client(cast.owner.caseworker)
    response = client.post(
        reverse("cases:new"),
        {"step": "intake", "phone": "33 1111 2222", "age_band": "18-24", "risk_level": "high", "needs": ["legal"]},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Enter a legal name or a preferred name." in page
    assert 'value="33 1111 2222"' in page
    assert 'value="legal"' in page and "checked" in page
    assert not Case.objects.exists()


def test_no_personal_field_reaches_a_log_line_or_an_audit_detail(cast, caplog):
    caplog.set_level(logging.DEBUG)
    client = verified_client(cast.owner.caseworker)
    client.post(reverse("cases:new"), {"step": "search", "q": SENTINEL}, follow=True)
    client.post(
        reverse("cases:new"), {"step": "intake", "legal_name": SENTINEL, "age_band": "unknown", "risk_level": "low"}
    )
    case = Case.objects.get()
    client.post(reverse("cases:list"), {"q": SENTINEL}, follow=True)
    for tab in ("survivor", "details", "notes", "tasks", "documents", "safety", "history"):
        client.get(reverse(f"cases:{tab}", kwargs={"case_uuid": case.uuid}))
    client.post(reverse("cases:note_add", kwargs={"case_uuid": case.uuid}), {"body": f"{SENTINEL} called."})
    client.post(reverse("cases:survivor_edit", kwargs={"case_uuid": case.uuid}), {"legal_name": f"{SENTINEL} II"})
    client.get(reverse("home"))
    assert "Sentinelson" not in caplog.text
    for event in AuditEvent.objects.all():
        assert "Sentinelson" not in json.dumps(event.details)


def test_the_dashboard_shows_my_cases_and_my_tasks_due_overdue_first(people):
    cast = people["cast"]
    today = timezone.localdate()
    task_add(
        case=people["mine"],
        by=cast.owner.caseworker,
        title="Later",
        due_on=today + timedelta(days=3),
        assignee=cast.owner.caseworker,
    )
    with time_machine.travel(timezone.now() - timedelta(days=3)):  # set when it was still ahead
        task_add(
            case=people["mine"],
            by=cast.owner.caseworker,
            title="Late",
            due_on=today - timedelta(days=2),
            assignee=cast.owner.caseworker,
        )
    task_add(case=people["mine"], by=cast.owner.caseworker, title="Whenever", assignee=cast.owner.caseworker)
    response = verified_client(cast.owner.caseworker).get(reverse("home"))
    page = response.content.decode()
    assert people["mine"].case_number in page and "Majo" in page
    assert people["hidden"].case_number not in page
    assert [task.title for task in response.context["tasks_due"]] == ["Late", "Later", "Whenever"]
    assert "Overdue:" in page
    assert "Case opened" in page  # recent activity


def test_an_org_admin_changes_the_case_setting_and_it_is_audited(cast):
    client = verified_client(cast.owner.org_admin)
    groups = ["case_details", "identity", "notes"]
    response = client.post(
        reverse("orgs:settings"), {"caseworkers_see_all_cases": "on", "caseworker_field_groups": groups}
    )
    assert response.status_code == 302
    assert organization_case_settings(cast.owner.organization) == {
        "caseworkers_see_all_cases": True,
        "caseworker_field_groups": groups,
    }
    event = AuditEvent.objects.get(action="organization.settings_changed")
    assert event.details == {"caseworkers_see_all_cases": True, "caseworker_field_groups": groups}


def test_caseworkers_do_not_see_a_field_group_the_organization_hides_from_them(cast):
    # given an organization that hides the narrative from its caseworkers
    organization_settings_update(
        organization=cast.owner.organization,
        by=cast.owner.org_admin,
        caseworkers_see_all_cases=False,
        caseworker_field_groups=sorted(fieldgroups.ALL - {fieldgroups.NARRATIVE}),
    )
    case = a_case(cast.owner, assigned=[cast.owner.caseworker], narrative="Sentinel narrative")

    # then a caseworker sees the case but not its narrative; a coordinator sees both
    assert fieldgroups.NARRATIVE not in case_field_groups(cast.owner.caseworker, case)
    assert fieldgroups.NARRATIVE in case_field_groups(cast.owner.coordinator, case)
    page = verified_client(cast.owner.caseworker).get(reverse("cases:safety", args=[case.uuid])).content.decode()
    assert "Sentinel narrative" not in page


def test_only_an_admin_of_the_organization_changes_its_settings(cast):
    from django.core.exceptions import ValidationError

    for user in (cast.owner.coordinator, cast.partner.org_admin):
        with pytest.raises(ValidationError):
            organization_settings_update(organization=cast.owner.organization, by=user, caseworkers_see_all_cases=True)
    assert not organization_case_settings(cast.owner.organization)["caseworkers_see_all_cases"]
    assert not AuditEvent.objects.filter(action="organization.settings_changed").exists()


@pytest.mark.parametrize(
    ("query", "field"), [("Ana Lucía Torres", "id_legal_name"), ("+52 (33) 5555-0101", "id_phone")]
)
def test_a_search_that_finds_nothing_prefills_the_intake_with_a_name_or_a_phone(cast, query, field):
    client = verified_client(cast.owner.caseworker)
    response = client.post(reverse("cases:new"), {"step": "search", "q": query}, follow=True)
    intake = response.context["intake"]
    assert intake[field.removeprefix("id_")].value() == query
    assert not intake.is_bound


def test_a_search_that_finds_a_case_prefills_nothing(people):
    client = verified_client(people["cast"].owner.caseworker)
    response = client.post(reverse("cases:new"), {"step": "search", "q": "Majo"}, follow=True)
    assert response.context["intake"]["legal_name"].value() is None


def test_a_spanish_speaking_caseworker_gets_the_case_pages_in_spanish(people):
    client = verified_client(people["cast"].owner.caseworker)
    client.post("/i18n/setlang/", {"language": "es", "next": "/"})
    assert (
        "Nombre, teléfono, correo electrónico, documento o número de caso"
        in client.get(reverse("cases:list")).content.decode()
    )
    page = client.get(reverse("cases:notes", kwargs={"case_uuid": people["mine"].uuid})).content.decode()
    assert "Añadir nota" in page and "Necesidades y datos codificados" in page
