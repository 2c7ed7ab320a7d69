"""The prior-predictive preview (numpy, no compile) draws the same trends as each model's real PyMC graph."""

import numpy as np
import pytest
from scipy import stats

from model.bayes.priors import TrendPriors
from model.bayes.trends import MODELS, series_model
from tests.sim import simulate_series

pytestmark = pytest.mark.slow
#: Dates (years from the end of the data): the window start, inside it, its end, and after it.
DATES_YEARS = np.array([-3.0, -2.0, 0.0, 1.5])


@pytest.mark.parametrize("name", MODELS)
def test_preview_matches_the_graphs_prior(name):
    import pymc as pm

    obs = simulate_series(5.0, -1.5, n=20, years=3.0, seed=3)
    priors = TrendPriors(slope_mean=-1.0, slope_sd=2.0, intercept_mean=4.0, intercept_sd=3.0)
    model = series_model(name)
    size = model.structure_key("normal", len(obs)).size
    graph = model.build("normal", size)
    data = model.sampler_data(obs, priors, size)
    with graph:
        pm.set_data({k: v for k, v in data.items() if k in graph.named_vars})
        prior = pm.sample_prior_predictive(draws=6000, var_names=list(model.parameters), random_seed=11).prior
    draws = {p: prior[p].values.reshape(-1) for p in model.parameters}
    from_graph = model.trend(draws, DATES_YEARS)
    preview = model.prior_trend(priors, DATES_YEARS, n=6000, seed=5, tau_bounds=model.tau_bounds(obs, priors))
    for j in range(len(DATES_YEARS)):
        ks = stats.ks_2samp(from_graph[:, j], preview[:, j])
        assert ks.pvalue > 1e-3, (name, DATES_YEARS[j], ks)


def test_the_old_straight_line_preview_would_fail():
    """The check has power: the linear preview the changepoint page used to draw differs at the window start."""
    import pymc as pm

    obs = simulate_series(5.0, -1.5, n=20, years=3.0, seed=3)
    priors = TrendPriors(slope_mean=-1.0, slope_sd=2.0, intercept_mean=4.0, intercept_sd=3.0)
    model = series_model("changepoint")
    size = model.structure_key("normal", len(obs)).size
    graph = model.build("normal", size)
    with graph:
        pm.set_data({k: v for k, v in model.sampler_data(obs, priors, size).items() if k in graph.named_vars})
        prior = pm.sample_prior_predictive(draws=6000, var_names=list(model.parameters), random_seed=11).prior
    from_graph = model.trend({p: prior[p].values.reshape(-1) for p in model.parameters}, DATES_YEARS[:1])
    straight = series_model("linear").prior_trend(priors, DATES_YEARS[:1], n=6000, seed=5)
    assert stats.ks_2samp(from_graph[:, 0], straight[:, 0]).pvalue < 1e-6


def test_changepoint_preview_bends():
    """The old preview drew straight lines for the changepoint model; now slopes differ before and after the break."""
    model = series_model("changepoint")
    x = np.linspace(-3, 0, 31)
    draws = model.prior_trend(TrendPriors(), x, n=200, seed=1, tau_bounds=(-2.5, -0.5))
    second_diff = np.abs(np.diff(draws, n=2, axis=1)).max(axis=1)
    assert np.median(second_diff) > 1e-3
