"""The partially pooled structures (independent or LKJ-correlated intercepts and slopes) fitted and mixed into one
pooled fit by their weights (:mod:`model.bayes.model_weights`), from PSIS-LOO densities of every lag."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from model.bayes.fitting import TrendFit, fit_pooled
from model.bayes.likelihood import censored_loglik
from model.bayes.model_weights import model_weights
from model.bayes.pooled import PooledTrend
from model.bayes.sampling import Deadline
from model.bayes.stacking import combined_diagnostics, loo_from_loglik, mixture_indices
from model.bayes.trends import STACKED

#: The partially pooled structures a stacked pooled fit combines: benchmark intercepts and slopes independent, or
#: LKJ-correlated.
POOLED_MEMBERS = {"independent": False, "correlated": True}


def pooled_pointwise_loglik(fit: TrendFit) -> np.ndarray:
    """Log-likelihood of every lag of every benchmark under each draw of a partially pooled fit, (draws, n)."""
    pooled = fit.obs
    x, y, g = pooled.stacked("x"), pooled.stacked("y"), pooled.group
    d = fit.draws
    mu = d["alpha"][:, g] + d["beta"][:, g] * x[None, :]
    sd = np.sqrt(d["sigma"][:, g] ** 2 + pooled.stacked("meas_sd")[None, :] ** 2)
    return censored_loglik(mu, sd, y, pooled.stacked("status"), fit.spec.likelihood, fit.spec.priors.student_nu)


class StackedPooledTrend(PooledTrend):
    """The stacked mixture of the partially pooled structures: the same targets (each benchmark, the population, a new
    benchmark), their draws mixed by weight."""

    name = STACKED

    def __init__(self, members: dict[str, TrendFit], weights: dict[str, float]) -> None:
        super().__init__(correlated=False)
        self.members, self.weights = members, weights

    def describe(self, fit, target=None) -> dict:
        weights = ", ".join(f"{k} {v:.2f}" for k, v in sorted(self.weights.items(), key=lambda kv: -kv[1]))
        return {**super().describe(fit, target), "model": "stacked (pooled structures)", "stack_weights": weights,
                "stack_evidence": ""}


def fit_pooled_stacked(pooled, spec) -> TrendFit:
    """Fit both pooled structures and mix them by stacking weights.

    The weights stack PSIS-LOO densities of every lag (the documented fallback): leave-future-out across twenty
    benchmarks would need a refit of the hierarchical NUTS model at most origins (Pareto k > 0.7 when a benchmark's last
    lags are left out), several seconds each. LOO weights favour the structure that predicts held-out lags best, not the
    future, so read them as a model-averaging device, not a forecast score."""
    deadline = Deadline.start(spec.sampler.max_seconds)  # one limit for both structures
    fits = {name: fit_pooled(pooled, replace(spec, correlated=corr), deadline=deadline)
            for name, corr in POOLED_MEMBERS.items()}
    names = list(fits)
    matrix = np.column_stack([loo_from_loglik(pooled_pointwise_loglik(fits[n])) for n in names])
    w, _ = model_weights(matrix)
    weights = dict(zip(names, (float(v) for v in w), strict=True))
    n_chains, n_draws = spec.sampler.chains, spec.sampler.draws
    keys = ("mu_alpha", "mu_beta", "alpha", "beta", "alpha_new", "beta_new", "sigma")
    parts = mixture_indices(n_chains, n_draws, w)
    draws = {k: np.concatenate([fits[names[m]].draws[k][idx] for m, idx in parts]) for k in keys}
    chain_of = np.concatenate([np.repeat(np.arange(n_chains), len(idx) // n_chains) for _, idx in parts])
    order = np.argsort(chain_of, kind="stable")  # chain-major, as every member's
    draws = {k: v[order] for k, v in draws.items()}
    return TrendFit(StackedPooledTrend(fits, weights), spec, pooled, draws, None, combined_diagnostics(fits, weights),
                    sum(f.seconds for f in fits.values()), any(f.compiled_now for f in fits.values()))
