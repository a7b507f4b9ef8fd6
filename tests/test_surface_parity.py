"""Pages and API, two renderers of one policy: in random worlds they agree with each other and
with the brute-force reference (tests/worlds.py), for every person of the world.

For every user: the cases the API lists (and counts) and the cases the pages list (the case list
and "shared with us") are the reference's visible cases; a search by each survivor's name finds
the same cases through the API, the list page and the duplicate check before intake; and for each
visible case, the field groups whose texts the API shows (detail, notes, documents) are those the
pages show (the survivor, details, notes, documents and safety tabs), and both are the
reference's. No response ever holds a text of a group the user may not see.
"""

import re

import pytest
import time_machine
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings

from orgs import fieldgroups
from tests.factories import verified_client
from tests.worlds import NOW, build, reference, texts, works_cases, worlds

pytestmark = pytest.mark.long

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
PAGE_TABS = ["survivor", "details", "notes", "documents", "safety"]


class Surfaces:
    """One user's view of the world through the API and through the pages."""

    def __init__(self, user, built):
        self.client = verified_client(user)
        self.built = built
        self.seen: list[str] = []  # every response, for the leak check

    def _get(self, url, **params) -> str:
        response = self.client.get(url, params)
        text = (b"".join(response.streaming_content) if response.streaming else response.content).decode()
        self.seen.append(text)
        return text if response.status_code == 200 else ""

    def _post(self, url, data, *, echo: str, **kwargs) -> str:
        """A search: its page shows back what was typed (``echo``), which is no leak."""
        response = self.client.post(url, data, **kwargs)
        text = response.content.decode().replace(echo, "")
        self.seen.append(text)
        return text if response.status_code == 200 else ""

    def ids(self, text: str) -> set[int]:
        uuids = set(UUID.findall(text))
        return {case.pk for case in self.built.cases if str(case.uuid) in uuids}

    def api_list(self) -> set[int]:
        return self.ids(self._get("/api/v1/cases/", page_size=100))

    def api_count(self) -> int | None:
        text = self._get("/api/v1/cases/count/")
        return int(re.search(r'"count":(\d+)', text).group(1)) if text else None

    def page_list(self) -> set[int]:
        return self.ids(self._get(reverse("cases:list"), scope="all")) | self.ids(self._get(reverse("sharing:shared")))

    def api_search(self, name: str) -> set[int]:
        return self.ids(self._post("/api/v1/cases/search/", {"name": name}, echo=name, content_type="application/json"))

    def page_search(self, name: str) -> set[int]:
        return self.ids(self._post(reverse("cases:list"), {"q": name, "scope": "all"}, echo=name, follow=True))

    def duplicate_check(self, name: str) -> set[int]:
        return self.ids(self._post(reverse("cases:new"), {"step": "search", "q": name}, echo=name, follow=True))

    def groups_in(self, index: int, text: str) -> set[str]:
        return {group for group, value in texts(index).items() if value in text}

    def api_groups(self, index: int) -> set[str]:
        case = f"/api/v1/cases/{self.built.cases[index].uuid}"
        return self.groups_in(index, "".join(self._get(f"{case}/{part}") for part in ("", "notes/", "documents/")))

    def page_groups(self, index: int) -> set[str]:
        case = self.built.cases[index].uuid
        pages = "".join(self._get(reverse(f"cases:{tab}", kwargs={"case_uuid": case})) for tab in PAGE_TABS)
        return self.groups_in(index, pages)


def leaked(surfaces: Surfaces, expected) -> list:
    """Texts of groups the user may not see, in any response they got."""
    unseen = [
        value
        for index, case in enumerate(surfaces.built.cases)
        for group, value in texts(index).items()
        if group not in expected[case.pk].groups
    ]
    return [value for value in unseen if any(value in text for text in surfaces.seen)]


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(world=worlds())
def test_pages_and_api_agree_with_each_other_and_with_the_reference(db, world):
    with time_machine.travel(NOW, tick=False), transaction.atomic():
        built = build(world)
        for user_index, (user, org_index, _role, _deactivated) in enumerate(built.users):
            expected = reference(world, built, user_index)
            visible = {case.pk for case in built.cases if expected[case.pk].actions}
            surfaces = Surfaces(user, built)
            if not works_cases(world, built, user_index):
                surfaces.api_list(), surfaces.page_list()
                assert leaked(surfaces, expected) == [], user_index
                continue
            assert surfaces.api_list() == visible, user_index
            assert surfaces.api_count() == len(visible), user_index
            assert surfaces.page_list() == visible, user_index
            for index, case in enumerate(built.cases):
                name = texts(index)[fieldgroups.IDENTITY]
                found = {case.pk} if world["cases"][index]["owner"] == org_index else set()
                found &= {pk for pk in visible if fieldgroups.IDENTITY in expected[pk].groups}
                hits = (surfaces.api_search(name), surfaces.page_search(name), surfaces.duplicate_check(name))
                assert hits == (found, found, found), (user_index, index)
                if case.pk in visible:
                    groups = set(expected[case.pk].groups)
                    assert (surfaces.api_groups(index), surfaces.page_groups(index)) == (groups, groups), (
                        user_index,
                        index,
                    )
            assert leaked(surfaces, expected) == [], user_index
        transaction.set_rollback(True)
