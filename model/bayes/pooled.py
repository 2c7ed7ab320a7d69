"""The partially pooled trend across benchmarks: benchmark intercepts and slopes drawn from a population.

Non-centred, optionally with LKJ-correlated intercepts and slopes. Besides each benchmark it reports the
population (the mean benchmark) and a *new, unseen* benchmark (the population plus the between-benchmark
spread: the honest answer for "some other benchmark"). It shares the interpretation interface of
:class:`model.bayes.trends.SeriesTrend`, with ``target`` = a benchmark's index, ``"population"`` or ``"new"``.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from model.bayes.priors import PoolingPriors
from model.bayes.sampling import PAD_VALUE, StructureKey, pad, size_bucket
from model.bayes.series_base import censored_lag, data_nodes, measurement_error_label, noise_draws

GROUP_SIZES = (4, 8, 16, 32, 64)
POOLED_SIZES = (64, 128, 192, 256, 384, 512, 768, 1024, 2048)
#: Pooled targets besides the benchmarks themselves, with their row names.
POOLED_TARGETS = {"population": "population", "new": "new benchmark"}


class PooledTrend:
    """Linear trends of several benchmarks, partially pooled."""

    name: ClassVar[str] = "linear"
    pooling: ClassVar[str] = "partial"
    parameters: ClassVar[tuple[str, ...]] = ("mu_alpha", "mu_beta", "tau_alpha", "tau_beta")
    has_first_passage: ClassVar[bool] = False

    def __init__(self, correlated: bool = False) -> None:
        self.correlated = correlated

    # ------------------------------------------------------------------ graph
    def structure_key(self, likelihood: str, n_groups: int, n_obs: int) -> StructureKey:
        """What a compiled model depends on: likelihood, group and observation size classes, correlation."""
        return StructureKey("pooled", self.name, likelihood, size_bucket(n_obs, POOLED_SIZES),
                            size_bucket(n_groups, GROUP_SIZES), self.correlated)

    def build(self, likelihood: str, n_groups: int, size: int):
        """The hierarchical PyMC graph for ``n_groups`` benchmarks and ``size`` padded observations."""
        import pymc as pm
        import pytensor.tensor as pt

        with pm.Model() as model:
            d, x, y, lo, hi, me = data_nodes(pm, PoolingPriors().as_data(), size)
            g = pm.Data("group", np.zeros(size, dtype="int64"))
            mu_a = pm.Normal("mu_alpha", d["prior_pop_intercept_mean"], d["prior_pop_intercept_sd"])
            mu_b = pm.Normal("mu_beta", d["prior_pop_slope_mean"], d["prior_pop_slope_sd"])
            z = pm.Normal("z", 0.0, 1.0, shape=(n_groups, 2))
            z_new = pm.Normal("z_new", 0.0, 1.0, shape=2)  # a new, unseen benchmark (prior-only)
            if self.correlated:
                chol, _, _ = pm.LKJCholeskyCov(
                    "chol", n=2, eta=d["prior_lkj_eta"],
                    sd_dist=pm.HalfNormal.dist(pt.stack([d["prior_tau_intercept"], d["prior_tau_slope"]]), shape=2),
                    compute_corr=True,
                )
                ab, ab_new = pt.dot(z, chol.T), pt.dot(chol, z_new)
            else:
                tau = pt.stack([pm.HalfNormal("tau_alpha", d["prior_tau_intercept"]),
                                pm.HalfNormal("tau_beta", d["prior_tau_slope"])])
                ab, ab_new = z * tau[None, :], z_new * tau
            a = pm.Deterministic("alpha", mu_a + ab[:, 0])
            b = pm.Deterministic("beta", mu_b + ab[:, 1])
            pm.Deterministic("alpha_new", mu_a + ab_new[0])
            pm.Deterministic("beta_new", mu_b + ab_new[1])
            # Each benchmark's noise scale around a shared one (non-centred on the log scale): a benchmark with few lags
            # borrows the others' noise level instead of leaving its own scale free (a funnel that diverged).
            sigma_pop = pm.HalfNormal("sigma_pop", d["prior_noise_sd"])
            sigma_spread = pm.HalfNormal("sigma_spread", 0.5)
            z_sigma = pm.Normal("z_sigma", 0.0, 1.0, shape=n_groups)
            sigma = pm.Deterministic("sigma", sigma_pop * pt.exp(sigma_spread * z_sigma))
            mu = a[g] + b[g] * x
            censored_lag(pm, mu, pt.sqrt(sigma[g] ** 2 + me**2), d["prior_student_nu"], likelihood, y, lo, hi)
        return model

    @staticmethod
    def sampler_data(pooled, priors: PoolingPriors, size: int) -> dict:
        """Stacked, padded observations with their benchmark index, and the hyperpriors."""
        x, y, g = pooled.stacked("x"), pooled.stacked("y"), pooled.group
        n = len(x)
        return {
            **priors.as_data(), "x": pad(x, size, 0.0), "y": pad(y, size, PAD_VALUE),
            "lo": pad(pooled.stacked("lower"), size, -np.inf), "hi": pad(pooled.stacked("upper"), size, PAD_VALUE),
            "me": pad(pooled.stacked("meas_sd"), size, 0.0),
            "group": np.concatenate([g, np.zeros(size - n, dtype="int64")]),
        }

    # ------------------------------------------------------------------ interpretation of a fit
    def targets(self, fit) -> list:
        """A row per benchmark, then the population and a new benchmark."""
        return list(range(len(fit.obs.series))) + list(POOLED_TARGETS)

    def parameter_draws(self, fit, target=None) -> tuple[np.ndarray, np.ndarray]:
        """(alpha, beta) draws of a benchmark (int), the population (also for None) or a new benchmark."""
        d = fit.draws
        if isinstance(target, int | np.integer):
            return d["alpha"][:, target], d["beta"][:, target]
        if target == "new":
            return d["alpha_new"], d["beta_new"]
        return d["mu_alpha"], d["mu_beta"]

    def trend_draws(self, fit, x: np.ndarray, target=None) -> np.ndarray:
        """Posterior draws of a target's linear trend at ``x`` years."""
        alpha, beta = self.parameter_draws(fit, target)
        return alpha[:, None] + beta[:, None] * np.asarray(x, dtype=float)[None, :]

    def describe(self, fit, target=None) -> dict:
        """What a summary row says about a benchmark, the population or a new benchmark."""
        series = fit.obs.series
        one = series[target] if isinstance(target, int | np.integer) else None
        name = one.name if one is not None else POOLED_TARGETS.get(target, "population")
        return {"benchmark": name, "model": self.name, "pooling": "partial" if one is not None else f"partial ({name})",
                "observations": series[0].kind, "n_obs": len(one) if one is not None else int(sum(len(s) for s in series)),
                "lag_definition": series[0].lag_definition,
                "measurement_error": measurement_error_label([one] if one is not None else series),
                "window_start": min(s.window_start for s in series), "window_end": max(s.window_end for s in series)}

    def window_start(self, fit):
        """The first benchmark's window start (all share the reference date)."""
        return fit.obs.series[0].window_start

    def predictive_paths(self, fit, x_future: np.ndarray, rng: np.random.Generator, include_noise: bool,
                         target=None) -> np.ndarray:
        """Posterior-predictive latent lag of a target (a benchmark's own noise; the population's median noise)."""
        mu = self.trend_draws(fit, x_future, target)
        if include_noise:
            sigma = fit.draws["sigma"]
            sigma = sigma[:, target] if isinstance(target, int | np.integer) else np.median(sigma, axis=1)
            mu = mu + noise_draws(sigma, fit.spec.likelihood, fit.spec.priors.student_nu, mu.shape, rng)
        return mu
