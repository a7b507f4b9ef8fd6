import io

import pytest
from django.core.management import CommandError, call_command

from orgs.models import User


def answer_password(monkeypatch, *answers):
    replies = iter(answers)
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(replies))


def test_create_platform_admin_makes_an_admin_without_an_organization(db, monkeypatch):
    answer_password(monkeypatch, "a long and unusual passphrase 7", "a long and unusual passphrase 7")
    call_command("create_platform_admin", "ops", "ops@example.org", stdout=io.StringIO())
    user = User.objects.get(username="ops")
    assert user.is_platform_admin
    assert user.membership is None


def test_create_platform_admin_refuses_a_weak_password(db, monkeypatch):
    answer_password(monkeypatch, "123", "123")
    with pytest.raises(CommandError):
        call_command("create_platform_admin", "ops", "ops@example.org")
    assert not User.objects.filter(username="ops").exists()


def test_load_demo_is_idempotent(db, settings):
    settings.DEBUG = True
    call_command("load_demo", stdout=io.StringIO())
    counts = User.objects.count()
    call_command("load_demo", stdout=io.StringIO())
    assert User.objects.count() == counts


def test_load_demo_refuses_without_debug(db):
    with pytest.raises(CommandError, match="development"):
        call_command("load_demo")


def test_load_demo_prints_each_account_with_recovery_codes(db, settings):
    settings.DEBUG = True
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    text = out.getvalue()
    assert "platform-admin" in text
    assert "shelter-caseworker" in text and "shelter-coordinator" in text and "shelter-org-admin" in text
    assert text.count("recovery codes:") == User.objects.count()
