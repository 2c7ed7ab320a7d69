"""Stable tails of the crossing date for the linear model: importance sampling shaped by the fit's own draws.

The crossing date is the ratio ``-alpha / beta``; its late 90% end sits where ``beta`` is near zero, so a few thousand
draws leave it uncertain by several months (its Monte Carlo error is in every summary). For the linear model the
exact posterior density is cheap in numpy, so many more draws cost little: a multivariate Student-t (5 degrees of
freedom) fitted to the fit's draws of ``(alpha, beta, log sigma)`` proposes :data:`N_PROPOSALS` points, each weighted
by posterior / proposal, the weights Pareto-smoothed (:mod:`model.bayes.psis`), and :data:`N_RESAMPLE` draws resampled
by weight (systematic resampling). Where the Pareto k exceeds 0.7 (the proposal does not cover the posterior) nothing
changes and the fit's own draws are used. The density is the fast engine's (:func:`model.bayes.importance.
posterior_density`): priors, Normal or Student-t noise with each lag's measurement error, censoring.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from model.bayes.crossing import crossing_mcse_from_cdf_error
from model.bayes.importance import posterior_density, systematic_resample, t_logpdf, t_sample
from model.bayes.psis import psis_log_weights

#: Rows per block of the density: 20,000 rows' temporaries stay in cache (a third faster than 50,000) and bound the
#: memory of a fit (peak 82 MB at 50,000; many sessions fit at once on one server).
N_PROPOSALS, N_RESAMPLE, PROPOSAL_DF, CHUNK = 400_000, 200_000, 5, 20_000
K_MAX = 0.7


@dataclass(frozen=True)
class TailDraws:
    """Resampled ``(alpha, beta)`` draws, the effective sample size of the weights, and the Pareto k."""

    alpha: np.ndarray
    beta: np.ndarray
    ess: float
    pareto_k: float


def applies(fit) -> bool:
    """The linear model on one series (a benchmark or the mean); a stacked mixture keeps its draws."""
    return getattr(fit.model, "name", "") == "linear" and fit.pooling in ("none", "complete")


def tail_draws(fit, *, n: int = N_PROPOSALS, seed: int = 0) -> TailDraws | None:
    """Many more posterior draws of ``(alpha, beta)`` for a linear fit, or None where importance sampling is not
    reliable (Pareto k > 0.7) or does not apply."""
    if not applies(fit):
        return None
    d = fit.draws
    nuts = np.column_stack([d["alpha"], d["beta"], np.log(d["sigma"])])
    mean, cov = nuts.mean(axis=0), np.cov(nuts, rowvar=False) * 1.2  # a little wider than the posterior: safer tails
    theta = t_sample(np.random.default_rng(seed), mean, cov, n, PROPOSAL_DF)
    density = posterior_density(fit.model, fit.obs, fit.spec.priors, fit.spec.likelihood)
    logw = np.concatenate([density(theta[i:i + CHUNK]) - t_logpdf(theta[i:i + CHUNK], mean, cov, PROPOSAL_DF)
                           for i in range(0, n, CHUNK)])
    lw, k = psis_log_weights(logw)
    if not np.isfinite(k) or k > K_MAX:
        return None
    w = np.exp(lw)
    ess = float(1.0 / np.sum(w**2))
    pick = systematic_resample(w, N_RESAMPLE, np.random.default_rng(seed + 1))
    return TailDraws(theta[pick, 0], theta[pick, 1], ess, k)


def quantile_mcse_months(x_star: np.ndarray, ess: float) -> dict[str, float]:
    """MCSE (months) of the crossing quantiles from the importance weights' effective sample size: the CDF level's
    binomial error at that ESS."""
    return crossing_mcse_from_cdf_error(x_star, lambda level, _value: float(np.sqrt(level * (1 - level) / ess)))
