"""The forecast record: each data version's headline forecast, kept as it was made, scored as newer versions arrive.

For every embedded version of the AA Intelligence Index (:data:`model.robustness.backtest.INDEX_VINTAGES`), the
answer's forecast (the stacked trend on the answer's window, fitted only on what that version published before its
date) is stored in ``data/forecast_record.csv`` as predictive quantiles of the lag at each month start ahead, with its
crossing-date quantiles. ``python -m model record --update`` adds the forecast of a version not yet in the file and
never rewrites one already there: a later change of method does not rewrite history. Beside them, the June 2026
least-squares line (a point forecast, no interval), reconstructed on the embedded copy of the version it used.

Scoring (at read time, against the newest version): at each month start up to the newest data, the observed lag
against the stored quantiles: inside the 50% and 90% intervals, the PIT (where the observation falls in the forecast
distribution) and the CRPS (from the quantiles, as forecast hubs score quantile forecasts); and whether a forecast's
median crossing date has passed without the gap closing.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

from model.core.errors import DataError
from model.core.paths import DATA_DIR
from model.core.timeaxis import years_between
from model.robustness.forecast_scores import LEVELS, crossing_verdict, pit_value, quantile_crps

RECORD_FILE = DATA_DIR / "forecast_record.csv"
QCOLS = [f"q{round(100 * level):02d}" for level in LEVELS]
HORIZON_MONTHS = 18
INDEX = "intelligence"
STACKED_LABEL = "the answer (stacked trend)"
POOLED_LABEL = "a typical benchmark (pooled population)"
JUNE_LABEL = "June 2026 least-squares line"
#: The published forecast the record starts from: a zero gap on this date (Doubleword, June 2026; see anchors.py).
JUNE_PUBLISHED_ZERO = pd.Timestamp("2026-12-03")
JUNE_START = "2024-06-01"


def _months_after(date: pd.Timestamp, n: int) -> list[pd.Timestamp]:
    first = (date + pd.offsets.MonthBegin(1)).normalize()
    return [first + pd.DateOffset(months=k) for k in range(n)]


def version_forecast(scores: pd.DataFrame, benchmarks: pd.DataFrame, version_date: str, benchmark: str, settings,
                     *, horizon_months: int = HORIZON_MONTHS) -> pd.DataFrame:
    """The answer's forecast as it would have been made on ``version_date`` from that version alone."""
    from model.analysis import fit_observations
    from model.robustness.backtest import observe_before

    c = pd.Timestamp(version_date)
    obs = observe_before(scores, benchmarks, settings, benchmark, c)
    fit = fit_observations(obs, settings.model_copy(update={"benchmarks": [benchmark]}))
    return _forecast_frame(fit, c, c, STACKED_LABEL, benchmark, settings.seed, horizon_months)


def pooled_version_forecast(scores: pd.DataFrame, benchmarks: pd.DataFrame, version_date: str, *,
                            horizon_months: int = HORIZON_MONTHS) -> pd.DataFrame:
    """The pooled answer's forecast (the population: a typical benchmark's lag) as made on ``version_date``: the
    distinct AA evaluations with enough lags in the models released before it, partially pooled."""
    from model.analysis import run_analysis
    from model.data.dataset import Dataset
    from model.data.schema import ValidationReport
    from model.robustness.windows import pooled_answer_settings

    c = pd.Timestamp(version_date)
    past = Dataset(scores[scores["release_date"] < c], benchmarks, ValidationReport(), "past")
    settings = pooled_answer_settings(past).model_copy(update={"end": str((c - pd.Timedelta(days=1)).date())})
    fit = next(iter(run_analysis(past, settings).fits.values()))  # the fit path's own pooled design
    return _forecast_frame(fit, fit.obs.reference, c, POOLED_LABEL, ",".join(settings.benchmarks), settings.seed,
                           horizon_months)


def _forecast_frame(fit, reference: pd.Timestamp, version: pd.Timestamp, label: str, benchmark: str, seed: int,
                    horizon_months: int) -> pd.DataFrame:
    """A fit's stored forecast: predictive quantiles of the lag (floored at 0) at each month start after ``version``,
    P(zero) and the crossing quantiles, on a time axis with x = 0 at ``reference``."""
    from model.bayes.crossing import summarise_crossing
    from model.bayes.summaries import crossing_draws

    targets = _months_after(version, horizon_months)
    draws = np.maximum(fit.predictive_paths(years_between(targets, reference), seed=seed), 0.0)
    frame = pd.DataFrame(np.quantile(draws, LEVELS, axis=0).T, columns=QCOLS)
    cross = summarise_crossing(crossing_draws(fit), reference)
    frame.insert(0, "target_date", [t.date().isoformat() for t in targets])
    frame.insert(0, "benchmark", benchmark)
    frame.insert(0, "version_date", version.date().isoformat())
    frame.insert(0, "forecast", label)
    frame["p_zero"] = (draws <= 0).mean(axis=0)
    for name in ("median", "lo90", "hi90"):
        value = getattr(cross, name)
        frame[f"crossing_{name}"] = None if value is None else pd.Timestamp(value).date().isoformat()
    frame["p_never"] = cross.p_never
    frame["made_on"] = dt.date.today().isoformat()
    return frame


def june_line_forecast(scores: pd.DataFrame, benchmarks: pd.DataFrame, *, horizon_months: int = HORIZON_MONTHS):
    """The June 2026 line, reconstructed on the embedded 2026-06-15 index version (monthly lag from 2024-06): its
    value at each month start after the version date, floored at 0 (a point forecast: only the median is set)."""
    from model.lags.engine import frontier_lag
    from model.lags.ols import ols_crossing

    version, benchmark = "2026-06-15", "intelligence_index_2026_06_15"
    line = ols_crossing(frontier_lag(scores, benchmark, benchmarks=benchmarks), JUNE_START)
    targets = _months_after(pd.Timestamp(version), horizon_months)
    years = years_between(targets, line.reference_date)
    frame = pd.DataFrame({"forecast": JUNE_LABEL, "version_date": version, "benchmark": benchmark,
                          "target_date": [t.date().isoformat() for t in targets]})
    for col in QCOLS:
        frame[col] = np.nan
    frame["q50"] = np.maximum(line.intercept_months + line.slope_months_per_year * years, 0.0)
    frame["crossing_median"] = None if line.crossing_date is None else line.crossing_date.date().isoformat()
    frame["made_on"] = dt.date.today().isoformat()
    return frame


def update_record(scores: pd.DataFrame, benchmarks: pd.DataFrame, settings, path: Path = RECORD_FILE,
                  versions: dict[str, str] | None = None) -> tuple[pd.DataFrame, list[str]]:
    """Add the forecast of every version not yet in the record (and the June line if missing); rows already there are
    kept exactly. Returns the record and the versions added (write it with :func:`write_record`)."""
    from model.robustness.backtest import INDEX_VINTAGES

    record = load_record(path) if Path(path).is_file() else pd.DataFrame()
    have = set() if record.empty else set(zip(record["forecast"], record["version_date"], strict=True))
    added, parts = [], [record]
    for version, benchmark in sorted((versions or INDEX_VINTAGES[INDEX]).items()):
        if (STACKED_LABEL, version) not in have:
            parts.append(version_forecast(scores, benchmarks, version, benchmark, settings))
            added.append(version)
        if (POOLED_LABEL, version) not in have:
            parts.append(pooled_version_forecast(scores, benchmarks, version))
            added.append(f"{version} (pooled)")
    if (JUNE_LABEL, "2026-06-15") not in have:
        parts.append(june_line_forecast(scores, benchmarks))
        added.append("June 2026 line")
    out = pd.concat([p for p in parts if len(p)], ignore_index=True)
    return out.sort_values(["forecast", "version_date", "target_date"], kind="stable").reset_index(drop=True), added


def write_record(record: pd.DataFrame, path: Path = RECORD_FILE) -> None:
    from model.core.files import write_atomic

    write_atomic(path, record.to_csv(index=False, lineterminator="\n", float_format="%.4f"))


def load_record(path: Path = RECORD_FILE) -> pd.DataFrame:
    """The stored record (the app wrote it: plain CSV, read as data)."""
    return pd.read_csv(path, dtype={"forecast": "string", "version_date": "string", "benchmark": "string",
                                    "target_date": "string", "crossing_median": "string", "crossing_lo90": "string",
                                    "crossing_hi90": "string", "made_on": "string"})






def score_record(record: pd.DataFrame, scores: pd.DataFrame, benchmarks: pd.DataFrame, settings) -> pd.DataFrame:
    """Each stored forecast month up to the newest data, with the lag the newest index version shows then."""
    from model.robustness.backtest import INDEX_VINTAGES, realised_kw, realised_lag

    versions = INDEX_VINTAGES[INDEX]
    latest = versions[max(versions)]
    kw = realised_kw(scores, benchmarks, settings)
    observed = {d: realised_lag(scores, latest, pd.Timestamp(d), **kw) for d in record["target_date"].unique()}
    mean = _mean_lags(record, scores, benchmarks, settings)
    out = record.copy()
    pooled = out["forecast"] == POOLED_LABEL
    out["observed_lag"] = [mean.get(d, np.nan) if p else observed[d][0] for d, p in zip(out["target_date"], pooled,
                                                                                         strict=True)]
    out["observed_status"] = ["mean across the pooled benchmarks" if p else observed[d][1]
                              for d, p in zip(out["target_date"], pooled, strict=True)]
    out = out[np.isfinite(out["observed_lag"])].reset_index(drop=True)
    q = out[QCOLS].to_numpy(dtype=float)
    has_interval = ~np.isnan(q).any(axis=1)
    y = out["observed_lag"].to_numpy(dtype=float)
    out["in50"] = np.where(has_interval, (out["q25"] <= y) & (y <= out["q75"]), np.nan)
    out["in90"] = np.where(has_interval, (out["q05"] <= y) & (y <= out["q95"]), np.nan)
    out["pit"] = [pit_value(v, row) if ok else np.nan for v, row, ok in zip(y, q, has_interval, strict=True)]
    out["crps"] = [quantile_crps(v, row) if ok else np.nan for v, row, ok in zip(y, q, has_interval, strict=True)]
    out["abs_error_median"] = np.abs(y - out["q50"])
    out["scored_against"] = np.where(out["forecast"] == POOLED_LABEL, "mean lag across its benchmarks", latest)
    return out


def _mean_lags(record: pd.DataFrame, scores: pd.DataFrame, benchmarks: pd.DataFrame, settings) -> dict[str, float]:
    """The monthly mean backward lag across the pooled forecasts' benchmarks (the newest data), by month start: what
    a typical benchmark's forecast is scored against."""
    from model.lags.across import lag_summary_by_date, lags_by_benchmark, quorum

    pooled = record[record["forecast"] == POOLED_LABEL]
    if pooled.empty:
        return {}
    names = sorted(set(",".join(pooled["benchmark"].unique()).split(",")))
    lags = lags_by_benchmark(scores, benchmarks=benchmarks, names=names, open_definition=settings.open_definition)
    summary = lag_summary_by_date(lags, min_benchmarks=quorum(len(names)))
    return {d.date().isoformat(): float(v) for d, v in zip(summary["date"], summary["mean_lag"], strict=True)}


def record_summary(record: pd.DataFrame, scored: pd.DataFrame, scores: pd.DataFrame) -> pd.DataFrame:
    """One row per stored forecast: how many months are scored, interval coverage, mean CRPS and PIT, the median's
    mean miss, and what became of its crossing date (passed without the gap closing, or not yet testable)."""
    from model.robustness.backtest import INDEX_VINTAGES

    versions = INDEX_VINTAGES[INDEX]
    latest = versions[max(versions)]
    data_end = pd.Timestamp(scores.loc[scores["benchmark"] == latest, "release_date"].max())
    rows = []
    for (forecast, version), made in record.groupby(["forecast", "version_date"], sort=True):
        s = scored[(scored["forecast"] == forecast) & (scored["version_date"] == version)].sort_values("target_date")
        crossing = made["crossing_median"].dropna()
        crossing = pd.Timestamp(crossing.iloc[0]) if len(crossing) else None
        rows.append({"forecast": forecast, "version_date": version, "months_scored": len(s),
                     "in50_share": s["in50"].mean() if len(s) else np.nan, "in90_share": s["in90"].mean() if len(s) else np.nan,
                     "mean_crps": s["crps"].mean() if len(s) else np.nan, "mean_pit": s["pit"].mean() if len(s) else np.nan,
                     "mean_abs_error_median": s["abs_error_median"].mean() if len(s) else np.nan,
                     "crossing_median": None if crossing is None else crossing.date().isoformat(),
                     "crossing_verdict": crossing_verdict(crossing, s, data_end, published=(
                         JUNE_PUBLISHED_ZERO if forecast == JUNE_LABEL else None)),
                     "newest_data": data_end.date().isoformat(),
                     "last_scored_month": s["target_date"].max() if len(s) else None,
                     "last_observed_lag": float(s["observed_lag"].iloc[-1]) if len(s) else np.nan,
                     "last_forecast_median": float(s["q50"].iloc[-1]) if len(s) else np.nan,
                     "months_inside_50": int(np.nansum(s["in50"])) if len(s) else 0,
                     "months_inside_90": int(np.nansum(s["in90"])) if len(s) else 0})
    return pd.DataFrame(rows)




def record_sentence(row) -> str:
    """One stored forecast's record in words (its text is the project's own: no text from data)."""
    head = f"{row['forecast']}, made on the {row['version_date']} version: "
    if not row["months_scored"]:
        return head + f"not yet scored (no newer data); {row['crossing_verdict']}."
    n = int(row["months_scored"])
    cover = (f"{row['months_inside_50']} of {n} months inside its 50% interval and {row['months_inside_90']} of {n} inside "
             f"its 90% interval, mean CRPS {row['mean_crps']:.2f} months, mean PIT {row['mean_pit']:.2f}; "
             if pd.notna(row["in90_share"]) else "")
    what = "its median" if pd.notna(row["in90_share"]) else "the line"
    return (head + f"{n} month(s) scored; {cover}{what} was off by {row['mean_abs_error_median']:.1f} months on "
            f"average (at {row['last_scored_month'][:7]}: forecast {row['last_forecast_median']:.1f}, observed "
            f"{row['last_observed_lag']:.1f}); {row['crossing_verdict']}.")


def forecast_record_view(aa, settings, path: Path = RECORD_FILE, *, months_shown: int = 24) -> dict:
    """Everything the record shows (the page, the CLI and the report): the stored record, its scored months, one
    summary row per forecast and the observed lag on the newest version over the last ``months_shown`` months."""
    from model.lags.engine import frontier_lag
    from model.robustness.backtest import INDEX_VINTAGES

    if not Path(path).is_file():
        raise DataError(f"No forecast record at {path}; run python -m model record --update to make one.")
    record = load_record(path)
    scored = score_record(record, aa.scores, aa.benchmarks, settings)
    versions = INDEX_VINTAGES[INDEX]
    observed = frontier_lag(aa.scores, versions[max(versions)], benchmarks=aa.benchmarks,
                            open_definition=settings.open_definition)
    observed = observed[observed["date"] >= observed["date"].max() - pd.DateOffset(months=months_shown)]
    return {"record": record, "scored": scored, "summary": record_summary(record, scored, aa.scores),
            "observed": observed[["date", "lag_months", "status"]].reset_index(drop=True),
            "index_record": record[record["forecast"] != POOLED_LABEL]}  # what the chart draws over the index's lag
