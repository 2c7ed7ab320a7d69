"""Pareto-smoothed importance sampling (Vehtari, Simpson, Gelman, Yao and Gabry 2024) in plain numpy.

The same algorithm as arviz-stats' ``psislw`` (a test checks the two agree), without its import: arviz-stats and xarray
take about three seconds to import on a small machine, more than the whole fast fit they would serve.
"""

from __future__ import annotations

import numpy as np
from scipy.special import logsumexp


def _gpd_fit(x: np.ndarray) -> tuple[float, float]:
    """Shape k and scale of a generalised Pareto fitted to sorted exceedances ``x`` (Zhang and Stephens 2009, with the
    weakly informative prior on k of the PSIS paper); (nan, nan) where the data are far from a generalised Pareto."""
    n = len(x)
    m = 30 + int(n**0.5)
    xstar = x[int((n / 4 + 0.5) - 1)]  # first quartile
    if xstar <= x[0]:
        return np.nan, np.nan
    b = 1 - np.sqrt(m / (np.arange(1, m + 1, dtype=float) - 0.5))
    b = b / (3 * xstar) + 1 / x[-1]
    k_b = np.mean(np.log1p(-b[:, None] * x), axis=1)
    len_scale = n * (np.log(-b / k_b) - k_b - 1)
    w = np.exp(len_scale - logsumexp(len_scale))
    keep = w >= 10 * np.finfo(float).eps
    w, b = w[keep], b[keep]
    w = w / w.sum()
    b_post = float(np.sum(b * w))
    k = float(np.mean(np.log1p(-b_post * x)))
    sigma = -k / b_post
    k = (n * k + 10 * 0.5) / (n + 10)
    return (np.inf, np.nan) if np.isnan(k) else (k, sigma)


def _gpd_quantiles(p: np.ndarray, k: float, sigma: float) -> np.ndarray:
    if sigma <= 0:
        return np.full_like(p, np.nan)
    return -sigma * np.log1p(-p) if k == 0 else sigma * np.expm1(-k * np.log1p(-p)) / k


def psis_log_weights(log_ratios: np.ndarray, r_eff: float = 1.0) -> tuple[np.ndarray, float]:
    """Pareto-smoothed log importance weights, normalised to sum to 1, and the Pareto shape k (as arviz-stats'
    ``psislw`` given the negated ratios)."""
    lw = np.asarray(log_ratios, dtype=float).ravel().copy()
    lw[np.isnan(lw)] = -np.inf
    n = len(lw)
    lw -= lw.max()
    n_tail = int(np.floor(3 * (n / r_eff) ** 0.5) if n * r_eff > 225 else np.floor(n / 5))
    if n_tail < 5:
        return lw - logsumexp(lw), np.inf
    order = np.argsort(lw)
    tail = order[n - n_tail:]
    cutoff = lw[order[n - n_tail - 1]]
    tail_values = lw[tail]
    if tail_values.max() - tail_values.min() < np.finfo(float).tiny:
        return lw - logsumexp(lw), np.inf
    k, sigma = _gpd_fit(np.exp(tail_values) - np.exp(cutoff))
    if np.isfinite(k):
        p = np.arange(0.5, n_tail) / n_tail
        with np.errstate(divide="ignore", invalid="ignore"):
            smoothed = np.log(_gpd_quantiles(p, k, sigma) + np.exp(cutoff))
        smoothed[smoothed > tail_values.max()] = tail_values.max()
        lw[tail] = smoothed
    return lw - logsumexp(lw), float(k)
