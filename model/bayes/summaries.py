"""Posterior summaries: one tidy row per fitted target (a benchmark, the mean series, a pooled population).

Every function asks the fit (and so its model object) what it reports; none tests a pooling string. The
trend and prior bands here are plot data (DataFrames): the charts draw them, the CLI and tests read them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from model.bayes.crossing import (
    HORIZON_END,
    crossing_mcse_months,
    crossing_years,
    first_passage_years,
    summarise_crossing,
)
from model.bayes.fitting import TrendFit
from model.bayes.priors import TrendPriors
from model.bayes.tails import quantile_mcse_months, tail_draws
from model.bayes.trends import series_model
from model.core.timeaxis import date_after, monthly_grid, years_between

SUMMARY_COLUMNS = [
    "benchmark", "model", "likelihood", "pooling", "observations", "groups", "lag_definition", "measurement_error",
    "stack_weights", "stack_evidence", "n_obs", "window_start", "window_end", "reference_date",
    "current_lag_median", "slope_median", "slope_lo90", "slope_hi90", "p_slope_negative",
    "crossing_median", "crossing_lo50", "crossing_hi50", "crossing_lo90", "crossing_hi90",
    "p_cross_by_2026_12_31", "p_cross_by_2027_12_31", "p_never", "p_closed_already",
    "first_passage_median", "first_passage_lo90", "first_passage_hi90", "p_first_passage_by_horizon",
    "crossing_median_mcse_months", "crossing_lo90_mcse_months", "crossing_hi90_mcse_months",
    "rhat_max", "ess_bulk_min", "ess_tail_min", "divergences", "engine", "pareto_k", "verdict",
    "prior_json", "data_source", "snapshot_date", "seed",
]
BAND_QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)


def crossing_draws(fit: TrendFit, target=None) -> np.ndarray:
    """Years from the reference date at which the trend reaches 0 (+inf = never), per draw."""
    return crossing_years(*fit.parameter_draws(target))


def first_passage(fit: TrendFit, *, horizon=HORIZON_END, seed: int = 0) -> np.ndarray:
    """For AR models: first month at which a simulated observed lag path touches 0 (+inf: not by the horizon)."""
    ref = fit.obs.reference
    grid = pd.date_range(ref + pd.offsets.MonthBegin(1), horizon, freq="MS")
    x = years_between(grid, ref)
    return first_passage_years(fit.predictive_paths(x, seed=seed), x)


def iso_date(ts) -> str | None:
    """A date as YYYY-MM-DD, or None."""
    return None if ts is None or pd.isna(ts) else pd.Timestamp(ts).date().isoformat()


def _first_passage_columns(fit: TrendFit) -> dict:
    if not fit.model.has_first_passage:
        return {"first_passage_median": None, "first_passage_lo90": None, "first_passage_hi90": None,
                "p_first_passage_by_horizon": np.nan}
    fps = summarise_crossing(first_passage(fit), fit.obs.reference)
    return {"first_passage_median": iso_date(fps.median), "first_passage_lo90": iso_date(fps.lo90),
            "first_passage_hi90": iso_date(fps.hi90), "p_first_passage_by_horizon": 1 - fps.p_never}


def summary_row(fit: TrendFit, *, target=None, data_source: str = "", snapshot_date: str = "") -> dict:
    """One summary row for a fitted series (or a pooled benchmark / the population / a new benchmark)."""
    alpha, beta = fit.parameter_draws(target)
    reference = fit.obs.reference
    tails = tail_draws(fit, seed=fit.spec.sampler.seed) if target is None else None
    if tails is not None:  # the linear model: many more draws by importance sampling, so the crossing tails are stable
        x_star = crossing_years(tails.alpha, tails.beta)
        mcse = quantile_mcse_months(x_star, tails.ess)
    else:
        x_star = crossing_years(alpha, beta)
        own = getattr(fit.model, "crossing_mcse", None)  # a stacked mixture computes it from its members' chains
        if own is not None:
            mcse = own(fit, x_star)
        elif fit.diagnostics.by_importance:  # resampled draws: the error follows the weights' ESS, not chains
            mcse = quantile_mcse_months(x_star, fit.diagnostics.ess_bulk_min)
        else:
            mcse = crossing_mcse_months(x_star, fit.spec.sampler.chains)
    cs = summarise_crossing(x_star, reference)
    about = fit.model.describe(fit, target)
    diag = fit.diagnostics
    return {
        "benchmark": about["benchmark"], "model": about["model"], "likelihood": fit.spec.likelihood,
        "pooling": about["pooling"], "observations": about["observations"], "groups": "open vs closed",
        "lag_definition": about["lag_definition"],
        "measurement_error": about["measurement_error"], "stack_weights": about.get("stack_weights", ""),
        "stack_evidence": about.get("stack_evidence", ""),
        "n_obs": about["n_obs"],
        "window_start": iso_date(about["window_start"]), "window_end": iso_date(about["window_end"]),
        "reference_date": iso_date(reference),
        "current_lag_median": float(np.median(alpha)),
        "slope_median": float(np.median(beta)), "slope_lo90": float(np.quantile(beta, 0.05)),
        "slope_hi90": float(np.quantile(beta, 0.95)), "p_slope_negative": float(np.mean(beta < 0)),
        "crossing_median": iso_date(cs.median), "crossing_lo50": iso_date(cs.lo50), "crossing_hi50": iso_date(cs.hi50),
        "crossing_lo90": iso_date(cs.lo90), "crossing_hi90": iso_date(cs.hi90),
        "p_cross_by_2026_12_31": cs.p_by["2026-12-31"], "p_cross_by_2027_12_31": cs.p_by["2027-12-31"], "p_never": cs.p_never,
        "p_closed_already": cs.p_closed_already,
        **_first_passage_columns(fit),
        **{f"crossing_{k}_mcse_months": v for k, v in mcse.items()},
        "rhat_max": diag.rhat_max, "ess_bulk_min": diag.ess_bulk_min, "ess_tail_min": diag.ess_tail_min,
        "divergences": diag.divergences, "engine": diag.engine, "pareto_k": diag.pareto_k, "verdict": diag.verdict,
        "prior_json": fit.spec.priors.to_json(), "data_source": data_source, "snapshot_date": snapshot_date,
        "seed": fit.spec.sampler.seed,
    }


def summarise_fit(fit: TrendFit, *, data_source: str = "", snapshot_date: str = "") -> pd.DataFrame:
    """All rows of one fit: one for a single series; per benchmark + population + new benchmark when pooled."""
    rows = [summary_row(fit, target=t, data_source=data_source, snapshot_date=snapshot_date) for t in fit.targets()]
    return pd.DataFrame(rows, columns=SUMMARY_COLUMNS)


def _band(dates: pd.DatetimeIndex, draws: np.ndarray) -> pd.DataFrame:
    q = np.quantile(draws, BAND_QUANTILES, axis=0)
    return pd.DataFrame({"date": dates, "q05": q[0], "q25": q[1], "q50": q[2], "q75": q[3], "q95": q[4]})


def trend_band(fit: TrendFit, *, start=None, horizon="2030-12-31", target=None) -> pd.DataFrame:
    """Quantiles (5, 25, 50, 75, 95%) of the fitted trend on a monthly date grid out to ``horizon``."""
    dates = monthly_grid(fit.model.window_start(fit) if start is None else start, horizon)
    return _band(dates, fit.trend_draws(years_between(dates, fit.obs.reference), target))


def prior_trend_draws(priors: TrendPriors, model: str, obs, dates: pd.DatetimeIndex, *, n: int = 200,
                      seed: int = 0) -> np.ndarray:
    """Trends the priors alone allow for ``model`` on ``obs``'s window (changepoint break included), at ``dates``."""
    shape = series_model(model)
    return shape.prior_trend(priors, years_between(dates, obs.reference), n=n, seed=seed,
                             tau_bounds=shape.tau_bounds(obs, priors))


def prior_band(priors: TrendPriors, model: str, obs, *, start, horizon="2030-12-31", seed: int = 0) -> pd.DataFrame:
    """The same quantiles for the prior-predictive trend (what the priors alone say)."""
    dates = monthly_grid(start, horizon)
    return _band(dates, prior_trend_draws(priors, model, obs, dates, n=400, seed=seed))


def share_closing_after(fit: TrendFit, date, target=None) -> float:
    """Share of all draws whose trend reaches zero, but only after ``date`` (the draws a chart clipped at ``date``
    does not show; the draws that never close are not among them)."""
    x = crossing_draws(fit, target)
    limit = years_between(pd.DatetimeIndex([date]), fit.obs.reference)[0]
    return float((np.isfinite(x) & (x > limit)).mean())


def crossing_dates(fit: TrendFit, target=None, *, horizon=HORIZON_END) -> tuple[np.ndarray, float]:
    """Crossing dates of the draws that cross by ``horizon`` (datetime64), and P(no crossing by the horizon)."""
    x = crossing_draws(fit, target)
    ref = fit.obs.reference
    limit = years_between(pd.DatetimeIndex([horizon]), ref)[0]
    inside = np.isfinite(x) & (x <= limit)
    return date_after(ref, x[inside]).to_numpy(), float(1 - inside.mean())
