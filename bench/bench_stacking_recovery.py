"""Recovery study of the stacked answer: five truth shapes (a straight decline, a break, AR(1) noise, flat, already
closed) x 10 seeds; the stacked answer's 90% and 50% intervals of the zero-gap date against the truth, beside the
true model's own fit (the width the data allow when the model is known).

Targets (issue 23): in the future-crossing cases (decline, break, ar1) the stacked 90% intervals cover the truth in
85-95% of fits and the 50% intervals in 40-60%; the flat case answered as "never" (high P(never)) and the already
closed one as closed (high P(closed already)); the intervals no wider than needed (median 90% width beside the true
model's). Run: python bench/bench_stacking_recovery.py [seeds] [first seed] [shapes, comma-separated]
"""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.shapes import SHAPES, recovery, recovery_summary  # noqa: E402


def main() -> None:
    seeds = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    first = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    shapes = tuple(sys.argv[3].split(",")) if len(sys.argv) > 3 else SHAPES
    t0 = time.perf_counter()
    table = recovery(shapes=shapes, seeds=range(first, first + seeds))
    summary = recovery_summary(table)
    print(summary.to_string(index=False, float_format=lambda v: f"{v:.2f}"))
    crossing = table[(table["fit"] == "stacked") & table["shape"].isin(["decline", "break", "ar1"])]
    print(f"\nstacked, future-crossing cases ({len(crossing)}): 90% coverage {crossing['in90'].mean():.2f} "
          f"(target 0.85-0.95), 50% coverage {crossing['in50'].mean():.2f} (target 0.40-0.60)")
    print(f"{time.perf_counter() - t0:.0f} s; load average {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
