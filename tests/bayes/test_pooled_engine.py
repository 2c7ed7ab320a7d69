"""The compile-free pooled engine: its density is the PyMC graph's, its posteriors match NUTS within Monte Carlo error on
the pooled answer under both pooled structures, it hands over to NUTS (saying why) where it does not apply, and its
posterior file gives the same summary back. Real sampling; its recovery test is beside NUTS's in test_trend.py."""

from dataclasses import replace

import numpy as np
import pytest

from model.analysis import FitSettings, observations_for, run_analysis
from model.bayes.crossing import crossing_years
from model.bayes.fitting import PooledSpec, fit_pooled
from model.bayes.observations import PooledObservations
from model.bayes.pooled import PooledTrend
from model.bayes.pooled_density import PooledDensity
from model.bayes.priors import PoolingPriors
from model.bayes.sampling import SamplerSettings
from model.bayes.summaries import summarise_fit
from model.robustness.windows import pooled_answer_settings
from tests.bayes.test_fast_engine import assert_within_mc_error, censored_series
from tests.sim import simulate_series

pytestmark = pytest.mark.slow


def pooled_series() -> PooledObservations:
    """Three benchmarks: one with every censoring kind and measurement errors, two plain."""
    plain = [simulate_series(a, b, n=12, seed=s) for a, b, s in ((4.0, -1.0, 5), (7.0, 0.5, 6))]
    return PooledObservations(series=(censored_series(), *(replace(o, name=f"b{i}") for i, o in enumerate(plain))))


def test_numpy_pooled_density_is_the_graphs_density():
    """At random points, the centred numpy density equals PyMC's non-centred one (no Jacobian) plus the Jacobians of
    the log scales, less the reparameterisation's (tau_a tau_b spread per benchmark) and the new benchmark's prior."""
    import pymc as pm
    from scipy import stats

    pooled, priors = pooled_series(), PoolingPriors(pop_slope_mean=-1, noise_sd=3)
    model = PooledTrend(correlated=False)
    n_groups, size = len(pooled.series), 64
    graph = model.build("normal", n_groups, size)
    with graph:
        pm.set_data(model.sampler_data(pooled, priors, size))
    graph_logp = graph.compile_logp(jacobian=False)
    density = PooledDensity.of(pooled, priors, "normal", correlated=False)
    rng = np.random.default_rng(0)
    for _ in range(4):
        mu_a, mu_b = rng.normal(5, 2), rng.normal(0, 1)
        tau_a, tau_b, sigma_pop, spread = np.exp(rng.normal(0, 0.5, 4))
        z, z_new, z_sigma = rng.normal(size=(n_groups, 2)), rng.normal(size=2), rng.normal(size=n_groups)
        point = {"mu_alpha": mu_a, "mu_beta": mu_b, "z": z, "z_new": z_new, "z_sigma": z_sigma,
                 "tau_alpha_log__": np.log(tau_a), "tau_beta_log__": np.log(tau_b),
                 "sigma_pop_log__": np.log(sigma_pop), "sigma_spread_log__": np.log(spread)}
        theta = np.concatenate([[mu_a, mu_b, np.log(tau_a), np.log(tau_b), np.log(sigma_pop), np.log(spread)],
                                mu_a + tau_a * z[:, 0], mu_b + tau_b * z[:, 1], np.log(sigma_pop) + spread * z_sigma])
        expected = (graph_logp(point) - stats.norm.logpdf(z_new).sum() + np.log(tau_a * tau_b * sigma_pop * spread)
                    - n_groups * np.log(tau_a * tau_b * spread))
        assert density(theta[None])[0] == pytest.approx(expected, abs=1e-6)


@pytest.mark.parametrize("correlated", [False, True], ids=["independent", "correlated"])
def test_pooled_engine_matches_nuts_on_the_pooled_answer(aa, correlated):
    """Population and new-benchmark lag now, slope and crossing, and every benchmark's slope: within Monte Carlo error."""
    settings = pooled_answer_settings(aa)
    pooled = observations_for(aa, settings)
    sampler = SamplerSettings(draws=1000, chains=2, seed=21, target_accept=0.95, max_seconds=settings.max_seconds)
    spec = PooledSpec(likelihood=settings.likelihood, correlated=correlated, priors=settings.pooling_priors, sampler=sampler)
    fast = fit_pooled(pooled, spec)
    nuts = fit_pooled(pooled, replace(spec, sampler=replace(sampler, engine="nuts", tune=1000)))
    assert fast.diagnostics.engine == "importance", fast.diagnostics.engine
    assert nuts.diagnostics.engine == "nuts" and nuts.diagnostics.divergences <= 0.005 * len(nuts.draws["mu_alpha"])
    ess_fast = fast.diagnostics.ess_bulk_min
    ess_nuts = min(nuts.diagnostics.ess_bulk_min, nuts.diagnostics.ess_tail_min)
    for target in ("population", "new", *range(len(pooled.series))):
        (a_f, b_f), (a_n, b_n) = fast.parameter_draws(target), nuts.parameter_draws(target)
        assert_within_mc_error(a_f, a_n, ess_fast, ess_nuts, f"{target} lag now")
        assert_within_mc_error(b_f, b_n, ess_fast, ess_nuts, f"{target} slope")
        if target in ("population", "new"):
            assert_within_mc_error(crossing_years(a_f, b_f), crossing_years(a_n, b_n), ess_fast, ess_nuts,
                                   f"{target} crossing")


def test_student_likelihood_hands_over_to_nuts_and_says_why():
    pooled = pooled_series()
    sampler = SamplerSettings(draws=200, tune=200, chains=2, seed=1)
    fit = fit_pooled(pooled, PooledSpec(likelihood="student", sampler=sampler))
    assert fit.diagnostics.engine == "nuts (the fast engine declined: the fast pooled engine covers the Normal likelihood)"


def test_a_pooled_posterior_file_gives_the_same_summary_back(aa, tmp_path):
    """The importance engine's pooled draws (benchmark dimensions included) round-trip through the posterior file."""
    from model.outputs.posterior_files import read_posterior, write_posterior

    settings = FitSettings(benchmarks=["gpqa", "hle", "scicode"], pooling="partial", draws=300, chains=2)
    result = run_analysis(aa, settings)
    fit = result.fits["pooled"]
    assert fit.diagnostics.engine == "importance"
    path = write_posterior(result, "pooled", tmp_path / "pooled.nc", data_hash="test")
    trace, settings_back, name, _ = read_posterior(path)
    again = run_analysis(aa, settings_back, traces={name: trace})
    assert summarise_fit(again.fits[name], data_source="aa").equals(summarise_fit(fit, data_source="aa"))
