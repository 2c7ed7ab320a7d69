"""A compile-free engine for the partially pooled model, under evaluation (not yet the default: see
``bench/bench_pooled_engine.py``): a nested Laplace proposal corrected by Pareto-smoothed importance sampling.

The joint mode of a hierarchical model is not where its mass is (one Laplace approximation there gave Pareto k = 2 on
the pooled answer), but given the population coordinates (6-7: population intercept and slope, log spreads and their
correlation, log shared noise and its log spread) the benchmarks are independent. So: each benchmark's likelihood is
tabulated once on a grid of its log noise scale, Gaussian in (intercept, slope) at each grid point (exact for uncensored
Normal lags); the benchmarks are integrated out in closed form, giving the population's approximate marginal, whose
Laplace approximation proposes the population; then each benchmark's noise scale from its conditional on the grid, and
its intercept and slope from their Gaussian given it. :class:`PooledDensity` (the PyMC graph's density in numpy, tested
against it) weights the proposals. A new, unseen benchmark's effects do not touch the data: drawn from their prior.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import logsumexp

from model.bayes.importance import K_MAX, ImportancePosterior, laplace, systematic_resample, t_logpdf, t_sample
from model.bayes.likelihood import normal_logpdf
from model.bayes.pooled_density import LOG_2PI, PooledDensity
from model.bayes.psis import psis_log_weights

#: The population proposal: Student-t degrees of freedom and covariance widening (a few dimensions: heavy tails are
#: cheap there); proposals per output draw.
PROPOSAL_DF, WIDEN, PROPOSALS_PER_DRAW, MIN_PROPOSALS = 5, 1.5, 4, 8_000
#: Each benchmark's log noise scale is proposed on a grid of this many cells, from this far below to this far above the
#: span between its likelihood's mode and the benchmarks' median (a factor e^3 = 20 smaller, e^2 = 7 larger).
GRID_CELLS, GRID_BELOW, GRID_ABOVE = 48, 3.0, 2.0
#: The wide prior under which a benchmark's likelihood is approximated (then taken out): intercept, slope, log noise.
WIDE_MEAN, WIDE_SD = np.array([0.0, 0.0, np.log(3.0)]), np.array([100.0, 100.0, 3.0])


@dataclass(frozen=True)
class GroupLikelihoods:
    """Each benchmark's likelihood on a fixed grid of its log noise scale u (``edges``, (G, K+1)): at each grid point a
    quadratic in (intercept, slope), exp(const - theta' A theta / 2 + theta' lin). Exact for its uncensored lags (a
    Normal likelihood is Gaussian in intercept and slope given the noise scale); its censored lags enter as the
    Gaussian that makes the whole match the likelihood's curvature and gradient at its mode, exact there in u."""

    edges: np.ndarray  # (G, K+1)
    quad: np.ndarray  # (G, K+1, 3): A's entries [[p, q], [q, r]] as (p, q, r)
    lin: np.ndarray  # (G, K+1, 2)
    const: np.ndarray  # (G, K+1)
    modes: np.ndarray  # (G, 3): the likelihood's mode (intercept, slope, log noise scale)


def _likelihood_mode(sub: PooledDensity):
    """Mode and covariance of one benchmark's likelihood under the wide prior, from two starts; None if neither has a
    proper mode."""
    def target(rows):
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            lp = sub.loglik(rows[:, :1], rows[:, 1:2], np.exp(rows[:, 2:3])).sum(axis=1)
            lp = lp - 0.5 * (((rows - WIDE_MEAN) / WIDE_SD) ** 2).sum(axis=1)
        return np.where(np.isfinite(lp), lp, -np.inf)

    exact = sub.status == "ok"
    x, y = (sub.x[exact], sub.y[exact]) if exact.sum() >= 2 else (sub.x, sub.y)
    slope, intercept = np.polyfit(x, y, 1) if len(x) >= 2 and np.ptp(x) > 0 else (0.0, float(np.mean(y)))
    starts = ([intercept, slope, np.log(max(np.std(y - intercept - slope * x), 0.5))],  # the exact lags' line
              [float(np.mean(sub.y)), 0.0, np.log(max(float(np.std(sub.y)), 1.0))])  # flat, wide: censored lags agree
    laps = [lap for lap in (laplace(target, np.array(s), np.arange(3)) for s in starts) if lap is not None]
    return max(laps, key=lambda lap: lap[2])[:2] if laps else None


def group_likelihoods(density: PooledDensity) -> GroupLikelihoods | str:
    """The benchmarks' likelihoods on their noise grids, or why one has no proper approximation."""
    if density.likelihood != "normal":
        return "the fast pooled engine covers the Normal likelihood"
    parts = []
    for g in range(density.n_groups):
        pick = density.group == g
        sub = PooledDensity(density.x[pick], density.y[pick], density.status[pick], density.me[pick],
                            np.zeros(int(pick.sum()), dtype="int64"), 1, density.priors, density.likelihood, False)
        found = _likelihood_mode(sub)
        if found is None:
            return f"the likelihood of {g + 1}. benchmark has no proper mode"
        parts.append((sub, *found))
    modes = np.array([m for _, m, _ in parts])
    pop = float(np.median(modes[:, 2]))
    out = []
    for (sub, mode, cov), u_hat in zip(parts, modes[:, 2], strict=True):
        u = np.linspace(min(u_hat, pop) - GRID_BELOW, max(u_hat, pop) + GRID_ABOVE, GRID_CELLS + 1)
        exact = sub.status == "ok"
        x, y, me2 = sub.x[exact], sub.y[exact], sub.me[exact] ** 2
        w = 1 / (np.exp(2 * u)[:, None] + me2[None, :])  # (K+1, n exact)
        quad_e = np.stack([w.sum(1), (w * x).sum(1), (w * x**2).sum(1)], -1)
        lin_e = np.stack([(w * y).sum(1), (w * x * y).sum(1)], -1)
        const_e = -0.5 * (w * y**2).sum(1) + 0.5 * np.log(w / (2 * np.pi)).sum(1)
        # the censored lags: whatever curvature and gradient in (intercept, slope) the exact ones leave at the mode
        at_mode = 1 / (np.exp(2 * mode[2]) + me2)
        a_exact = np.array([[at_mode.sum(), (at_mode * x).sum()], [(at_mode * x).sum(), (at_mode * x**2).sum()]])
        grad_exact = np.array([(at_mode * (y - mode[0] - mode[1] * x)).sum(), (at_mode * x * (y - mode[0] - mode[1] * x)).sum()])
        vals, vecs = np.linalg.eigh(np.linalg.inv(cov)[:2, :2] - np.diag(WIDE_SD[:2] ** -2.0) - a_exact)
        p_c = (vecs * np.maximum(vals, 0.0)) @ vecs.T
        g_c = -grad_exact
        th = mode[:2]
        cens = ~exact
        ll_c = (sub.loglik(np.full((len(u), 1), th[0]), np.full((len(u), 1), th[1]), np.exp(u)[:, None])[:, cens].sum(1)
                if cens.any() else np.zeros(len(u)))
        out.append((u, quad_e + np.array([p_c[0, 0], p_c[0, 1], p_c[1, 1]]), lin_e + p_c @ th + g_c,
                    const_e + ll_c - 0.5 * th @ p_c @ th - g_c @ th))
    return GroupLikelihoods(*(np.array(v) for v in zip(*out, strict=True)), modes)


@dataclass(frozen=True)
class NestedProposal:
    """Population coordinates from a Student-t; each benchmark's log noise scale from its conditional density on its
    grid (piecewise exponential between grid points, the intercept and slope integrated out in closed form); its
    intercept and slope from their Gaussian given that noise scale."""

    density: PooledDensity
    like: GroupLikelihoods

    @staticmethod
    def _given_noise(quad, lin, mean0, prec0, extra: int):
        """Entries of the posterior precision [[p, q], [q, r]] of (intercept, slope) and its linear term, given the
        population rows and the likelihood's quadratic at some noise scales; 2 x 2 algebra in closed form (far faster
        than batched linear algebra on millions of tiny matrices)."""
        shape = (-1, 1) + (1,) * extra  # rows, benchmarks, then `extra` axes (the grid)
        lam_lin = np.einsum("rij,rj->ri", prec0[:, :2, :2], mean0[:, :2])
        p = quad[..., 0] + prec0[:, 0, 0].reshape(shape)
        q = quad[..., 1] + prec0[:, 0, 1].reshape(shape)
        r = quad[..., 2] + prec0[:, 1, 1].reshape(shape)
        return p, q, r, lin[..., 0] + lam_lin[:, 0].reshape(shape), lin[..., 1] + lam_lin[:, 1].reshape(shape)

    def _grid(self, h: np.ndarray) -> np.ndarray:
        """Per row, benchmark and grid point: the log conditional density of the noise scale (rows, G, K+1)."""
        mean0, prec0 = self.density.population(h)
        p, q, r, b0, b1 = self._given_noise(self.like.quad[None], self.like.lin[None], mean0, prec0, extra=1)
        det = p * r - q**2
        lam = prec0[:, :2, :2]
        lam_quad = np.einsum("ri,rij,rj->r", mean0[:, :2], lam, mean0[:, :2])
        log_det_lam = np.log(lam[:, 0, 0] * lam[:, 1, 1] - lam[:, 0, 1] ** 2)
        base = (0.5 * log_det_lam - 0.5 * lam_quad)[:, None, None]
        return (normal_logpdf(self.like.edges[None], mean0[:, 2][:, None, None], np.exp(h[:, -1])[:, None, None])
                + self.like.const[None] + base - 0.5 * np.log(det)
                + 0.5 * (r * b0**2 - 2 * q * b0 * b1 + p * b1**2) / det)

    def _cells(self, h: np.ndarray):
        """Grid log densities, per cell the log-density slope and log mass (rows, G, K), each benchmark's log total."""
        log_f = self._grid(h)
        width = np.diff(self.like.edges, axis=1)[None]  # (1, G, K)
        slope = np.diff(log_f, axis=-1) / width
        log_mass = log_f[..., :-1] + np.log(width) + _log_expm1_ratio(slope * width)
        return log_f, slope, log_mass, logsumexp(log_mass, axis=-1)

    def log_marginal(self, h: np.ndarray) -> np.ndarray:
        """The approximate log marginal posterior of population rows (the benchmarks integrated out)."""
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            lp = self.density.log_prior_population(h) + self._cells(h)[3].sum(axis=1)
        return np.where(np.isfinite(lp), lp, -np.inf)

    def sample(self, rng: np.random.Generator, h_mode: np.ndarray, h_cov: np.ndarray, n: int):
        """``n`` coordinate rows and their proposal log density."""
        h = t_sample(rng, h_mode, h_cov, n, PROPOSAL_DF)
        logq = t_logpdf(h, h_mode, h_cov, PROPOSAL_DF)
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            log_f, slope, log_mass, log_norm = self._cells(h)
        cum = np.cumsum(np.exp(log_mass - log_norm[..., None]), axis=-1)
        cell = np.minimum((rng.uniform(size=cum.shape[:2] + (1,)) > cum).sum(-1), GRID_CELLS - 1)

        def take(a):
            return np.take_along_axis(a, cell[..., None], -1)[..., 0]

        edges = self.like.edges
        width = np.diff(edges, axis=1)[np.arange(len(edges))[None, :], cell]
        k_slope = take(slope)
        t = _exp_inverse_cdf(rng.uniform(size=cell.shape), k_slope, width)
        noise = edges[np.arange(len(edges))[None, :], cell] + t
        logq = logq + (take(log_f[..., :-1]) + k_slope * t - log_norm).sum(axis=1)
        frac = (t / width)[..., None]  # the likelihood's quadratic between the cell's two grid points
        quad = (1 - frac) * _at_cell(self.like.quad, cell) + frac * _at_cell(self.like.quad, cell + 1)
        lin = (1 - frac) * _at_cell(self.like.lin, cell) + frac * _at_cell(self.like.lin, cell + 1)
        mean0, prec0 = self.density.population(h)
        p, q, r, b0, b1 = self._given_noise(quad, lin, mean0, prec0, extra=0)
        det = p * r - q**2
        m0, m1 = (r * b0 - q * b1) / det, (p * b1 - q * b0) / det
        l00 = np.sqrt(p)
        l10, l11 = q / l00, np.sqrt(r - q**2 / p)  # the Cholesky factor of the precision
        z0, z1 = rng.standard_normal(m0.shape), rng.standard_normal(m0.shape)
        x1 = z1 / l11
        ab = np.stack([m0 + (z0 - l10 * x1) / l00, m1 + x1], axis=-1)  # N(m, (L L')^-1)
        logq = logq + (np.log(l00) + np.log(l11) - 0.5 * (z0**2 + z1**2) - LOG_2PI).sum(axis=1)
        return np.concatenate([h, ab[..., 0], ab[..., 1], noise], axis=1), logq


def _at_cell(a: np.ndarray, cell: np.ndarray) -> np.ndarray:
    """``a`` (G, K+1, m) at each row's grid index per benchmark: (rows, G, m)."""
    return a[np.arange(a.shape[0])[None, :], cell]


def _log_expm1_ratio(x: np.ndarray) -> np.ndarray:
    """log((e^x - 1) / x), stable near 0 and for large |x|."""
    small = np.abs(x) < 1e-6
    ax = np.where(small, 1.0, np.abs(x))
    tail = np.log(-np.expm1(-ax)) - np.log(ax)  # log((1 - e^-|x|) / |x|)
    return np.where(small, x / 2, np.where(x > 0, ax + tail, tail))


def _exp_inverse_cdf(u: np.ndarray, slope: np.ndarray, width: np.ndarray) -> np.ndarray:
    """Offsets in [0, width) of draws from the density proportional to exp(slope * t) on that interval."""
    flat = np.abs(slope * width) < 1e-8
    s = np.where(flat, 1.0, slope)
    up = width + np.log(u + (1 - u) * np.exp(-np.abs(s) * width)) / s  # slope > 0, written without overflow
    down = np.log1p(u * np.expm1(-np.abs(s) * width)) / s
    return np.where(flat, u * width, np.where(s > 0, up, down))


def _population_start(density: PooledDensity, modes: np.ndarray) -> np.ndarray:
    """The benchmarks' likelihood modes summarised: their mean and spread, the median noise."""
    start = {"mu_alpha": modes[:, 0].mean(), "mu_beta": modes[:, 1].mean(),
             "log_tau_alpha": np.log(max(modes[:, 0].std(), 0.5)), "log_tau_beta": np.log(max(modes[:, 1].std(), 0.5)),
             "atanh_corr": 0.0, "log_sigma_pop": float(np.median(modes[:, 2])), "log_sigma_spread": np.log(0.3)}
    return np.array([start[k] for k in density.hyper])


def pooled_importance_posterior(pooled, priors, likelihood: str, correlated: bool, *, chains: int, draws: int,
                                seed: int) -> ImportancePosterior | str:
    """The pooled posterior by importance sampling from the nested Laplace proposal, or why it is not reliable."""
    density = PooledDensity.of(pooled, priors, likelihood, correlated)
    like = group_likelihoods(density)
    if isinstance(like, str):
        return like
    proposal = NestedProposal(density, like)
    lap = laplace(proposal.log_marginal, _population_start(density, like.modes), np.arange(len(density.hyper)))
    if lap is None:
        return "the marginal posterior of the population has no proper mode"
    h_mode, h_cov, _ = lap
    rng = np.random.default_rng(seed)
    n_out = chains * draws
    theta, logq = proposal.sample(rng, h_mode, h_cov * WIDEN, max(MIN_PROPOSALS, PROPOSALS_PER_DRAW * n_out))
    lw, k = psis_log_weights(density(theta) - logq)
    if not np.isfinite(k) or k > K_MAX:
        return f"the importance weights' Pareto k is {k:.2f} (> {K_MAX})"
    w = np.exp(lw)
    ess = float(1.0 / np.sum(w**2))
    pick = rng.permutation(systematic_resample(w, n_out, rng))
    return ImportancePosterior(density.draws(theta[pick], rng), k, 1.0 / (1.0 / ess + 1.0 / n_out))
