"""The partially pooled model's log posterior in numpy (the PyMC graph of :class:`model.bayes.pooled.PooledTrend`),
over rows of centred, unconstrained coordinates; tested against the graph. The target of the compile-free pooled
engine (:mod:`model.bayes.pooled_importance`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from model.bayes.likelihood import LOG_2PI, censored_loglik, normal_logpdf

#: Half-normal scale of the spread of the benchmarks' log noise scales (the PyMC graph's constant).
SIGMA_SPREAD_SCALE = 0.5
#: Rows per call of the density (bounds the memory of one (rows, observations) block).
CHUNK_ROWS = 4_000


@dataclass(frozen=True)
class PooledDensity:
    """The log posterior of the partially pooled model over rows of coordinates: the population coordinates
    (:attr:`hyper`), then G intercepts, G slopes and G log noise scales (each benchmark's own, centred)."""

    x: np.ndarray
    y: np.ndarray
    status: np.ndarray
    me: np.ndarray
    group: np.ndarray
    n_groups: int
    priors: object
    likelihood: str
    correlated: bool

    @classmethod
    def of(cls, pooled, priors, likelihood: str, correlated: bool) -> PooledDensity:
        return cls(pooled.stacked("x"), pooled.stacked("y"), pooled.stacked("status"), pooled.stacked("meas_sd"),
                   pooled.group, len(pooled.series), priors, likelihood, correlated)

    @property
    def hyper(self) -> tuple[str, ...]:
        corr = ("atanh_corr",) if self.correlated else ()
        return ("mu_alpha", "mu_beta", "log_tau_alpha", "log_tau_beta", *corr, "log_sigma_pop", "log_sigma_spread")

    def population(self, h: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The benchmarks' prior given population rows ``h``: mean (rows, 3) and precision (rows, 3, 3) of (intercept,
        slope, log noise scale)."""
        c = dict(zip(self.hyper, h.T, strict=True))
        ta, tb = np.exp(c["log_tau_alpha"]), np.exp(c["log_tau_beta"])
        r = np.tanh(c["atanh_corr"]) if self.correlated else np.zeros_like(ta)
        one_minus = 1 - r**2
        prec = np.zeros((len(h), 3, 3))
        prec[:, 0, 0], prec[:, 1, 1] = 1 / (ta**2 * one_minus), 1 / (tb**2 * one_minus)
        prec[:, 0, 1] = prec[:, 1, 0] = -r / (ta * tb * one_minus)
        prec[:, 2, 2] = np.exp(-2 * c["log_sigma_spread"])
        return np.column_stack([c["mu_alpha"], c["mu_beta"], c["log_sigma_pop"]]), prec

    def log_prior_population(self, h: np.ndarray) -> np.ndarray:
        """Log prior density of population rows (with the Jacobians of the log and atanh transforms)."""
        p, c = self.priors, dict(zip(self.hyper, h.T, strict=True))
        lp = normal_logpdf(c["mu_alpha"], p.pop_intercept_mean, p.pop_intercept_sd)
        lp = lp + normal_logpdf(c["mu_beta"], p.pop_slope_mean, p.pop_slope_sd)
        lp = lp + _log_half_normal(c["log_tau_alpha"], p.tau_intercept) + _log_half_normal(c["log_tau_beta"], p.tau_slope)
        lp = lp + _log_half_normal(c["log_sigma_pop"], p.noise_sd)
        lp = lp + _log_half_normal(c["log_sigma_spread"], SIGMA_SPREAD_SCALE)
        if self.correlated:  # LKJ(eta) on the correlation r for n = 2, with dr/du = 1 - r^2
            lp = lp + p.lkj_eta * np.log1p(-np.tanh(c["atanh_corr"]) ** 2)
        return lp

    def split(self, theta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Population rows (rows, H) and benchmark coordinates (rows, G, 3)."""
        h, g = len(self.hyper), self.n_groups
        return theta[:, :h], np.stack([theta[:, h:h + g], theta[:, h + g:h + 2 * g], theta[:, h + 2 * g:]], axis=-1)

    def __call__(self, theta: np.ndarray) -> np.ndarray:
        theta = np.atleast_2d(theta)
        if len(theta) > CHUNK_ROWS:
            return np.concatenate([self(theta[i:i + CHUNK_ROWS]) for i in range(0, len(theta), CHUNK_ROWS)])
        h, eff = self.split(theta)
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            mean, prec = self.population(h)
            lp = self.log_prior_population(h) + _mvn_logpdf(eff, mean[:, None, :], prec[:, None]).sum(axis=1)
            lp = lp + self.loglik(eff[..., 0], eff[..., 1], np.exp(eff[..., 2])).sum(axis=1)
        return np.where(np.isfinite(lp), lp, -np.inf)

    def loglik(self, alpha: np.ndarray, beta: np.ndarray, sigma: np.ndarray) -> np.ndarray:
        """Pointwise log-likelihood (rows, n) of every lag."""
        g = self.group
        mu = alpha[:, g] + beta[:, g] * self.x[None, :]
        sd = np.sqrt(sigma[:, g] ** 2 + self.me[None, :] ** 2)
        return censored_loglik(mu, sd, self.y, self.status, self.likelihood, self.priors.student_nu)

    def draws(self, theta: np.ndarray, rng: np.random.Generator) -> dict[str, np.ndarray]:
        """The fit's draws (the NUTS trace's names) from coordinate rows; a new benchmark's effects from the prior."""
        h, eff = self.split(theta)
        c = dict(zip(self.hyper, h.T, strict=True))
        ta, tb = np.exp(c["log_tau_alpha"]), np.exp(c["log_tau_beta"])
        r = np.tanh(c["atanh_corr"]) if self.correlated else np.zeros(len(theta))
        z_new = rng.standard_normal((len(theta), 2))
        return {"mu_alpha": c["mu_alpha"], "mu_beta": c["mu_beta"], "tau_alpha": ta, "tau_beta": tb,
                "alpha": eff[..., 0], "beta": eff[..., 1], "sigma": np.exp(eff[..., 2]),
                "alpha_new": c["mu_alpha"] + ta * z_new[:, 0],
                "beta_new": c["mu_beta"] + tb * (r * z_new[:, 0] + np.sqrt(1 - r**2) * z_new[:, 1])}


def _log_half_normal(log_v, scale):
    """Log density of log(v) for v ~ HalfNormal(scale): the density of v times the Jacobian v."""
    v = np.exp(log_v)
    return -0.5 * (v / scale) ** 2 + log_v + 0.5 * np.log(2 / np.pi) - np.log(scale)


def _mvn_logpdf(x: np.ndarray, mean: np.ndarray, prec: np.ndarray) -> np.ndarray:
    """Log density of N(mean, prec^-1) at ``x`` over the last axis, batched over the leading ones."""
    d = x - mean
    _, logdet = np.linalg.slogdet(prec)
    return 0.5 * logdet - 0.5 * np.einsum("...i,...ij,...j->...", d, prec, d) - 0.5 * x.shape[-1] * LOG_2PI
