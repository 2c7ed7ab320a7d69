"""Posterior summaries: one tidy row per benchmark × model (plus pooled rows)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from model.crossing import HORIZON_END, crossing_years, first_passage_years, summarise_crossing
from model.trend import TrendFit, predictive_paths

SUMMARY_COLUMNS = [
    "benchmark", "model", "likelihood", "pooling", "observations", "n_obs", "window_start", "window_end", "reference_date",
    "current_lag_median", "slope_median", "slope_lo90", "slope_hi90", "p_slope_negative",
    "crossing_median", "crossing_lo50", "crossing_hi50", "crossing_lo90", "crossing_hi90",
    "p_cross_by_2026_12_31", "p_cross_by_2027_12_31", "p_never",
    "first_passage_median", "first_passage_lo90", "first_passage_hi90", "p_first_passage_by_horizon",
    "rhat_max", "ess_bulk_min", "ess_tail_min", "divergences", "verdict",
    "prior_json", "data_source", "snapshot_date", "seed",
]


def parameter_draws(fit: TrendFit, target: str | int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(alpha, beta) draws: the series itself, a pooled benchmark (int), "population" or "new"."""
    d = fit.draws
    if fit.pooling == "partial":
        if target == "population":
            return d["mu_alpha"], d["mu_beta"]
        if target == "new":
            return d["alpha_new"], d["beta_new"]
        return d["alpha"][:, target], d["beta"][:, target]
    beta = d.get("beta", np.zeros_like(d["alpha"]))  # constant: slope 0
    return d["alpha"], beta


def crossing_draws(fit: TrendFit, target: str | int | None = None) -> np.ndarray:
    """Years from the reference date at which the trend reaches 0 (+inf = never), per draw."""
    return crossing_years(*parameter_draws(fit, target))


def first_passage(fit: TrendFit, *, horizon=HORIZON_END, seed: int = 0) -> np.ndarray:
    """For AR models: first month at which a simulated observed lag path touches 0 (+inf: not by the horizon)."""
    ref = fit.obs.reference
    grid = pd.date_range(ref + pd.offsets.MonthBegin(1), horizon, freq="MS")
    x = (grid - ref).days.to_numpy() / 365.25
    paths = predictive_paths(fit, x, seed=seed)
    return first_passage_years(paths, x)


def _d(ts) -> str | None:
    return None if ts is None or pd.isna(ts) else pd.Timestamp(ts).date().isoformat()


def summary_row(fit: TrendFit, *, target: str | int | None = None, data_source: str = "", snapshot_date: str = "") -> dict:
    """One summary row for a fitted series (or a pooled benchmark / the population / a new benchmark)."""
    alpha, beta = parameter_draws(fit, target)
    x_star = crossing_years(alpha, beta)
    obs = fit.obs
    reference = obs.reference
    cs = summarise_crossing(x_star, reference)
    if fit.pooling == "partial":
        series = obs.series[target] if isinstance(target, int) else None
        name = series.name if series is not None else ("population" if target == "population" else "new benchmark")
        n_obs = len(series) if series is not None else int(sum(len(s) for s in obs.series))
        kind, starts, ends = obs.series[0].kind, [s.window_start for s in obs.series], [s.window_end for s in obs.series]
        model, pooling = "linear", "partial" if series is not None else f"partial ({name})"
        prior_json = fit.spec.priors.to_json()
    else:
        name, n_obs, kind, starts, ends = obs.name, len(obs), obs.kind, [obs.window_start], [obs.window_end]
        model, pooling, prior_json = fit.spec.model, fit.pooling, fit.spec.priors.to_json()
    fp = {"first_passage_median": None, "first_passage_lo90": None, "first_passage_hi90": None, "p_first_passage_by_horizon": np.nan}
    if fit.pooling != "partial" and fit.spec.model == "linear_ar1":
        fps = summarise_crossing(first_passage(fit), reference)
        fp = {"first_passage_median": _d(fps.median), "first_passage_lo90": _d(fps.lo90), "first_passage_hi90": _d(fps.hi90),
              "p_first_passage_by_horizon": 1 - fps.p_never}
    diag = fit.diagnostics
    return {
        "benchmark": name, "model": model, "likelihood": fit.spec.likelihood, "pooling": pooling, "observations": kind,
        "n_obs": n_obs, "window_start": _d(min(starts)), "window_end": _d(max(ends)), "reference_date": _d(reference),
        "current_lag_median": float(np.median(alpha)),
        "slope_median": float(np.median(beta)), "slope_lo90": float(np.quantile(beta, 0.05)),
        "slope_hi90": float(np.quantile(beta, 0.95)), "p_slope_negative": float(np.mean(beta < 0)),
        "crossing_median": _d(cs.median), "crossing_lo50": _d(cs.lo50), "crossing_hi50": _d(cs.hi50),
        "crossing_lo90": _d(cs.lo90), "crossing_hi90": _d(cs.hi90),
        "p_cross_by_2026_12_31": cs.p_by["2026-12-31"], "p_cross_by_2027_12_31": cs.p_by["2027-12-31"], "p_never": cs.p_never,
        **fp,
        "rhat_max": diag.rhat_max, "ess_bulk_min": diag.ess_bulk_min, "ess_tail_min": diag.ess_tail_min,
        "divergences": diag.divergences, "verdict": diag.verdict,
        "prior_json": prior_json, "data_source": data_source, "snapshot_date": snapshot_date, "seed": fit.spec.sampler.seed,
    }


def summarise_fit(fit: TrendFit, *, data_source: str = "", snapshot_date: str = "") -> pd.DataFrame:
    """All rows of one fit: one for a single series; per benchmark + population + new benchmark when pooled."""
    if fit.pooling == "partial":
        targets: list = list(range(len(fit.obs.series))) + ["population", "new"]
    else:
        targets = [None]
    rows = [summary_row(fit, target=t, data_source=data_source, snapshot_date=snapshot_date) for t in targets]
    return pd.DataFrame(rows, columns=SUMMARY_COLUMNS)


def trend_band(fit: TrendFit, *, start=None, horizon="2030-12-31", target: str | int | None = None,
               freq: str = "MS") -> pd.DataFrame:
    """Quantiles (5, 25, 50, 75, 95%) of the fitted trend on a monthly date grid out to ``horizon``."""
    from model.trend import trend_mean

    ref = fit.obs.reference
    if start is None:
        first = fit.obs.series[0].window_start if fit.pooling == "partial" else fit.obs.window_start
        start = first
    dates = pd.date_range(pd.Timestamp(start).to_period("M").to_timestamp(), pd.Timestamp(horizon), freq=freq)
    x = (dates - ref).days.to_numpy() / 365.25
    if fit.pooling == "partial":
        alpha, beta = parameter_draws(fit, target)
        mu = alpha[:, None] + beta[:, None] * x[None, :]
    else:
        mu = trend_mean(fit, x)
    q = np.quantile(mu, [0.05, 0.25, 0.5, 0.75, 0.95], axis=0)
    return pd.DataFrame({"date": dates, "q05": q[0], "q25": q[1], "q50": q[2], "q75": q[3], "q95": q[4]})


def prior_band(priors, model: str, reference: pd.Timestamp, *, start, horizon="2030-12-31", seed: int = 0) -> pd.DataFrame:
    """The same quantiles for the prior-predictive trend (what the priors alone say)."""
    from model.trend import prior_predictive

    dates = pd.date_range(pd.Timestamp(start).to_period("M").to_timestamp(), pd.Timestamp(horizon), freq="MS")
    x = (dates - reference).days.to_numpy() / 365.25
    draws = prior_predictive(priors, model, x, n=400, seed=seed)
    q = np.quantile(draws, [0.05, 0.25, 0.5, 0.75, 0.95], axis=0)
    return pd.DataFrame({"date": dates, "q05": q[0], "q25": q[1], "q50": q[2], "q75": q[3], "q95": q[4]})


def crossing_dates(fit: TrendFit, target: str | int | None = None, *, horizon=HORIZON_END) -> tuple[np.ndarray, float]:
    """Crossing dates of the draws that cross by ``horizon`` (datetime64), and P(no crossing by the horizon)."""
    x = crossing_draws(fit, target)
    ref = fit.obs.reference
    limit = (pd.Timestamp(horizon) - ref).days / 365.25
    inside = np.isfinite(x) & (x <= limit)
    dates = (ref + pd.to_timedelta(x[inside] * 365.25, unit="D")).to_numpy()
    return dates, float(1 - inside.mean())


def readings(row: pd.Series | dict) -> dict[str, str]:
    """One plain-language sentence per figure, from a summary row."""
    r = dict(row)
    p_never = r["p_never"]
    if r.get("crossing_median"):
        cross = (f"90% probability that, if the gap closes on this trend, it closes between {r['crossing_lo90'][:7]} and "
                 f"{r['crossing_hi90'][:7]} (median {r['crossing_median'][:7]}); {p_never:.0%} probability it never closes "
                 "on the current trend.")
    else:
        cross = f"No draw of the trend reaches zero: {p_never:.0%} probability it never closes on the current trend."
    slope = (f"The lag changes by {r['slope_median']:+.1f} months per year (90% interval {r['slope_lo90']:+.1f} to "
             f"{r['slope_hi90']:+.1f}); {r['p_slope_negative']:.0%} probability the gap is shrinking.")
    trend = (f"The trend puts the lag at {r['current_lag_median']:.1f} months on {r['reference_date']} "
             f"(the end of the data), fitted to {r['n_obs']} {r['observations']} observations.")
    by = (f"{r['p_cross_by_2026_12_31']:.0%} probability the trend reaches zero by the end of 2026, "
          f"{r['p_cross_by_2027_12_31']:.0%} by the end of 2027.")
    return {"trend": trend, "crossing": cross, "p_cross": by, "slope": slope}
