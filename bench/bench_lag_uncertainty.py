"""Speed of the score-uncertainty bootstrap: 1,000 replicates of every AA benchmark on the monthly grid.

Target (issue 11): under 2 s for 26 benchmarks, so the band costs the pages nothing visible. Every benchmark is
given a binomial standard error here (as if each had 198 items), the worst case; the load average is printed beside.
Run: python bench/bench_lag_uncertainty.py
"""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from model.data.embedded import load_embedded  # noqa: E402
from model.lags import uncertainty  # noqa: E402


def main() -> None:
    aa = load_embedded("aa")
    names = list(aa.benchmarks["benchmark"])
    bounded = [b for b in names if uncertainty.scale_of(aa.benchmarks, b) is not None]
    uncertainty.ITEM_COUNTS = {b: (198, "bench: assumed 198 items") for b in bounded}
    t0 = time.perf_counter()
    for b in bounded:
        uncertainty.lag_intervals(aa.scores, b, benchmarks=aa.benchmarks, n_replicates=1000)
    seconds = time.perf_counter() - t0
    print(f"{len(bounded)} benchmarks x 1,000 replicates, monthly grid: {seconds:.2f} s (target < 2 s: "
          f"{'PASS' if seconds < 2 else 'MISS'}); load average {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
