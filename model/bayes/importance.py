"""The compile-free engine: posteriors of the per-series models by Laplace approximation and importance sampling.

These models have three to five parameters, so their exact posterior density is cheap in numpy (the model's own
``log_prior`` and the censored likelihood of :mod:`model.bayes.likelihood`: priors, Normal or Student-t noise, each
lag's measurement error, censoring; the same density as the PyMC graph). The engine

1. finds the posterior mode in the model's unbounded coordinates (damped Newton) and the curvature there (a numerical
   Hessian);
2. proposes from a multivariate Student-t (:data:`PROPOSAL_DF` degrees of freedom, covariance widened by
   :data:`WIDEN`) centred on the mode: heavy enough tails to cover a skewed or censored posterior;
   for a model with a ``grid_coordinate`` (the changepoint's break date, the AR(1) correlation time) the proposal is a
   mixture over :data:`GRID_CELLS` cells of that coordinate, each cell weighted by its Laplace evidence and holding its own
   conditional Laplace approximation of the other coordinates (a break date can be bimodal; a grid sees both modes);
3. weights each proposal by posterior / proposal, Pareto-smooths the weights (:mod:`model.bayes.psis`) and resamples
   ``chains * draws`` equally weighted draws (systematic resampling).

Its diagnostics are the Pareto k of the weights and their effective sample size. Where k > :data:`K_MAX` (the proposal
does not cover the posterior), or the mode cannot be found, it returns the reason instead and the caller samples with
NUTS (:func:`model.bayes.fitting.fit_trend`). Tests check it against NUTS on every embedded index and on simulations.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import gammaln, logsumexp

from model.bayes.likelihood import censored_loglik
from model.bayes.psis import psis_log_weights

#: Above this Pareto k the importance weights are unreliable and NUTS takes over; above K_GOOD the verdict cautions.
K_MAX, K_GOOD = 0.7, 0.5
#: The proposal: Student-t degrees of freedom, covariance widening, proposals per output draw, grid cells.
PROPOSAL_DF, WIDEN, PROPOSALS_PER_DRAW, GRID_CELLS = 5, 1.5, 4, 24
MIN_PROPOSALS = 16_000
MAX_NEWTON_STEPS = 100
#: A truncated grid whose end cell holds more than this share of the Laplace mass does not cover the posterior.
EDGE_MASS = 1e-3
#: How often a truncated grid is extended (by half its range) before the engine gives way to NUTS.
MAX_GRID_EXTENSIONS = 3


@dataclass(frozen=True)
class ImportancePosterior:
    """Equally weighted draws (chain-major, ``chains * draws``), the weights' Pareto k and effective sample size."""

    draws: dict[str, np.ndarray]
    pareto_k: float
    ess: float


@dataclass(frozen=True)
class _Target:
    """The log posterior of one series under one model, vectorised over rows of coordinates."""

    model: object
    x: np.ndarray
    y: np.ndarray
    status: np.ndarray
    me: np.ndarray
    priors: object
    likelihood: str
    tau_bounds: tuple[float, float]

    def __call__(self, theta: np.ndarray) -> np.ndarray:
        draws = self.model.draws_from_coordinates(theta)
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            lp = self.model.log_prior(draws, self.priors, self.tau_bounds)
            mu, sd = self.model.conditional_mean_sd(draws, self.x, self.y)
            sd = np.sqrt(sd**2 + self.me[None, :] ** 2)
            lp = lp + censored_loglik(mu, sd, self.y, self.status, self.likelihood, self.priors.student_nu).sum(axis=1)
        return np.where(np.isfinite(lp), lp, -np.inf)


def posterior_density(model, obs, priors, likelihood: str) -> _Target:
    """The log posterior density (up to a constant) of ``model`` on ``obs``, a function of coordinate rows."""
    order = np.argsort(obs.x, kind="stable")
    return _Target(model, obs.x[order], obs.y[order], obs.status[order], obs.meas_sd[order], priors, likelihood,
                   model.tau_bounds(obs, priors))


def _start(model, target: _Target) -> np.ndarray:
    """A starting point: least squares through the exact lags, the noise from their residuals, priors elsewhere."""
    exact = target.status == "ok"
    x, y = (target.x[exact], target.y[exact]) if exact.sum() >= 2 else (target.x, target.y)
    slope, intercept = np.polyfit(x, y, 1) if len(x) >= 2 and np.ptp(x) > 0 else (0.0, float(np.mean(y)))
    resid = y - (intercept + slope * x)
    values = {"alpha": intercept, "beta": slope, "beta_before": slope, "log_sigma": np.log(max(np.std(resid), 0.5)),
              "log_ell": np.log(target.priors.ar_lengthscale_median), "tau": float(np.mean(target.tau_bounds))}
    if "beta" not in model.coordinates:
        values["alpha"] = float(np.mean(y))
    return np.array([values[c] for c in model.coordinates], dtype=float)


def _gradient(f, theta: np.ndarray, free: np.ndarray) -> np.ndarray:
    h = 1e-5 * np.maximum(1.0, np.abs(theta))
    eye = np.diag(h * free)
    vals = f(np.vstack([theta + eye, theta - eye]))
    k = len(theta)
    return (vals[:k] - vals[k:]) / (2 * h)


def _hessian(f, theta: np.ndarray, idx: np.ndarray) -> np.ndarray:
    """Central-difference Hessian of ``f`` in the coordinates ``idx`` (one batched evaluation of 2 k^2 + 1 rows: each
    pair i < j once, at its four corners; each diagonal entry from the points 2 h either side and the centre)."""
    k = len(idx)
    h = 1e-3 * np.maximum(1.0, np.abs(theta[idx]))
    pairs = [(i, j) for i in range(k) for j in range(i + 1, k)]
    rows = [theta]
    for i in range(k):
        for s in (2, -2):
            t = theta.copy()
            t[idx[i]] += s * h[i]
            rows.append(t)
    for i, j in pairs:
        for si, sj in ((1, 1), (1, -1), (-1, 1), (-1, -1)):
            t = theta.copy()
            t[idx[i]] += si * h[i]
            t[idx[j]] += sj * h[j]
            rows.append(t)
    v = f(np.array(rows))
    centre, diag, corners = v[0], v[1:1 + 2 * k].reshape(k, 2), v[1 + 2 * k:].reshape(-1, 4)
    hess = np.diag((diag[:, 0] - 2 * centre + diag[:, 1]) / (4 * h**2))
    for (i, j), c in zip(pairs, corners, strict=True):
        hess[i, j] = hess[j, i] = (c[0] - c[1] - c[2] + c[3]) / (4 * h[i] * h[j])
    return hess


def laplace(f, start: np.ndarray, idx: np.ndarray) -> tuple[np.ndarray, np.ndarray, float] | None:
    """Mode, covariance and log density at the mode of ``f`` over coordinates ``idx`` (the others fixed), or None.

    Damped Newton with batched finite differences (a handful of coordinates: each step is one vectorised call of ``f``),
    falling back to a gradient step where the curvature is not that of a maximum."""
    free = np.zeros(len(start))
    free[idx] = 1.0
    theta = start.astype(float).copy()
    logp = f(theta[None, :])[0]
    if not np.isfinite(logp):
        return None
    for _ in range(MAX_NEWTON_STEPS):
        grad = _gradient(f, theta, free)[idx]
        hess = _hessian(f, theta, idx)
        try:
            step = np.linalg.solve(-hess, grad)
            if not np.all(np.isfinite(step)) or step @ grad <= 0:  # not an ascent direction: climb the gradient
                raise np.linalg.LinAlgError
        except np.linalg.LinAlgError:
            step = grad / max(np.linalg.norm(grad), 1.0)
        size, moved = 1.0, False
        for _ in range(30):  # backtracking line search
            trial = theta.copy()
            trial[idx] += size * step
            new = f(trial[None, :])[0]
            if np.isfinite(new) and new >= logp - 1e-12:
                moved = True
                break
            size /= 2
        if not moved:
            break
        gain = new - logp
        theta, logp = trial, new
        if gain < 1e-9 and np.max(np.abs(size * step)) < 1e-6:
            break
    hess = _hessian(f, theta, idx)
    vals, vecs = np.linalg.eigh(-hess)
    if not np.all(np.isfinite(vals)) or vals.min() <= 0:
        return None  # not a proper maximum: the Laplace approximation does not apply
    return theta, (vecs / vals) @ vecs.T, float(logp)


def t_sample(rng, mean: np.ndarray, cov: np.ndarray, n: int, df: float = PROPOSAL_DF) -> np.ndarray:
    """``n`` draws of a multivariate Student-t with location ``mean``, scale matrix ``cov`` and ``df`` degrees of freedom."""
    chol = np.linalg.cholesky(cov)
    z = rng.standard_normal((n, len(mean))) @ chol.T
    u = rng.chisquare(df, size=(n, 1)) / df
    return mean + z / np.sqrt(u)


def t_logpdf(theta: np.ndarray, mean: np.ndarray, cov: np.ndarray, df: float = PROPOSAL_DF) -> np.ndarray:
    """Log density of that Student-t at the rows of ``theta``."""
    d = len(mean)
    chol = np.linalg.cholesky(cov)
    sol = np.linalg.solve(chol, (theta - mean).T)
    maha = np.sum(sol**2, axis=0)
    nu = df
    return (gammaln((nu + d) / 2) - gammaln(nu / 2) - d / 2 * np.log(nu * np.pi) - np.log(np.diag(chol)).sum()
            - (nu + d) / 2 * np.log1p(maha / nu))


def _single_proposal(target, model, rng, n):
    idx = np.arange(len(model.coordinates))
    lap = laplace(target, _start(model, target), idx)
    if lap is None:
        return "the posterior mode could not be found"
    mode, cov, _ = lap
    cov = cov * WIDEN
    theta = t_sample(rng, mode, cov, n)
    return theta, t_logpdf(theta, mode, cov)


def _grid_proposal(target, model, rng, n):
    """A mixture over cells of the grid coordinate: uniform within a cell, a conditional Laplace t elsewhere."""
    g = model.coordinates.index(model.grid_coordinate)
    lo, hi, truncates = model.grid_range(target.priors, target.tau_bounds)
    if not hi > lo:
        return "the changepoint window is empty"
    others = np.array([j for j in range(len(model.coordinates)) if j != g])
    for _ in range(MAX_GRID_EXTENSIONS + 1):
        edges = np.linspace(lo, hi, GRID_CELLS + 1)
        comps = _cell_laplaces(target, model, g, others, edges)
        if comps is None:
            return "the posterior mode could not be found in every cell of the grid"
        log_mass = np.array([c[2] for c in comps])
        mass = np.exp(log_mass - logsumexp(log_mass))
        low_edge, high_edge = truncates and mass[0] > EDGE_MASS, truncates and mass[-1] > EDGE_MASS
        if not (low_edge or high_edge):
            break
        span = hi - lo  # the posterior reaches an end of a truncated grid: extend that side by half the range
        lo, hi = lo - 0.5 * span * low_edge, hi + 0.5 * span * high_edge
    else:
        return f"the posterior of {model.grid_coordinate} reaches the end of its grid"
    width = edges[1] - edges[0]
    mass = 0.9 * mass + 0.1 / GRID_CELLS  # every cell keeps some proposals: a defensive mixture
    cell = rng.choice(GRID_CELLS, size=n, p=mass)
    theta = np.empty((n, len(model.coordinates)))
    theta[:, g] = edges[cell] + rng.uniform(0, width, n)
    logq = np.empty(n)
    for c, (mode, cov, _) in enumerate(comps):
        pick = cell == c
        if pick.any():
            theta[np.ix_(pick, others)] = t_sample(rng, mode, cov, int(pick.sum()))
            logq[pick] = np.log(mass[c] / width) + t_logpdf(theta[np.ix_(pick, others)], mode, cov)
    return theta, logq


def _cell_laplaces(target, model, g: int, others: np.ndarray, edges: np.ndarray) -> list | None:
    """Per grid cell: the conditional Laplace (mode, widened covariance) of the other coordinates at the cell's centre,
    and the cell's log Laplace evidence. None where a cell has no proper mode."""
    start = _start(model, target)
    comps = []
    for c in range(len(edges) - 1):
        start[g] = (edges[c] + edges[c + 1]) / 2
        lap = laplace(target, start, others)
        if lap is None:
            return None
        mode, cov, logp = lap
        comps.append((mode[others], cov * WIDEN, logp + 0.5 * np.linalg.slogdet(cov)[1]))
        start = mode.copy()  # warm start the next cell from this one's mode
    return comps


def systematic_resample(weights: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    """Indices of ``n`` equally weighted draws from normalised ``weights`` (systematic resampling: one uniform, evenly
    spaced positions; far less added noise than independent multinomial draws)."""
    positions = (rng.uniform() + np.arange(n)) / n
    return np.minimum(np.searchsorted(np.cumsum(weights), positions), len(weights) - 1)


def resample_weighted(log_ratios: np.ndarray, n_out: int, rng: np.random.Generator) -> tuple[np.ndarray, float, float] | str:
    """Pareto-smoothed weights of the proposals (log target minus log proposal), then ``n_out`` equally weighted draws:
    (their indices, the Pareto k, the effective sample size of the resampled draws), or why the weights are unreliable."""
    lw, k = psis_log_weights(log_ratios)
    if not np.isfinite(k) or k > K_MAX:
        return f"the importance weights' Pareto k is {k:.2f} (> {K_MAX})"
    w = np.exp(lw)
    ess = float(1.0 / np.sum(w**2))
    pick = rng.permutation(systematic_resample(w, n_out, rng))  # shuffled: no "chain" holds one region of the proposal
    return pick, k, 1.0 / (1.0 / ess + 1.0 / n_out)  # resampling adds its own noise to the weights' own


def importance_posterior(model, obs, priors, likelihood: str, *, chains: int, draws: int, seed: int
                         ) -> ImportancePosterior | str:
    """The posterior of ``model`` on ``obs`` by importance sampling, or the reason it is not reliable (a string)."""
    if not model.coordinates:
        return "this model has no fast engine"
    target = posterior_density(model, obs, priors, likelihood)
    rng = np.random.default_rng(seed)
    n_out = chains * draws
    n = max(MIN_PROPOSALS, PROPOSALS_PER_DRAW * n_out)
    proposal = (_grid_proposal if model.grid_coordinate else _single_proposal)(target, model, rng, n)
    if isinstance(proposal, str):
        return proposal
    theta, logq = proposal
    logp = np.concatenate([target(theta[i:i + 20_000]) for i in range(0, n, 20_000)])
    resampled = resample_weighted(logp - logq, n_out, rng)
    if isinstance(resampled, str):
        return resampled
    pick, k, ess = resampled
    return ImportancePosterior(model.draws_from_coordinates(theta[pick]), k, ess)
