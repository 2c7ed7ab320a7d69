"""Model comparison: PSIS-LOO where valid, and leave-future-out (LFO) checks for time series.

LOO treats observations as exchangeable, which lag series are not; it is reported with
its Pareto-k warnings. LFO refits on data before several cutoff dates and scores the
later lags: coverage of the 50% and 90% predictive intervals, and the CRPS (lower is better).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from model.bayes.fitting import FitSpec, TrendFit, fit_trend
from model.bayes.observations import LOWER_BOUND_STATUSES, Observations
from model.bayes.stacking import pointwise_loglik
from model.bayes.trends import MODELS
from model.core.errors import DataError
from model.core.timeaxis import years_since


def loo(fit: TrendFit) -> dict:
    """PSIS-LOO via ArviZ: elpd, its standard error, p_loo and the worst Pareto k."""
    from arviz_base import from_dict
    from arviz_stats import loo as az_loo

    ll = pointwise_loglik(fit)
    chains = fit.spec.sampler.chains
    ll = ll.reshape(chains, -1, ll.shape[1])
    post = {"alpha": fit.draws["alpha"].reshape(chains, -1)}
    res = az_loo(from_dict({"posterior": post, "log_likelihood": {"lag": ll}}), pointwise=True)
    k = np.asarray(res.pareto_k).ravel()
    return {"elpd_loo": float(res.elpd), "elpd_se": float(res.se), "p_loo": float(res.p), "pareto_k_max": float(np.nanmax(k)),
            "loo_warning": bool(np.nanmax(k) > 0.7)}


def crps_samples(samples: np.ndarray, y: float) -> float:
    """CRPS of a predictive sample against one outcome (energy form)."""
    s = np.sort(np.asarray(samples, dtype=float))
    n = len(s)
    term1 = np.mean(np.abs(s - y))
    term2 = np.sum((2 * np.arange(1, n + 1) - n - 1) * s) / (n * n)
    return float(term1 - term2)


def score_forecast(fit: TrendFit, future: Observations, *, seed: int = 0) -> pd.DataFrame:
    """Score predictive draws of the observed lag (floored at 0) against later observations."""
    x = years_since(future.dates, fit.obs.reference)
    keep = ~np.isin(future.status, LOWER_BOUND_STATUSES)  # a lower bound is not a value to score against
    if not keep.any():
        return pd.DataFrame()
    order = np.argsort(x[keep])
    xs, ys = x[keep][order], future.y[keep][order]
    pred = np.maximum(fit.predictive_paths(xs, seed=seed), 0.0)  # the observed lag cannot be negative
    q = np.quantile(pred, [0.05, 0.25, 0.75, 0.95], axis=0)
    return pd.DataFrame({
        "date": pd.to_datetime(future.dates)[keep][order], "horizon_months": xs * 12, "observed": ys,
        "pred_median": np.median(pred, axis=0), "lo90": q[0], "hi90": q[3], "lo50": q[1], "hi50": q[2],
        "in50": (ys >= q[1]) & (ys <= q[2]), "in90": (ys >= q[0]) & (ys <= q[3]),
        "crps": [crps_samples(pred[:, i], ys[i]) for i in range(len(ys))],
    })


def leave_future_out(obs: Observations, spec: FitSpec, *, cutoffs: list | None = None,
                     horizon_months: float = 12.0) -> pd.DataFrame:
    """Refit before each cutoff and score the lags of the following ``horizon_months``."""
    dates = pd.to_datetime(obs.dates)
    if cutoffs is None:
        end = dates.max()
        cutoffs = [end - pd.DateOffset(months=m) for m in (12, 9, 6)]
    rows = []
    for c in cutoffs:
        c = pd.Timestamp(c)
        past = obs.up_to(c)
        later = (dates >= c) & (dates < c + pd.DateOffset(months=int(horizon_months)))
        if len(past) < 3 or not later.any():
            continue
        try:
            fit = fit_trend(past, spec)
        except DataError:
            continue
        fut = Observations(obs.name, obs.kind, obs.dates[later], obs.y[later], obs.status[later], c, c, dates[later].max())
        scored = score_forecast(fit, fut)
        if not scored.empty:
            rows.append(scored.assign(cutoff=c.date().isoformat(), n_train=len(past)))
    if not rows:
        return pd.DataFrame(columns=["cutoff", "n_train", "date", "observed", "in50", "in90", "crps"])
    return pd.concat(rows, ignore_index=True)


def compare_models(obs: Observations, *, likelihood: str = "normal", priors=None, sampler=None,
                   models=MODELS, with_lfo: bool = True) -> pd.DataFrame:
    """One row per model: LOO (elpd, se, Δ vs best, p_loo, Pareto k) and LFO (coverage, CRPS)."""
    rows = []
    for m in models:
        kw = {"model": m, "likelihood": likelihood}
        if priors is not None:
            kw["priors"] = priors
        if sampler is not None:
            kw["sampler"] = sampler
        spec = FitSpec(**kw)
        try:
            fit = fit_trend(obs, spec)
        except DataError as exc:
            rows.append({"model": m, "note": str(exc)})
            continue
        row = {"model": m, **loo(fit), "verdict": fit.diagnostics.verdict}
        if with_lfo:
            lfo = leave_future_out(obs, spec)
            row.update({"lfo_n": len(lfo), "lfo_cover50": float(lfo["in50"].mean()) if len(lfo) else np.nan,
                        "lfo_cover90": float(lfo["in90"].mean()) if len(lfo) else np.nan,
                        "lfo_crps": float(lfo["crps"].mean()) if len(lfo) else np.nan})
        rows.append(row)
    table = pd.DataFrame(rows)
    if "elpd_loo" in table:
        table["elpd_diff"] = table["elpd_loo"].max() - table["elpd_loo"]
        table = table.sort_values("elpd_loo", ascending=False, na_position="last").reset_index(drop=True)
    return table


def comparison_reading(table: pd.DataFrame) -> str:
    """One sentence on a model-comparison table: the best model by LOO, and whether any trend beats the constant
    (flat gap) model by more than 2 standard errors of elpd."""
    if "elpd_loo" not in table or table["elpd_loo"].isna().all():
        return "No model could be compared."
    best = table.iloc[0]["model"]
    diffs = table.set_index("model")["elpd_diff"]
    beats = "constant" in diffs and diffs["constant"] > 2 * table["elpd_se"].max()
    return f"Best by LOO: {best}. " + ("A trend beats the constant model by more than 2 standard errors." if beats else
                                       "No model beats the constant (flat gap) by more than 2 standard errors of elpd.")
