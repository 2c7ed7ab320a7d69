"""Fit speed, measured in one run: nutpie (cold and warm) vs plain pm.sample, plus the exact conjugate bound.

Targets (2-core machine): warm per-benchmark refit after a prior change < 0.5 s; warm pooled fit over
20 benchmarks < 5 s; cold per-benchmark fit, compilation included, < 10 s.

    .venv/bin/python bench/bench_fits.py
"""

import argparse
import sys
import time
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from model.data.embedded import load_embedded  # noqa
from model.bayes.observations import Observations, benchmark_observations, pooled_observations  # noqa
from model.bayes.priors import TrendPriors  # noqa
from model.bayes.fitting import FitSpec, PooledSpec, fit_pooled, fit_trend  # noqa
from model.bayes.sampling import SamplerSettings  # noqa

BENCH = "intelligence_index_2026_06_15"


def conjugate_linear(obs, priors: TrendPriors, sigma: float) -> tuple[float, np.ndarray, np.ndarray]:
    """Exact Normal posterior of (alpha, beta) with sigma known (censoring ignored): the lower bound on cost."""
    t0 = time.perf_counter()
    X = np.column_stack([np.ones(len(obs)), obs.x])
    prior_mean = np.array([priors.intercept_mean, priors.slope_mean])
    prior_prec = np.diag([1 / priors.intercept_sd**2, 1 / priors.slope_sd**2])
    prec = prior_prec + X.T @ X / sigma**2
    cov = np.linalg.inv(prec)
    mean = cov @ (prior_prec @ prior_mean + X.T @ obs.y / sigma**2)
    return time.perf_counter() - t0, mean, cov


def pm_sample_fit(obs, priors: TrendPriors, sampler: SamplerSettings) -> float:
    """The same linear censored model with plain pm.sample (PyMC's own NUTS), built fresh as a user would."""
    import pymc as pm

    t0 = time.perf_counter()
    with pm.Model():
        a = pm.Normal("alpha", priors.intercept_mean, priors.intercept_sd)
        b = pm.Normal("beta", priors.slope_mean, priors.slope_sd)
        s = pm.HalfNormal("sigma", priors.noise_sd)
        pm.Censored("lag", pm.Normal.dist(a + b * obs.x, s), lower=obs.lower, upper=obs.upper, observed=obs.y)
        pm.sample(draws=sampler.draws, tune=sampler.tune, chains=sampler.chains, cores=sampler.cores,
                  random_seed=sampler.seed, progressbar=False, compute_convergence_checks=False, target_accept=0.95,
                  nuts_sampler="pymc")
    return time.perf_counter() - t0


def main():
    argparse.ArgumentParser(description=__doc__.splitlines()[0]).parse_args()
    warnings.filterwarnings("ignore")
    ds = load_embedded("aa")
    obs = benchmark_observations(ds.scores, BENCH, benchmarks=ds.benchmarks)
    sampler = SamplerSettings()
    rows = []

    t0 = time.perf_counter()
    import pymc  # noqa: F401

    rows.append(("import pymc", time.perf_counter() - t0))
    for model in ("linear", "constant", "linear_ar1", "changepoint"):
        cold = fit_trend(obs, FitSpec(model=model, sampler=sampler))
        warm = fit_trend(obs, FitSpec(model=model, priors=TrendPriors(slope_mean=-3, slope_sd=3), sampler=sampler))
        rows.append((f"{model}: cold fit (compile + sample)", cold.seconds))
        rows.append((f"{model}: warm refit after a prior change", warm.seconds))
        assert not warm.compiled_now

    t_pm = pm_sample_fit(obs, TrendPriors(), sampler)
    rows.append(("linear: plain pm.sample (build + sample)", t_pm))
    lin_warm = [r[1] for r in rows if r[0] == "linear: warm refit after a prior change"][0]
    # The conjugate bound has no censoring: compare on the uncensored points only.
    keep = obs.status == "ok"
    obs_ok = Observations(obs.name, obs.kind, obs.dates[keep], obs.y[keep], obs.status[keep], obs.reference,
                          obs.window_start, obs.window_end)
    fit = fit_trend(obs_ok, FitSpec(sampler=sampler))
    sigma = float(np.median(fit.draws["sigma"]))
    t_conj = min(conjugate_linear(obs_ok, TrendPriors(), sigma)[0] for _ in range(20))
    _, mean, cov = conjugate_linear(obs_ok, TrendPriors(), sigma)
    rows.append(("linear: exact conjugate posterior (sigma known, uncensored points)", t_conj))

    names = list(ds.benchmarks["benchmark"])
    twenty = names[:20]
    pooled20, _ = pooled_observations(ds.scores, twenty, benchmarks=ds.benchmarks)
    pooled_all, _ = pooled_observations(ds.scores, names, benchmarks=ds.benchmarks)
    for label, pooled in (("20 benchmarks", pooled20), (f"all {len(names)} AA benchmarks", pooled_all)):
        cold = fit_pooled(pooled, PooledSpec())
        warm = fit_pooled(pooled, PooledSpec())
        rows.append((f"pooled partial, {label}: cold", cold.seconds))
        rows.append((f"pooled partial, {label}: warm", warm.seconds))
        rows.append((f"pooled partial, {label}: verdict = {warm.diagnostics.verdict}", float("nan")))

    width = max(len(r[0]) for r in rows)
    print(f"benchmark: {BENCH}, {len(obs)} event observations; sampler {sampler}")
    for name, secs in rows:
        print(f"{name:<{width}}  {secs:8.3f} s" if np.isfinite(secs) else name)
    pooled_warm = [r[1] for r in rows if r[0] == "pooled partial, 20 benchmarks: warm"][0]
    cold_lin = [r[1] for r in rows if r[0] == "linear: cold fit (compile + sample)"][0]
    print(f"\nratio plain pm.sample / nutpie warm refit (linear): {t_pm / lin_warm:.1f}x")
    print(f"ratio nutpie warm refit / exact conjugate: {lin_warm / t_conj:.0f}x")
    print(f"uncensored points: nutpie posterior mean of beta {np.mean(fit.draws['beta']):+.3f} vs conjugate {mean[1]:+.3f} "
          f"(sd {np.std(fit.draws['beta']):.3f} vs {np.sqrt(cov[1, 1]):.3f})")
    print("targets: warm per-benchmark < 0.5 s: " + ("PASS" if lin_warm < 0.5 else "FAIL")
          + f"; warm pooled (20) < 5 s: {'PASS' if pooled_warm < 5 else 'FAIL'}"
          + f"; cold per-benchmark < 10 s: {'PASS' if cold_lin < 10 else 'FAIL'}")


if __name__ == "__main__":
    main()
