"""Tables for people: plain column headers with units, display names beside ids, two or three significant figures,
probabilities that never read 0% or 100% unless exact. The raw column name stays in each header's help text.

Plot data and drawing stay apart: this module returns a table and the help for each of its headers; the page only
hands them to ``st.dataframe``.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from model.core.text import fmt_prob
from model.presentation.dictionary import SUMMARY_DICTIONARY

#: raw column -> (plain header with its unit, what it means). Columns not listed keep their name with spaces.
COLUMNS: dict[str, tuple[str, str]] = {
    # benchmarks and models
    "benchmark": ("benchmark", "The benchmark's display name (its id is in the Data page's catalogue)."),
    "display_name": ("benchmark", "The benchmark's display name."),
    "category": ("category", "What the benchmark measures (the catalogue's category)."),
    "model_name": ("model", "Model name as the source publishes it."),
    "model_id": ("model id", "The source's model id."),
    "creator": ("creator", "The lab or company that released the model."),
    "release_date": ("released", "Release date of the model."),
    "open_weights": ("open weights", "Whether the model's weights are downloadable (under the current definition)."),
    "score": ("score", "The model's score on this benchmark (the benchmark's own units)."),
    # coverage
    "n_open": ("open models", "Open-weights models with a score."),
    "n_closed": ("closed models", "Closed models with a score."),
    "n_excluded": ("left out", "Scores left out (no release date, or unknown openness)."),
    "first_release": ("first release", "Earliest release date among scored models."),
    "last_release": ("last release", "Latest release date among scored models."),
    "first_open_release": ("first open release", "Earliest release date among scored open models."),
    "n_estimated": ("estimated dates", "Scores whose release date is an estimate."),
    "usable": ("lag measurable", "Has both open and closed models, so a lag can be measured."),
    "n_with_se": ("scores with an error", "Scores with a standard error (binomial from the item count, or given)."),
    "score_se": ("typical score error", "Median standard error of a score (score units)."),
    # lags
    "date": ("date", "Date of the observation (month for grid tables)."),
    "lag_months": ("lag (months)", "How long ago the leaders first reached the followers' best score, in months."),
    "status": ("status", "ok; open ahead (the follower leads: lag 0); left censored (the leaders reached the score before "
                         "their first recorded model: the lag is at least the value); not caught up (the follower has not "
                         "reached that level yet)."),
    "open_frontier": ("best open score", "Best follower (open) score released so far."),
    "open_model": ("best open model", "The follower model that holds that score."),
    "open_date": ("open release", "Release date of that follower model."),
    "closed_frontier": ("best closed score", "Best leader (closed) score released so far."),
    "closed_match_model": ("closed model that first matched", "The first leader model to reach the follower's score."),
    "closed_match_date": ("matched on", "Release date of that leader model."),
    "closed_model": ("closed model", "The leader model the lag is measured against."),
    "closed_date": ("closed release", "Release date of that leader model."),
    "gap_score": ("score gap", "Best leader score minus best follower score (score units)."),
    "lead_score": ("follower's lead (score)", "Where the follower leads: its lead in score units."),
    "lead_months": ("follower's lead (months)", "Where the follower leads: how long the leaders took to catch up."),
    "level": ("score level", "The score level the lag is measured at."),
    "mean_lag": ("mean lag (months)", "Mean lag across benchmarks with data that month."),
    "median_lag": ("median lag (months)", "Median lag across benchmarks."),
    "q25_lag": ("25% of benchmarks below (months)", "Lower quartile of the lag across benchmarks."),
    "q75_lag": ("75% of benchmarks below (months)", "Upper quartile of the lag across benchmarks."),
    "n_benchmarks": ("benchmarks", "Benchmarks with a lag that month."),
    "n_censored": ("censored", "Benchmarks whose lag is only a lower bound that month."),
    "n_open_ahead": ("follower ahead", "Benchmarks on which the follower group leads that month."),
    # backtests
    "method": ("method", "Forecasting method (a trend model, stacked, or the least-squares line)."),
    "horizon_months": ("horizon (months)", "How far ahead the forecast was scored."),
    "n": ("forecasts", "Forecasts scored."),
    "forecasts": ("forecasts", "Forecasts scored."),
    "cover50": ("50% intervals held", "Share of forecasts whose 50% interval held the later lag (ideal: 50%)."),
    "cover90": ("90% intervals held", "Share of forecasts whose 90% interval held the later lag (ideal: 90%)."),
    "in50": ("inside 50% interval", "Whether the later lag fell inside the forecast's 50% interval."),
    "in90": ("inside 90% interval", "Whether the later lag fell inside the forecast's 90% interval."),
    "crps": ("forecast error (months)", "Continuous ranked probability score in months (lower is better)."),
    "calibration_error": ("calibration error", "|50% held − 0.5| + |90% held − 0.9| (0 is ideal)."),
    # shrinkage (Pooled)
    "unpooled": ("slope fitted alone (months/yr)", "The benchmark's slope median with no pooling."),
    "partial": ("slope partially pooled (months/yr)", "The benchmark's slope median in the partially pooled fit."),
    "shift": ("moved by pooling (months/yr)", "Pooled minus alone: how far pooling pulled the slope."),
    # multiverse
    "choice": ("analytic choice", "One of the choices the multiverse varies."),
    "variance_share": ("share of the spread explained", "Share of the variance of P(zero gap by end-2027) across "
                                                        "specifications explained by this choice alone."),
    "levels": ("options", "How many options of this choice were fitted."),
    "lowest": ("lowest (option, mean P)", "The option with the lowest mean P(zero gap by end-2027)."),
    "highest": ("highest (option, mean P)", "The option with the highest mean P(zero gap by end-2027)."),
    "fitted": ("fitted", "Whether this specification could be fitted."),
    # score space
    "saturated": ("near saturation", "Scores near the benchmark's ceiling, where score gaps stop meaning much."),
    "horizontal_lag_now_months": ("lag now, score-space model (months)", "The lag today from the fitted score frontiers."),
    "lag_trend_lag_now": ("lag now, lag trend (months)", "The lag today from the linear trend of the lags."),
    "vertical_gap_now": ("score gap now", "Leader minus follower frontier today (score units)."),
    "p_open_rising_faster": ("P(open rising faster)", "Posterior probability the follower frontier rises faster."),
    "lag_trend_crossing_median": ("zero gap, lag trend: median", "Median zero-gap date from the lag trend."),
    "lag_trend_p_never": ("P(never), lag trend", "P(never) from the lag trend."),
    "note": ("note", "Why a row was not fitted, or a caveat."),
    # test-set classes
    "test_set": ("test set", "public (published), private (kept private) or held out (generated fresh, semi-private, "
                             "mostly hidden); empty: not classified (data/benchmark_classes.csv)."),
    "test_set_source": ("classified by", "Where the test-set classification comes from (the benchmark's page or paper)."),
    "lag_now_median": ("lag now, median (months)", "The pooled population's lag at the end of the data."),
    "lag_now_lo90": ("lag now, 5% (months)", "5% quantile of that lag."),
    "lag_now_hi90": ("lag now, 95% (months)", "95% quantile of that lag."),
    "benchmarks": ("benchmarks", "Benchmarks fitted."),
}
#: Plain headers of the posterior-summary columns (their meaning is in the downloads' data dictionary).
SUMMARY_HEADERS: dict[str, str] = {
    "model": "trend model", "likelihood": "noise", "pooling": "pooling", "observations": "observations",
    "groups": "who trails whom", "lag_definition": "lag definition", "measurement_error": "score error in fit",
    "stack_weights": "stacking weights", "stack_evidence": "evidence between the models", "n_obs": "lags fitted",
    "window_start": "window from", "window_end": "window to",
    "reference_date": "lag now measured at", "current_lag_median": "lag now (months)",
    "slope_median": "slope (months/yr)", "slope_lo90": "slope 5% (months/yr)", "slope_hi90": "slope 95% (months/yr)",
    "p_slope_negative": "P(gap shrinking)", "crossing_median": "zero gap: median", "crossing_lo50": "zero gap 25%",
    "crossing_hi50": "zero gap 75%", "crossing_lo90": "zero gap 5%", "crossing_hi90": "zero gap 95%",
    "p_cross_by_2026_12_31": "P(zero by end-2026)", "p_cross_by_2027_12_31": "P(zero by end-2027)", "p_never": "P(never)",
    "p_closed_already": "P(closed already)", "first_passage_median": "first touch of zero: median",
    "first_passage_lo90": "first touch 5%", "first_passage_hi90": "first touch 95%",
    "p_first_passage_by_horizon": "P(touches zero by 2035)", "crossing_median_mcse_months": "median's MC error (months)",
    "crossing_lo90_mcse_months": "5% end's MC error (months)", "crossing_hi90_mcse_months": "95% end's MC error (months)",
    "rhat_max": "largest R-hat", "ess_bulk_min": "smallest bulk ESS", "ess_tail_min": "smallest tail ESS",
    "engine": "sampler", "pareto_k": "Pareto k", "divergences": "divergences", "verdict": "verdict",
    "prior_json": "priors", "data_source": "data", "snapshot_date": "snapshot", "seed": "seed", "fit": "fit",
}
for _raw, _header in SUMMARY_HEADERS.items():
    COLUMNS.setdefault(_raw, (_header, SUMMARY_DICTIONARY[_raw]))

#: Columns holding an exact share of counted things (8 of 8 forecasts held is 100%), not a posterior probability.
EXACT_SHARES = frozenset({"cover50", "cover90", "variance_share", "in50", "in90"})
#: Columns holding a probability or a share (printed as "<1%", "37%", ">99%").
PROBABILITY_COLUMNS = frozenset({
    "p_slope_negative", "p_cross_by_2026_12_31", "p_cross_by_2027_12_31", "p_never", "p_closed_already",
    "p_first_passage_by_horizon", "p_open_rising_faster", "lag_trend_p_never", "cover50", "cover90", "variance_share",
    "in50", "in90",
})
#: Columns of identifiers or counts: never rounded.
EXACT_COLUMNS = frozenset({"seed", "n_obs", "n", "forecasts", "levels", "divergences", "n_open", "n_closed", "n_excluded",
                           "n_estimated", "n_with_se", "n_benchmarks", "n_censored", "n_open_ahead", "horizon_months",
                           "benchmarks"})


def round_significant(value: float, digits: int = 3) -> float:
    """``value`` to ``digits`` significant figures (NaN and 0 unchanged); 12.345 -> 12.3, 0.012345 -> 0.0123."""
    if value is None or not np.isfinite(value) or value == 0:
        return value
    return float(f"{value:.{digits}g}")


def _percent(value, exact: bool = False) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return "—"
    if isinstance(value, (bool, np.bool_)):
        return "yes" if value else "no"
    return fmt_prob(float(value), from_draws=not exact)


def table_for_people(frame: pd.DataFrame, *, names: Mapping[str, str] | None = None,
                     digits: int = 3) -> tuple[pd.DataFrame, dict[str, str]]:
    """``frame`` with plain headers and readable values, and the help text of each header (its meaning and raw name).

    ``names`` maps benchmark ids to display names (the ``benchmark`` column is shown by name)."""
    out = pd.DataFrame(index=frame.index)
    help_text: dict[str, str] = {}
    for raw in frame.columns:
        col = frame[raw]
        if raw == "benchmark" and names:
            col = col.map(lambda b: names.get(b, b))
        elif raw in PROBABILITY_COLUMNS:
            col = col.map(lambda v, exact=raw in EXACT_SHARES: _percent(v, exact))
        elif pd.api.types.is_datetime64_any_dtype(col):
            col = col.dt.strftime("%Y-%m-%d")
        elif pd.api.types.is_float_dtype(col) and raw not in EXACT_COLUMNS:
            col = col.map(lambda v: round_significant(v, digits))
        elif raw in ("status", "test_set"):  # coded values in words
            col = col.astype("string").str.replace("_", " ", regex=False)
            if raw == "test_set":
                col = col.fillna("not classified")
        header, meaning = COLUMNS.get(raw, (str(raw).replace("_", " "), ""))
        while header in out.columns:  # two raw columns with one plain name: keep both apart
            header += " "
        out[header] = col
        help_text[header] = (f"{meaning} (column: {raw})" if meaning else f"Column: {raw}")
    return out, help_text
