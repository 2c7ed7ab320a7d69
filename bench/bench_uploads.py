"""Hostile uploads: each parsed in a process of its own, its time and peak memory (VmHWM) against the README's promise
(refused or loaded within 5 s and 500 MB). The tests assert the memory and the exact message; the times live here.

    python bench/bench_uploads.py
"""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.data.test_hostile_inputs import BUDGET_CASES, PROBE  # noqa: E402


def main() -> int:
    print(f"{'case':45s} {'seconds':>8s} {'peak MB':>8s}  within 5 s and 500 MB")
    worst = 0.0
    for case in BUDGET_CASES:
        r = subprocess.run([sys.executable, "-c", PROBE.format(root=str(ROOT), case=case)], capture_output=True,
                           text=True, timeout=600, cwd=ROOT)
        seconds, peak = map(float, r.stdout.split())
        worst = max(worst, seconds)
        print(f"{case:45s} {seconds:8.2f} {peak:8.0f}  {'yes' if seconds <= 5 and peak <= 500 else 'NO'}")
    print(f"slowest parse: {worst:.2f} s (the build of each input is not timed)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
