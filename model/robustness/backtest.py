"""Backtests: would a forecast made at a past date have held up?

For each cutoff (every quarter from 2024-07 by default), everything is recomputed from the models
released *before* the cutoff: the lags, then the fit. The forecast of the monthly lag 3, 6 and 12
months later is compared with the lag that the full data show for that date. Each method gets the
same targets, so their calibration can be compared side by side:

``ols``
    the June 2026 analysis's method: a least-squares line through the monthly lags from the window
    start, with its classical prediction interval (Student-t);
``constant``, ``linear``, ``linear_ar1``, ``changepoint``
    the Bayesian models of :mod:`model.trend`, predicting the observed lag (floored at 0).

Scores: coverage of the central 50% and 90% intervals (ideal: 0.5 and 0.9), and the CRPS in months
(lower is better). The realised crossing (first month after the cutoff with the open side at or
ahead of the closed frontier) is set against each method's predicted median crossing.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
from scipy import stats

from model.bayes.crossing import crossing_years, summarise_crossing
from model.bayes.observations import Observations
from model.bayes.sampling import SamplerSettings
from model.bayes.summaries import crossing_draws
from model.bayes.trends import MODELS, STACKED
from model.core.errors import DataError
from model.core.timeaxis import crossing_date, years_between
from model.lags.across import lag_summary_by_date, lags_by_benchmark, quorum
from model.lags.engine import frontier_lag
from model.robustness.comparison import crps_samples

HORIZONS = (3, 6, 12)
#: What every backtest on today's data must say: it scores forecasts that could not have been made.
HINDSIGHT_CAVEAT = ("These backtests use today's data for the past: index values computed after the fact (AA rescales its "
                    "indices) and today's open-weights flags, so they flatter every method a little. The real-time check "
                    "fits each published AA index version at its own snapshot date (2026-06-15, 08-22, 10-10) and scores "
                    "it against the newest: few, short-horizon forecasts, but no hindsight.")
#: Default methods, and every method a backtest knows: the OLS baseline and each Bayesian model.
METHODS = ("ols", "linear", "linear_ar1")
METHODS_ALL = ("ols", *MODELS, STACKED)
N_PRED = 4000


def quarterly_cutoffs(first="2024-07-01", last=None) -> list[pd.Timestamp]:
    """Forecast dates: the first day of every quarter from ``first`` to ``last`` (default: the data's end)."""
    return list(pd.date_range(first, last, freq="QS")) if last is not None else [pd.Timestamp(first)]


def realised_lag(scores: pd.DataFrame, benchmark: str, date: pd.Timestamp, **kw) -> tuple[float, str]:
    """The lag on ``date`` as the full data show it (nan if the benchmark's data end earlier)."""
    rows = scores[scores["benchmark"] == benchmark]
    if date > rows["release_date"].max():
        return float("nan"), "beyond_data"
    row = frontier_lag(scores, benchmark, start=date, end=date, grid="daily", **kw).iloc[0]
    return float(row["lag_months"]), str(row["status"])


def realised_crossing(scores: pd.DataFrame, benchmark: str, after: pd.Timestamp, **kw) -> pd.Timestamp | None:
    """First month start after ``after`` at which the open frontier was at or ahead of the closed one."""
    rows = scores[scores["benchmark"] == benchmark]
    end = rows["release_date"].max()
    if end <= after:
        return None
    grid = frontier_lag(scores, benchmark, start=after, end=end, grid="monthly", **kw)
    hit = grid[(grid["date"] > after) & (grid["status"] == "open_ahead")]
    return None if hit.empty else pd.Timestamp(hit["date"].iloc[0])


def _ols_predictive(obs: Observations, x_future: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, float]:
    """Draws from the classical OLS prediction interval at ``x_future``, and the OLS crossing (years)."""
    x, y = obs.x, obs.y
    n = len(x)
    X = np.column_stack([np.ones(n), x])
    beta, *_ = np.linalg.lstsq(X, y, rcond=None)
    resid = y - X @ beta
    s2 = float(resid @ resid / max(n - 2, 1))
    xbar, sxx = x.mean(), float(((x - x.mean()) ** 2).sum()) or 1e-9
    mean = beta[0] + beta[1] * x_future
    se = np.sqrt(s2 * (1 + 1 / n + (x_future - xbar) ** 2 / sxx))
    draws = mean[None, :] + se[None, :] * stats.t.rvs(max(n - 2, 1), size=(N_PRED, len(x_future)), random_state=rng)
    crossing = float(crossing_years(np.array([beta[0]]), np.array([beta[1]]))[0])
    return draws, crossing


def backtest_settings(settings=None, *, benchmark: str | None = None, start=None, open_definition: str = "any",
                      tolerance: float = 0.0, sampler: SamplerSettings | None = None):
    """The :class:`model.analysis.FitSettings` every cutoff's fit uses: the user's (their priors, likelihood, lag and
    open definitions, groups, score errors and sampler reach each cutoff), or, without them, the app's defaults on the
    monthly grid with the keyword options. The benchmark, window end and model are set per cutoff and method."""
    from model.analysis import FitSettings

    if settings is None:
        sampler = sampler or SamplerSettings(draws=500, tune=500, chains=2)
        settings = FitSettings(observations="monthly", start=start, open_definition=open_definition, tolerance=tolerance,
                               draws=sampler.draws, tune=sampler.tune, chains=sampler.chains, seed=sampler.seed)
    return settings.model_copy(update={"pooling": "none"} | ({"benchmarks": [benchmark]} if benchmark else {}))


def observe_before(scores: pd.DataFrame, benchmarks: pd.DataFrame | None, settings, benchmark: str, c: pd.Timestamp):
    """The observations a forecaster had the day before cutoff ``c`` (only models released before it), through the fit
    path's own builder, on a time axis with x = 0 at ``c``."""
    from model.analysis import observations_for
    from model.data.dataset import Dataset
    from model.data.schema import ValidationReport, default_benchmarks

    past = scores[scores["release_date"] < c]
    if benchmark not in set(past["benchmark"]):
        raise DataError(f"{benchmark}: no data before {c.date()}")
    ds = Dataset(past, benchmarks if benchmarks is not None else default_benchmarks(past, "aa"), ValidationReport(), "past")
    obs = observations_for(ds, settings.model_copy(update={"benchmarks": [benchmark], "end": str((c - pd.Timedelta(days=1))
                                                                                                  .date())}), benchmark)
    return replace(obs, reference=c, window_end=c)


def realised_kw(scores: pd.DataFrame, benchmarks, settings) -> dict:
    """What the realised lag is measured with: the settings' open definition, tolerance and groups."""
    from model.lags.groups import group_labels

    groups, _ = group_labels(scores, settings.follower, settings.leader, settings.open_definition)
    return dict(benchmarks=benchmarks, open_definition=settings.open_definition, tolerance=settings.tolerance, groups=groups)


def _run(name: str, observe, realise, cross, cutoffs, *, methods, horizons, settings, seed) -> list[dict]:
    """The backtest loop. ``observe(c)`` gives the observations before cutoff ``c`` (x = 0 at ``c``),
    ``realise(date)`` the lag and status the full data show, ``cross(c)`` the realised crossing after ``c``; each
    Bayesian method is fitted through the fit path's fit step with ``settings`` (its model set to the method)."""
    from model.analysis import fit_observations

    rng = np.random.default_rng(seed)
    out = []
    for c in map(pd.Timestamp, cutoffs):
        try:
            obs = observe(c)
        except DataError:
            continue
        targets = [(h, c + pd.DateOffset(months=h)) for h in horizons]
        realised = {h: realise(d) for h, d in targets}
        targets = [(h, d) for h, d in targets if np.isfinite(realised[h][0])]
        if not targets:
            continue
        x_future = years_between([d for _, d in targets], c)
        truth_cross = cross(c)
        for method in methods:
            if method == "ols":
                draws, cross_years = _ols_predictive(obs, x_future, rng)
                cross_median = crossing_date(c, cross_years)  # never: None; a nearly flat line: 2200 at the latest
            else:
                try:
                    fit = fit_observations(obs, settings.model_copy(update={"model": method}))
                except DataError:
                    continue
                draws = fit.predictive_paths(x_future, seed=seed)
                cross_median = summarise_crossing(crossing_draws(fit), c).median
            draws = np.maximum(draws, 0.0)  # an observed lag cannot be negative
            q = np.quantile(draws, [0.05, 0.25, 0.5, 0.75, 0.95], axis=0)
            for j, (h, d) in enumerate(targets):
                y, status = realised[h]
                out.append({
                    "benchmark": name, "method": method, "cutoff": c.date().isoformat(), "horizon_months": h,
                    "target_date": d.date().isoformat(), "observed_lag": y, "observed_status": status,
                    "pred_median": q[2, j], "lo50": q[1, j], "hi50": q[3, j], "lo90": q[0, j], "hi90": q[4, j],
                    "in50": bool(q[1, j] <= y <= q[3, j]), "in90": bool(q[0, j] <= y <= q[4, j]),
                    "crps": crps_samples(draws[:, j], y), "n_train": len(obs),
                    "predicted_crossing_median": None if cross_median is None else pd.Timestamp(cross_median).date().isoformat(),
                    "realised_crossing": None if truth_cross is None else truth_cross.date().isoformat(),
                })
    if not out:
        raise DataError(f"{name}: no cutoff had enough data before it and a realised lag after it.")
    return out


def backtest_benchmark(scores: pd.DataFrame, benchmark: str, *, methods=METHODS, cutoffs=None, horizons=HORIZONS,
                       start="2023-07-01", benchmarks: pd.DataFrame | None = None, open_definition: str = "any",
                       tolerance: float = 0.0, sampler: SamplerSettings | None = None, seed: int = 0,
                       settings=None) -> pd.DataFrame:
    """One row per method × cutoff × horizon with the forecast, the realised lag and the scores. ``settings`` (a
    FitSettings) give every fit's options; without them the keyword options do (:func:`backtest_settings`)."""
    settings = backtest_settings(settings, benchmark=benchmark, start=start, open_definition=open_definition, tolerance=tolerance,
                                 sampler=sampler)
    kw = realised_kw(scores, benchmarks, settings)
    rows_b = scores[scores["benchmark"] == benchmark]
    if rows_b.empty:
        raise DataError(f"Unknown benchmark {benchmark!r}.")
    last = rows_b["release_date"].max()
    cutoffs = cutoffs if cutoffs is not None else quarterly_cutoffs("2024-07-01", last - pd.DateOffset(months=min(horizons)))

    rows = _run(benchmark, lambda c: observe_before(scores, benchmarks, settings, benchmark, c),
                lambda d: realised_lag(scores, benchmark, d, **kw),
                lambda c: realised_crossing(scores, benchmark, c, **kw), cutoffs, methods=methods, horizons=horizons,
                settings=settings, seed=seed)
    return pd.DataFrame(rows)


def backtest_mean(scores: pd.DataFrame, names: list[str], *, methods=METHODS, cutoffs=None, horizons=HORIZONS,
                  start="2023-07-01", benchmarks: pd.DataFrame | None = None, open_definition: str = "any",
                  sampler: SamplerSettings | None = None, seed: int = 0, settings=None) -> pd.DataFrame:
    """The same backtest on the across-benchmark mean monthly lag (the pooled set, as the June analysis averaged it).
    The mean series is built here (only the benchmarks known before each cutoff count toward its quorum); the fits
    take ``settings`` as :func:`backtest_benchmark` does."""
    settings = backtest_settings(settings, start=start, open_definition=open_definition, sampler=sampler)
    start, open_definition = settings.start or "1900-01-01", settings.open_definition  # no start: every month
    min_b = quorum(len(names))
    full = lag_summary_by_date(lags_by_benchmark(scores, benchmarks=benchmarks, names=names, open_definition=open_definition),
                               min_benchmarks=min_b).set_index("date")
    last = full.index.max()
    cutoffs = cutoffs if cutoffs is not None else quarterly_cutoffs("2024-07-01", last - pd.DateOffset(months=min(horizons)))

    def observe(c):
        # Only what was known before the cutoff: the benchmarks that had data then, and their quorum
        # (the final list's quorum would let benchmarks that appear later decide which months count).
        past = scores[scores["release_date"] < c]
        known = [n for n in names if n in set(past["benchmark"])]
        if not known:
            raise DataError("no benchmark had data before the cutoff")
        long = lags_by_benchmark(past, benchmarks=benchmarks, names=known, open_definition=open_definition)
        table = lag_summary_by_date(long, min_benchmarks=quorum(len(known)))
        table = table[(table["date"] >= pd.Timestamp(start)) & (table["date"] < c)]
        if len(table) < 3:
            raise DataError("too few months")
        return Observations("mean", "monthly_mean", table["date"].to_numpy(dtype="datetime64[ns]"),
                            table["mean_lag"].to_numpy(float), np.full(len(table), "ok", dtype=object), c,
                            pd.Timestamp(start), c)

    def realise(d):
        d = pd.Timestamp(d).to_period("M").to_timestamp()
        return (float(full.at[d, "mean_lag"]), "mean") if d in full.index else (float("nan"), "beyond_data")

    def cross(c):
        later = full[(full.index > c) & (full["mean_lag"] <= 0)]
        return None if later.empty else pd.Timestamp(later.index[0])

    rows = _run(f"mean of {len(names)} benchmarks", observe, realise, cross, cutoffs, methods=methods, horizons=horizons,
                settings=settings, seed=seed)
    return pd.DataFrame(rows)


#: The AA index versions embedded, by the date of the snapshot that published them: what a forecaster saw on that date
#: (the models released by then, their index values and open flags as then published).
INDEX_VINTAGES = {
    "intelligence": {"2026-06-15": "intelligence_index_2026_06_15", "2026-08-22": "intelligence_index",
                     "2026-10-10": "intelligence_index_2026_10_10"},
    "coding": {"2026-06-15": "coding_index_2026_06_15", "2026-08-22": "coding_index"},
    "agentic": {"2026-06-15": "agentic_index_2026_06_15", "2026-08-22": "agentic_index",
                "2026-10-10": "agentic_index_2026_10_10"},
}
VINTAGE_HORIZONS = (1, 2, 3)


def backtest_vintages(scores: pd.DataFrame, index: str, *, methods=METHODS, horizons=VINTAGE_HORIZONS,
                      start="2023-07-01", benchmarks: pd.DataFrame | None = None, open_definition: str = "any",
                      sampler: SamplerSettings | None = None, seed: int = 0, hindsight: bool = False,
                      settings=None) -> pd.DataFrame:
    """A real-time backtest: at each snapshot date but the last, fit the index version that snapshot published (only
    what was known then) and score the forecast against the newest version's lag ``horizons`` months later.

    ``hindsight=True`` runs the same cutoffs and horizons on the newest version alone (today's index values and open
    flags for the past: the usual backtest), so the two can be set side by side: the difference is what hindsight adds.
    The snapshots are only months apart, so the horizons are short (1-3 months) and the forecasts few."""
    versions = INDEX_VINTAGES.get(index)
    if versions is None:
        raise DataError(f"No index versions for {index!r}; use one of {', '.join(INDEX_VINTAGES)}.")
    dates = sorted(versions)
    latest = versions[dates[-1]]
    settings = backtest_settings(settings, start=start, open_definition=open_definition, sampler=sampler)
    kw = realised_kw(scores, benchmarks, settings)

    def observe(c):
        version = latest if hindsight else versions[c.date().isoformat()]
        return observe_before(scores, benchmarks, settings, version, c)

    label = f"{index} index ({'hindsight: newest version' if hindsight else 'real time: each snapshot'})"
    rows = _run(label, observe, lambda d: realised_lag(scores, latest, d, **kw),
                lambda c: realised_crossing(scores, latest, c, **kw), [pd.Timestamp(d) for d in dates[:-1]],
                methods=methods, horizons=horizons, settings=settings, seed=seed)
    return pd.DataFrame(rows)
