"""Trend models of one lag series: each class builds its PyMC graph, names its parameters and draws its trend.

With ``x`` in years from the reference date and the lag in months:

``constant``     lag = alpha (the null: the gap is flat)
``linear``       lag = alpha + beta * x
``linear_ar1``   lag = alpha + beta * x + e(x), e a continuous-time AR(1) (Ornstein-Uhlenbeck)
                 error with correlation exp(-dt / ell) between observations dt years apart
``changepoint``  piecewise linear with one break tau (smooth hinge, NUTS-friendly); beta is
                 the slope after the break

Each observation is Normal or Student-t around the trend, its scale the model's noise and the lag's known
measurement error from score uncertainty added in quadrature (``sqrt(sigma**2 + se**2)``: the errors enter the
likelihood, not a second fit over bootstrap replicates, so one fit costs what it did; for AR(1) the error is added to
each conditional variance, an approximation that ignores that the previous lag is noisy too), censored as the lag status says
(see :mod:`model.bayes.observations`): open-ahead points say only "latent lag <= 0", left-censored
ones only "latent lag >= y" (``pm.Censored``). The pooled model is in :mod:`model.bayes.pooled`;
both share the interface that summaries, charts and robustness checks read (``targets``,
``parameter_draws``, ``trend_draws``, ``describe``, ``predictive_paths``).
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from model.bayes.likelihood import normal_logpdf
from model.bayes.series_base import HINGE_WIDTH, LIKELIHOODS, SeriesTrend, hinge
from model.core.errors import DataError

__all__ = ["LIKELIHOODS", "MODELS", "MODEL_LABELS", "SERIES_MODELS", "STACKED", "SeriesTrend", "series_model"]

class ConstantTrend(SeriesTrend):
    """No trend: the null hypothesis that the gap is flat (it never closes)."""

    name, label = "constant", "constant (no trend: the null)"
    has_slope: ClassVar[bool] = False
    least_squares_twin: ClassVar[str | None] = "level"

    def graph_mean(self, pm, pt, d, x, alpha, tau_lo, tau_hi):
        return alpha + 0.0 * x

    def trend(self, draws, x):
        x = np.asarray(x, dtype=float)
        return np.repeat(draws["alpha"][:, None], x.shape[0], axis=1)


class LinearTrend(SeriesTrend):
    """A straight line: the lag changes by ``beta`` months per year."""

    name, label = "linear", "linear trend"
    parameters = ("alpha", "beta", "sigma")
    coordinates = ("alpha", "beta", "log_sigma")

    def graph_mean(self, pm, pt, d, x, alpha, tau_lo, tau_hi):
        beta = pm.Normal("beta", d["prior_slope_mean"], d["prior_slope_sd"])
        return alpha + beta * x

    def trend(self, draws, x):
        x = np.asarray(x, dtype=float)[None, :]
        return draws["alpha"][:, None] + draws["beta"][:, None] * x

    def prior_parameter_draws(self, priors, n, rng, tau_bounds):
        out = super().prior_parameter_draws(priors, n, rng, tau_bounds)
        out["beta"] = rng.normal(priors.slope_mean, priors.slope_sd, n)
        return out

    def log_prior(self, draws, priors, tau_bounds):
        return super().log_prior(draws, priors, tau_bounds) + normal_logpdf(draws["beta"], priors.slope_mean, priors.slope_sd)


class LinearAR1Trend(LinearTrend):
    """A line plus continuous-time AR(1) errors: neighbouring lags share their deviation from the trend."""

    name, label = "linear_ar1", "linear + AR(1) errors"
    parameters = ("alpha", "beta", "sigma", "ell")
    has_first_passage = True
    coordinates = ("alpha", "beta", "log_sigma", "log_ell")
    #: The correlation time's posterior is far from normal (a plateau where the lags look independent, often a second
    #: mode at very short times): a grid over log ell, six prior sds either side of the prior median, sees both.
    grid_coordinate = "log_ell"

    def grid_range(self, priors, tau_bounds):
        centre, sd = np.log(priors.ar_lengthscale_median), priors.ar_lengthscale_sd_log
        return centre - 6 * sd, centre + 6 * sd, True

    def log_prior(self, draws, priors, tau_bounds):
        # log ell is Normal (the graph's LogNormal on ell, in the coordinate log ell: no Jacobian)
        return (super().log_prior(draws, priors, tau_bounds)
                + normal_logpdf(np.log(draws["ell"]), np.log(priors.ar_lengthscale_median), priors.ar_lengthscale_sd_log))

    def graph_errors(self, pm, pt, d, x, y, mu, sigma):
        # Exact conditional likelihood of a continuous-time AR(1) (OU) error: given the previous
        # residual r, the next is Normal(rho * r, sigma^2 (1 - rho^2)) with rho = exp(-dt / ell).
        # Censored neighbours enter at their bound (0 for open-ahead): an approximation that
        # keeps the model free of latent states, documented in docs/methods.md.
        ell = pm.LogNormal("ell", pt.log(d["prior_ar_lengthscale_median"]), d["prior_ar_lengthscale_sd_log"])
        dt = pt.concatenate([pt.zeros(1) + 1e3, pt.maximum(x[1:] - x[:-1], 0.0)])
        rho = pt.exp(-dt / ell)
        resid_prev = pt.concatenate([pt.zeros(1), (y - mu)[:-1]])
        return mu + rho * resid_prev, sigma * pt.sqrt(pt.maximum(1.0 - rho**2, 1e-6))

    def conditional_mean_sd(self, draws, x, y):
        mu, sd = super().conditional_mean_sd(draws, x, y)
        dt = np.concatenate([[1e3], np.maximum(np.diff(x), 0.0)])
        rho = np.exp(-dt[None, :] / draws["ell"][:, None])
        resid_prev = np.concatenate([np.zeros((mu.shape[0], 1)), (y[None, :] - mu)[:, :-1]], axis=1)
        return mu + rho * resid_prev, sd * np.sqrt(np.maximum(1 - rho**2, 1e-6))

    def predictive_paths(self, fit, x_future, rng, include_noise):
        """The AR(1) error continues from the last observed residual and decays with its own correlation time
        (its innovations are the noise)."""
        mu = self.trend_draws(fit, x_future)
        n_draws = mu.shape[0]
        order = np.argsort(fit.obs.x)
        x_last, y_last = fit.obs.x[order][-1], fit.obs.y[order][-1]
        e = y_last - self.trend_draws(fit, np.array([x_last]))[:, 0]  # last residual, per draw
        ell, sigma = fit.draws["ell"], fit.draws["sigma"]
        x_prev = np.full(n_draws, x_last)
        path = np.empty_like(mu)
        for j, xf in enumerate(x_future):  # a loop over horizon steps, vectorised over draws
            rho = np.exp(-np.maximum(xf - x_prev, 0.0) / ell)
            e = rho * e + (sigma * np.sqrt(1 - rho**2) * rng.standard_normal(n_draws) if include_noise else 0.0)
            path[:, j] = e
            x_prev = np.full(n_draws, xf)
        return mu + path


class ChangepointTrend(LinearTrend):
    """Piecewise linear with one smooth break, uniform over the trimmed window; ``beta`` is the slope after it."""

    name, label = "changepoint", "piecewise linear (one break)"
    least_squares_twin: ClassVar[str | None] = None
    parameters = ("alpha", "beta", "beta_before", "tau", "sigma")
    min_observations = 6
    coordinates = ("alpha", "beta", "beta_before", "tau", "log_sigma")
    grid_coordinate = "tau"

    def grid_range(self, priors, tau_bounds):
        return tau_bounds[0], tau_bounds[1], False

    def log_prior(self, draws, priors, tau_bounds):
        lo, hi = tau_bounds
        inside = (draws["tau"] >= lo) & (draws["tau"] <= hi)
        return (super().log_prior(draws, priors, tau_bounds)
                + normal_logpdf(draws["beta_before"], priors.slope_mean, priors.slope_sd)
                + np.where(inside, -np.log(max(hi - lo, 1e-12)), -np.inf))

    def graph_mean(self, pm, pt, d, x, alpha, tau_lo, tau_hi):
        beta = pm.Normal("beta", d["prior_slope_mean"], d["prior_slope_sd"])
        beta_before = pm.Normal("beta_before", d["prior_slope_mean"], d["prior_slope_sd"])
        tau = pm.Uniform("tau", tau_lo, tau_hi)
        smooth_min = -HINGE_WIDTH * pt.softplus(-(x - tau) / HINGE_WIDTH)  # ~ min(x - tau, 0)
        return alpha + beta * x + (beta_before - beta) * smooth_min

    def trend(self, draws, x):
        mu = super().trend(draws, x)
        u = np.asarray(x, dtype=float)[None, :] - draws["tau"][:, None]
        return mu + (draws["beta_before"] - draws["beta"])[:, None] * hinge(u)

    def prior_parameter_draws(self, priors, n, rng, tau_bounds):
        out = super().prior_parameter_draws(priors, n, rng, tau_bounds)
        out["beta_before"] = rng.normal(priors.slope_mean, priors.slope_sd, n)
        out["tau"] = rng.uniform(tau_bounds[0], tau_bounds[1], n)
        return out


#: The per-series models by name: the one list of model names.
SERIES_MODELS: dict[str, type[SeriesTrend]] = {m.name: m for m in (ConstantTrend, LinearTrend, LinearAR1Trend, ChangepointTrend)}
MODELS = tuple(SERIES_MODELS)
MODEL_LABELS = {name: cls.label for name, cls in SERIES_MODELS.items()}
#: The name of the combining design: the four models fitted and mixed by their forecasts (model.bayes.stacking). A fit's
#: settings name it like a model; everything else asks the design's capabilities (model.analysis.MODEL_CHOICES).
STACKED = "stacked"


def series_model(name: str, pooling: str = "none") -> SeriesTrend:
    """The model object for a name; an unknown name is a one-line error."""
    if name not in SERIES_MODELS:
        raise DataError(f"Unknown model {name!r}; use one of {', '.join(MODELS)}.")
    return SERIES_MODELS[name](pooling)
