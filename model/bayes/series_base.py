"""The shared part of the per-series trend models: the PyMC graph's common nodes, the censored likelihood, and the
:class:`SeriesTrend` base every model class extends (:mod:`model.bayes.trends` has the four models and their
registry). Its docstring there explains the models; this module holds what they share.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from model.bayes.likelihood import normal_logpdf
from model.bayes.priors import TrendPriors
from model.bayes.sampling import PAD_VALUE, StructureKey, pad, size_bucket
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
    #: The model has a slope (the constant model is the flat null: no slope, it never closes).
    has_slope: ClassVar[bool] = True
    #: The least-squares twin the prior-data conflict check compares with: "line", "level", or None (no twin).
    least_squares_twin: ClassVar[str | None] = "line"
    #: The fast engine's coordinates (:mod:`model.bayes.importance`): unbounded, ``log_`` marks a log-transformed scale.
    coordinates: ClassVar[tuple[str, ...]] = ("alpha", "log_sigma")
    #: A coordinate the fast engine integrates over a grid of cells instead of approximating (None: none); its range
    #: is :meth:`grid_range`.
    grid_coordinate: ClassVar[str | None] = None

    def __init__(self, pooling: str = "none") -> None:
        #: "none" for one benchmark, "complete" for the across-benchmark mean series.
        self.pooling = pooling

    # ------------------------------------------------------------------ graph
    def structure_key(self, likelihood: str, n_obs: int) -> StructureKey:
        """What a compiled model depends on: the shape, the likelihood, the size class."""
        return StructureKey("single", self.name, likelihood, size_bucket(n_obs, SERIES_SIZES))

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
