"""The compile-free pooled engine under evaluation (issue 28): on the pooled answer's benchmarks, both pooled
structures, its time as a ratio to the warm NUTS fit in the same run, the weights' Pareto k and effective sample size,
and the 5/50/95% quantiles of the population parameters beside NUTS's.

Not yet the default for pooled fits: it becomes so when k <= 0.7 with an effective sample size near the draws asked for
and quantiles within Monte Carlo error of NUTS on every pooled structure (the issue's agreement table).
Run: python bench/bench_pooled_engine.py [seed]
"""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402

from model.analysis import observations_for  # noqa: E402
from model.bayes.fitting import PooledSpec, fit_pooled  # noqa: E402
from model.bayes.pooled_importance import pooled_importance_posterior  # noqa: E402
from model.data.embedded import load_embedded  # noqa: E402
from model.robustness.windows import pooled_answer_settings  # noqa: E402

PARAMETERS = ("mu_alpha", "mu_beta", "tau_alpha", "tau_beta")


def quantiles(draws: np.ndarray) -> str:
    return "/".join(f"{q:.2f}" for q in np.percentile(draws, [5, 50, 95]))


def main() -> None:
    seed = int(sys.argv[1]) if len(sys.argv) > 1 else 1
    ds = load_embedded("aa")
    settings = pooled_answer_settings(ds)
    pooled = observations_for(ds, settings)
    sampler = settings.sampler(0.95)
    print(f"pooled answer: {len(pooled.series)} benchmarks, {len(pooled.group)} lags; "
          f"{sampler.chains} x {sampler.draws} draws")
    for correlated in (False, True):
        spec = PooledSpec(likelihood=settings.likelihood, correlated=correlated, priors=settings.pooling_priors,
                          sampler=sampler)
        fit_pooled(pooled, spec)  # compile
        t0 = time.perf_counter()
        nuts = fit_pooled(pooled, spec)
        t_nuts = time.perf_counter() - t0
        t0 = time.perf_counter()
        fast = pooled_importance_posterior(pooled, settings.pooling_priors, settings.likelihood, correlated,
                                           chains=sampler.chains, draws=sampler.draws, seed=seed)
        t_fast = time.perf_counter() - t0
        name = "correlated" if correlated else "independent"
        print(f"{name}: NUTS warm {t_nuts:.2f} s ({nuts.diagnostics.verdict}); fast {t_fast:.2f} s "
              f"({t_nuts / t_fast:.1f}x faster)")
        if isinstance(fast, str):
            print(f"  fast engine declined: {fast}")
            continue
        print(f"  Pareto k {fast.pareto_k:.2f}; ESS {fast.ess:.0f} of {sampler.chains * sampler.draws} draws")
        for p in PARAMETERS:
            if p in nuts.draws:
                print(f"  {p:10s} fast {quantiles(fast.draws[p])}   NUTS {quantiles(nuts.draws[p])}")
    print(f"load average {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
