"""Plain-language readings of fitted results: one sentence per figure, built from a summary row."""

from __future__ import annotations

import numpy as np
import pandas as pd

from model.bayes.crossing import MIN_P_CLOSES_LATER, p_closes_later
from model.core.text import fmt_prob

#: Plain names of the trend priors (real units).
PRIOR_WORDS = {
    "intercept_mean": "lag now, mean (months)", "intercept_sd": "lag now, sd (months)",
    "slope_mean": "slope, mean (months/yr)", "slope_sd": "slope, sd (months/yr)", "noise_sd": "noise scale (months)",
    "student_nu": "Student-t degrees of freedom", "ar_lengthscale_median": "AR correlation time, median (years)",
    "ar_lengthscale_sd_log": "AR correlation time, sd of its log", "changepoint_margin": "changepoint margin (share of window)",
}


def priors_in_words(priors) -> str:
    """The trend priors as "slope, mean (months/yr) -2; …", flagging those that differ from the defaults."""
    default = type(priors)()
    parts = []
    for name, value in priors.model_dump().items():
        changed = " (changed)" if value != getattr(default, name) else ""
        parts.append(f"{PRIOR_WORDS.get(name, name.replace('_', ' '))} {value:g}{changed}")
    return "; ".join(parts)


#: Below these a crossing date is not printed: a trend from fewer lags, or over a shorter span, dates nothing.
MIN_TREND_LAGS, MIN_TREND_MONTHS = 6, 12  # 6: as the pooled answer and leave-future-out ask
#: A crossing quantile whose Monte Carlo error exceeds this many months is "too uncertain to date"; past the last year,
#: "after 2100".
MAX_DATE_MCSE_MONTHS, LAST_DATED_YEAR = 12.0, 2100


def too_few_for_a_trend(row) -> str | None:
    """"too few observations for a trend (n over m months)" when the fit's data are below the declared minimum, else
    None."""
    r = dict(row)
    n = int(r.get("n_obs") or 0)
    start, end = pd.to_datetime(r.get("window_start")), pd.to_datetime(r.get("window_end"))
    months = (end - start).days / 30.44 if pd.notna(start) and pd.notna(end) else float("inf")  # no window: by n
    if n < MIN_TREND_LAGS or months < MIN_TREND_MONTHS:
        return f"too few observations for a trend ({n} over {months:.0f} months)"
    return None


def crossing_month(row, col: str) -> str:
    """A crossing quantile for people: YYYY-MM, "never", "after 2100", or "too uncertain to date" where its Monte Carlo
    error exceeds :data:`MAX_DATE_MCSE_MONTHS`."""
    r = dict(row)
    value = r.get(col)
    if not value or (isinstance(value, float) and np.isnan(value)):
        return "never"
    if pd.Timestamp(value).year > LAST_DATED_YEAR:
        return f"after {LAST_DATED_YEAR}"
    mcse = r.get(f"{col}_mcse_months")
    if mcse is not None and np.isfinite(float(mcse)) and float(mcse) > MAX_DATE_MCSE_MONTHS:
        return "too uncertain to date"
    return str(value)[:7]


def readings(row: pd.Series | dict) -> dict[str, str]:
    """One plain-language sentence per figure, from a summary row."""
    r = dict(row)
    p_never = r["p_never"]
    p_already = r.get("p_closed_already", 0.0) or 0.0
    already = (f"{fmt_prob(p_already)} probability the trend is already at or below zero at the end of the data. "
               if p_already > 0 else "")
    if (few := too_few_for_a_trend(r)) is not None:
        cross = f"No crossing date: {few}."
    elif r.get("crossing_median"):
        cross = (f"{already}90% probability that, if the gap closes later on this trend, it closes between "
                 f"{crossing_month(r, 'crossing_lo90')} and {crossing_month(r, 'crossing_hi90')} (median "
                 f"{crossing_month(r, 'crossing_median')}); {fmt_prob(p_never)} probability it never closes on the "
                 "current trend.")
    else:
        cross = (f"{already}No draw of the trend reaches zero later: {fmt_prob(p_never)} probability it never closes on the "
                 "current trend.")
    slope = (f"The lag changes by {r['slope_median']:+.1f} months per year (90% interval {r['slope_lo90']:+.1f} to "
             f"{r['slope_hi90']:+.1f}); {fmt_prob(r['p_slope_negative'])} probability the gap is shrinking.")
    trend = (f"The trend puts the lag at {r['current_lag_median']:.1f} months on {r['reference_date']} "
             f"(the end of the data), fitted to {r['n_obs']} {r['observations']} observations.")
    by = (f"{fmt_prob(r['p_cross_by_2026_12_31'])} probability the trend is at or below zero by the end of 2026, "
          f"{fmt_prob(r['p_cross_by_2027_12_31'])} by the end of 2027.")
    return {"trend": trend, "crossing": cross, "p_cross": by, "slope": slope}


def measurement_error_note(obs) -> str:
    """One sentence on whether the fitted lags carry measurement error from score uncertainty."""
    se = obs.meas_sd
    if se.any():
        return (f"Score uncertainty is in the fit: {int((se > 0).sum())} of {len(se)} lags carry a measurement error "
                f"(median {np.median(se[se > 0]):.1f} months; bars: 90%), added to the model's noise.")
    if obs.lag_definition == "not_significantly_behind":
        return "The lags are exact under this definition: the scores' errors are already in its rule."
    return "The lags are treated as exact: no score of this benchmark has a known standard error (or the option is off)."


def stacked_members_table(fit) -> pd.DataFrame:
    """Each member of a stacked fit with its weight and its own answer, in plain column names."""
    from model.bayes.summaries import summarise_fit

    rows = []
    for name, weight, member in fit.model.member_summaries(fit):
        r = summarise_fit(member).iloc[0]
        rows.append({"model": name, "weight": round(weight, 2), "lag now (months)": round(r["current_lag_median"], 1),
                     "slope (months/yr)": round(r["slope_median"], 1),
                     "zero gap: median": crossing_month(r, "crossing_median"),
                     "90% from": crossing_month(r, "crossing_lo90") if r["crossing_lo90"] else "—",
                     "90% to": crossing_month(r, "crossing_hi90"),
                     "P(zero by end-2027)": fmt_prob(r["p_cross_by_2027_12_31"]), "P(never)": fmt_prob(r["p_never"]),
                     "verdict": r["verdict"]})
    return pd.DataFrame(rows)


def summary_table_for_people(summary: pd.DataFrame) -> pd.DataFrame:
    """Summary rows in plain column names: dates as YYYY-MM, "never" instead of an empty date, probabilities as "<1%"
    rather than 0.0; the crossing interval is left out ("mostly never") where fewer than half the draws close later."""
    rows = []
    for _, r in summary.iterrows():
        shown = p_closes_later(r) >= MIN_P_CLOSES_LATER
        few = too_few_for_a_trend(r)

        def month(col, r=r, shown=shown, few=few):
            return "too few lags" if few else (crossing_month(r, col) if shown else "mostly never")
        rows.append({"benchmark": r["benchmark"], "model": r["model"], "lag now (months)": round(r["current_lag_median"], 1),
                     "slope (months/yr)": round(r["slope_median"], 1),
                     "P(gap shrinking)": fmt_prob(r["p_slope_negative"]), "zero gap: median": month("crossing_median"),
                     "90% from": month("crossing_lo90"), "90% to": month("crossing_hi90"),
                     "P(zero by end-2027)": fmt_prob(r["p_cross_by_2027_12_31"]), "P(never)": fmt_prob(r["p_never"]),
                     "lags fitted": int(r["n_obs"]), "verdict": r["verdict"]})
    return pd.DataFrame(rows)


def comparison_table_for_people(table: pd.DataFrame) -> pd.DataFrame:
    """The model-comparison table in plain words and sensible rounding (the raw columns stay in the CSV)."""
    from model.bayes.trends import MODEL_LABELS

    def pct(v):
        return "—" if pd.isna(v) else f"{v:.0%}"

    rows = []
    for _, r in table.iterrows():
        if pd.isna(r.get("elpd_loo", np.nan)):
            rows.append({"model": MODEL_LABELS.get(r["model"], r["model"]), "note": r.get("note", "not fitted")})
            continue
        rows.append({
            "model": MODEL_LABELS.get(r["model"], r["model"]),
            "fit to held-out lags (higher is better)": f"{r['elpd_loo']:.1f} ± {r['elpd_se']:.1f}",
            "behind the best by": f"{r['elpd_diff']:.1f}",
            "effective parameters": f"{r['p_loo']:.1f}",
            "leave-one-out reliable": "yes" if r["pareto_k_max"] <= 0.7 else f"no (k = {r['pareto_k_max']:.2f})",
            "forecasts inside their 50% interval": pct(r.get("lfo_cover50")),
            "inside their 90% interval": pct(r.get("lfo_cover90")),
            "forecast error, months (CRPS, lower is better)": "—" if pd.isna(r.get("lfo_crps")) else f"{r['lfo_crps']:.2f}",
            "sampler": r.get("verdict", ""),
        })
    return pd.DataFrame(rows).fillna("")


def yardstick_table_for_people(table: pd.DataFrame) -> pd.DataFrame:
    """The yardstick families in plain columns: lag now with its 90% interval, direction, chances, definition."""
    rows = []
    for _, r in table.iterrows():
        if str(r.get("note") or ""):
            rows.append({"yardstick": r["family"], "lag now (months)": "not fitted", "definition": r["definition"],
                         "verdict": r["note"]})
            continue
        rows.append({"yardstick": r["family"],
                     "lag now (months)": f"{r['lag_now_median']:.1f} ({max(r['lag_now_lo90'], 0):.1f}–"
                                         f"{r['lag_now_hi90']:.1f})",
                     "change (months/yr)": f"{r['slope_median']:+.1f}", "P(gap shrinking)": fmt_prob(r["p_slope_negative"]),
                     "P(zero by end-2027)": fmt_prob(r["p_cross_by_2027_12_31"]), "P(never)": fmt_prob(r["p_never"]),
                     "data end": str(r["reference_date"])[:10], "definition": r["definition"], "verdict": r["verdict"]})
    return pd.DataFrame(rows)
