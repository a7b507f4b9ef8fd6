"""Settings come from the environment; bad values and missing secrets stop start-up loudly."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config import env

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "SECRET_KEY": "x" * 64 + "production-like-secret-key-value-for-the-check",
    "DEBUG": "0",
    "ALLOWED_HOSTS": "casehub.example.org",
    "CASEHUB_HTTPS": "1",
}


def manage(*args, environment):
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "CASEHUB_HTTPS", "ALLOWED_HOSTS"}}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **environment},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("raw", ["maybe", "2", "tru"])
def test_a_boolean_that_is_not_one_is_refused(monkeypatch, raw):
    monkeypatch.setenv("SOME_FLAG", raw)
    with pytest.raises(ImproperlyConfigured, match="SOME_FLAG"):
        env.env_bool("SOME_FLAG")


def test_a_number_below_its_minimum_is_refused(monkeypatch):
    monkeypatch.setenv("SOME_NUMBER", "5")
    with pytest.raises(ImproperlyConfigured, match="at least 60"):
        env.env_int("SOME_NUMBER", 10, minimum=60)


def test_a_number_that_is_not_a_number_is_refused(monkeypatch):
    monkeypatch.setenv("SOME_NUMBER", "ten")
    with pytest.raises(ImproperlyConfigured, match="whole number"):
        env.env_int("SOME_NUMBER", 10)


def test_a_database_url_of_an_unknown_kind_is_refused():
    with pytest.raises(ImproperlyConfigured, match="sqlite:// or postgres://"):
        env.database_from_url("mysql://root@localhost/x")


def test_a_postgres_url_becomes_a_database_entry():
    entry = env.database_from_url("postgres://user:p%40ss@db.example.org:6543/casehub")
    assert (entry["NAME"], entry["USER"], entry["PASSWORD"], entry["HOST"], entry["PORT"]) == (
        "casehub",
        "user",
        "p@ss",
        "db.example.org",
        6543,
    )


def test_a_development_secret_is_generated_once_with_mode_0600(tmp_path):
    path = tmp_path / "var" / "secret_key"
    first = env.secret_from_file(path)
    assert env.secret_from_file(path) == first
    assert path.stat().st_mode & 0o777 == 0o600


def test_without_a_secret_key_and_debug_off_start_up_is_refused():
    result = manage("check", environment={"DEBUG": "0"})
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_the_deploy_check_reports_nothing_with_production_values():
    result = manage("check", "--deploy", "--fail-level", "WARNING", environment=PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_a_mapping_reads_key_value_pairs(monkeypatch):
    monkeypatch.setenv("SOME_MAPPING", "acknowledge.urgent=6bh, decide.routine=3bd")
    assert env.env_mapping("SOME_MAPPING") == {"acknowledge.urgent": "6bh", "decide.routine": "3bd"}


@pytest.mark.parametrize("raw", ["acknowledge.urgent", "=4bh", "acknowledge.urgent="])
def test_a_mapping_item_without_key_or_value_is_refused(monkeypatch, raw):
    monkeypatch.setenv("SOME_MAPPING", raw)
    with pytest.raises(ImproperlyConfigured, match="SOME_MAPPING"):
        env.env_mapping("SOME_MAPPING")


def test_a_referral_deadline_that_does_not_parse_fails_the_system_check(settings):
    from referrals.checks import referral_deadlines_valid

    settings.REFERRAL_DEADLINES = {**settings.REFERRAL_DEADLINES, "decide": {"emergency": "2h", "urgent": "soon"}}
    problems = [error.msg for error in referral_deadlines_valid(None)]
    assert problems == [
        "REFERRAL_DEADLINES decide.urgent: a deadline is a number and one of m, h, d, bh, bd (like 4bh); got 'soon'",
        "REFERRAL_DEADLINES decide.routine: a deadline is a number and one of m, h, d, bh, bd (like 4bh); got ''",
    ]


def test_an_unknown_directory_timezone_fails_the_system_check(settings):
    from referrals.checks import referral_deadlines_valid

    settings.CASEHUB_DIRECTORY_TIMEZONE = "Mars/Olympus_Mons"
    assert [error.id for error in referral_deadlines_valid(None)] == ["referrals.E002"]


def test_sqlite_transactions_take_the_write_lock_at_once_so_concurrent_writers_wait():
    entry = env.database_from_url("sqlite:///var/x.sqlite3")
    assert entry["OPTIONS"]["transaction_mode"] == "IMMEDIATE" and entry["OPTIONS"]["timeout"] >= 5


def test_a_postgres_url_keeps_its_tls_mode_and_options():
    entry = env.database_from_url("postgres://u@db/casehub?sslmode=verify-full&sslrootcert=/etc/ca.pem")
    assert entry["OPTIONS"] == {"sslmode": "verify-full", "sslrootcert": "/etc/ca.pem"}


def test_a_postgres_url_may_name_a_socket_directory_as_its_host():
    entry = env.database_from_url("postgres://%2Fvar%2Frun%2Fpostgresql/casehub")
    assert (entry["HOST"], entry["NAME"]) == ("/var/run/postgresql", "casehub")


def test_postgres_connections_live_as_long_as_configured():
    entry = env.database_from_url("postgres://u@db/casehub", conn_max_age=300)
    assert (entry["CONN_MAX_AGE"], entry["CONN_HEALTH_CHECKS"]) == (300, True)


def test_a_pooled_postgres_entry_keeps_no_persistent_connections_beside_the_pool():
    entry = env.database_from_url(
        "postgres://u@db/casehub?sslmode=require", conn_max_age=300, pool={"min_size": 2, "max_size": 8}
    )
    assert entry["OPTIONS"] == {"sslmode": "require", "pool": {"min_size": 2, "max_size": 8}}
    assert entry["CONN_MAX_AGE"] == 0


def test_a_database_url_without_a_database_is_refused():
    with pytest.raises(ImproperlyConfigured, match="database name"):
        env.database_from_url("postgres://u@db/")


def test_the_pool_is_configured_from_the_environment():
    result = manage(
        "shell",
        "-c",
        "from django.conf import settings; d = settings.DATABASES['default']; print(d['OPTIONS'], d['CONN_MAX_AGE'])",
        environment={
            **PRODUCTION,
            "DATABASE_URL": "postgres://u@db/casehub",
            "DATABASE_POOL": "1",
            "DATABASE_POOL_MAX_SIZE": "4",
        },
    )
    assert result.stdout.strip().splitlines()[-1] == "{'pool': {'min_size': 2, 'max_size': 4}} 0", result.stderr
