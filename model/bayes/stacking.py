"""One answer across the trend models: Bayesian stacking weighted by leave-future-out predictive densities.

Stacking (Yao, Vehtari, Simpson and Gelman 2018) picks the weights ``w`` on the simplex that maximise
``sum_i log sum_m w_m p_m(y_i | y_<i)``: the mixture of the models' predictive distributions that would have
forecast the observed lags best. With a dozen forecast points the plain optimum tends to put all weight on one model,
so the weights are averaged over Bayesian-bootstrap reweightings of the points (Yao et al. 2018, §4.3).
These are time series, so each density is a forecast from the lags before it (leave-future-out, LFO; Bürkner, Gabry
and Vehtari 2020) at the last :data:`N_ORIGINS` observations: the joint density of the next :data:`LFO_HORIZON` lags,
per lag, because the answer (a zero-gap date) is a long-range forecast and a one-step score rewards a member whose
one-step forecasts are sharp but whose long-range ones drift (the AR(1) member kept a few percent of the weight on
series without autocorrelation, and its wide tails set the mixture's 95% end: with one-step scores the stacked 90%
intervals covered the simulated truth 97% of the time, over 6 lags 94%; bench/README.md). Each density comes from
an exact refit of the model on ``y_<i`` at every origin, for every member (the compile-free engine makes the refits
cheap; each refit's seed is fixed by the fit's seed and the origin). An earlier
version reused the full-data posterior by Pareto-smoothed importance sampling where its Pareto k was <= 0.7 and refitted
elsewhere; k for the same model and origin moved across seeds (0.49-1.16), and PSIS densities scored up to 1.7 nats
better than refits, more than the gap between the models, so the weights flipped with the seed. ``exact=False`` keeps
that approximation for comparison. PSIS-LOO densities are the documented fallback where a series is too short for LFO.

The weights carry their own doubt: they are fitted on each Bayesian-bootstrap replicate of the forecast points and the
members' draws are mixed over the replicates (the average weight), so weak evidence gives a mixture, not a winner.
:func:`stacking_evidence` says in numbers and words how strongly the forecasts separate the two leading models.

The stacked posterior of anything a fit reports (the lag now, the slope, the crossing date) is the mixture of the
models' draws by weight (:class:`StackedTrend`), so the headline carries the uncertainty about the model too.
"""

from __future__ import annotations

import time
from dataclasses import replace
from typing import ClassVar

import numpy as np
from scipy.special import logsumexp

from model.bayes.crossing import crossing_mcse_from_cdf_error, crossing_years
from model.bayes.diagnostics import Diagnostics
from model.bayes.fitting import FitSpec, TrendFit, fit_trend
from model.bayes.likelihood import censored_loglik
from model.bayes.model_weights import VERDICT_WEIGHT, evidence_text, model_weights, stacking_evidence
from model.bayes.observations import Observations
from model.bayes.psis import psis_log_weights
from model.bayes.sampling import Deadline
from model.bayes.trends import MODEL_LABELS, MODELS, STACKED, SeriesTrend
from model.core.errors import DataError
from model.core.timeaxis import years_between

#: Forecast origins scored by LFO (the last observations), the shortest training series, and the PSIS threshold.
N_ORIGINS, MIN_TRAIN, K_THRESHOLD = 12, 6, 0.7
#: Each exact refit is scored on the joint density of the next LFO_HORIZON lags (fewer at the series' end), per lag:
#: the zero-gap date is a long-range forecast, and a one-step score cannot tell a trend that drifts from one that holds.
LFO_HORIZON = 6
#: What makes a stacked answer what it is, beyond the settings: a precomputed answer made another way is not shown.
STACKING_METHOD = {"weights": "bayesian-bootstrap pseudo-BMA+", "lfo": "exact refits", "origins": N_ORIGINS,
                   "horizon": LFO_HORIZON}
#: The leave-future-out refits use a lighter sampler: their forecast densities need less precision than the answer.
REFIT_DRAWS, REFIT_CHAINS = 500, 2
#: The members of the stacked answer, in order.
STACK_MEMBERS = MODELS
#: Labels of every model a fit may name, the stacked mixture included.
FIT_MODEL_LABELS = {**MODEL_LABELS, STACKED: "stacked: the four models, weighted by how well each forecast the lags"}


def pointwise_loglik(fit: TrendFit, obs: Observations | None = None) -> np.ndarray:
    """Log-likelihood of each observation of ``obs`` (default: the fitted ones) under each draw, (draws, n), in time
    order, with censoring and the lags' measurement error. AR models condition each lag on the one before it."""
    obs = fit.obs if obs is None else obs
    order = np.argsort(obs.x, kind="stable")
    x = years_between(np.asarray(obs.dates)[order], fit.obs.reference)  # on the fit's own time axis
    y, status = obs.y[order], obs.status[order]
    mu, sd = fit.model.conditional_mean_sd(fit.draws, x, y)
    sd = np.sqrt(sd**2 + obs.meas_sd[order][None, :] ** 2)
    return censored_loglik(mu, sd, y, status, fit.spec.likelihood, fit.spec.priors.student_nu)


def _psis_log_weights(ll_left_out: np.ndarray) -> tuple[np.ndarray, float]:
    """Pareto-smoothed, normalised log weights that remove lags from a posterior (weights ∝ 1 / their likelihood,
    from their summed log-likelihood per draw), and the Pareto k (:mod:`model.bayes.psis`, as arviz-stats' LOO)."""
    return psis_log_weights(-ll_left_out)


def lfo_log_densities(fit: TrendFit, *, n_origins: int = N_ORIGINS, k_threshold: float = K_THRESHOLD,
                      refit_spec: FitSpec | None = None, exact: bool = False, deadline: Deadline | None = None,
                      horizon: int | None = None) -> dict:
    """Leave-future-out log predictive densities at the last ``n_origins`` observations. ``exact``: a refit on the
    past at every origin (what stacking uses: deterministic given the seed), scored on the joint predictive density of
    the next ``horizon`` lags (default :data:`LFO_HORIZON`; fewer at the end of the series) divided by their number:
    the M-step-ahead score of Bürkner, Gabry and Vehtari (2020, §2.2) on the scale of one lag, so the origins together
    count each lag about once. Otherwise one-step densities by PSIS from ``fit`` (the full-data posterior) leaving out
    each origin and what follows, refitting on the past where k > ``k_threshold``.

    Returns ``{"lpd": array, "pareto_k": array, "refits": int, "dates": array}``; empty arrays when the series is too
    short (fewer than :data:`MIN_TRAIN` lags before the first origin)."""
    obs = fit.obs
    order = np.argsort(obs.x, kind="stable")
    n = len(obs)
    first = max(MIN_TRAIN, fit.model.min_observations, n - n_origins)
    origins = list(range(first, n))
    ll = pointwise_loglik(fit)
    lpd, ks, refits = [], [], 0
    for i in origins:
        lw, k = _psis_log_weights(ll[:, i:].sum(axis=1))
        if k <= k_threshold and not exact:
            lpd.append(float(logsumexp(lw + ll[:, i])))
        else:  # the importance weights are unreliable: refit on the lags before this one (exact LFO)
            cutoff = np.asarray(obs.dates)[order][i]
            past = obs.up_to(cutoff)
            if len(past) < max(3, fit.model.min_observations):
                lpd.append(np.nan)
            else:
                light = replace(fit.spec.sampler, draws=min(REFIT_DRAWS, fit.spec.sampler.draws),
                                chains=min(REFIT_CHAINS, fit.spec.sampler.chains), seed=fit.spec.sampler.seed + i)
                if deadline is not None:
                    deadline.left()  # stops here, in one line, when the fit's time is up
                refit = fit_trend(past, refit_spec or replace(fit.spec, sampler=light), deadline=deadline)
                refits += 1
                h = LFO_HORIZON if horizon is None else horizon
                block = pointwise_loglik(refit, obs)[:, i:i + h].sum(axis=1)  # joint: AR terms chain on the lags
                lpd.append(float((logsumexp(block) - np.log(len(block))) / min(h, n - i)))
        ks.append(k)
    return {"lpd": np.array(lpd), "pareto_k": np.array(ks), "refits": refits,
            "dates": np.asarray(obs.dates)[order][origins]}


def mixture_indices(n_chains: int, n_draws: int, weights: np.ndarray) -> list[tuple[int, np.ndarray]]:
    """Which flat draw indices each member contributes: the first round(w * draws) of every chain, so the mixture
    keeps a chain structure (each chain is a concatenation of the members' blocks: conservative for MCSE)."""
    counts = np.round(weights * n_draws).astype(int)
    counts[np.argmax(weights)] += n_draws - counts.sum()  # the rounding remainder goes to the largest weight
    out = []
    for m, c in enumerate(counts):
        if c > 0:
            idx = np.concatenate([ch * n_draws + np.arange(c) for ch in range(n_chains)])
            out.append((m, idx))
    return out


class StackedTrend(SeriesTrend):
    """The stacked mixture of fitted member models: draws carry their member, trends come from each member."""

    name, label = STACKED, "stacked (the four models, weighted by leave-future-out)"
    parameters: ClassVar[tuple[str, ...]] = ()

    def __init__(self, members: dict[str, TrendFit], weights: dict[str, float], lfo: dict[str, dict],
                 notes: list[str] | None = None, pooling: str = "none", evidence: dict | None = None) -> None:
        super().__init__(pooling)
        self.members, self.weights, self.lfo, self.notes = members, weights, lfo, list(notes or [])
        self.evidence = evidence or {}

    def trend(self, draws, x):
        x = np.asarray(x, dtype=float)
        out = np.empty((len(draws["member"]), x.shape[0]))
        for m, name in enumerate(self.members):
            sel = draws["member"] == m
            if sel.any():
                member = self.members[name]
                out[sel] = member.model.trend({k: v[draws["source_index"][sel]] for k, v in member.draws.items()}, x)
        return out

    def describe(self, fit, target=None) -> dict:
        return {**super().describe(fit, target), "model": self.name, "stack_weights": self.weights_text(),
                "stack_evidence": evidence_text(self.evidence)}

    def crossing_mcse(self, fit, x_star: np.ndarray) -> dict[str, float]:
        """MCSE (months) of the mixture's crossing quantiles, from the members' own chains: the mixture CDF at a
        quantile has variance sum_m w_m^2 var(F_m), each var from the member's indicator draws (arviz-stats' ESS-based
        MCSE of a mean), turned into months through the mixture's quantile function. (The mixture's draws are blocks of
        different members, so treating them as chains would grossly overstate the error.)"""
        from arviz_stats import mcse

        def cdf_sd(level: float, q: float) -> float:
            var = 0.0
            for name, member in self.members.items():
                w = self.weights.get(name, 0.0)
                if w > 0:
                    a, b = member.parameter_draws()
                    ind = (crossing_years(a, b) <= q).astype(float).reshape(member.spec.sampler.chains, -1)
                    if member.diagnostics.by_importance:  # resampled draws: the weights' ESS, not chains
                        var += w**2 * ind.mean() * (1 - ind.mean()) / member.diagnostics.ess_bulk_min
                    else:
                        var += w**2 * float(np.asarray(mcse(ind, method="mean"))) ** 2 if ind.std() > 0 else 0.0
            return float(np.sqrt(var))

        return crossing_mcse_from_cdf_error(x_star, cdf_sd)

    def member_summaries(self, fit) -> list[tuple[str, float, TrendFit]]:
        """(name, weight, fit) of each member, largest weight first: each model's own answer."""
        return sorted(((n, self.weights.get(n, 0.0), f) for n, f in self.members.items()), key=lambda t: -t[1])

    def weights_text(self) -> str:
        """The weights as "linear 0.62, changepoint 0.30, …" (largest first)."""
        return ", ".join(f"{k} {v:.2f}" for k, v in sorted(self.weights.items(), key=lambda kv: -kv[1]))

    def predictive_paths(self, fit, x_future, rng, include_noise):
        mu = self.trend(fit.draws, x_future)
        if include_noise:
            mu = mu + fit.draws["sigma"][:, None] * rng.standard_normal(mu.shape)
        return mu


def combined_diagnostics(members: dict[str, TrendFit], weights: dict[str, float]) -> Diagnostics:
    """The worst diagnostics among the members that carry a non-negligible weight (>= :data:`VERDICT_WEIGHT`; the
    largest always counts); the verdict names the member."""
    top = max(weights, key=weights.get)
    used = [(name, f) for name, f in members.items() if weights.get(name, 0) >= VERDICT_WEIGHT or name == top]
    worst = min(used, key=lambda nf: (nf[1].diagnostics.trustworthy, -weights[nf[0]]))
    d = worst[1].diagnostics
    verdict = d.verdict if d.trustworthy else f"{worst[0]} (weight {weights[worst[0]]:.2f}): {d.verdict}"
    rhats = [f.diagnostics.rhat_max for _, f in used if np.isfinite(f.diagnostics.rhat_max)]  # importance: no R-hat
    return replace(d, rhat_max=max(rhats, default=float("nan")),
                   ess_bulk_min=min(f.diagnostics.ess_bulk_min for _, f in used),
                   ess_tail_min=min(f.diagnostics.ess_tail_min for _, f in used),
                   divergences=sum(f.diagnostics.divergences for _, f in used), verdict=verdict,
                   engine="; ".join(f"{name}: {f.diagnostics.engine}" for name, f in used),
                   pareto_k=max((f.diagnostics.pareto_k for _, f in used if f.diagnostics.by_importance), default=float("nan")))


def fit_stacked(obs: Observations, spec: FitSpec, *, members=STACK_MEMBERS, pooling: str = "none",
                traces: dict | None = None, progress=None, n_origins: int = N_ORIGINS) -> TrendFit:
    """Fit every member model, weight them by stacking their LFO densities, and return the mixture as one fit.

    ``progress(done, total, name)`` is called as members finish (the pages show it). A member that cannot be fitted
    (too few observations for a changepoint) is left out with weight 0. ``traces`` (stored posteriors by member)
    replace sampling."""
    fits, lfo, notes = {}, {}, []
    deadline = Deadline.start(spec.sampler.max_seconds)  # one limit for every member and refit
    for j, name in enumerate(members):
        deadline.left()
        try:
            fits[name] = fit_trend(obs, replace(spec, model=name), pooling=pooling, trace=(traces or {}).get(name),
                                   deadline=deadline)
            lfo[name] = lfo_log_densities(fits[name], n_origins=n_origins, exact=True, deadline=deadline)
        except DataError as exc:
            if time.monotonic() >= deadline.ends:  # out of time: the whole fit stops, not just this member
                raise deadline.stopped() from None
            notes.append(f"{name}: {exc}")
        if progress is not None:
            progress(j + 1, len(members), name)
    if not fits:
        raise DataError("No model could be fitted for stacking. " + " ".join(notes)[:300])
    names = list(fits)
    n_points = min(len(lfo[n]["lpd"]) for n in names)
    if n_points:  # the members' origins are the same lags: align on the last n_points
        matrix = np.column_stack([lfo[n]["lpd"][-n_points:] for n in names])
    else:  # fallback: too short for LFO, stack PSIS-LOO densities instead (documented)
        matrix = np.column_stack([_loo_densities(fits[n]) for n in names])
    w, _ = model_weights(matrix)
    weights = dict(zip(names, (float(v) for v in w), strict=True))
    evidence = stacking_evidence(matrix, names)
    first = fits[names[0]]
    n_chains, n_draws = first.spec.sampler.chains, first.spec.sampler.draws
    parts = mixture_indices(n_chains, n_draws, w)
    draws = {"alpha": [], "beta": [], "sigma": [], "member": [], "source_index": []}
    for m, idx in parts:
        d = fits[names[m]].draws
        draws["alpha"].append(d["alpha"][idx])
        draws["beta"].append(d.get("beta", np.zeros_like(d["alpha"]))[idx])
        draws["sigma"].append(d["sigma"][idx])
        draws["member"].append(np.full(len(idx), m))
        draws["source_index"].append(idx)
    # chain-major order: chain c of the mixture is every member's block from chain c
    flat = {k: np.concatenate(v) for k, v in draws.items()}
    chain_of = np.concatenate([np.repeat(np.arange(n_chains), len(idx) // n_chains) for _, idx in parts])
    order = np.argsort(chain_of, kind="stable")
    flat = {k: v[order] for k, v in flat.items()}
    model = StackedTrend(fits, weights, lfo, notes, pooling, evidence)
    seconds = sum(f.seconds for f in fits.values())
    stacked_spec = replace(spec, model=names[0], sampler=replace(spec.sampler, draws=len(flat["alpha"]) // n_chains))
    fit = TrendFit(model, stacked_spec, obs, flat, None, combined_diagnostics(fits, weights), seconds,
                   any(f.compiled_now for f in fits.values()))
    return fit


def _loo_densities(fit: TrendFit) -> np.ndarray:
    """PSIS-LOO log predictive densities of every lag (the fallback where LFO has no origins)."""
    return loo_from_loglik(pointwise_loglik(fit))


def loo_from_loglik(ll: np.ndarray) -> np.ndarray:
    """PSIS-LOO log predictive density of each column of a (draws, n) log-likelihood."""
    out = []
    for i in range(ll.shape[1]):
        lw, _ = _psis_log_weights(ll[:, i])
        out.append(float(logsumexp(lw + ll[:, i])))
    return np.array(out)
