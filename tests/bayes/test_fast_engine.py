"""The compile-free engine (Laplace + Pareto-smoothed importance sampling): its density is the PyMC graph's, its PSIS is
arviz-stats', its posteriors match NUTS within Monte Carlo error on every embedded index, and it hands over to NUTS,
saying so, where it is not reliable. Real sampling."""

from dataclasses import replace

import numpy as np
import pytest
from scipy import stats

import model.bayes.importance as importance
from model.bayes.crossing import crossing_years
from model.bayes.fitting import FitSpec, fit_trend
from model.bayes.importance import importance_posterior, posterior_density
from model.bayes.likelihood import censored_loglik
from model.bayes.observations import benchmark_observations
from model.bayes.priors import TrendPriors
from model.bayes.psis import psis_log_weights
from model.bayes.sampling import SamplerSettings
from model.bayes.summaries import summarise_fit
from model.bayes.trends import MODELS, series_model
from model.core.errors import DataError
from tests.sim import simulate_series

pytestmark = pytest.mark.slow
IS = SamplerSettings(draws=1000, chains=2, seed=11)
NUTS = replace(IS, engine="nuts", tune=700, seed=12)
#: Three AA indices (the newest versions): every model is compared there; the other embedded benchmarks compare the default model.
INDICES = ("intelligence_index_2026_10_10", "agentic_index_2026_10_10", "coding_index")


def censored_series():
    """A series with every censoring kind and measurement errors: the hardest case for a numpy twin of the graph."""
    obs = simulate_series(0.5, -2.0, n=20, seed=3)
    status = obs.status.copy()
    status[0], status[3] = "left_censored", "not_caught_up"
    return replace(obs, status=status).with_measurement_error(np.linspace(0, 1, len(obs)))


@pytest.mark.parametrize("likelihood", ["normal", "student"])
@pytest.mark.parametrize("name", MODELS)
def test_numpy_density_is_the_graphs_density(name, likelihood):
    """At random points, the engine's log posterior equals PyMC's (same constant; the Jacobians of the log scales added
    to PyMC's value without Jacobian), censoring and measurement error included."""
    import pymc as pm

    obs, priors = censored_series(), TrendPriors(slope_mean=-1, noise_sd=3)
    model = series_model(name)
    graph = model.build(likelihood, 32)
    with graph:
        pm.set_data(model.sampler_data(obs, priors, 32))
    graph_logp = graph.compile_logp(jacobian=False)
    density = posterior_density(model, obs, priors, likelihood)
    lo, hi = model.tau_bounds(obs, priors)
    rng = np.random.default_rng(0)
    for _ in range(4):
        theta = np.array([rng.uniform(lo, hi) if c == "tau" else rng.normal(3 if c == "alpha" else 0, 1)
                          for c in model.coordinates])
        d = {k: v[0] for k, v in model.draws_from_coordinates(theta[None]).items()}
        point = {}
        for v in graph.value_vars:
            base = v.name.removesuffix("_log__").removesuffix("_interval__")
            point[v.name] = (np.log(d[base]) if v.name.endswith("_log__")
                             else np.log((d[base] - lo) / (hi - d[base])) if v.name.endswith("_interval__") else d[base])
        jacobian = np.log(d["sigma"]) + (np.log(d["ell"]) if "ell" in d else 0.0)
        assert density(theta[None])[0] == pytest.approx(graph_logp(point) + jacobian, abs=1e-6)


def test_censored_loglik_matches_scipy():
    rng = np.random.default_rng(1)
    y = np.array([0.0, 3.0, 5.0, 2.0])
    status = np.array(["open_ahead", "ok", "left_censored", "not_caught_up"], dtype=object)
    mu, sd = rng.normal(2, 2, (5, 4)), rng.uniform(0.5, 3, (5, 4))
    for likelihood, dist in (("normal", stats.norm(mu, sd)), ("student", stats.t(4.0, mu, sd))):
        want = np.column_stack([dist.logcdf(0.0)[:, 0], dist.logpdf(y)[:, 1], dist.logsf(y)[:, 2], dist.logsf(y)[:, 3]])
        np.testing.assert_allclose(censored_loglik(mu, sd, y, status, likelihood, 4.0), want, rtol=1e-9)


@pytest.mark.parametrize("tail", ["light", "heavy"])
def test_psis_agrees_with_arviz_stats(tail):
    import arviz_stats  # noqa: F401  (registers the accessor)
    import xarray as xr

    rng = np.random.default_rng(2)
    log_ratios = rng.normal(0, 1, 4000) if tail == "light" else rng.standard_t(2, 4000) * 1.5
    ours, k = psis_log_weights(log_ratios)
    lw, k_ref = xr.DataArray(-log_ratios[None, :], dims=["chain", "draw"]).azstats.psislw(dim=["chain", "draw"], r_eff=1.0)
    lw = np.asarray(lw).ravel()
    assert k == pytest.approx(float(np.asarray(k_ref)), abs=1e-6)
    np.testing.assert_allclose(ours, lw - np.logaddexp.reduce(lw), atol=1e-9)


def sorted_quantile(x: np.ndarray, p: float) -> float:
    """A quantile without interpolation ("never" = inf sorts last)."""
    xs = np.sort(x)
    return float(xs[int(np.floor(p * (len(xs) - 1)))])


def assert_within_mc_error(fast: np.ndarray, nuts: np.ndarray, ess_fast: float, ess_nuts: float, what: str) -> None:
    """At NUTS's 5, 50 and 95% quantiles, the two CDFs differ by at most 4.5 Monte Carlo standard errors (a comparison
    in probability space: it holds for the crossing date too, whose draws have atoms at "closed already" and "never")."""
    for p in (0.05, 0.5, 0.95):
        v = sorted_quantile(nuts, p)
        if not np.isfinite(v):
            continue
        f_fast, f_nuts = np.mean(fast <= v), np.mean(nuts <= v)
        se = np.sqrt(max(f_nuts * (1 - f_nuts), 1e-4) * (1 / ess_fast + 1 / ess_nuts))
        assert abs(f_fast - f_nuts) <= 4.5 * se, f"{what}: CDF at NUTS q{p:.2f}: fast {f_fast:.3f}, NUTS {f_nuts:.3f}"


def compare_with_nuts(obs, name: str) -> dict:
    fast = fit_trend(obs, FitSpec(model=name, sampler=IS))
    nuts = fit_trend(obs, FitSpec(model=name, sampler=NUTS))
    assert fast.diagnostics.engine == "importance", fast.diagnostics.engine
    # NUTS is the reference, not under test: a handful of divergences in 2,000+ draws (seen on a busy machine: 5) leaves
    # its posterior usable for this comparison within Monte Carlo error; a broken reference has many more.
    assert nuts.diagnostics.engine == "nuts" and nuts.diagnostics.divergences <= 0.005 * len(nuts.draws["alpha"])
    ess_fast = fast.diagnostics.ess_bulk_min
    ess_nuts = min(nuts.diagnostics.ess_bulk_min, nuts.diagnostics.ess_tail_min)
    model = series_model(name)
    for p in model.parameters:
        assert_within_mc_error(fast.draws[p], nuts.draws[p], ess_fast, ess_nuts, f"{obs.name} {name} {p}")
    if "beta" in model.parameters:
        assert_within_mc_error(crossing_years(fast.draws["alpha"], fast.draws["beta"]),
                               crossing_years(nuts.draws["alpha"], nuts.draws["beta"]), ess_fast, ess_nuts,
                               f"{obs.name} {name} crossing")
    return {"k": fast.diagnostics.pareto_k, "fast_seconds": fast.seconds}


@pytest.mark.parametrize("name", MODELS)
def test_every_model_matches_nuts_on_the_newest_indices(aa, name):
    for bench in INDICES:
        obs = benchmark_observations(aa.scores, bench, benchmarks=aa.benchmarks, measurement_error=True)
        out = compare_with_nuts(obs, name)
        assert out["k"] <= importance.K_GOOD, out  # its speed is bench/'s business


def test_default_model_matches_nuts_on_every_embedded_benchmark(aa):
    compared = 0
    for bench in aa.benchmarks["benchmark"]:
        if bench in INDICES:
            continue
        try:
            obs = benchmark_observations(aa.scores, bench, benchmarks=aa.benchmarks, measurement_error=True)
            series_model("linear").check_size(obs)
        except DataError:
            continue
        compare_with_nuts(obs, "linear")
        compared += 1
    assert compared >= 20, compared


@pytest.mark.parametrize("name,truth", [("changepoint", (4.0, -3.0)), ("linear_ar1", (6.0, -3.0))])
def test_fast_engine_recovers_a_known_crossing(name, truth):
    """Hidden truth: a series whose lag falls to zero 1.3-2 years after the reference date; the fast engine's 90%
    crossing interval covers it in at least 8 of 10 seeds."""
    alpha, beta = truth
    hits = 0
    for s in range(10):
        obs = simulate_series(alpha, beta, n=30, seed=s)
        fit = fit_trend(obs, FitSpec(model=name, sampler=replace(IS, seed=s)))
        assert fit.diagnostics.engine == "importance"
        x = crossing_years(fit.draws["alpha"], fit.draws["beta"])
        hits += sorted_quantile(x, 0.05) <= -alpha / beta <= sorted_quantile(x, 0.95)
    assert hits >= 8, hits


def test_unreliable_weights_hand_over_to_nuts_and_say_so(monkeypatch):
    obs = simulate_series(6.0, -2.0, seed=4)
    monkeypatch.setattr(importance, "K_MAX", -1.0)  # every Pareto k is now "too high"
    fit = fit_trend(obs, FitSpec(sampler=replace(IS, draws=300, tune=300)))
    assert fit.diagnostics.engine.startswith("nuts (the fast engine declined: the importance weights' Pareto k")
    row = summarise_fit(fit).iloc[0]
    assert row["engine"] == fit.diagnostics.engine and np.isfinite(row["rhat_max"])


def test_fast_fit_is_reproducible_and_prior_sensitive():
    obs = simulate_series(6.0, -2.0, n=8, sigma=2.0, seed=4)
    a, b = (fit_trend(obs, FitSpec(sampler=IS)) for _ in range(2))
    np.testing.assert_array_equal(a.draws["beta"], b.draws["beta"])
    tight = fit_trend(obs, FitSpec(priors=TrendPriors(slope_mean=-15, slope_sd=0.5), sampler=IS))
    assert np.median(tight.draws["beta"]) < np.median(a.draws["beta"]) - 5
    assert not tight.compiled_now and "prior–data conflict" in tight.diagnostics.verdict


def test_importance_posterior_reports_its_reason_when_the_mode_is_missing():
    obs = simulate_series(6.0, -2.0, n=8, seed=1)
    reason = importance_posterior(series_model("linear"), obs, TrendPriors(), "normal", chains=1, draws=100, seed=0)
    assert not isinstance(reason, str)  # a normal case works ...
    monkeypatch_free = series_model("linear")
    monkeypatch_free.log_prior = lambda *a: np.full(len(a[0]["alpha"]), -np.inf)  # ... a density that is -inf does not
    assert importance_posterior(monkeypatch_free, obs, TrendPriors(), "normal", chains=1, draws=100,
                                seed=0) == "the posterior mode could not be found"
