"""Each benchmark's likelihood in the form the compile-free pooled engine (:mod:`model.bayes.pooled_importance`)
integrates: its uncensored lags tabulated over its log noise scale as an exact Gaussian in (intercept, slope), its
censored lags kept as they are (with their Gaussian at the likelihood's mode as a starting point).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

import numpy as np
from scipy.special import log_ndtr

from model.bayes.importance import laplace
from model.bayes.likelihood import LOG_2PI
from model.bayes.observations import LOWER_BOUND_STATUSES
from model.bayes.pooled_density import PooledDensity

#: Each benchmark's likelihood is tabulated at this many log noise scales, from this far below to this far above the
#: span between its likelihood's mode and the benchmarks' median (a factor e^4 = 55 smaller, e^3 = 20 larger).
TABLE_POINTS, TABLE_BELOW, TABLE_ABOVE = 512, 4.0, 3.0
#: The wide prior under which a benchmark's likelihood is approximated (then taken out): intercept, slope, log noise.
WIDE_MEAN, WIDE_SD = np.array([0.0, 0.0, np.log(3.0)]), np.array([100.0, 100.0, 3.0])


@dataclass(frozen=True)
class CensoredLags:
    """The censored lags, sorted by benchmark: each says only Phi(z) with z = sign (a + b x - threshold) / sd (a lower
    bound: latent >= y; open ahead: latent <= 0)."""

    group: np.ndarray
    x: np.ndarray
    threshold: np.ndarray
    sign: np.ndarray
    me2: np.ndarray
    n_groups: int

    @classmethod
    def of(cls, density: PooledDensity) -> CensoredLags:
        lower, ahead = np.isin(density.status, LOWER_BOUND_STATUSES), density.status == "open_ahead"
        pick = np.flatnonzero(lower | ahead)
        pick = pick[np.argsort(density.group[pick], kind="stable")]
        return cls(density.group[pick], density.x[pick], np.where(lower[pick], density.y[pick], 0.0),
                   np.where(lower[pick], 1.0, -1.0), density.me[pick] ** 2, density.n_groups)

    @cached_property
    def one_hot(self) -> np.ndarray:
        """(C, G): which benchmark each censored lag belongs to (a sum per benchmark as one matrix product)."""
        return (self.group[:, None] == np.arange(self.n_groups)[None, :]).astype(float)

    def terms(self, a: np.ndarray, b: np.ndarray, u: np.ndarray):
        """Per benchmark (rows, G, ...): the censored lags' log-likelihood, its gradient in (a, b) and Hessian entries
        (written into one array, then summed per benchmark by one matrix product)."""
        shape = (1, -1) + (1,) * (a.ndim - 2)
        x, thr, sign = (v.reshape(shape) for v in (self.x, self.threshold, self.sign))
        inv_sd = 1 / np.sqrt(np.exp(2 * u[:, self.group]) + self.me2.reshape(shape))
        z = sign * (a[:, self.group] + b[:, self.group] * x - thr) * inv_sd
        out = np.empty((6,) + z.shape)
        value, g, gx, h, hx, hxx = out
        log_ndtr(z, out=value)
        mills = np.exp(-0.5 * z**2 - 0.5 * LOG_2PI - value)  # phi(z) / Phi(z)
        np.multiply(mills * sign, inv_sd, out=g)
        np.multiply(g, x, out=gx)
        np.multiply(-mills * (z + mills), inv_sd**2, out=h)
        np.multiply(h, x, out=hx)
        np.multiply(hx, x, out=hxx)
        return list(np.moveaxis(np.moveaxis(out, 2, -1) @ self.one_hot, -1, 2))  # (6, rows, G, ...)


@dataclass(frozen=True)
class GroupLikelihoods:
    """Each benchmark's likelihood: its uncensored lags tabulated over its log noise scale u (``table_u``, (G, T), evenly
    spaced) as a quadratic in (intercept, slope), exp(const - theta' A theta / 2 + theta' lin) (exact: a Normal
    likelihood is Gaussian in intercept and slope given the noise scale); its censored lags kept as they are."""

    table_u: np.ndarray  # (G, T)
    quad: np.ndarray  # (G, T, 3): A's entries [[p, q], [q, r]] as (p, q, r)
    lin: np.ndarray  # (G, T, 2)
    const: np.ndarray  # (G, T)
    modes: np.ndarray  # (G, 3): the likelihood's mode (intercept, slope, log noise scale)
    u_precision: np.ndarray  # (G,): the likelihood's curvature in u at its mode
    censored: CensoredLags
    start_quad: np.ndarray  # (G, 3): the censored lags' Gaussian at the mode, where each Newton solve starts
    start_lin: np.ndarray  # (G, 2)

    @cached_property
    def _table(self) -> np.ndarray:
        """(G * T, 6): quad, lin and const side by side, one row per benchmark and table point."""
        g, t = self.table_u.shape
        return np.concatenate([self.quad, self.lin, self.const[..., None]], axis=-1).reshape(g * t, 6)

    def at(self, u: np.ndarray):
        """(quad, lin, const) at log noise scales ``u`` (rows, G[, K]), linearly interpolated in the table (evenly
        spaced, so the cell is found by arithmetic; held at the end values outside it, as np.interp)."""
        n_g, n_t = self.table_u.shape
        shape = (1, -1) + (1,) * (u.ndim - 2)
        lo, step = self.table_u[:, 0].reshape(shape), (self.table_u[:, 1] - self.table_u[:, 0]).reshape(shape)
        pos = np.clip((u - lo) / step, 0.0, n_t - 1.0)
        missing = np.isnan(pos)
        cell = np.minimum(np.where(missing, 0.0, pos).astype(np.intp), n_t - 2)
        frac = np.where(missing, np.nan, pos - cell)[..., None]  # a NaN scale gives NaN, as np.interp
        row = cell + (np.arange(n_g) * n_t).reshape(shape)
        left = self._table[row]
        v = left + frac * (self._table[row + 1] - left)
        return v[..., :3], v[..., 3:5], v[..., 5]


def _flat_start(sub: PooledDensity) -> np.ndarray:
    """A flat line through the mean lag, with a wide noise scale: censored lags do not contradict it."""
    return np.array([float(np.mean(sub.y)), 0.0, np.log(max(float(np.std(sub.y)), 1.0))])


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
    starts = (np.array([intercept, slope, np.log(max(np.std(y - intercept - slope * x), 0.5))]),  # the exact lags' line
              _flat_start(sub))
    laps = [lap for lap in (laplace(target, s, np.arange(3)) for s in starts) if lap is not None]
    return max(laps, key=lambda lap: lap[2])[:2] if laps else None


def group_likelihoods(density: PooledDensity) -> GroupLikelihoods | str:
    """The benchmarks' likelihoods on their noise grids, or why one has no proper approximation; kept for the last few
    data sets (they depend on the lags alone, so a refit with other priors, a prior slider's move, reuses them)."""
    if density.likelihood != "normal":
        return "the fast pooled engine covers the Normal likelihood"
    key = hashlib.sha256(b"".join(np.ascontiguousarray(v, dtype=float).tobytes()
                                  for v in (density.x, density.y, density.me, density.group))
                         + "\x00".join(map(str, density.status)).encode()).hexdigest()
    return _kept(_ByLags(key, density))


@dataclass(frozen=True)
class _ByLags:
    """A density that hashes and compares by its lags' digest alone (the key of :func:`_kept`)."""

    key: str
    density: PooledDensity = field(compare=False)


#: Data sets whose benchmark likelihoods are kept in memory (each a few hundred kB).
KEPT_DATA_SETS = 8


@lru_cache(maxsize=KEPT_DATA_SETS)
def _kept(by_lags: _ByLags) -> GroupLikelihoods | str:
    return _group_likelihoods(by_lags.density)


def _group_likelihoods(density: PooledDensity) -> GroupLikelihoods | str:
    parts = []
    for g in range(density.n_groups):
        pick = density.group == g
        sub = PooledDensity(density.x[pick], density.y[pick], density.status[pick], density.me[pick],
                            np.zeros(int(pick.sum()), dtype="int64"), 1, density.priors, density.likelihood, False)
        found = _likelihood_mode(sub)
        if found is None:  # mostly censored lags: no usable mode, so the Newton steps start from the prior side
            found = (_flat_start(sub), np.diag(WIDE_SD**2))
        parts.append((sub, *found))
    modes = np.array([m for _, m, _ in parts])
    pop = float(np.median(modes[:, 2]))
    out = []
    for (sub, mode, cov), u_hat in zip(parts, modes[:, 2], strict=True):
        precision = np.linalg.inv(cov)
        u = np.linspace(min(u_hat, pop) - TABLE_BELOW, max(u_hat, pop) + TABLE_ABOVE, TABLE_POINTS)
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
        vals, vecs = np.linalg.eigh(precision[:2, :2] - np.diag(WIDE_SD[:2] ** -2.0) - a_exact)
        p_c = (vecs * np.maximum(vals, 0.0)) @ vecs.T
        g_c = -grad_exact if p_c.any() else np.zeros(2)
        th = mode[:2]
        out.append((u, quad_e, lin_e, const_e, np.array([p_c[0, 0], p_c[0, 1], p_c[1, 1]]), p_c @ th + g_c,
                    precision[2, 2] - WIDE_SD[2] ** -2.0))
    u, quad, lin, const, start_quad, start_lin, u_precision = (np.array(v) for v in zip(*out, strict=True))
    return GroupLikelihoods(u, quad, lin, const, modes, np.maximum(u_precision, 0.5), CensoredLags.of(density),
                            start_quad, start_lin)
