"""Search finds people the way caseworkers type them, and keeps no query anywhere but the request."""

from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from casehub import search
from casehub.crypto.shredding import case_erase_confirm, case_erase_request
from casehub.models import SearchTerm
from casehub.selectors import case_search
from casehub.services import case_update
from orgs import fieldgroups
from orgs.models import Role
from tests.casehub.factories import a_case
from tests.casehub.test_policy_seams import hide
from tests.factories import member, verified_client


@pytest.fixture
def lucia(cast):
    """A case of the owner organization (country MX) as an intake records it."""
    return a_case(
        cast.owner,
        legal_name="Lucía Fernanda Torres-Vázquez",
        aliases=["La Güera"],
        phones=["+52 (33) 1234-5678"],
        email="Lucia.Torres@Example.org",
    )


def found(user, **query) -> set[int]:
    return case_search(user, **query).ids()


@pytest.mark.parametrize(
    "text",
    [
        "Torres",
        "lucia torres",
        "Torres Lucía",
        "LUCIA  FERNANDA",
        "torres vazquez",
        "la guera",
        "Vázquez",
    ],
)
def test_any_word_or_any_set_of_words_of_a_name_finds_the_case(cast, lucia, text):
    assert found(cast.owner.coordinator, text=text) == {lucia.pk}


@pytest.mark.parametrize("text", ["Lusia Torez", "Lucia Fernanda Torrez", "Basques", "Lucia Tores-Basquez"])
def test_a_name_spelled_as_it_sounds_finds_the_case(cast, lucia, text):
    assert found(cast.owner.coordinator, text=text) == {lucia.pk}


@pytest.mark.parametrize("text", ["Lucia Gomez", "Torrent", "Lucero", "Tor"])
def test_a_word_that_neither_spells_nor_sounds_like_a_name_finds_nothing(cast, lucia, text):
    assert found(cast.owner.coordinator, text=text) == set()


@pytest.mark.parametrize(
    ("recorded", "typed"),
    [
        ("Nguyễn Thị Hoa", "Nguyen Hoa"),
        ("สมชาย ใจดี", "Smchay"),
        ("សុខ ដារ៉ា", "Sokh Dara"),
        ("Иван Петров", "Ivan Petrov"),
        ("Şükrü Öztürk", "Sukru Ozturk"),
    ],
)
def test_a_name_in_another_script_or_with_diacritics_is_found_by_its_romanization(cast, recorded, typed):
    case = a_case(cast.owner, legal_name=recorded)
    assert found(cast.owner.coordinator, text=typed) == {case.pk}
    assert found(cast.owner.coordinator, text=recorded) == {case.pk}


@pytest.mark.parametrize("text", ["33 1234 5678", "3312345678", "+52 33 1234 5678", "0052 (33) 1234-5678"])
def test_a_phone_number_is_found_with_or_without_the_country_code(cast, lucia, text):
    assert found(cast.owner.coordinator, text=text) == {lucia.pk}
    assert found(cast.owner.coordinator, phone=text) == {lucia.pk}


def test_a_local_number_is_read_with_the_organizations_country(cast):
    assert search.national_number("33 1234 5678", "MX") == search.national_number("+52 33 1234 5678", "US")
    assert search.national_number("(202) 555-0147", "US") == "2025550147"


@pytest.mark.parametrize("text", ["lucia.torres@example.org", "  LUCIA.TORRES@EXAMPLE.ORG "])
def test_an_email_address_finds_the_case(cast, lucia, text):
    assert found(cast.owner.coordinator, text=text) == {lucia.pk}
    assert found(cast.owner.coordinator, email=text) == {lucia.pk}


@pytest.mark.parametrize("spelled", ["upper", "lower"])
def test_the_case_number_finds_the_case(cast, lucia, spelled):
    number = getattr(lucia.case_number, spelled)()
    assert found(cast.owner.coordinator, text=number) == {lucia.pk}
    assert found(cast.owner.coordinator, case_number=number) == {lucia.pk}


def test_every_criterion_given_must_match(cast, lucia):
    other = a_case(cast.owner, legal_name="Lucía Gómez", phones=["+52 33 9999 0000"])
    assert found(cast.owner.coordinator, name="Lucia") == {lucia.pk, other.pk}
    assert found(cast.owner.coordinator, name="Lucia", phone="33 1234 5678") == {lucia.pk}
    assert found(cast.owner.coordinator, name="Gomez", phone="33 1234 5678") == set()


def test_a_changed_name_is_found_by_the_new_name_only(cast, lucia):
    case_update(case=lucia, by=cast.owner.coordinator, legal_name="Rosa Medina", aliases=[])
    assert found(cast.owner.coordinator, text="Torres") == set()
    assert found(cast.owner.coordinator, text="Medina") == {lucia.pk}


def test_a_name_or_phone_is_not_searched_where_the_role_may_not_read_that_group(cast, lucia):
    lucia.assigned_caseworkers.add(cast.owner.caseworker)
    assert found(cast.owner.caseworker, text="Lusia") == {lucia.pk}
    hide(cast.owner, Role.CASEWORKER, fieldgroups.IDENTITY)
    assert found(cast.owner.caseworker, text="Lusia") == set()
    assert found(cast.owner.caseworker, text="33 1234 5678") == {lucia.pk}
    hide(cast.owner, Role.CASEWORKER, fieldgroups.CONTACT)
    assert found(cast.owner.caseworker, text="33 1234 5678") == set()
    assert found(cast.owner.caseworker, text="lucia.torres@example.org") == set()
    assert found(cast.owner.caseworker, text=lucia.case_number) == {lucia.pk}


def test_no_term_is_stored_in_the_clear(cast, lucia):
    rows = SearchTerm.objects.filter(case=lucia)
    assert {row.group for row in rows} == {fieldgroups.IDENTITY, fieldgroups.CONTACT}
    with connection.cursor() as cursor:
        cursor.execute("SELECT value FROM casehub_searchterm WHERE case_id = %s", [lucia.pk])
        stored = b"".join(bytes(value) if not isinstance(value, str) else value.encode() for (value,) in cursor)
    for plain in (b"torres", b"lucia", b"3312345678", b"example.org", b"trs"):
        assert plain not in stored


def test_another_organization_never_finds_the_case(cast, lucia):
    assert found(cast.partner.coordinator, text="Torres") == set()
    assert found(cast.partner.coordinator, text=lucia.case_number) == set()


# The page: post, redirect, get ------------------------------------------------------------------


def test_a_search_is_answered_by_a_redirect_whose_address_names_no_query(cast, lucia):
    client = verified_client(cast.owner.coordinator)
    response = client.post(reverse("cases:list"), {"q": "Lucía Torres", "scope": "all"})
    assert response.status_code == 302
    assert "search=" in response.url and "scope=all" in response.url
    for word in ("Luc", "Torres", "q="):
        assert word not in response.url


def test_the_result_can_be_refreshed_without_sending_the_query_again(cast, lucia):
    client = verified_client(cast.owner.coordinator)
    address = client.post(reverse("cases:list"), {"q": "Torres", "scope": "all"}).url
    for _ in range(2):
        response = client.get(address)
        assert [row.case for row in response.context["rows"]] == [lucia]
        assert response.context["searched"] is True


def test_the_session_keeps_the_cases_found_never_the_query(cast, lucia):
    client = verified_client(cast.owner.coordinator)
    client.post(reverse("cases:list"), {"q": "Lucía Torres"})
    kept = client.session["kept_searches"]["list"]
    assert "Torres" not in repr(kept) and "Luc" not in repr(kept)
    assert [entry["ids"] for entry in kept.values()] == [[lucia.pk]]


def test_a_search_id_of_another_session_shows_the_plain_list(cast, lucia):
    other = a_case(cast.owner, legal_name="Rosa Medina")
    address = verified_client(cast.owner.coordinator).post(reverse("cases:list"), {"q": "Torres", "scope": "all"}).url
    response = verified_client(cast.owner.coordinator).get(address)
    assert response.context["searched"] is False
    assert {row.case for row in response.context["rows"]} == {lucia, other}


def test_an_ended_search_says_so_and_shows_the_plain_list(cast, lucia):
    client = verified_client(cast.owner.coordinator)
    address = client.post(reverse("cases:list"), {"q": "Torres", "scope": "all"}).url
    with time_machine.travel(timezone.now() + timedelta(minutes=20)):
        response = client.get(address, follow=True)
    assert response.context["searched"] is False
    assert "That search has ended" in response.content.decode()


def test_the_policy_is_asked_again_when_a_search_is_revisited(cast, lucia):
    lucia.assigned_caseworkers.add(cast.owner.caseworker)
    client = verified_client(cast.owner.caseworker)
    address = client.post(reverse("cases:list"), {"q": "Torres"}).url
    assert len(client.get(address).context["rows"]) == 1
    lucia.assigned_caseworkers.remove(cast.owner.caseworker)
    assert len(client.get(address).context["rows"]) == 0


def test_the_duplicate_check_before_intake_finds_a_local_number_and_a_single_surname(cast, lucia):
    client = verified_client(cast.owner.coordinator)
    for query in ("33 1234 5678", "torres"):
        page = client.post(reverse("cases:new"), {"step": "search", "q": query}, follow=True).content.decode()
        assert lucia.case_number in page, query


def test_the_api_search_finds_by_case_number_and_by_free_text(cast, lucia):
    client = verified_client(cast.owner.coordinator)
    for body in ({"case_number": lucia.case_number}, {"text": "lusia torez"}, {"email": "lucia.torres@example.org"}):
        response = client.post("/api/v1/cases/search/", body, content_type="application/json")
        assert [item["id"] for item in response.json()] == [str(lucia.uuid)], body


def test_the_api_refuses_a_search_without_any_criterion(cast):
    response = verified_client(cast.owner.coordinator).post(
        "/api/v1/cases/search/", {"text": "  "}, content_type="application/json"
    )
    assert response.status_code == 400


def test_a_role_that_may_not_open_cases_finds_nothing(cast, lucia):
    assert found(cast.owner.org_admin, text="Torres") == set()


def test_the_rebuild_command_makes_the_terms_of_cases_that_have_none(cast, lucia):
    SearchTerm.objects.all().delete()
    assert found(cast.owner.coordinator, text="Torres") == set()
    call_command("rebuild_search_terms", stdout=StringIO())
    assert found(cast.owner.coordinator, text="Torres") == {lucia.pk}


def test_an_erased_case_is_found_by_no_term(cast, lucia):
    second = member(cast.owner.organization, Role.COORDINATOR, username="second-coordinator")
    case_erase_confirm(
        erasure=case_erase_request(case=lucia, by=cast.owner.coordinator, reason="survivor_request"), by=second
    )
    assert set(SearchTerm.objects.filter(case=lucia).values_list("value_index", flat=True)) == {None}
    for text in ("Torres", "33 1234 5678", "lucia.torres@example.org"):
        assert found(cast.owner.coordinator, text=text) == set(), text


# The duplicate check before intake: post, redirect, get -----------------------------------------


def test_the_duplicate_check_redirects_to_an_address_that_names_no_query_and_keeps_none_in_the_clear(cast):
    client = verified_client(cast.owner.caseworker)
    response = client.post(reverse("cases:new"), {"step": "search", "q": "Ana Lucía Quintanilla"})
    assert response.status_code == 302 and "search=" in response.url and "Ana" not in response.url
    kept = repr(dict(client.session))
    assert "Ana" not in kept and "Quintanilla" not in kept and "Luc" not in kept
    for _ in range(2):  # and Refresh shows the same prefilled intake
        page = client.get(response.url)
        assert page.context["intake"]["legal_name"].value() == "Ana Lucía Quintanilla"


def test_a_duplicate_check_of_another_session_prefills_nothing(cast):
    address = (
        verified_client(cast.owner.caseworker)
        .post(reverse("cases:new"), {"step": "search", "q": "Ana Lucía Quintanilla"})
        .url
    )
    page = verified_client(cast.owner.caseworker).get(address, follow=True)
    assert page.context["intake"]["legal_name"].value() is None
    assert page.context["matches"] is None


def test_an_intake_refused_for_its_input_still_shows_what_the_search_found(cast, lucia):
    lucia.assigned_caseworkers.add(cast.owner.caseworker)
    client = verified_client(cast.owner.caseworker)
    address = client.post(reverse("cases:new"), {"step": "search", "q": "torres"}).url
    search_id = address.split("search=")[1]
    refused = client.post(reverse("cases:new"), {"step": "intake", "search": search_id, "age_band": "unknown"})
    assert refused.status_code == 400
    assert lucia.case_number in refused.content.decode()
