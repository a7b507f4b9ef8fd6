"""Audited appends under concurrent writers, the single head against lanes, and verification speed.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/casehub_audit16_bench .venv/bin/python bench/audit.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/casehub_audit16_bench .venv/bin/python bench/audit.py --quick

Builds a throw-away test database next to DATABASE_URL's (test_<name>). Appends: 1, 2, 4 and 8
writer threads, each with its own database connection, append `case.viewed` events for a
while (5 s; --quick 1.5 s), each append in its own transaction, and the appends that committed
are counted. Each transaction holds its lane for a little longer after the append, as a
request does: a `time.sleep` of 2 ms stands for the rest of the request's transaction (the
writes a service makes after auditing, rendering while a read is audited). A sleep rather than
extra queries, because on this 2-core machine queries would measure CPU saturation, not the
lock the design is about. The commit itself (a WAL flush) also happens under the lock, as in
production; on this machine it is most of an append's time.

Two designs in the same run, interleaved (old 1, new 1, old 2, new 2, ...) so machine drift is
shared:

- old: today's single chain before lanes: every writer waits for the lock on one head row
  (`select_for_update()` on lane 0, AUDIT_LANES=1); everything else (digest, insert, head
  update) is the same code, so the difference is the lock;
- new: audit.services as it is, with AUDIT_LANES=16.

Verification: the events the append phase wrote plus events appended in bulk up to 500,000
(--quick 80,000) over 16 lanes, then audit_verify(full=True) timed, events per second.

Each figure is the median of the rounds (3; --quick 1). The last line is

    bench: audit old_appends_1=… old_appends_8=… appends_1=… appends_8=… scaling=… verify_per_s=…

(appends per second; scaling = appends_8 / appends_1 of the new design.)
"""

import argparse
import os
import statistics
import sys
import threading
import time
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("SECRET_KEY", "bench-secret-key-not-for-production-0123456789abcdef")
os.environ.setdefault("CASEHUB_HTTPS", "0")
os.environ["DEBUG"] = "0"  # DEBUG would keep every query in memory
os.environ.setdefault("LOG_LEVEL", "WARNING")
if "CASEHUB_MASTER_KEYS" not in os.environ and "CASEHUB_KEY_FILE" not in os.environ:
    import base64

    os.environ["CASEHUB_MASTER_KEYS"] = f"bench:{base64.b64encode(os.urandom(32)).decode()}"

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from audit import services  # noqa: E402
from audit.models import AuditEvent, AuditHead  # noqa: E402

WRITERS = (1, 2, 4, 8)
HOLD_SECONDS = 0.002
LANES = 16


def single_head() -> AuditHead:
    """Today's lock before lanes: every writer waits for the one head row."""
    return AuditHead.objects.select_for_update().get(lane=0)


def append_for(seconds: float, start: threading.Barrier, counts: list, index: int) -> None:
    try:
        start.wait()
        deadline, done = time.perf_counter() + seconds, 0
        while time.perf_counter() < deadline:
            with transaction.atomic():
                services.audit_record(
                    "case.viewed", target_type="casehub.case", target_id=str(done), details={"groups": ["contact"]}
                )
                time.sleep(HOLD_SECONDS)
            done += 1
        counts[index] = done
    finally:
        connection.close()


def appends_per_second(writers: int, seconds: float, *, old: bool) -> float:
    settings.AUDIT_LANES = 1 if old else LANES
    counts, start = [0] * writers, threading.Barrier(writers)
    threads = [threading.Thread(target=append_for, args=(seconds, start, counts, n)) for n in range(writers)]
    with mock.patch.object(services, "_locked_lane_head", single_head) if old else _nothing():
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    return sum(counts) / seconds


class _nothing:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def fill(total: int) -> None:
    """Append events in bulk (1,000 per transaction, over every lane) until the trail holds `total`."""
    settings.AUDIT_LANES = LANES
    missing = total - AuditEvent.objects.count()
    record = {"action": "case.viewed", "target_type": "casehub.case", "target_id": "x", "details": {"groups": ["a"]}}
    while missing > 0:
        batch = min(missing, 1000)
        with transaction.atomic():
            services.audit_record_many([record] * batch)
        missing -= batch


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1.5 s per writer count, 80,000 events (under a minute)")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        print("bench: set DATABASE_URL to a PostgreSQL database (postgres://...)", file=sys.stderr)
        sys.exit(2)
    seconds, rounds, events = (1.5, 1, 80_000) if args.quick else (5.0, 3, 500_000)

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False, serialize=False)
    try:
        settings.AUDIT_LANES = LANES
        services.audit_record("bench.start")  # makes the lanes
        rates = {(design, n): [] for design in ("old", "new") for n in WRITERS}
        for _ in range(rounds):
            for n in WRITERS:
                for design in ("old", "new"):
                    rates[design, n].append(appends_per_second(n, seconds, old=design == "old"))
        medians = {key: statistics.median(values) for key, values in rates.items()}
        for n in WRITERS:
            print(f"{n} writers: single head {medians['old', n]:.0f}/s, {LANES} lanes {medians['new', n]:.0f}/s")

        started = time.perf_counter()
        fill(events)
        print(f"filled the trail to {events} events in {time.perf_counter() - started:.1f}s")
        verify_rates = []
        for _ in range(rounds):
            started, cpu = time.perf_counter(), time.process_time()
            report = services.audit_verify(full=True)
            elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
            assert report.ok, report.problem
            verify_rates.append(report.checked / elapsed)
            print(f"verified {report.checked} events in {elapsed:.2f}s ({report.checked / cpu:.0f}/s of CPU time)")
        verify = statistics.median(verify_rates)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    new_1, new_8 = medians["new", 1], medians["new", 8]
    print(
        f"bench: audit old_appends_1={medians['old', 1]:.0f} old_appends_8={medians['old', 8]:.0f} "
        f"appends_1={new_1:.0f} appends_8={new_8:.0f} scaling={new_8 / new_1:.2f} verify_per_s={verify:.0f}"
    )


if __name__ == "__main__":
    main()
