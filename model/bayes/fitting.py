"""Fitting: a declarative spec in, a :class:`TrendFit` out.

:class:`FitSpec` says *what* to fit to one series (model, likelihood, priors, sampler settings) and
:class:`PooledSpec` what to fit across benchmarks; :func:`fit_trend` and :func:`fit_pooled` build (or reuse)
the compiled model of the chosen model object and sample it. A :class:`TrendFit` carries its model object,
so everything downstream (summaries, bands, forecasts) asks the fit, never a ``pooling`` string.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from model.bayes.conflict import prior_data_conflict
from model.bayes.diagnostics import diagnose, importance_diagnostics
from model.bayes.importance import importance_posterior
from model.bayes.observations import Observations, PooledObservations
from model.bayes.pooled import PooledTrend
from model.bayes.priors import PoolingPriors, TrendPriors
from model.bayes.sampling import COMPILE_COUNT, Deadline, SamplerSettings, compiled_model, flat_draws, sample_compiled
from model.bayes.trends import LIKELIHOODS, SeriesTrend, series_model
from model.core.errors import DataError

#: Attributes of a stored posterior that the importance engine made (its draws are resampled, not chains).
ATTR_ENGINE, ATTR_PARETO_K, ATTR_ESS = "frontier_lag_engine", "frontier_lag_pareto_k", "frontier_lag_ess"


def _check_likelihood(likelihood: str) -> None:
    if likelihood not in LIKELIHOODS:
        raise DataError(f"Unknown likelihood {likelihood!r}; use one of {', '.join(LIKELIHOODS)}.")


@dataclass(frozen=True)
class FitSpec:
    """What to fit to one series: the declarative front end."""

    model: str = "linear"
    likelihood: str = "normal"
    priors: TrendPriors = field(default_factory=TrendPriors)
    sampler: SamplerSettings = field(default_factory=SamplerSettings)

    def __post_init__(self) -> None:
        if isinstance(self.priors, dict):  # accept plain settings, validated
            object.__setattr__(self, "priors", TrendPriors(**self.priors))
        series_model(self.model)  # an unknown model name is a one-line error
        _check_likelihood(self.likelihood)


@dataclass(frozen=True)
class PooledSpec:
    """What to fit across benchmarks. The fit path asks NUTS for target acceptance 0.95 (``FitSettings.sampler``):
    with it and each benchmark's noise scale varying around a shared one, the pooled fit of the distinct AA evaluations
    went from 102 divergences to 1 (commit 70714ba). 0.9 here is only the default of a spec built by hand."""

    likelihood: str = "normal"
    correlated: bool = False
    priors: PoolingPriors = field(default_factory=PoolingPriors)
    sampler: SamplerSettings = field(default_factory=lambda: SamplerSettings(target_accept=0.9))


@dataclass
class TrendFit:
    """A sampled fit: its model object, flattened draws (chain*draw first), the raw trace, diagnostics, timing."""

    model: SeriesTrend | PooledTrend
    spec: FitSpec | PooledSpec
    obs: Observations | PooledObservations
    draws: dict[str, np.ndarray]
    trace: Any
    diagnostics: Any
    seconds: float
    compiled_now: bool

    @property
    def pooling(self) -> str:
        """"none", "complete" (the mean series) or "partial"."""
        return self.model.pooling

    def targets(self) -> list:
        """What this fit reports a summary row for."""
        return self.model.targets(self)

    def parameter_draws(self, target=None) -> tuple[np.ndarray, np.ndarray]:
        """(lag now, current slope) draws of the series or a pooled target."""
        return self.model.parameter_draws(self, target)

    def trend_draws(self, x: np.ndarray, target=None) -> np.ndarray:
        """Posterior draws of the trend at ``x`` years from the reference date: shape (draws, len(x))."""
        return self.model.trend_draws(self, np.asarray(x, dtype=float), target)

    def predictive_paths(self, x_future: np.ndarray, *, seed: int = 0, include_noise: bool = True) -> np.ndarray:
        """Posterior-predictive latent lag at future ``x`` (years; increasing), shape (draws, len(x))."""
        return self.model.predictive_paths(self, np.asarray(x_future, dtype=float), np.random.default_rng(seed), include_noise)


def fit_trend(obs: Observations, spec: FitSpec | None = None, *, pooling: str = "none", trace=None,
              deadline: Deadline | None = None) -> TrendFit:
    """Fit one series with the model, likelihood and priors of ``spec`` (seeded, reproducible).

    The engine is the compile-free importance sampler (:mod:`model.bayes.importance`) where it is reliable and
    ``spec.sampler.engine`` is "auto"; NUTS otherwise, and the diagnostics say why. ``pooling="complete"`` labels a fit
    of the across-benchmark mean series. A stored ``trace`` (from a posterior file) is used instead of sampling, so the
    same summary comes back without a sampler. ``deadline``: the time limit of a larger fit this one is part of (by
    default ``spec.sampler.max_seconds`` from now, the compile included)."""
    spec = spec or FitSpec()
    deadline = deadline or Deadline.start(spec.sampler.max_seconds)
    model = series_model(spec.model, pooling)
    model.check_size(obs)
    key = model.structure_key(spec.likelihood, len(obs))
    t0 = time.perf_counter()
    before = COMPILE_COUNT[key]
    fast = _importance_fit(lambda: importance_posterior(model, obs, spec.priors, spec.likelihood,
                                                        chains=spec.sampler.chains, draws=spec.sampler.draws,
                                                        seed=spec.sampler.seed),
                           spec.sampler, trace, list(model.parameters))
    if isinstance(fast, str):
        if trace is None:
            compiled = compiled_model(key, lambda: model.build(spec.likelihood, key.size))
            trace = sample_compiled(compiled, model.sampler_data(obs, spec.priors, key.size), spec.sampler, deadline)
        draws = flat_draws(trace, ["alpha", "beta", "beta_before", "tau", "sigma", "ell"])
        diag = diagnose(trace, [v for v in model.parameters if v in draws])
        if fast:
            diag = replace(diag, engine=fast)
    else:
        draws, diag = fast
    n_exact = int((obs.status == "ok").sum())
    conflict = prior_data_conflict(obs, spec.priors, model)
    if conflict is not None:  # the sampler may be fine while the answer is not: say so in the verdict
        diag = replace(diag, verdict=("caution: " + conflict) if diag.trustworthy else f"{diag.verdict}; {conflict}")
    if n_exact < 3 and diag.trustworthy:  # censored points say little: the posterior is mostly the prior
        diag = replace(diag, verdict=f"caution: only {n_exact} uncensored observation(s); the posterior mostly reflects "
                                     "the priors")
    return TrendFit(model, spec, obs, draws, trace, diag, time.perf_counter() - t0, COMPILE_COUNT[key] > before)


def _importance_fit(run, sampler: SamplerSettings, trace, names: list[str]):
    """(draws, diagnostics) of the compile-free engine: a fresh ``run()`` where ``sampler.engine`` is "auto" and no
    stored ``trace`` is given, or a stored posterior that engine made (``names``: its variables). Otherwise the engine
    label NUTS runs under: why the fast engine declined, or "" (NUTS asked for, or a NUTS trace)."""
    if trace is None and sampler.engine == "auto":
        fast = run()
        if isinstance(fast, str):
            return f"nuts (the fast engine declined: {fast})"
        draws, k, ess = fast.draws, fast.pareto_k, fast.ess
    elif (stored := stored_importance(trace)) is not None:
        draws, (k, ess) = flat_draws(trace, names), stored
    else:
        return ""
    return draws, importance_diagnostics(k, ess, len(next(iter(draws.values()))))


def stored_importance(trace) -> tuple[float, float] | None:
    """(Pareto k, ESS) of a stored posterior the importance engine made, else None (a NUTS trace, or no trace)."""
    attrs = getattr(trace, "attrs", None) or {}
    if attrs.get(ATTR_ENGINE) != "importance":
        return None
    return float(attrs[ATTR_PARETO_K]), float(attrs[ATTR_ESS])


def fit_pooled(pooled: PooledObservations, spec: PooledSpec | None = None, *, trace=None,
               deadline: Deadline | None = None) -> TrendFit:
    """Partial pooling across benchmarks: non-centred benchmark intercepts and slopes (``trace``: as in fit_trend).

    The engine is the compile-free pooled importance sampler (:mod:`model.bayes.pooled_importance`) where it is
    reliable and ``spec.sampler.engine`` is "auto"; NUTS otherwise, and the diagnostics say why."""
    spec = spec or PooledSpec()
    deadline = deadline or Deadline.start(spec.sampler.max_seconds)  # the compile included
    _check_likelihood(spec.likelihood)
    model = PooledTrend(spec.correlated)
    n_groups, n = len(pooled.series), len(pooled.group)
    key = model.structure_key(spec.likelihood, n_groups, n)
    t0 = time.perf_counter()
    before = COMPILE_COUNT[key]
    names = ["mu_alpha", "mu_beta", "tau_alpha", "tau_beta", "alpha", "beta", "alpha_new", "beta_new", "sigma"]

    def run():
        from model.bayes.pooled_importance import pooled_importance_posterior

        return pooled_importance_posterior(pooled, spec.priors, spec.likelihood, spec.correlated,
                                           chains=spec.sampler.chains, draws=spec.sampler.draws, seed=spec.sampler.seed)

    fast = _importance_fit(run, spec.sampler, trace, names)
    if isinstance(fast, str):
        if trace is None:
            compiled = compiled_model(key, lambda: model.build(spec.likelihood, key.groups, key.size))
            trace = sample_compiled(compiled, model.sampler_data(pooled, spec.priors, key.size), spec.sampler, deadline)
        draws = flat_draws(trace, names)
        diag = diagnose(trace, [v for v in model.parameters if v in draws], per_group={"alpha": n_groups, "beta": n_groups})
        if fast:
            diag = replace(diag, engine=fast)
    else:
        draws, diag = fast
    for k in ("alpha", "beta", "sigma"):
        draws[k] = draws[k][:, :n_groups]
    return TrendFit(model, spec, pooled, draws, trace, diag, time.perf_counter() - t0, COMPILE_COUNT[key] > before)
