"""The compile-free pooled engine against NUTS on every pooled structure the app offers (issue 28): the agreement
table and the speed, as ratios measured in one run.

Structures: the pooled answer (13 distinct AA evaluations) with independent and with correlated intercepts and slopes,
the public and the private test-set classes (Epoch), and the group presets on the pooled answer's benchmarks. Per
structure: the engine that served the "auto" fit (the fast one, or NUTS with the reason), its Pareto k and effective
sample size, the population's lag now, slope and crossing (5/50/95%) beside NUTS's, whether every target (each
benchmark, the population, a new benchmark) agrees within Monte Carlo error, and the warm times. Then a fresh process:
imports, data and one pooled-answer fit, timed from outside.
Run: python bench/bench_pooled_engine.py [--quick]   (--quick: the pooled answer's two structures only)
"""

import os
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from bench.validate_fast_engine import quantiles, worst_gap  # noqa: E402
from model.analysis import observations_for  # noqa: E402
from model.bayes.crossing import crossing_years  # noqa: E402
from model.bayes.fitting import PooledSpec, fit_pooled  # noqa: E402
from model.core.errors import DataError  # noqa: E402
from model.data.embedded import load_embedded  # noqa: E402
from model.lags.groups import PRESETS  # noqa: E402
from model.robustness.test_sets import class_members  # noqa: E402
from model.robustness.windows import pooled_answer_settings  # noqa: E402

FRESH = """
import time; t0 = time.perf_counter()
from model.data.embedded import load_embedded
from model.analysis import observations_for
from model.bayes.fitting import PooledSpec, fit_pooled
from model.robustness.windows import pooled_answer_settings
ds = load_embedded("aa"); s = pooled_answer_settings(ds)
fit = fit_pooled(observations_for(ds, s), PooledSpec(priors=s.pooling_priors, sampler=s.sampler(0.95)))
print(f"{time.perf_counter() - t0:.2f} {fit.diagnostics.engine}")
"""


def structures(quick: bool):
    """(name, data set, settings, correlated) of every pooled structure."""
    aa = load_embedded("aa")
    answer = pooled_answer_settings(aa)
    yield "pooled answer, independent", aa, answer, False
    yield "pooled answer, correlated", aa, answer, True
    if quick:
        return
    epoch = load_embedded("epoch")
    for group, names in class_members(epoch.benchmarks).items():
        yield f"test-set class: {group}", epoch, answer.model_copy(update={"source": "epoch", "benchmarks": names,
                                                                            "start": None}), False
    for preset, (follower, leader, _) in PRESETS.items():
        if preset != "open_vs_closed":
            yield f"groups: {preset}", aa, answer.model_copy(update={"follower": follower, "leader": leader}), False


def within_mc(fast: np.ndarray, nuts: np.ndarray, ess_fast: float, ess_nuts: float) -> bool:
    """The two CDFs at NUTS's 5, 50 and 95% quantiles within 4.5 Monte Carlo standard errors (as the tests)."""
    return worst_gap(fast, nuts, ess_fast, ess_nuts) <= 4.5


def q3(x: np.ndarray) -> str:
    return "/".join("never" if not np.isfinite(v) else f"{v:.2f}" for v in quantiles(x))


def compare(pooled, settings, correlated: bool) -> dict:
    spec = PooledSpec(likelihood=settings.likelihood, correlated=correlated, priors=settings.pooling_priors,
                      sampler=settings.sampler(0.95))
    nuts_spec = replace(spec, sampler=replace(spec.sampler, engine="nuts"))
    fit_pooled(pooled, nuts_spec)  # compile
    t0 = time.perf_counter()
    nuts = fit_pooled(pooled, nuts_spec)
    t_nuts = time.perf_counter() - t0
    t0 = time.perf_counter()
    fit_pooled(pooled, spec)  # the first fit on these data: each benchmark's likelihood tabulated (then kept)
    t_first = time.perf_counter() - t0
    t0 = time.perf_counter()
    fast = fit_pooled(pooled, spec)  # warm, as NUTS's second fit is: what a prior change on the same data costs
    t_fast = time.perf_counter() - t0
    ess_f, ess_n = fast.diagnostics.ess_bulk_min, min(nuts.diagnostics.ess_bulk_min, nuts.diagnostics.ess_tail_min)
    agree = True
    for target in ("population", "new", *range(len(pooled.series))):
        (a_f, b_f), (a_n, b_n) = fast.parameter_draws(target), nuts.parameter_draws(target)
        agree &= within_mc(a_f, a_n, ess_f, ess_n) and within_mc(b_f, b_n, ess_f, ess_n)
        agree &= within_mc(crossing_years(a_f, b_f), crossing_years(a_n, b_n), ess_f, ess_n)
    (a_f, b_f), (a_n, b_n) = fast.parameter_draws("population"), nuts.parameter_draws("population")
    return {"engine": fast.diagnostics.engine, "k": fast.diagnostics.pareto_k, "ess": ess_f, "ess_nuts": ess_n,
            "lag": f"{q3(a_f)} vs {q3(a_n)}", "slope": f"{q3(b_f)} vs {q3(b_n)}",
            "crossing": f"{q3(crossing_years(a_f, b_f))} vs {q3(crossing_years(a_n, b_n))}", "agree": agree,
            "t_fast": t_fast, "t_first": t_first, "t_nuts": t_nuts, "n": len(pooled.series)}


def main() -> None:
    quick = "--quick" in sys.argv
    print("| structure | benchmarks | engine | Pareto k | ESS (NUTS) | population lag now, fast vs NUTS (5/50/95%) | "
          "slope | crossing (years) | all targets within MC error | fast, first on the data s | fast warm s | NUTS warm s | "
          "NUTS / fast warm |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for name, ds, settings, correlated in structures(quick):
        try:
            pooled = observations_for(ds, settings)
        except DataError as exc:
            print(f"| {name} | - | not fitted: {exc} | | | | | | | | | | |")
            continue
        r = compare(pooled, settings, correlated)
        k = "" if not np.isfinite(r["k"]) else f"{r['k']:.2f}"
        print(f"| {name} | {r['n']} | {r['engine']} | {k} | {r['ess']:.0f} ({r['ess_nuts']:.0f}) | {r['lag']} | "
              f"{r['slope']} | {r['crossing']} | {'yes' if r['agree'] else 'NO'} | {r['t_first']:.2f} | {r['t_fast']:.2f} | "
              f"{r['t_nuts']:.2f} | {r['t_nuts'] / r['t_fast']:.1f}x |")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    t0 = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", FRESH], capture_output=True, text=True, env=env, cwd=ROOT, check=False)
    wall = time.perf_counter() - t0
    print(f"\nfresh process, pooled answer: {wall:.2f} s wall (inside: {out.stdout.strip() or out.stderr[-300:]}); "
          f"load average {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
