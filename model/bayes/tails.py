"""Stable tails of the crossing date for the linear model: importance sampling shaped by the NUTS posterior.

The crossing date is the ratio ``-alpha / beta``; its late 90% end sits where ``beta`` is near zero, so a few thousand
NUTS draws leave it uncertain by several months (its Monte Carlo error is in every summary). For the linear model the
exact posterior density is cheap in numpy, so many more draws cost little: a multivariate Student-t (5 degrees of
freedom) fitted to the NUTS draws of ``(alpha, beta, log sigma)`` proposes :data:`N_PROPOSALS` points, each weighted by
posterior / proposal, the weights Pareto-smoothed (arviz-stats' PSIS), and :data:`N_RESAMPLE` draws resampled by weight.
Where the Pareto k exceeds 0.7 (the proposal does not cover the posterior) nothing changes and the NUTS draws are used.
The density is the fitted model's own: priors, Normal or Student-t noise with each lag's measurement error, censoring.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats
from scipy.special import log_ndtr, logsumexp

from model.bayes.crossing import crossing_mcse_from_cdf_error
from model.bayes.observations import LOWER_BOUND_STATUSES

N_PROPOSALS, N_RESAMPLE, PROPOSAL_DF, CHUNK = 400_000, 200_000, 5, 50_000
K_MAX = 0.7


@dataclass(frozen=True)
class TailDraws:
    """Resampled ``(alpha, beta)`` draws, the effective sample size of the weights, and the Pareto k."""

    alpha: np.ndarray
    beta: np.ndarray
    ess: float
    pareto_k: float


def log_posterior(theta: np.ndarray, obs, priors, likelihood: str) -> np.ndarray:
    """Log posterior (up to a constant) of ``theta`` = (alpha, beta, log sigma) rows, Jacobian of log sigma included."""
    alpha, beta, log_sigma = theta[:, 0:1], theta[:, 1:2], theta[:, 2:3]
    sigma = np.exp(log_sigma)
    lp = (stats.norm.logpdf(alpha[:, 0], priors.intercept_mean, priors.intercept_sd)
          + stats.norm.logpdf(beta[:, 0], priors.slope_mean, priors.slope_sd)
          + stats.halfnorm.logpdf(sigma[:, 0], scale=priors.noise_sd) + log_sigma[:, 0])
    status = obs.status
    ahead, lower = status == "open_ahead", np.isin(status, LOWER_BOUND_STATUSES)
    exact = ~(ahead | lower)
    ll = np.zeros(theta.shape[0])
    for mask, kind in ((exact, "pdf"), (ahead, "cdf0"), (lower, "sf")):
        if not mask.any():
            continue
        x, y, me = obs.x[mask][None, :], obs.y[mask][None, :], obs.meas_sd[mask][None, :]
        sd = np.sqrt(sigma**2 + me**2)
        z = ((0.0 if kind == "cdf0" else y) - (alpha + beta * x)) / sd
        if likelihood == "normal":  # closed forms: scipy.stats' per-call overhead dominates at 10^5 rows
            part = (-0.5 * z**2 - np.log(sd) - 0.5 * np.log(2 * np.pi) if kind == "pdf"
                    else log_ndtr(z) if kind == "cdf0" else log_ndtr(-z))
        else:
            t = stats.t(priors.student_nu)
            part = t.logpdf(z) - np.log(sd) if kind == "pdf" else t.logcdf(z) if kind == "cdf0" else t.logsf(z)
        ll += part.sum(axis=1)
    return lp + ll


def applies(fit) -> bool:
    """The linear model on one series (a benchmark or the mean), fitted by NUTS (a stacked mixture keeps its draws)."""
    return getattr(fit.model, "name", "") == "linear" and fit.pooling in ("none", "complete") and fit.trace is not None


def tail_draws(fit, *, n: int = N_PROPOSALS, seed: int = 0) -> TailDraws | None:
    """Many more posterior draws of ``(alpha, beta)`` for a linear fit, or None where importance sampling is not
    reliable (Pareto k > 0.7) or does not apply."""
    import xarray as xr

    if not applies(fit):
        return None
    d = fit.draws
    nuts = np.column_stack([d["alpha"], d["beta"], np.log(d["sigma"])])
    mean, cov = nuts.mean(axis=0), np.cov(nuts, rowvar=False) * 1.2  # a little wider than the posterior: safer tails
    proposal = stats.multivariate_t(loc=mean, shape=cov, df=PROPOSAL_DF, seed=np.random.default_rng(seed))
    theta = proposal.rvs(size=n)
    logw = np.concatenate([log_posterior(theta[i:i + CHUNK], fit.obs, fit.spec.priors, fit.spec.likelihood)
                           for i in range(0, n, CHUNK)]) - proposal.logpdf(theta)
    # arviz-stats' PSIS takes the negated log ratios (as its LOO passes log-likelihoods)
    lw, k = xr.DataArray(-logw[None, :], dims=["chain", "draw"]).azstats.psislw(dim=["chain", "draw"], r_eff=1.0)
    k = float(np.asarray(k))
    if not np.isfinite(k) or k > K_MAX:
        return None
    lw = np.asarray(lw).ravel()
    w = np.exp(lw - logsumexp(lw))
    ess = float(1.0 / np.sum(w**2))
    pick = np.random.default_rng(seed + 1).choice(n, size=N_RESAMPLE, replace=True, p=w)
    return TailDraws(theta[pick, 0], theta[pick, 1], ess, k)


def quantile_mcse_months(x_star: np.ndarray, ess: float) -> dict[str, float]:
    """MCSE (months) of the crossing quantiles from the importance weights' effective sample size: the CDF level's
    binomial error at that ESS."""
    return crossing_mcse_from_cdf_error(x_star, lambda level, _value: float(np.sqrt(level * (1 - level) / ess)))
