"""The compile-free engines' numerical building blocks against their plain definitions: the pooled engine's table
lookup (arithmetic on an even grid) against np.interp, its censored-lag terms against finite differences of their own
value, its log-sum-exp against scipy's, and the Laplace step's finite-difference Hessian against a known one."""

import numpy as np
import pytest
from scipy.special import logsumexp

from model.bayes.importance import _hessian
from model.bayes.pooled_density import PooledDensity
from model.bayes.pooled_importance import _logsumexp_last
from model.bayes.pooled_likelihoods import group_likelihoods
from model.bayes.priors import PoolingPriors
from tests.sim import simulate_pooled


@pytest.fixture(scope="module")
def likelihoods():
    pooled, _, _ = simulate_pooled(0.5, -2.0, k=5, seed=3)  # lags near zero lately: some censored
    density = PooledDensity.of(pooled, PoolingPriors(), "normal", False)
    return group_likelihoods(density)


def test_table_lookup_is_np_interp_including_the_ends_and_nan(likelihoods):
    rng = np.random.default_rng(0)
    n_g = likelihoods.table_u.shape[0]
    u = likelihoods.modes[None, :, 2:3] + rng.normal(0, 4, (50, n_g, 7))  # some beyond the table on either side
    u[0, 0, 0], u[1, 1, 1], u[2, 2, 2] = np.nan, np.inf, -np.inf
    quad, lin, const = likelihoods.at(u)
    for g in range(n_g):
        grid = likelihoods.table_u[g]
        for j in range(3):
            np.testing.assert_allclose(quad[:, g, :, j], np.interp(u[:, g], grid, likelihoods.quad[g, :, j]), rtol=1e-9)
        for j in range(2):
            np.testing.assert_allclose(lin[:, g, :, j], np.interp(u[:, g], grid, likelihoods.lin[g, :, j]), rtol=1e-9)
        np.testing.assert_allclose(const[:, g], np.interp(u[:, g], grid, likelihoods.const[g]), rtol=1e-9)
    assert np.isnan(const[0, 0, 0]) and np.isfinite(const[1, 1, 1]) and np.isfinite(const[2, 2, 2])


def test_censored_terms_are_the_derivatives_of_their_value(likelihoods):
    censored = likelihoods.censored
    assert len(censored.group) > 0  # the fixture's lags reach zero lately: some are censored
    rng = np.random.default_rng(1)
    n_g = censored.n_groups
    a, b, u = rng.normal(10, 3, (4, n_g)), rng.normal(-1, 1, (4, n_g)), rng.normal(1, 0.3, (4, n_g))
    value, ga, gb, haa, hab, hbb = censored.terms(a, b, u)
    eps = 1e-5
    np.testing.assert_allclose(ga, (censored.terms(a + eps, b, u)[0] - censored.terms(a - eps, b, u)[0]) / (2 * eps),
                               rtol=1e-4, atol=1e-7)
    np.testing.assert_allclose(gb, (censored.terms(a, b + eps, u)[0] - censored.terms(a, b - eps, u)[0]) / (2 * eps),
                               rtol=1e-4, atol=1e-7)
    np.testing.assert_allclose(haa, (censored.terms(a + eps, b, u)[1] - censored.terms(a - eps, b, u)[1]) / (2 * eps),
                               rtol=1e-4, atol=1e-7)
    np.testing.assert_allclose(hab, (censored.terms(a, b + eps, u)[1] - censored.terms(a, b - eps, u)[1]) / (2 * eps),
                               rtol=1e-4, atol=1e-7)
    np.testing.assert_allclose(hbb, (censored.terms(a, b + eps, u)[2] - censored.terms(a, b - eps, u)[2]) / (2 * eps),
                               rtol=1e-4, atol=1e-7)


def test_logsumexp_matches_scipy_with_infinite_and_nan_entries():
    x = np.random.default_rng(2).normal(0, 30, (40, 5, 8))
    x[0, 0] = -np.inf
    x[1, 1, 3] = np.inf
    x[2, 2, 2] = np.nan
    with np.errstate(all="ignore"):
        np.testing.assert_allclose(_logsumexp_last(x), logsumexp(x, axis=-1), rtol=1e-12)


def test_finite_difference_hessian_of_a_known_function():
    a = np.array([[3.0, 0.5, 0.0], [0.5, 2.0, -0.4], [0.0, -0.4, 1.0]])

    def f(rows):  # -x'Ax/2 + sin(x0) x1: Hessian -A plus [[-sin(x0) x1, cos(x0)], [cos(x0), 0]] in the first two
        return -0.5 * np.einsum("ni,ij,nj->n", rows, a, rows) + np.sin(rows[:, 0]) * rows[:, 1]

    theta = np.array([0.7, -1.2, 2.5, 9.0])  # the fourth coordinate is held fixed
    f4 = lambda rows: f(rows[:, :3])  # noqa: E731
    known = -a.copy()
    known[0, 0] += -np.sin(theta[0]) * theta[1]
    known[0, 1] += np.cos(theta[0])
    known[1, 0] += np.cos(theta[0])
    np.testing.assert_allclose(_hessian(f4, theta, np.arange(3)), known, atol=1e-5)
