"""The fast engine against NUTS on every embedded benchmark: slope and crossing quantiles side by side, and Pareto k.

    .venv/bin/python bench/validate_fast_engine.py [--models linear,changepoint] [--source aa] [--out table.csv]

Both engines draw 4 x 1000 (NUTS: 4 chains, 1000 tuning steps); quantiles of the slope (months per year) and of the
crossing date (years after the end of the data; inf = never), with the largest gap in units of NUTS's Monte Carlo error.
"""

import argparse
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from model.bayes.crossing import crossing_years  # noqa: E402
from model.bayes.fitting import FitSpec, fit_trend  # noqa: E402
from model.bayes.observations import benchmark_observations  # noqa: E402
from model.bayes.sampling import SamplerSettings  # noqa: E402
from model.core.errors import DataError  # noqa: E402
from model.data.embedded import load_embedded  # noqa: E402


def quantiles(x: np.ndarray) -> list[float]:
    xs = np.sort(x)
    return [float(xs[int(np.floor(p * (len(xs) - 1)))]) for p in (0.05, 0.5, 0.95)]


def worst_gap(fast: np.ndarray, nuts: np.ndarray, ess_fast: float, ess_nuts: float) -> float:
    """Largest CDF difference at NUTS's 5/50/95% quantiles, in Monte Carlo standard errors."""
    out = 0.0
    for v in quantiles(nuts):
        if np.isfinite(v):
            f1, f2 = np.mean(fast <= v), np.mean(nuts <= v)
            out = max(out, abs(f1 - f2) / np.sqrt(max(f2 * (1 - f2), 1e-4) * (1 / ess_fast + 1 / ess_nuts)))
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", default="constant,linear,linear_ar1,changepoint")
    parser.add_argument("--source", default="aa")
    parser.add_argument("--out")
    args = parser.parse_args()
    ds = load_embedded(args.source)
    sampler = SamplerSettings(draws=1000, tune=1000, chains=4, seed=7)
    rows = []
    for bench in ds.benchmarks["benchmark"]:
        try:
            obs = benchmark_observations(ds.scores, bench, benchmarks=ds.benchmarks, measurement_error=True)
        except DataError:
            continue
        for name in args.models.split(","):
            try:
                fast = fit_trend(obs, FitSpec(model=name, sampler=sampler))
                nuts = fit_trend(obs, FitSpec(model=name, sampler=replace(sampler, engine="nuts", seed=8)))
            except DataError:
                continue
            ef = fast.diagnostics.ess_bulk_min
            en = min(nuts.diagnostics.ess_bulk_min, nuts.diagnostics.ess_tail_min)
            row = {"benchmark": bench, "model": name, "n_obs": len(obs), "engine": fast.diagnostics.engine,
                   "pareto_k": fast.diagnostics.pareto_k, "fast_s": fast.seconds, "nuts_s": nuts.seconds,
                   "nuts_verdict": nuts.diagnostics.verdict}
            if fast.diagnostics.engine == "importance":
                b_f, b_n = fast.draws.get("beta"), nuts.draws.get("beta")
                if b_f is not None:
                    x_f = crossing_years(fast.draws["alpha"], b_f)
                    x_n = crossing_years(nuts.draws["alpha"], b_n)
                    for tag, f, n in (("slope", b_f, b_n), ("crossing", x_f, x_n)):
                        qf, qn = quantiles(f), quantiles(n)
                        row.update({f"{tag}_fast": "/".join(f"{v:.2f}" for v in qf),
                                    f"{tag}_nuts": "/".join(f"{v:.2f}" for v in qn),
                                    f"{tag}_gap_se": worst_gap(f, n, ef, en)})
                a_f, a_n = fast.draws["alpha"], nuts.draws["alpha"]
                row["lag_now_gap_se"] = worst_gap(a_f, a_n, ef, en)
            rows.append(row)
            print({k: (round(v, 3) if isinstance(v, float) else v) for k, v in row.items()}, flush=True)
    table = pd.DataFrame(rows)
    if args.out:
        table.to_csv(args.out, index=False)
    fast_rows = table[table["engine"] == "importance"]
    print(f"\n{len(fast_rows)} of {len(table)} fits by the fast engine; Pareto k max {fast_rows['pareto_k'].max():.2f}; "
          f"largest quantile gap {fast_rows.filter(like='gap_se').max().max():.1f} Monte Carlo SEs; "
          f"median time fast {fast_rows['fast_s'].median():.3f} s vs NUTS {table['nuts_s'].median():.3f} s")


if __name__ == "__main__":
    main()
