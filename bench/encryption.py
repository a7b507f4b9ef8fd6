"""Benchmark: cases with 6 encrypted fields against the same model with plain fields.

    .venv/bin/python bench/encryption.py            # 20,000 cases, 5 rounds
    .venv/bin/python bench/encryption.py --quick    # 2,000 cases, 3 rounds, well under a minute

Both models have the same UUID primary key. The encrypted one is what CaseHub stores: one
fresh data key per case (created and wrapped under the master key as part of inserting the
case, into the case row's own key columns, as on ``casehub.models.Case``), six encrypted
fields bound to model, field and uuid. Insert = objects built in memory, then
``bulk_create(batch_size=500)`` in one transaction (making and wrapping the data keys
included for encrypted cases). Read = ``list(Model.objects.all())`` (each row carries its
wrapped data key), then every field of every row touched; the data-key cache is emptied
first, so reading also unwraps every data key. The floor is a bare ``AESGCM`` encrypt (with a fresh random nonce and the same AAD
size) plus decrypt of the same values with a cached key object; ``field_vs_floor`` compares
the field code path alone (seal in ``pre_save`` + decrypt on access, no SQL) against it.
Rounds alternate the variants so machine drift is shared; medians are reported. The field and
floor micro-benchmark pauses the garbage collector (as ``timeit`` does); the insert and read
runs keep it on, as the application runs, unless ``--no-gc`` is given.

Runs on a temporary SQLite file; with DATABASE_URL=postgres://… it also runs there (tables are
created and dropped by the benchmark). The last line is for scripts:

    bench: encryption read_ratio=R insert_ratio=I field_vs_floor=F   (SQLite figures)
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import datetime
import gc
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WORKDIR = Path(tempfile.mkdtemp(prefix="casehub-bench-"))
PG_URL = os.environ.get("DATABASE_URL", "") if os.environ.get("DATABASE_URL", "").startswith("postgres") else ""
os.environ["DATABASE_URL"] = f"sqlite:///{WORKDIR / 'bench.sqlite3'}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ["DEBUG"] = "0"  # DEBUG would keep every query in memory
os.environ.setdefault("SECRET_KEY", "bench-secret-key-not-for-production-0123456789abcdef")
os.environ["CASEHUB_VAR_DIR"] = str(WORKDIR)
os.environ["CASEHUB_MASTER_KEYS"] = f"bench:{base64.b64encode(os.urandom(32)).decode()}"
os.environ.pop("CASEHUB_KEY_FILE", None)

import django  # noqa: E402

django.setup()

from cryptography.hazmat.primitives.ciphers.aead import AESGCM  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connections, models, transaction  # noqa: E402

from casehub.crypto import keyring  # noqa: E402
from casehub.crypto.aead import header as aead_header  # noqa: E402
from casehub.crypto.fields import (  # noqa: E402
    BytesField,
    EncryptedDateField,
    EncryptedLongTextField,
    EncryptedTextField,
    data_key_aead,
    encrypted_fields,
    with_data_keys,
)
from config.env import database_from_url  # noqa: E402

FIELDS = ["name", "born_on", "phone", "address", "narrative", "nationality"]


class PlainCase(models.Model):
    uuid = models.UUIDField(primary_key=True, default=uuid.uuid4)
    name = models.CharField(max_length=200)
    born_on = models.DateField()
    phone = models.CharField(max_length=40)
    address = models.CharField(max_length=200)
    narrative = models.TextField()
    nationality = models.CharField(max_length=60)

    class Meta:
        app_label = "casehub"
        db_table = "bench_plain_case"


class SealedCase(models.Model):
    uuid = models.UUIDField(primary_key=True, default=uuid.uuid4)
    # The data key's columns, as on casehub.models.Case (same types and indexes).
    data_key_id = models.BigIntegerField(unique=True)
    data_key_wrapped = BytesField(null=True)
    data_key_master_id = models.CharField(max_length=16)
    name = EncryptedTextField(max_length=200)
    born_on = EncryptedDateField()
    phone = EncryptedTextField(max_length=40)
    address = EncryptedTextField(max_length=200)
    narrative = EncryptedLongTextField()
    nationality = EncryptedTextField(max_length=60)

    class Meta:
        app_label = "casehub"
        db_table = "bench_sealed_case"


PAUSE_GC_IN_RUNS = False  # --no-gc


@contextlib.contextmanager
def no_gc(always: bool = False):
    """Keep the garbage collector out of a timed section (as timeit does), for every variant alike."""
    if not (always or PAUSE_GC_IN_RUNS):
        yield
        return
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def values(i: int) -> dict:
    return {
        "name": f"Persona Número {i} de la Cruz",
        "born_on": datetime.date(1970, 1, 1) + datetime.timedelta(days=i % 15000),
        "phone": f"+52 33 {i:04d} {i % 9999:04d}",
        "address": f"Calle {i} #{i % 300}, Colonia Centro, Guadalajara, Jalisco",
        "narrative": ("Relato de la situación, con detalles de la ruta y de las personas involucradas. " * 7)[:500],
        "nationality": "Honduras",
    }


def insert_plain(alias: str, objects: list) -> float:
    start = time.perf_counter()
    with transaction.atomic(using=alias):
        PlainCase.objects.using(alias).bulk_create(objects, batch_size=500)
    return time.perf_counter() - start


def insert_sealed(alias: str, objects: list, parts: dict | None = None) -> float:
    """Each case gets its own fresh data key, made and wrapped inside the timed transaction."""
    start = time.perf_counter()
    with transaction.atomic(using=alias):
        # A fresh random key per case, wrapped under the master key into the case's own columns.
        keyring.data_keys_assign(objects)
        keyed = time.perf_counter()
        SealedCase.objects.using(alias).bulk_create(objects, batch_size=500)
    end = time.perf_counter()
    if parts is not None:
        parts.setdefault("insert_keys", []).append(keyed - start)
    return end - start


def read(alias: str, model, parts: dict | None = None) -> float:
    keyring.clear_data_keys()
    start = time.perf_counter()
    queryset = model.objects.using(alias).all()
    if model is SealedCase:
        queryset = with_data_keys(queryset)
    rows = list(queryset)
    loaded = time.perf_counter()
    if model is SealedCase:
        for row in rows:
            # What the first field read of each case does: unwrap its key from the joined columns.
            data_key_aead(row, row.data_key_id)
    keyed = time.perf_counter()
    for row in rows:
        for name in FIELDS:
            getattr(row, name)
    end = time.perf_counter()
    if parts is not None:
        for name, seconds in (("load", loaded - start), ("keys", keyed - loaded), ("fields", end - keyed)):
            parts.setdefault(name, []).append(seconds)
    keyring.clear_data_keys()
    return end - start


def aes_calls_alone(alias: str, rows: list[dict]) -> tuple[float, float]:
    """(insert, read) seconds of the AES-GCM calls an encrypted insert and read cannot avoid, alone.

    The same calls the fields and the key wrapping make, on the same rows and values, with every
    argument (slices, associated data, plaintext bytes) prepared before the clock starts, so what
    is timed is C plus a bare loop. Added to the plain times, they bound the ratios from below:
    no Python around the calls, however lean, can reach a ratio under these.
    """
    provider = keyring.key_provider()
    master = provider._aead[provider.active_key_id]
    master_prefix = provider.active_key_id.encode() + b"|"
    fields = encrypted_fields(SealedCase)
    sealed = list(SealedCase.objects.using(alias).all())
    unwraps, opens = [], []
    for case in sealed:
        wrapped = bytes(case.data_key_wrapped)
        aad = master_prefix + keyring._WRAP_PREFIX + case.data_key_id.to_bytes(8, "big") + case.uuid.bytes
        unwraps.append((wrapped[:12], wrapped[12:], aad))
        row = []
        for field in fields:
            raw = bytes(case.__dict__[field.attname])
            row.append((raw[9:21], raw[21:], raw[:9] + field.context_prefix + case.uuid.bytes))
        opens.append(row)
    plaintexts = [[field.encode(row[field.name]) for field in fields] for row in rows]
    aads = [[open_args[2] for open_args in row] for row in opens]
    wrap_aads = [aad for _, _, aad in unwraps]
    nonces = [os.urandom(12) for _ in range(len(fields) + 1)]
    with no_gc():
        start = time.perf_counter()
        secrets = os.urandom(32 * len(rows))
        for index, (values_, aads_) in enumerate(zip(plaintexts, aads, strict=True)):
            secret = secrets[32 * index : 32 * index + 32]
            master.encrypt(nonces[-1], secret, wrap_aads[index])
            aead = AESGCM(secret)
            for nonce, plaintext, aad in zip(nonces, values_, aads_, strict=False):
                aead.encrypt(nonce, plaintext, aad)
        inserted = time.perf_counter() - start
    with no_gc():
        start = time.perf_counter()
        for (nonce, wrapped, aad), fields_ in zip(unwraps, opens, strict=True):
            aead = AESGCM(master.decrypt(nonce, wrapped, aad))
            for nonce, ciphertext, aad in fields_:
                aead.decrypt(nonce, ciphertext, aad)
        read_ = time.perf_counter() - start
    return inserted, read_


def empty(alias: str) -> None:
    with connections[alias].cursor() as cursor:
        cursor.execute("DELETE FROM bench_sealed_case")
        cursor.execute("DELETE FROM bench_plain_case")


def field_and_floor(rows: list[dict], rounds: int) -> tuple[float, float]:
    """(field path, floor) in µs per field for encrypt + decrypt, medians over rounds.

    Field path: ``pre_save`` (encrypt) on objects holding plaintext, then first attribute access
    (decrypt) on objects holding the stored bytes; building the objects is not timed.
    """
    fields = encrypted_fields(SealedCase)
    keyring._cache()[aead_header(1)] = aead = AESGCM(os.urandom(32))
    plaintexts = [field.encode(row[field.name]) for row in rows for field in fields]
    aad = b"\x01" + bytes(8) + fields[0].context_prefix + bytes(16)
    count = len(plaintexts)
    field_times, floor_times = [], []
    for _ in range(rounds):
        objects = [SealedCase(data_key_id=1, data_key_master_id="bench", **row) for row in rows]
        with no_gc(always=True):
            start = time.perf_counter()
            for obj in objects:
                for field in fields:
                    field.pre_save(obj, True)
            sealed = time.perf_counter() - start
        fresh_objects = [SealedCase(uuid=obj.uuid, data_key_id=1, data_key_master_id="bench") for obj in objects]
        for obj, fresh in zip(objects, fresh_objects, strict=True):
            for field in fields:
                fresh.__dict__[field.attname] = obj.__dict__[field.attname]
        with no_gc(always=True):
            start = time.perf_counter()
            for fresh in fresh_objects:
                for field in fields:
                    getattr(fresh, field.name)
            field_times.append((sealed + time.perf_counter() - start) / count * 1e6)
        with no_gc(always=True):
            start = time.perf_counter()
            for plaintext in plaintexts:
                nonce = os.urandom(12)
                aead.decrypt(nonce, aead.encrypt(nonce, plaintext, aad), aad)
            floor_times.append((time.perf_counter() - start) / count * 1e6)
    return statistics.median(field_times), statistics.median(floor_times)


def run(alias: str, size: int, rounds: int) -> dict:
    rows = [values(i) for i in range(size)]
    with connections[alias].schema_editor() as editor:
        editor.create_model(PlainCase)
        editor.create_model(SealedCase)
    results: dict[str, list[float]] = {"insert_plain": [], "insert_sealed": [], "read_plain": [], "read_sealed": []}
    parts: dict[str, list[float]] = {}
    try:
        for _ in range(rounds):
            empty(alias)
            # Objects are built before the clock starts, for both variants (as in research/encryption.md).
            plain_objects = [PlainCase(**row) for row in rows]
            sealed_objects = [SealedCase(**row) for row in rows]
            with no_gc():
                results["insert_plain"].append(insert_plain(alias, plain_objects))
            with no_gc():
                results["insert_sealed"].append(insert_sealed(alias, sealed_objects, parts))
            with no_gc():
                results["read_plain"].append(read(alias, PlainCase))
            with no_gc():
                results["read_sealed"].append(read(alias, SealedCase, parts))
            aes_insert, aes_read = aes_calls_alone(alias, rows)
            parts.setdefault("aes_insert", []).append(aes_insert)
            parts.setdefault("aes_read", []).append(aes_read)
        empty(alias)
    finally:
        with connections[alias].schema_editor() as editor:
            editor.delete_model(SealedCase)
            editor.delete_model(PlainCase)
    medians = {name: statistics.median(times) for name, times in results.items()}
    medians.update({f"part_{name}": statistics.median(times) for name, times in parts.items()})
    return medians


def report(label: str, size: int, medians: dict) -> tuple[float, float]:
    read_ratio = medians["read_sealed"] / medians["read_plain"]
    insert_ratio = medians["insert_sealed"] / medians["insert_plain"]
    print(f"{label}: {size} cases × {len(FIELDS)} fields (medians)")
    print(
        f"  insert  plain {medians['insert_plain']:.3f} s  encrypted {medians['insert_sealed']:.3f} s  ×{insert_ratio:.2f}"
    )
    print(f"  read    plain {medians['read_plain']:.3f} s  encrypted {medians['read_sealed']:.3f} s  ×{read_ratio:.2f}")
    print(
        f"          encrypted insert = make and wrap {size} data keys {medians['part_insert_keys']:.3f} s"
        f" + encrypt and insert the cases {medians['insert_sealed'] - medians['part_insert_keys']:.3f} s"
    )
    print(
        f"          encrypted read = load rows {medians['part_load']:.3f} s"
        f" + unwrap {size} data keys {medians['part_keys']:.3f} s"
        f" + decrypt {size * len(FIELDS)} fields {medians['part_fields']:.3f} s"
    )
    print(
        f"          AES-GCM calls alone: insert {medians['part_aes_insert']:.3f} s, read {medians['part_aes_read']:.3f} s;"
        f" plain + these: insert ×{1 + medians['part_aes_insert'] / medians['insert_plain']:.2f},"
        f" read ×{1 + medians['part_aes_read'] / medians['read_plain']:.2f} (no code around the calls gets lower)"
    )
    return read_ratio, insert_ratio


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="2,000 cases, 3 rounds")
    parser.add_argument("--size", type=int)
    parser.add_argument("--rounds", type=int)
    parser.add_argument("--no-gc", action="store_true", help="pause the garbage collector in insert and read runs too")
    args = parser.parse_args()
    global PAUSE_GC_IN_RUNS
    PAUSE_GC_IN_RUNS = args.no_gc
    size = args.size or (2_000 if args.quick else 20_000)
    rounds = args.rounds or (3 if args.quick else 5)
    call_command("migrate", verbosity=0)
    if PG_URL:
        pg = connections.configure_settings({"default": settings.DATABASES["default"], "pg": database_from_url(PG_URL)})
        settings.DATABASES["pg"] = connections.settings["pg"] = pg["pg"]
        call_command("migrate", database="pg", verbosity=0)
        with keyring.data_key_scope():
            report("PostgreSQL", size, run("pg", size, rounds))
    with keyring.data_key_scope():
        read_ratio, insert_ratio = report("SQLite", size, run("default", size, rounds))
        field_us, floor_us = field_and_floor([values(i) for i in range(min(size, 5_000))], rounds)
    field_vs_floor = field_us / floor_us
    print(f"  field path {field_us:.2f} µs per field (encrypt+decrypt), bare AESGCM floor {floor_us:.2f} µs")
    print(
        f"bench: encryption read_ratio={read_ratio:.2f} insert_ratio={insert_ratio:.2f} field_vs_floor={field_vs_floor:.2f}"
    )


if __name__ == "__main__":
    main()
