"""The pooled model's log density in numpy (:mod:`model.bayes.pooled_density`, the base of a compile-free pooled
engine still under evaluation: see bench/bench_pooled_engine.py) is the PyMC graph's, censoring and measurement errors
included."""

from dataclasses import replace

import numpy as np
import pytest

from model.bayes.observations import PooledObservations
from model.bayes.pooled import PooledTrend
from model.bayes.pooled_density import PooledDensity
from model.bayes.priors import PoolingPriors
from tests.bayes.test_fast_engine import censored_series
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
