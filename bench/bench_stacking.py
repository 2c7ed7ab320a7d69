"""Speed of the stacked answer for one benchmark, as a ratio to one linear fit measured in the same run.

Target (issue 12): under 3 s with the four models warm (compiled), at the default 4 x 1,000 draws. Everything is fitted
once first (compiles), then the linear fit and the stacked answer are timed back to back; the load average is printed
beside because this machine is noisy.
Run: python bench/bench_stacking.py [benchmark]
"""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from model.analysis import FitSettings, run_analysis  # noqa: E402
from model.data.embedded import load_embedded  # noqa: E402


def main() -> None:
    bench = sys.argv[1] if len(sys.argv) > 1 else "intelligence_index_2026_10_10"
    ds = load_embedded("aa")
    stacked, linear = FitSettings(benchmarks=[bench], model="stacked"), FitSettings(benchmarks=[bench])
    run_analysis(ds, stacked)  # warm: compile every member and refit size
    t0 = time.perf_counter()
    run_analysis(ds, linear.model_copy(update={"seed": 2}))
    t_linear = time.perf_counter() - t0
    t0 = time.perf_counter()
    result = run_analysis(ds, stacked.model_copy(update={"seed": 2}))
    t_stacked = time.perf_counter() - t0
    fit = next(iter(result.fits.values()))
    refits = sum(v["refits"] for v in fit.model.lfo.values())
    print(f"{bench}: one linear fit {t_linear:.2f} s; stacked answer {t_stacked:.2f} s "
          f"({t_stacked / t_linear:.1f}x; {refits} LFO refits; target < 3 s: {'PASS' if t_stacked < 3 else 'MISS'}); "
          f"weights {fit.model.weights_text()}; load average {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
