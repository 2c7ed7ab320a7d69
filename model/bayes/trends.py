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

from model.bayes.engine import PAD_VALUE, pad, size_bucket
from model.bayes.likelihood import normal_logpdf
from model.bayes.priors import TrendPriors
from model.core.errors import DataError

LIKELIHOODS = ("normal", "student")
#: Width (years) of the smooth hinge of the changepoint model: about 3 weeks.
HINGE_WIDTH = 0.05
#: Size classes (padded observation counts) of the per-series models.
SERIES_SIZES = (32, 64, 128, 256, 512)


def censored_lag(pm, mu, sigma, nu, likelihood, y, lo, hi):
    """The censored Normal or Student-t likelihood of the observed lags."""
    dist = pm.Normal.dist(mu, sigma) if likelihood == "normal" else pm.StudentT.dist(nu=nu, mu=mu, sigma=sigma)
    return pm.Censored("lag", dist, lower=lo, upper=hi, observed=y)


def data_nodes(pm, priors: dict[str, float], size: int):
    """Priors and (padded) observations as ``pm.Data``: everything a refit may change without recompiling.

    ``me`` is each lag's known measurement error (months, 0 = exact), added in quadrature to the model's noise."""
    d = {k: pm.Data(k, v) for k, v in priors.items()}
    x = pm.Data("x", np.zeros(size))
    y = pm.Data("y", np.zeros(size))
    lo = pm.Data("lo", np.full(size, -np.inf))
    hi = pm.Data("hi", np.full(size, np.inf))
    me = pm.Data("me", np.zeros(size))
    return d, x, y, lo, hi, me


def measurement_error_label(series) -> str:
    """What a summary row says about the lags' measurement error: "none" (exact), or its median in months."""
    se = np.concatenate([s.meas_sd for s in series])
    return "none" if not se.any() else f"median {np.median(se[se > 0]):.1f} months ({int((se > 0).sum())} of {len(se)} lags)"


def hinge(u: np.ndarray) -> np.ndarray:
    """Smooth ``min(u, 0)`` (numpy twin of the graph's softplus hinge)."""
    return -HINGE_WIDTH * np.logaddexp(0.0, -u / HINGE_WIDTH)


class SeriesTrend:
    """Base of the per-series models: the shared graph, data and interpretation; subclasses add the shape."""

    name: ClassVar[str] = ""
    label: ClassVar[str] = ""
    #: Parameters whose sampler diagnostics are checked (those the model has).
    parameters: ClassVar[tuple[str, ...]] = ("alpha", "sigma")
    min_observations: ClassVar[int] = 3
    #: AR models also report the first date a simulated *observed* lag path touches 0.
    has_first_passage: ClassVar[bool] = False
    #: The fast engine's coordinates (:mod:`model.bayes.importance`): unbounded, ``log_`` marks a log-transformed scale.
    coordinates: ClassVar[tuple[str, ...]] = ("alpha", "log_sigma")
    #: A coordinate the fast engine integrates over a grid of cells instead of approximating (None: none); its range
    #: is :meth:`grid_range`.
    grid_coordinate: ClassVar[str | None] = None

    def __init__(self, pooling: str = "none") -> None:
        #: "none" for one benchmark, "complete" for the across-benchmark mean series.
        self.pooling = pooling

    # ------------------------------------------------------------------ graph
    def structure_key(self, likelihood: str, n_obs: int) -> tuple:
        """What a compiled model depends on: the shape, the likelihood, the size class."""
        return ("single", self.name, likelihood, size_bucket(n_obs, SERIES_SIZES))

    def build(self, likelihood: str, size: int):
        """The PyMC graph for ``size`` padded observations; priors and data are ``pm.Data``."""
        import pymc as pm
        import pytensor.tensor as pt

        with pm.Model() as model:
            d, x, y, lo, hi, me = data_nodes(pm, TrendPriors().as_data(), size)
            tau_lo = pm.Data("tau_lo", -1.0)
            tau_hi = pm.Data("tau_hi", 0.0)
            alpha = pm.Normal("alpha", d["prior_intercept_mean"], d["prior_intercept_sd"])
            sigma = pm.HalfNormal("sigma", d["prior_noise_sd"])
            mu = self.graph_mean(pm, pt, d, x, alpha, tau_lo, tau_hi)
            mu, sd = self.graph_errors(pm, pt, d, x, y, mu, sigma)
            censored_lag(pm, mu, pt.sqrt(sd**2 + me**2), d["prior_student_nu"], likelihood, y, lo, hi)
        return model

    def graph_mean(self, pm, pt, d, x, alpha, tau_lo, tau_hi):
        """The trend as a PyMC expression of ``x`` (subclasses add their own parameters here)."""
        raise NotImplementedError

    def graph_errors(self, pm, pt, d, x, y, mu, sigma):
        """Independent errors: the mean and scale pass through unchanged."""
        return mu, sigma

    def sampler_data(self, obs, priors: TrendPriors, size: int) -> dict:
        """Sorted, padded observations, the priors and the changepoint window, as the graph's data."""
        n = len(obs)
        order = np.argsort(obs.x, kind="stable")
        x, y = obs.x[order], obs.y[order]
        span = max(x.max() - x.min(), 1e-6)
        m = priors.changepoint_margin
        return {
            **priors.as_data(),
            "x": np.concatenate([x, x.max() + 10.0 * np.arange(1, size - n + 1)]), "y": pad(y, size, PAD_VALUE),
            "lo": pad(obs.lower[order], size, -np.inf), "hi": pad(obs.upper[order], size, PAD_VALUE),
            "me": pad(obs.meas_sd[order], size, 0.0), "tau_lo": x.min() + m * span, "tau_hi": x.max() - m * span,
        }

    def check_size(self, obs) -> None:
        """Refuse a series too short for this model, in one line."""
        n = len(obs)
        if n < 3:
            raise DataError(f"{obs.name}: {n} observation(s); a trend needs at least 3.")
        if n < self.min_observations:
            raise DataError(f"{obs.name}: {n} observations; a {self.name} model needs at least {self.min_observations}.")

    # ------------------------------------------------------------------ numpy twins of the graph
    def trend(self, draws: dict[str, np.ndarray], x: np.ndarray) -> np.ndarray:
        """Draws of the trend (no noise, no AR error) at ``x`` years: shape (draws, len(x))."""
        raise NotImplementedError

    def prior_parameter_draws(self, priors: TrendPriors, n: int, rng: np.random.Generator,
                              tau_bounds: tuple[float, float]) -> dict[str, np.ndarray]:
        """Parameters drawn from the priors alone, as the graph draws them."""
        return {"alpha": rng.normal(priors.intercept_mean, priors.intercept_sd, n)}

    def prior_trend(self, priors: TrendPriors, x: np.ndarray, *, n: int = 200, seed: int = 0,
                    tau_bounds: tuple[float, float] = (-1.0, 0.0)) -> np.ndarray:
        """Trends the priors alone allow (numpy; no compilation): shape (n, len(x)).

        ``tau_bounds`` is the changepoint's window in years, as the fit would set it (see :meth:`sampler_data`)."""
        rng = np.random.default_rng(seed)
        return self.trend(self.prior_parameter_draws(priors, n, rng, tau_bounds), np.asarray(x, dtype=float))

    @staticmethod
    def tau_bounds(obs, priors: TrendPriors) -> tuple[float, float]:
        """The changepoint window of ``obs`` (years), trimmed by the prior's margin."""
        span = max(obs.x.max() - obs.x.min(), 1e-6)
        m = priors.changepoint_margin
        return float(obs.x.min() + m * span), float(obs.x.max() - m * span)

    def draws_from_coordinates(self, theta: np.ndarray) -> dict[str, np.ndarray]:
        """Named parameter draws from rows of the fast engine's coordinates (``log_x`` columns exponentiated)."""
        return {(c[4:] if c.startswith("log_") else c): (np.exp(theta[:, j]) if c.startswith("log_") else theta[:, j])
                for j, c in enumerate(self.coordinates)}

    def grid_range(self, priors: TrendPriors, tau_bounds: tuple[float, float]) -> tuple[float, float, bool]:
        """(low, high, truncates) of the grid coordinate: its prior support (``truncates`` False), or a range outside
        which the prior leaves negligible mass (True: the engine then checks that the posterior does too)."""
        raise NotImplementedError

    def log_prior(self, draws: dict[str, np.ndarray], priors: TrendPriors, tau_bounds: tuple[float, float]) -> np.ndarray:
        """Log prior density of the draws in the fast engine's coordinates (Jacobians of the log scales included):
        the numpy twin of the graph's priors."""
        sigma = draws["sigma"]
        return (normal_logpdf(draws["alpha"], priors.intercept_mean, priors.intercept_sd)
                + normal_logpdf(sigma, 0.0, priors.noise_sd) + np.log(2.0) + np.log(sigma))  # half-normal, d sigma / d log sigma

    def conditional_mean_sd(self, draws: dict[str, np.ndarray], x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Each observation's predictive mean and sd given the earlier ones (draws, n), for pointwise likelihoods."""
        mu = self.trend(draws, x)
        return mu, np.repeat(draws["sigma"][:, None], len(x), axis=1)

    # ------------------------------------------------------------------ interpretation of a fit
    def targets(self, fit) -> list:
        """What a fit reports a row for: the series itself."""
        return [None]

    def parameter_draws(self, fit, target=None) -> tuple[np.ndarray, np.ndarray]:
        """(alpha, beta) draws: the lag now and the current slope (0 for the constant model)."""
        d = fit.draws
        return d["alpha"], d.get("beta", np.zeros_like(d["alpha"]))

    def trend_draws(self, fit, x: np.ndarray, target=None) -> np.ndarray:
        """Posterior draws of the trend at ``x`` years."""
        return self.trend(fit.draws, x)

    def describe(self, fit, target=None) -> dict:
        """What a summary row says about the series and the model."""
        obs = fit.obs
        return {"benchmark": obs.name, "model": self.name, "pooling": self.pooling, "observations": obs.kind, "n_obs": len(obs),
                "lag_definition": obs.lag_definition, "measurement_error": measurement_error_label([obs]),
                "window_start": obs.window_start, "window_end": obs.window_end}

    def window_start(self, fit):
        """The first date of the fitted window."""
        return fit.obs.window_start

    def predictive_paths(self, fit, x_future: np.ndarray, rng: np.random.Generator, include_noise: bool) -> np.ndarray:
        """Posterior-predictive latent lag at future ``x``: the trend plus independent noise."""
        mu = self.trend_draws(fit, x_future)
        if include_noise:
            mu = mu + noise_draws(fit.draws["sigma"], fit.spec.likelihood, fit.spec.priors.student_nu, mu.shape, rng)
        return mu


def noise_draws(sigma: np.ndarray, likelihood: str, nu: float, shape: tuple[int, ...], rng: np.random.Generator) -> np.ndarray:
    """Observation noise matching a likelihood, shape (draws, ...)."""
    sigma = sigma.reshape((-1,) + (1,) * (len(shape) - 1))
    z = rng.standard_t(nu, size=shape) if likelihood == "student" else rng.standard_normal(shape)
    return sigma * z


class ConstantTrend(SeriesTrend):
    """No trend: the null hypothesis that the gap is flat (it never closes)."""

    name, label = "constant", "constant (no trend: the null)"

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


def series_model(name: str, pooling: str = "none") -> SeriesTrend:
    """The model object for a name; an unknown name is a one-line error."""
    if name not in SERIES_MODELS:
        raise DataError(f"Unknown model {name!r}; use one of {', '.join(MODELS)}.")
    return SERIES_MODELS[name](pooling)
