"""The censored lag likelihood in numpy: the same density as the PyMC graph's ``pm.Censored``, for many draws at once.

Each lag is Normal or Student-t around its (conditional) mean; an ``open_ahead`` lag says only "latent <= 0" (the CDF at
0), a lower-bound lag only "latent >= y" (the survival function at y), any other lag is exact. Closed forms throughout
(``log_ndtr``, ``stdtr``): scipy.stats' per-call overhead dominates at 10^5 rows, and its import costs a second on a
fresh process. Used by the fast engine (:mod:`model.bayes.importance`), the importance tails and the LFO/LOO densities.
"""

from __future__ import annotations

import numpy as np

from model.bayes.observations import LOWER_BOUND_STATUSES

LOG_2PI = float(np.log(2 * np.pi))


def normal_logpdf(x, mean, sd):
    """log N(x | mean, sd), elementwise."""
    z = (x - mean) / sd
    return -0.5 * z**2 - np.log(sd) - 0.5 * LOG_2PI


def _t_logpdf_std(z, nu: float):
    from scipy.special import gammaln  # imported on first use: the settings (and the answer page) do not need scipy

    return (gammaln((nu + 1) / 2) - gammaln(nu / 2) - 0.5 * np.log(nu * np.pi) - (nu + 1) / 2 * np.log1p(z**2 / nu))


def _log_prob(p):
    with np.errstate(divide="ignore"):
        return np.log(p)


def censored_loglik(mu: np.ndarray, sd: np.ndarray, y: np.ndarray, status: np.ndarray, likelihood: str,
                    nu: float) -> np.ndarray:
    """Pointwise log-likelihood (draws, n) of lags ``y`` with censoring ``status`` given means and scales (draws, n)."""
    from scipy.special import log_ndtr, stdtr

    ahead, lower = status == "open_ahead", np.isin(status, LOWER_BOUND_STATUSES)
    exact = ~(ahead | lower)
    out = np.empty(np.broadcast_shapes(np.shape(mu), np.shape(sd)))
    mu, sd = np.broadcast_to(mu, out.shape), np.broadcast_to(sd, out.shape)
    for cols, kind in ((exact, "pdf"), (ahead, "cdf"), (lower, "sf")):
        if not cols.any():
            continue
        m, s = mu[:, cols], sd[:, cols]
        z = ((0.0 if kind == "cdf" else y[cols][None, :]) - m) / s
        if kind == "pdf":
            out[:, cols] = (-0.5 * z**2 - 0.5 * LOG_2PI if likelihood == "normal" else _t_logpdf_std(z, nu)) - np.log(s)
        elif likelihood == "normal":
            out[:, cols] = log_ndtr(z if kind == "cdf" else -z)
        else:
            out[:, cols] = _log_prob(stdtr(nu, z if kind == "cdf" else -z))
    return out
