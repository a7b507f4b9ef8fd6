"""Sentinel plaintexts written through the models appear in no database dump, file or log."""

import datetime
import io
import logging
import shutil
import sqlite3
import subprocess

import pytest
from django.core.files.storage import FileSystemStorage
from django.db import connection

from casehub.crypto.files import attachment_store
from tests.crypto.factories import a_case, a_record, reloaded
from tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db(transaction=True)

SENTINELS = {
    "name": "Zyxwvut Sentinelname",
    "phone": "+99 8877 665544",
    "narrative": "QQsentinel narrative about a place called Xanadu-Sentinel",
    "details": {"sentinel_key": "JSON-sentinel-value-7731"},
}
SENTINEL_DATE = datetime.date(1911, 11, 11)
FILE_SENTINEL = b"%PDF-1.4 FILE-SENTINEL-CONTENT-4242"


def needles() -> list[bytes]:
    texts = [SENTINELS["name"], SENTINELS["phone"], "Xanadu-Sentinel", "JSON-sentinel-value-7731", "1911-11-11"]
    needles = [t.encode() for t in texts] + [t.encode("utf-16-le") for t in texts]
    return [*needles, b"FILE-SENTINEL-CONTENT"]


def found_in(blob: bytes) -> list[bytes]:
    return [needle for needle in needles() if needle in blob]


@pytest.fixture
def written(caplog, tmp_path):
    """Write and read back every sentinel through the models, logging every SQL statement."""
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="django.db.backends")
    connection.force_debug_cursor = True
    try:
        record = a_record(a_case(OrganizationFactory()), born_on=SENTINEL_DATE, **SENTINELS)
        storage = FileSystemStorage(location=tmp_path / "media")
        attachment_store(record=record, upload=io.BytesIO(FILE_SENTINEL), storage=storage)
        fresh = reloaded(record)
        assert (fresh.name, fresh.born_on) == (SENTINELS["name"], SENTINEL_DATE)
    finally:
        connection.force_debug_cursor = False
    return tmp_path


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite file dump")
def test_the_sqlite_database_file_holds_no_sentinel(written):
    copy = written / "copy.sqlite3"
    target = sqlite3.connect(copy)
    connection.ensure_connection()
    connection.connection.backup(target)
    target.close()
    assert found_in(copy.read_bytes()) == []


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite text dump")
def test_the_sqlite_sql_dump_holds_no_sentinel(written):
    dump = "\n".join(connection.connection.iterdump()).encode()
    assert b"test_crypto_sealed_record" in dump
    assert found_in(dump) == []


@pytest.mark.skipif(
    connection.vendor != "postgresql" or not shutil.which("pg_dump"), reason="needs PostgreSQL and pg_dump"
)
def test_a_pg_dump_holds_no_sentinel(written):
    settings = connection.settings_dict
    command = ["pg_dump", "--no-owner", "-h", settings["HOST"] or "127.0.0.1", "-U", settings["USER"] or "postgres"]
    if settings["PORT"]:
        command += ["-p", str(settings["PORT"])]
    dump = subprocess.run([*command, settings["NAME"]], capture_output=True, check=True).stdout
    assert b"test_crypto_sealed_record" in dump
    assert found_in(dump) == []


def test_the_attachment_files_hold_no_sentinel(written):
    files = [path.read_bytes() for path in (written / "media").rglob("*") if path.is_file()]
    assert files
    assert [found_in(data) for data in files] == [[] for _ in files]


def test_the_logs_hold_no_sentinel(written, caplog):
    text = "\n".join(record.getMessage() for record in caplog.get_records("setup")).encode()
    assert "test_crypto_sealed_record" in text.decode()  # SQL was logged, with its parameters
    assert found_in(text) == []
