"""Rerun every hostile input of issue 13 against the ``cxlab`` command, in a temporary copy of the project.

Usage (from the project folder, with the project's Python)::

    .venv/bin/python tests/hostile/run_hostile.py            # every case
    .venv/bin/python tests/hostile/run_hostile.py 11 12a     # cases whose number starts so

For each case it prints whether the command ended with a clear message (no traceback, the words a
person needs), wrote nothing outside the output folder, and gave no silent wrong result; then
what went wrong, if anything. The exit code is 1 when any case fails.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.hostile.cases import CASES  # noqa: E402
from tests.hostile.project import Project  # noqa: E402


def _mark(problems: list[str]) -> str:
    return "yes" if not problems else "NO"


def main(argv: list[str]) -> int:
    """Run the cases chosen by ``argv`` (number prefixes; none: all); 1 if any failed."""
    chosen = [c for c in CASES if not argv or any(c.number.startswith(a) for a in argv)]
    print(f"{'case':<58} {'clear message':<14} {'inside --out':<13} {'no silent wrong result':<23} seconds")
    failed = []
    for case in chosen:
        started = time.perf_counter()
        label = f"{case.number} {case.title}"[:57]
        with tempfile.TemporaryDirectory(prefix=f"cxlab-hostile-{case.number}-") as folder:
            try:
                verdict = case.run(Project(Path(folder)))
            except Exception as err:  # a case that cannot even finish has failed
                print(f"{label:<58} {'could not finish: ' + type(err).__name__}", flush=True)
                failed.append((case, [f"the case could not finish: {type(err).__name__}: {err}"]))
                continue
        print(f"{label:<58} {_mark(verdict.clear()):<14} {_mark(verdict.contained()):<13} "
              f"{_mark(verdict.right()):<23} {time.perf_counter() - started:5.1f}", flush=True)
        if verdict.failures():
            failed.append((case, verdict.failures()))
    for case, failures in failed:
        print(f"\ncase {case.number} ({case.title}):")
        for failure in failures:
            print("  " + failure.replace("\n", "\n    "))
    print(f"\n{len(chosen) - len(failed)} of {len(chosen)} cases hold.")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
