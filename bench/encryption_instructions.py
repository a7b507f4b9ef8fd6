"""Benchmark: the encryption benchmark's insert and read, counted in CPU instructions (valgrind).

    .venv/bin/python bench/encryption_instructions.py            # 2,000 cases (about a minute on 2 cores)
    .venv/bin/python bench/encryption_instructions.py --quick    # 500 cases (under a minute)

Wall-clock ratios on a shared 2-vCPU machine move by ±20 % from run to run, which hides a change
of a few per cent. Instruction counts barely move: the same code counts the same within about 1 %.
This runs the workload of bench/encryption.py (same models, values and code paths) under
``valgrind --tool=cachegrind`` once per phase, each phase doing everything the previous one did
plus one step, and reports the difference per case:

    setup          tables created, objects built
    insert_plain   + bulk_create of the plain cases
    insert_sealed  + the encrypted insert (data keys made and wrapped, six fields encrypted)
    read_plain     + read of the plain cases, every field touched
    read_sealed    + read of the encrypted cases (every data key unwrapped, every field decrypted)

An instruction ratio is not the time ratio the targets are about (AES instructions are cheap,
interpreter instructions stall more), but it moves with it, and it compares two versions of
the code exactly. Needs valgrind. The last line is for scripts:

    bench: encryption_instructions insert_ratio=I read_ratio=R
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

PHASES = ["setup", "insert_plain", "insert_sealed", "read_plain", "read_sealed"]
STEPS = {  # what each phase adds to the one it builds on
    "insert_plain": "setup",
    "insert_sealed": "setup",
    "read_plain": "insert_plain",
    "read_sealed": "insert_sealed",
}


def run_phase(phase: str, size: int) -> None:
    """The workload up to ``phase``, in this process (run under valgrind by count())."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import encryption as bench  # sets up Django on a temporary SQLite file
    from django.db import connections

    from casehub.crypto import keyring

    with keyring.data_key_scope():
        with connections["default"].schema_editor() as editor:
            editor.create_model(bench.PlainCase)
            editor.create_model(bench.SealedCase)
        rows = [bench.values(i) for i in range(size)]
        plain = [bench.PlainCase(**row) for row in rows]
        sealed = [bench.SealedCase(**row) for row in rows]
        if phase in ("insert_plain", "read_plain"):
            bench.insert_plain("default", plain)
        if phase in ("insert_sealed", "read_sealed"):
            bench.insert_sealed("default", sealed)
        if phase == "read_plain":
            bench.read("default", bench.PlainCase)
        if phase == "read_sealed":
            bench.read("default", bench.SealedCase)


def count(phase: str, size: int) -> int:
    result = subprocess.run(
        [
            "valgrind",
            "--tool=cachegrind",
            "--cache-sim=no",
            "--cachegrind-out-file=/dev/null",
            sys.executable,
            __file__,
            "--phase",
            phase,
            "--size",
            str(size),
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONHASHSEED": "0"},
        check=True,
    )
    match = re.search(r"I\s+refs:\s+([\d,]+)", result.stderr)
    if match is None:
        raise SystemExit(f"valgrind gave no instruction count for {phase}:\n{result.stderr[-2000:]}")
    return int(match.group(1).replace(",", ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="500 cases")
    parser.add_argument("--size", type=int)
    parser.add_argument("--phase", choices=PHASES, help=argparse.SUPPRESS)
    args = parser.parse_args()
    size = args.size or (500 if args.quick else 2_000)
    if args.phase:
        run_phase(args.phase, size)
        return
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        totals = dict(zip(PHASES, pool.map(lambda phase: count(phase, size), PHASES), strict=True))
    per_case = {phase: (totals[phase] - totals[base]) / size for phase, base in STEPS.items()}
    insert_ratio = per_case["insert_sealed"] / per_case["insert_plain"]
    read_ratio = per_case["read_sealed"] / per_case["read_plain"]
    print(f"SQLite: {size} cases × 6 fields, instructions per case")
    print(
        f"  insert  plain {per_case['insert_plain']:,.0f}  encrypted {per_case['insert_sealed']:,.0f}  ×{insert_ratio:.3f}"
    )
    print(f"  read    plain {per_case['read_plain']:,.0f}  encrypted {per_case['read_sealed']:,.0f}  ×{read_ratio:.3f}")
    print(f"bench: encryption_instructions insert_ratio={insert_ratio:.3f} read_ratio={read_ratio:.3f}")


if __name__ == "__main__":
    main()
