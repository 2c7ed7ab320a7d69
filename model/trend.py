"""Bayesian trend models of the lag (PyMC back end, sampled with nutpie).

Declarative front: :class:`FitSpec` says *what* to fit (model, likelihood, priors,
sampler settings); :func:`fit_trend` and :func:`fit_pooled` build (or reuse) a compiled
model and sample it. Interpretation (crossing dates, summaries, plots) lives elsewhere.

Models of one series, with ``x`` in years from the reference date and the lag in months:

``constant``     lag = alpha (the null: the gap is flat)
``linear``       lag = alpha + beta * x
``linear_ar1``   lag = alpha + beta * x + e(x), e a continuous-time AR(1) (Ornstein-Uhlenbeck)
                 error with correlation exp(-dt / ell) between observations dt years apart
``changepoint``  piecewise linear with one break tau (smooth hinge, NUTS-friendly); beta is
                 the slope after the break

Each observation is Normal or Student-t around the trend, censored as the lag status says
(see :mod:`model.observations`): open-ahead points say only "latent lag <= 0", left-censored
ones only "latent lag >= y" (``pm.Censored``). Arrays are padded to a few fixed sizes with
slots that contribute nothing (:data:`PAD_VALUE`), so one compiled model serves every benchmark
of a size class, and every prior, since priors are ``pm.Data`` too. :data:`COMPILE_COUNT` counts compilations.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from model.observations import Observations, PooledObservations
from model.priors import PoolingPriors, TrendPriors
from model.schema import DataError

MODELS = ("constant", "linear", "linear_ar1", "changepoint")
LIKELIHOODS = ("normal", "student")
POOLINGS = ("none", "partial", "complete")
#: Width (years) of the smooth hinge of the changepoint model: about 3 weeks.
HINGE_WIDTH = 0.05
#: Counts compilations by structure key; a prior change must not move it.
COMPILE_COUNT: Counter = Counter()
_COMPILED: dict[tuple, Any] = {}
_LOCKS: dict[tuple, threading.Lock] = {}
_LOCKS_GUARD = threading.Lock()


@dataclass(frozen=True)
class SamplerSettings:
    """NUTS settings. Defaults suit the app; tests use fewer draws (still real sampling)."""

    draws: int = 1000
    tune: int = 500
    chains: int = 4
    seed: int = 1
    cores: int = 2
    #: Higher than NUTS's usual 0.8: the AR and changepoint posteriors have tight curvature
    #: (0.8 gave about 25 divergences on the AA index; 0.95 gave none) and these models are small.
    target_accept: float = 0.95
    #: A fit running longer than this is cancelled cleanly (nothing cached, previous result kept).
    max_seconds: float = 120.0

    def __post_init__(self) -> None:
        if not (10 <= self.draws <= 20000 and 10 <= self.tune <= 20000 and 1 <= self.chains <= 8):
            raise DataError("Draws and tune must be between 10 and 20,000, chains between 1 and 8.")
        if not 0.5 <= self.target_accept < 1:
            raise DataError("target_accept must be in [0.5, 1).")
        if not 0 < self.max_seconds <= 3600:
            raise DataError("The per-fit time limit must be between 0 and 3600 seconds.")


@dataclass(frozen=True)
class FitSpec:
    """What to fit: the declarative front end."""

    model: str = "linear"
    likelihood: str = "normal"
    priors: TrendPriors = field(default_factory=TrendPriors)
    sampler: SamplerSettings = field(default_factory=SamplerSettings)

    def __post_init__(self) -> None:
        if isinstance(self.priors, dict):  # accept plain settings, validated
            object.__setattr__(self, "priors", TrendPriors(**self.priors))
        if self.model not in MODELS:
            raise DataError(f"Unknown model {self.model!r}; use one of {', '.join(MODELS)}.")
        if self.likelihood not in LIKELIHOODS:
            raise DataError(f"Unknown likelihood {self.likelihood!r}; use one of {', '.join(LIKELIHOODS)}.")


@dataclass(frozen=True)
class PooledSpec:
    """What to fit across benchmarks. NUTS target 0.9: at 0.8 the non-centred hierarchy gave 1-3
    divergences on 20 AA benchmarks; at 0.9 none, for about 1.7x the cost of 0.8 (0.95 costs more still)."""

    likelihood: str = "normal"
    correlated: bool = False
    priors: PoolingPriors = field(default_factory=PoolingPriors)
    sampler: SamplerSettings = field(default_factory=lambda: SamplerSettings(target_accept=0.9))


@dataclass
class TrendFit:
    """A sampled fit: flattened draws (chain*draw first), the raw trace, diagnostics and timing."""

    spec: FitSpec | PooledSpec
    obs: Observations | PooledObservations
    draws: dict[str, np.ndarray]
    trace: Any
    diagnostics: Any
    seconds: float
    compiled_now: bool
    pooling: str = "none"


def _bucket(n: int, sizes=(16, 32, 64, 128, 256, 512)) -> int:
    for s in sizes:
        if n <= s:
            return s
    raise DataError(f"Too many observations ({n}) for one fit; the limit is {sizes[-1]}.")


def _pad(values: np.ndarray, size: int, fill: float) -> np.ndarray:
    out = np.full(size, fill, dtype=float)
    out[: len(values)] = values
    return out


#: Padded slots are observed as "latent >= PAD_VALUE", whose log-probability is 0 to machine
#: precision for any plausible trend: they add nothing to the likelihood or its gradient.
PAD_VALUE = -1e6


def _censored_lag(pm, mu, sigma, nu, likelihood, y, lo, hi):
    dist = pm.Normal.dist(mu, sigma) if likelihood == "normal" else pm.StudentT.dist(nu=nu, mu=mu, sigma=sigma)
    return pm.Censored("lag", dist, lower=lo, upper=hi, observed=y)


def _data_nodes(pm, priors: dict[str, float], size: int):
    """Priors and (padded) observations as ``pm.Data``: everything a refit may change without recompiling."""
    d = {k: pm.Data(k, v) for k, v in priors.items()}
    x = pm.Data("x", np.zeros(size))
    y = pm.Data("y", np.zeros(size))
    lo = pm.Data("lo", np.full(size, -np.inf))
    hi = pm.Data("hi", np.full(size, np.inf))
    return d, x, y, lo, hi


def _single_model(kind: str, likelihood: str, size: int):
    import pymc as pm
    import pytensor.tensor as pt

    p = TrendPriors().as_data()
    with pm.Model() as model:
        d, x, y, lo, hi = _data_nodes(pm, p, size)
        tau_lo = pm.Data("tau_lo", -1.0)
        tau_hi = pm.Data("tau_hi", 0.0)
        alpha = pm.Normal("alpha", d["prior_intercept_mean"], d["prior_intercept_sd"])
        sigma = pm.HalfNormal("sigma", d["prior_noise_sd"])
        if kind == "constant":
            mu = alpha + 0.0 * x
        elif kind in ("linear", "linear_ar1"):
            beta = pm.Normal("beta", d["prior_slope_mean"], d["prior_slope_sd"])
            mu = alpha + beta * x
        else:  # changepoint
            beta = pm.Normal("beta", d["prior_slope_mean"], d["prior_slope_sd"])
            beta_before = pm.Normal("beta_before", d["prior_slope_mean"], d["prior_slope_sd"])
            tau = pm.Uniform("tau", tau_lo, tau_hi)
            hinge = -HINGE_WIDTH * pt.softplus(-(x - tau) / HINGE_WIDTH)  # ~ min(x - tau, 0)
            mu = alpha + beta * x + (beta_before - beta) * hinge
        if kind == "linear_ar1":
            # Exact conditional likelihood of a continuous-time AR(1) (OU) error: given the previous
            # residual r, the next is Normal(rho * r, sigma^2 (1 - rho^2)) with rho = exp(-dt / ell).
            # Censored neighbours enter at their bound (0 for open-ahead): an approximation that
            # keeps the model free of latent states, documented in the README.
            ell = pm.LogNormal("ell", pt.log(d["prior_ar_lengthscale_median"]), d["prior_ar_lengthscale_sd_log"])
            dt = pt.concatenate([pt.zeros(1) + 1e3, pt.maximum(x[1:] - x[:-1], 0.0)])
            rho = pt.exp(-dt / ell)
            resid_prev = pt.concatenate([pt.zeros(1), (y - mu)[:-1]])
            mu = mu + rho * resid_prev
            sigma = sigma * pt.sqrt(pt.maximum(1.0 - rho**2, 1e-6))
        _censored_lag(pm, mu, sigma, d["prior_student_nu"], likelihood, y, lo, hi)
    return model


def _pooled_model(likelihood: str, n_groups: int, size: int, correlated: bool):
    import pymc as pm
    import pytensor.tensor as pt

    p = PoolingPriors().as_data()
    with pm.Model() as model:
        d, x, y, lo, hi = _data_nodes(pm, p, size)
        g = pm.Data("group", np.zeros(size, dtype="int64"))
        mu_a = pm.Normal("mu_alpha", d["prior_pop_intercept_mean"], d["prior_pop_intercept_sd"])
        mu_b = pm.Normal("mu_beta", d["prior_pop_slope_mean"], d["prior_pop_slope_sd"])
        z = pm.Normal("z", 0.0, 1.0, shape=(n_groups, 2))
        z_new = pm.Normal("z_new", 0.0, 1.0, shape=2)  # a new, unseen benchmark (prior-only)
        if correlated:
            chol, _, _ = pm.LKJCholeskyCov(
                "chol", n=2, eta=d["prior_lkj_eta"],
                sd_dist=pm.HalfNormal.dist(pt.stack([d["prior_tau_intercept"], d["prior_tau_slope"]]), shape=2),
                compute_corr=True,
            )
            ab, ab_new = pt.dot(z, chol.T), pt.dot(chol, z_new)
        else:
            tau = pt.stack([pm.HalfNormal("tau_alpha", d["prior_tau_intercept"]), pm.HalfNormal("tau_beta", d["prior_tau_slope"])])
            ab, ab_new = z * tau[None, :], z_new * tau
        a = pm.Deterministic("alpha", mu_a + ab[:, 0])
        b = pm.Deterministic("beta", mu_b + ab[:, 1])
        pm.Deterministic("alpha_new", mu_a + ab_new[0])
        pm.Deterministic("beta_new", mu_b + ab_new[1])
        sigma = pm.HalfNormal("sigma", d["prior_noise_sd"], shape=n_groups)
        mu = a[g] + b[g] * x
        _censored_lag(pm, mu, sigma[g], d["prior_student_nu"], likelihood, y, lo, hi)
    return model


def compiled_model(key: tuple, build=None):
    """The compiled nutpie model for a structure key, compiled once per process (thread-safe:
    the background warm-up and a user's fit never compile the same structure twice).

    ``build`` makes the PyMC model for keys this module does not know (e.g. the score-space model)."""
    with _LOCKS_GUARD:
        lock = _LOCKS.setdefault(key, threading.Lock())
    with lock:
        if key not in _COMPILED:
            import nutpie

            if build is not None:
                model = build()
            else:
                model = _single_model(*key[1:]) if key[0] == "single" else _pooled_model(*key[1:])
            _COMPILED[key] = nutpie.compile_pymc_model(model)
            COMPILE_COUNT[key] += 1
    return _COMPILED[key]


def structure_key(spec: FitSpec, n_obs: int) -> tuple:
    return ("single", spec.model, spec.likelihood, _bucket(n_obs, (32, 64, 128, 256, 512)))


def _sample(compiled, data: dict, sampler: SamplerSettings):
    """Sample in nutpie's background mode so a fit can be stopped cleanly at ``sampler.max_seconds``.

    Any sampler failure becomes a one-line :class:`DataError`; nothing partial is returned.
    """
    import nutpie

    known = {var.name for var in compiled.shared_var_keys}  # data a structure does not use were optimised away
    try:
        run = nutpie.sample(compiled.with_data(**{k: v for k, v in data.items() if k in known}), draws=sampler.draws,
                            tune=sampler.tune, chains=sampler.chains, target_accept=sampler.target_accept,
                            cores=sampler.cores, seed=sampler.seed, progress_bar=False, blocking=False)
        try:
            return run.wait(timeout=sampler.max_seconds)  # raises TimeoutError when not finished in time
        except TimeoutError:
            run.cancel()
            raise DataError(f"Sampling stopped after {sampler.max_seconds:g} s (the per-fit limit); try fewer draws, "
                            "fewer benchmarks or a simpler model.") from None
    except DataError:
        raise
    except Exception as exc:  # the sampler's own failures (numerical, threads) become a readable error
        first = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else ""
        raise DataError(f"The sampler failed ({exc.__class__.__name__}: {first}). Try other priors or a simpler model.") from None


def _flat(trace, names: list[str]) -> dict[str, np.ndarray]:
    post = trace.posterior
    out = {}
    for n in names:
        if n in post:
            v = post[n].values
            out[n] = v.reshape((-1,) + v.shape[2:])
    return out


def fit_trend(obs: Observations, spec: FitSpec | None = None) -> TrendFit:
    """Fit one series with the model, likelihood and priors of ``spec`` (seeded, reproducible)."""
    from model.diagnostics import diagnose

    spec = spec or FitSpec()
    n = len(obs)
    if n < 3:
        raise DataError(f"{obs.name}: {n} observation(s); a trend needs at least 3.")
    if spec.model == "changepoint" and n < 6:
        raise DataError(f"{obs.name}: {n} observations; a changepoint model needs at least 6.")
    order = np.argsort(obs.x, kind="stable")
    x, y = obs.x[order], obs.y[order]
    key = structure_key(spec, n)
    size = key[-1]
    t0 = time.perf_counter()
    before = COMPILE_COUNT[key]
    compiled = compiled_model(key)
    span = max(x.max() - x.min(), 1e-6)
    m = spec.priors.changepoint_margin
    data = {
        **spec.priors.as_data(),
        "x": np.concatenate([x, x.max() + 10.0 * np.arange(1, size - n + 1)]), "y": _pad(y, size, PAD_VALUE),
        "lo": _pad(obs.lower[order], size, -np.inf), "hi": _pad(obs.upper[order], size, PAD_VALUE), "tau_lo": x.min() + m * span, "tau_hi": x.max() - m * span,
    }
    trace = _sample(compiled, data, spec.sampler)
    draws = _flat(trace, ["alpha", "beta", "beta_before", "tau", "sigma", "ell"])
    diag = diagnose(trace, [v for v in ("alpha", "beta", "beta_before", "tau", "sigma", "ell") if v in draws])
    n_exact = int((obs.status == "ok").sum())
    if n_exact < 3 and diag.trustworthy:  # censored points say little: the posterior is mostly the prior
        diag = replace(diag, verdict=f"caution: only {n_exact} uncensored observation(s); the posterior mostly reflects "
                                     "the priors")
    return TrendFit(spec, obs, draws, trace, diag, time.perf_counter() - t0, COMPILE_COUNT[key] > before)


def fit_pooled(pooled: PooledObservations, spec: PooledSpec | None = None) -> TrendFit:
    """Partial pooling across benchmarks: non-centred benchmark intercepts and slopes."""
    from model.diagnostics import diagnose

    spec = spec or PooledSpec()
    if spec.likelihood not in LIKELIHOODS:
        raise DataError(f"Unknown likelihood {spec.likelihood!r}.")
    n_groups = len(pooled.series)
    g_size = _bucket(n_groups, (4, 8, 16, 32, 64))
    x, y, g = pooled.stacked("x"), pooled.stacked("y"), pooled.group
    n = len(x)
    size = _bucket(n, (64, 128, 192, 256, 384, 512, 768, 1024, 2048))
    key = ("pooled", spec.likelihood, g_size, size, spec.correlated)
    t0 = time.perf_counter()
    before = COMPILE_COUNT[key]
    compiled = compiled_model(key)
    data = {
        **spec.priors.as_data(), "x": _pad(x, size, 0.0), "y": _pad(y, size, PAD_VALUE),
        "lo": _pad(pooled.stacked("lower"), size, -np.inf), "hi": _pad(pooled.stacked("upper"), size, PAD_VALUE), "group": np.concatenate([g, np.zeros(size - n, dtype="int64")]),
    }
    trace = _sample(compiled, data, spec.sampler)
    draws = _flat(trace, ["mu_alpha", "mu_beta", "tau_alpha", "tau_beta", "alpha", "beta", "alpha_new", "beta_new", "sigma"])
    for k in ("alpha", "beta", "sigma"):
        draws[k] = draws[k][:, :n_groups]
    diag_vars = ["mu_alpha", "mu_beta"] + [v for v in ("tau_alpha", "tau_beta") if v in draws]
    diag = diagnose(trace, diag_vars, per_group={"alpha": n_groups, "beta": n_groups})
    return TrendFit(spec, pooled, draws, trace, diag, time.perf_counter() - t0, COMPILE_COUNT[key] > before, pooling="partial")


def trend_mean(fit: TrendFit, x: np.ndarray, group: int | None = None) -> np.ndarray:
    """Posterior draws of the trend (no noise, no AR error) at ``x`` years: shape (draws, len(x))."""
    d = fit.draws
    x = np.asarray(x, dtype=float)[None, :]
    if fit.pooling == "partial":
        a = d["alpha"][:, group] if group is not None else d["mu_alpha"]
        b = d["beta"][:, group] if group is not None else d["mu_beta"]
        return a[:, None] + b[:, None] * x
    a = d["alpha"][:, None]
    if fit.spec.model == "constant":
        return np.repeat(a, x.shape[1], axis=1)
    mu = a + d["beta"][:, None] * x
    if fit.spec.model == "changepoint":
        u = x - d["tau"][:, None]
        hinge = -HINGE_WIDTH * np.logaddexp(0.0, -u / HINGE_WIDTH)
        mu = mu + (d["beta_before"] - d["beta"])[:, None] * hinge
    return mu


def noise_draws(fit: TrendFit, shape: tuple[int, ...], rng: np.random.Generator, group: int | None = None) -> np.ndarray:
    """Observation noise draws matching the fit's likelihood, shape (draws, ...)."""
    sigma = fit.draws["sigma"] if group is None or fit.pooling != "partial" else fit.draws["sigma"][:, group]
    sigma = sigma.reshape((-1,) + (1,) * (len(shape) - 1))
    nu = fit.spec.priors.student_nu
    z = rng.standard_t(nu, size=shape) if fit.spec.likelihood == "student" else rng.standard_normal(shape)
    return sigma * z


def predictive_paths(fit: TrendFit, x_future: np.ndarray, *, seed: int = 0, include_noise: bool = True) -> np.ndarray:
    """Posterior-predictive latent lag at future ``x`` (years; increasing), shape (draws, len(x)).

    For ``linear_ar1`` the AR(1) error continues from the last observed residual and decays
    towards 0 with its own correlation time (its innovations are the noise); other models
    add independent noise when asked.
    """
    rng = np.random.default_rng(seed)
    x_future = np.asarray(x_future, dtype=float)
    mu = trend_mean(fit, x_future)
    n_draws = mu.shape[0]
    if fit.pooling != "partial" and fit.spec.model == "linear_ar1":
        order = np.argsort(fit.obs.x)
        x_last, y_last = fit.obs.x[order][-1], fit.obs.y[order][-1]
        e = y_last - trend_mean(fit, np.array([x_last]))[:, 0]  # last residual, per draw
        ell, sigma = fit.draws["ell"], fit.draws["sigma"]
        x_prev = np.full(n_draws, x_last)
        path = np.empty_like(mu)
        for j, xf in enumerate(x_future):  # a loop over horizon steps, vectorised over draws
            rho = np.exp(-np.maximum(xf - x_prev, 0.0) / ell)
            e = rho * e + (sigma * np.sqrt(1 - rho**2) * rng.standard_normal(n_draws) if include_noise else 0.0)
            path[:, j] = e
            x_prev = np.full(n_draws, xf)
        return mu + path
    if include_noise:
        mu = mu + noise_draws(fit, mu.shape, rng)
    return mu


def prior_predictive(priors: TrendPriors, model: str, x: np.ndarray, *, n: int = 200, seed: int = 0) -> np.ndarray:
    """Draws of the trend implied by the priors alone (numpy; no compilation): shape (n, len(x))."""
    rng = np.random.default_rng(seed)
    x = np.asarray(x, dtype=float)[None, :]
    a = rng.normal(priors.intercept_mean, priors.intercept_sd, n)[:, None]
    if model == "constant":
        return np.repeat(a, x.shape[1], axis=1)
    b = rng.normal(priors.slope_mean, priors.slope_sd, n)[:, None]
    return a + b * x
