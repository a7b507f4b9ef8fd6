"""Two identical API creates with one Idempotency-Key at the same time open one case."""

import threading

import pytest
from django.db import connection

from casehub import services
from casehub.models import Case
from tests.orgs.test_idempotency import CREATE, INTAKE, bearer_client, post


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has one writer at a time")
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_identical_requests_open_one_case(committed_cast, monkeypatch):
    # given a first request held inside case_create
    client = bearer_client(committed_cast.owner.caseworker)
    inside, release, answers = threading.Event(), threading.Event(), []
    create = services.case_create

    def held_create(**kwargs):
        inside.set()
        release.wait(10)
        return create(**kwargs)

    monkeypatch.setattr(services, "case_create", held_create)

    def first_request():
        answers.append(post(client, CREATE, INTAKE).status_code)
        connection.close()

    first = threading.Thread(target=first_request)
    first.start()
    inside.wait(10)
    # when the same request comes in on another connection
    try:
        second = post(client, CREATE, INTAKE).status_code
    finally:
        release.set()
        first.join()
    # then it is told to wait, and one case was opened
    assert (second, answers, Case.objects.count()) == (409, [201], 1)
