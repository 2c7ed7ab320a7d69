"""Lag engine speed: 50 benchmarks x 10,000 models on a daily grid over 5 years. Target: < 1 s."""

import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from model.lags.across import lags_by_benchmark  # noqa


def synthetic(n_bench=50, n_models=10_000, years=5, seed=0):
    rng = np.random.default_rng(seed)
    days = rng.integers(0, int(365.25 * years), size=n_bench * n_models)
    t = days / 365.25
    is_open = rng.random(n_bench * n_models) < 0.5
    score = 20 + 10 * t - 3 * is_open + rng.normal(0, 4, size=t.size)
    return pd.DataFrame({
        "model_id": np.arange(t.size).astype(str), "model_name": np.arange(t.size).astype(str), "creator": "x",
        "release_date": pd.Timestamp("2021-01-01") + pd.to_timedelta(days, unit="D"), "open_weights": is_open, "openness": "",
        "benchmark": np.repeat([f"b{i:02d}" for i in range(n_bench)], n_models), "score": score, "is_estimated": False,
        "source": "synthetic", "snapshot_date": pd.Timestamp("2026-01-01"),
    })


def main():
    scores = synthetic()
    lags_by_benchmark(scores.head(20_000), grid="daily")  # warm imports
    times = []
    for _ in range(3):
        t0 = time.perf_counter()
        out = lags_by_benchmark(scores, grid="daily", start="2021-01-01", end="2025-12-31")
        times.append(time.perf_counter() - t0)
    best = min(times)
    print(f"rows in: {len(scores):,}; grid rows out: {len(out):,}")
    print(f"lags_by_benchmark daily, 50 x 10,000, 5 years: best {best:.3f} s of {len(times)} (target < 1 s): "
          f"{'PASS' if best < 1 else 'FAIL'}")


if __name__ == "__main__":
    main()
