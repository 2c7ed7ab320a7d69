"""What every column of a downloaded summary means: the data dictionary shipped beside the CSV and JSON."""

from __future__ import annotations

import pandas as pd

#: Column -> meaning, for every column of :data:`model.bayes.summaries.SUMMARY_COLUMNS` (a test keeps them in step).
SUMMARY_DICTIONARY: dict[str, str] = {
    "benchmark": "The benchmark id, or 'population' / 'new benchmark' for the rows of a partially pooled fit.",
    "model": "Trend model: constant, linear, linear_ar1, changepoint, or stacked (the four mixed by stacking weights).",
    "likelihood": "Noise distribution around the trend: normal or student (Student-t).",
    "pooling": "none (one benchmark), partial (hierarchical across benchmarks), complete (the mean series).",
    "observations": "events (one lag per new open best) or monthly (the sawtooth grid).",
    "groups": "Who trails whom: the follower filter 'vs' the leader filter (open vs closed by default).",
    "lag_definition": "How the lag is measured: backward, catch_up, threshold, level_average, not_significantly_behind.",
    "measurement_error": "'none' if the lags were treated as exact, else the median lag error from score uncertainty.",
    "stack_weights": "For stacked fits: each model's weight (Bayesian-bootstrap pseudo-BMA+ on leave-future-out "
                     "forecasts of the next 6 lags from each of the last 12, exact refits); empty otherwise.",
    "stack_evidence": "For stacked fits: how much better the leading model forecast the last lags than the next, in "
                      "nats (summed log predictive density) ± its standard error, and in words (weak under 4 nats); "
                      "empty otherwise.",
    "n_obs": "Lag observations fitted.",
    "window_start": "First date of the fitted window.",
    "window_end": "Last date of the fitted window.",
    "reference_date": "x = 0 of the trend: the end of the data, so the intercept is 'the lag now'.",
    "current_lag_median": "Posterior median of the trend's lag at the reference date (months).",
    "slope_median": "Posterior median of the current slope (months of lag per year; negative: closing).",
    "slope_lo90": "5% quantile of the slope (months per year).",
    "slope_hi90": "95% quantile of the slope (months per year).",
    "p_slope_negative": "Posterior probability the gap is shrinking.",
    "crossing_median": "Median date the trend reaches zero, among the draws that close after the reference date.",
    "crossing_lo50": "25% quantile of that date (among draws that close later).",
    "crossing_hi50": "75% quantile of that date.",
    "crossing_lo90": "5% quantile of that date.",
    "crossing_hi90": "95% quantile of that date (a heavy tail: see its Monte Carlo error).",
    "p_cross_by_2026_12_31": "P(the trend is at or below zero by 2026-12-31), closed already included.",
    "p_cross_by_2027_12_31": "P(the trend is at or below zero by 2027-12-31), closed already included.",
    "p_never": "P(the trend never reaches zero: above zero now and not falling).",
    "p_closed_already": "P(the trend is already at or below zero at the reference date).",
    "first_passage_median": "AR models: median first date a simulated observed lag path touches zero.",
    "first_passage_lo90": "AR models: 5% quantile of that date.",
    "first_passage_hi90": "AR models: 95% quantile of that date.",
    "p_first_passage_by_horizon": "AR models: share of simulated paths that touch zero by 2035.",
    "crossing_median_mcse_months": "Monte Carlo standard error of crossing_median, in months (rerun with more draws "
                                   "if above 1).",
    "crossing_lo90_mcse_months": "Monte Carlo standard error of crossing_lo90, in months.",
    "crossing_hi90_mcse_months": "Monte Carlo standard error of crossing_hi90, in months.",
    "rhat_max": "Largest R-hat over the parameters (above 1.01: chains disagree); empty for importance-sampled fits "
                "(no chains).",
    "ess_bulk_min": "Smallest bulk effective sample size (importance engine: the effective sample size of its weights).",
    "ess_tail_min": "Smallest tail effective sample size (importance engine: as ess_bulk_min).",
    "engine": "What made the draws: importance (the compile-free Laplace + importance sampler), nuts, or nuts with the "
              "reason the fast engine declined.",
    "pareto_k": "Importance engine: Pareto k of its weights (below 0.5 good, 0.5-0.7 rough; above 0.7 NUTS is used).",
    "divergences": "Divergent transitions of the sampler (should be 0).",
    "verdict": "Plain verdict: trustworthy, caution: …, or do not trust: … (sampler and prior–data conflict).",
    "prior_json": "The priors used, as JSON (real units).",
    "data_source": "Data source of the fit (aa, epoch, file).",
    "snapshot_date": "Latest snapshot date of the data.",
    "seed": "Sampler seed (the same seed and settings give the same summary).",
    "fit": "Downloads only: which fit of this session the row comes from (the pages that ran it).",
    "fitted_at": "Downloads only: when this session first ran the fit (UTC, ISO 8601).",
    "benchmark_name": "Downloads only: the benchmark's display name, beside its id.",
}
#: Downloads only: the priors as columns (prior_<name>), instead of prior_json; real units.
PRIOR_COLUMNS: dict[str, str] = {
    "prior_intercept_mean": "Prior mean of the lag now (months).",
    "prior_intercept_sd": "Prior sd of the lag now (months).",
    "prior_slope_mean": "Prior mean of the slope (months of lag per year).",
    "prior_slope_sd": "Prior sd of the slope (months per year).",
    "prior_noise_sd": "Half-normal scale of the noise sd (months); for a pooled fit, of the residual sd the benchmarks share.",
    "prior_student_nu": "Degrees of freedom of the Student-t likelihood (when used).",
    "prior_ar_lengthscale_median": "AR(1) model: prior median of the correlation time (years).",
    "prior_ar_lengthscale_sd_log": "AR(1) model: prior sd of the log correlation time.",
    "prior_changepoint_margin": "Changepoint model: share of the window at each end where no break is allowed.",
    "prior_pop_intercept_mean": "Pooled fit: prior mean of the population's lag now (months).",
    "prior_pop_intercept_sd": "Pooled fit: prior sd of the population's lag now (months).",
    "prior_pop_slope_mean": "Pooled fit: prior mean of the population slope (months per year).",
    "prior_pop_slope_sd": "Pooled fit: prior sd of the population slope (months per year).",
    "prior_tau_intercept": "Pooled fit: half-normal scale of the spread of lags between benchmarks (months).",
    "prior_tau_slope": "Pooled fit: half-normal scale of the spread of slopes between benchmarks (months per year).",
    "prior_lkj_eta": "Pooled fit, correlated: LKJ shape of the intercept-slope correlation.",
}
SUMMARY_DICTIONARY.update(PRIOR_COLUMNS)


def dictionary_table() -> pd.DataFrame:
    """The dictionary as a two-column table (column, meaning)."""
    return pd.DataFrame({"column": list(SUMMARY_DICTIONARY), "meaning": list(SUMMARY_DICTIONARY.values())})


#: Every variable a posterior file (NetCDF) may hold: its long name, units and what it is. Written into each variable's
#: attributes (``long_name``, ``units``, ``description``) by :mod:`model.outputs.posterior_files`; a test keeps the
#: models' variables covered. Time is in years from the fit's reference date (the end of the data); lags in months.
VARIABLE_DICTIONARY: dict[str, tuple[str, str, str]] = {
    "alpha": ("lag now", "months", "The trend's lag at the reference date (the intercept; per benchmark when pooled)."),
    "beta": ("slope now", "months of lag per year",
             "The trend's current slope (negative: the gap is closing; per benchmark when pooled)."),
    "beta_before": ("slope before the changepoint", "months of lag per year", "Changepoint model: the earlier slope."),
    "tau": ("changepoint", "years from the reference date", "Changepoint model: when the slope changed."),
    "sigma": ("noise scale", "months", "Scale of the lags around the trend (per benchmark when pooled)."),
    "ell": ("AR correlation time", "years", "AR(1) model: how long a deviation from the trend persists."),
    "mu_alpha": ("population lag now", "months", "Pooled model: the mean lag now across benchmarks."),
    "mu_beta": ("population slope", "months of lag per year", "Pooled model: the mean slope across benchmarks."),
    "tau_alpha": ("spread of lags now", "months", "Pooled model: between-benchmark sd of the lag now."),
    "tau_beta": ("spread of slopes", "months of lag per year", "Pooled model: between-benchmark sd of the slope."),
    "alpha_new": ("a new benchmark's lag now", "months", "Pooled model: the lag now of an unseen benchmark (prediction)."),
    "beta_new": ("a new benchmark's slope", "months of lag per year",
                 "Pooled model: the slope of an unseen benchmark (prediction)."),
    "sigma_pop": ("population noise scale", "months", "Pooled model: the typical noise scale across benchmarks."),
    "sigma_spread": ("spread of noise scales", "log scale", "Pooled model: between-benchmark sd of log noise scales."),
    "z": ("standardised benchmark effects", "1", "Pooled model: non-centred offsets of each benchmark (internal)."),
    "z_new": ("standardised new-benchmark effects", "1", "Pooled model: non-centred offsets of an unseen benchmark."),
    "z_sigma": ("standardised noise offsets", "1", "Pooled model: non-centred offsets of each benchmark's noise."),
    "lag": ("observed lag", "months", "The lag observations (censored at their bounds where the lag is bounded)."),
    "y": ("observed lag", "months", "The lag observations as given to the sampler."),
    "x": ("time", "years from the reference date", "When each lag was observed."),
}


#: What each status value of a lag table means (grid, event and definition tables).
STATUS_DICTIONARY: dict[str, str] = {
    "ok": "A lag was measured.",
    "left_censored": "The open frontier is at or below the earliest closed model in the data: the lag is only a lower "
                     "bound (a fit treats it as 'at least this').",
    "open_ahead": "The closed side has not reached the open frontier yet: the lag is 0 and the lead is in lead_score "
                  "(score units) and lead_months (if the closed side caught up later).",
    "no_open_yet": "No open-weights model has a score on this benchmark yet: no lag.",
    "no_closed_yet": "An open model exists but no closed model has been released yet in the data: no comparator, no lag.",
    "not_caught_up": "Catch-up definition: no open model has matched this closed record yet; the lag is the time so far "
                     "(a lower bound).",
}

#: Column -> meaning for the tidy data and the lag tables (grid, events, other definitions), as the Downloads page
#: and the CLI write them; a test keeps every column of those tables covered.
TABLE_DICTIONARY: dict[str, str] = {
    "model_id": "The model's id in its source.",
    "model_name": "The model's name as its source gives it.",
    "creator": "The lab that released it.",
    "release_date": "Release date (YYYY-MM-DD).",
    "open_weights": "True if its weights are downloadable (under the chosen open/closed rule and corrections).",
    "openness": "The licence or access label from the source.",
    "benchmark": "Benchmark id (the Data page lists each with its display name, scale and source).",
    "score": "The score, in the benchmark's own units (see its scale).",
    "is_estimated": "AA estimated this index value rather than measuring it.",
    "source": "Where the row comes from: aa_page, aa_api, epoch, upload.",
    "snapshot_date": "The date of the data snapshot the row comes from.",
    "score_se": "The score's standard error where known (binomial from item counts, or the source's own); empty if "
                "unknown.",
    "country": "The creator's country code where known.",
    "date": "The date of the row: a grid date (grid table) or the date the lag was observed (events, definitions).",
    "open_frontier": "Best open-weights score released by this date.",
    "open_model": "The open model that holds (or set) that best score.",
    "closed_frontier": "Best closed score released by this date.",
    "closed_match_model": "The first closed model to reach the open frontier's score.",
    "closed_match_date": "When that closed model was released.",
    "lag_months": "The lag in months (30.44-day months): how long ago the closed side first reached the open best.",
    "status": "ok, left_censored, open_ahead, no_open_yet, no_closed_yet or not_caught_up (see the status values).",
    "gap_score": "Closed frontier minus open frontier, in score units (the vertical gap).",
    "lead_score": "open_ahead rows: how far the open frontier leads, in score units.",
    "lead_months": "open_ahead rows: months until the closed side caught up, if it did in the data.",
    "lag_lo90": "5% quantile of the lag from score uncertainty (parametric bootstrap of the scores).",
    "lag_median": "Median of the lag from score uncertainty.",
    "lag_hi90": "95% quantile of the lag from score uncertainty.",
    "level": "Definitions other than backward: the score level (threshold) or record the row is about.",
    "closed_model": "Definitions other than backward: the closed model of the pair.",
    "closed_date": "Its release date.",
    "open_date": "The open model's release date.",
}


#: Column -> meaning for the robustness tables the CLI writes and the pages offer: backtest (and its index vintages),
#: model comparison, test-set classes, the multiverse and the published figures (a test runs each and checks).
ROBUSTNESS_DICTIONARY: dict[str, str] = {
    # backtest
    "method": "Forecasting method: ols (least-squares line, as the June 2026 analysis), or a Bayesian trend model.",
    "cutoff": "The forecast was made with the data up to this date only.",
    "horizon_months": "How far ahead of the cutoff (or the last training lag) the forecast is, in months.",
    "target_date": "The date whose lag was forecast.",
    "observed_lag": "The lag that happened on that date (months), measured on the newest data.",
    "observed_status": "Status of that observed lag (see the status values).",
    "pred_median": "Median of the forecast lag (months).",
    "lo50": "25% quantile of the forecast lag (months).",
    "hi50": "75% quantile of the forecast lag (months).",
    "lo90": "5% quantile of the forecast lag (months).",
    "hi90": "95% quantile of the forecast lag (months).",
    "in50": "True if the observed lag fell inside the central 50% interval.",
    "in90": "True if the observed lag fell inside the central 90% interval.",
    "crps": "Continuous ranked probability score of the forecast (months; lower is better).",
    "n_train": "Lags the forecast was fitted on.",
    "predicted_crossing_median": "The zero-gap date the forecast implied (median), empty if the median is 'never'.",
    "realised_crossing": "When the lag actually reached zero in the data, empty if it has not.",
    # model comparison
    "note": "Why the row has no result (the model could not be fitted), else empty.",
    "elpd_loo": "Expected log predictive density by PSIS-LOO (higher is better).",
    "elpd_se": "Standard error of elpd_loo.",
    "p_loo": "Effective number of parameters (PSIS-LOO).",
    "pareto_k_max": "Largest Pareto k of PSIS-LOO (above 0.7: that estimate is unreliable).",
    "loo_warning": "True if some Pareto k is above 0.7.",
    "lfo_n": "Leave-future-out forecasts scored.",
    "lfo_cover50": "Share of leave-future-out forecasts whose 50% interval held the observed lag.",
    "lfo_cover90": "Share of leave-future-out forecasts whose 90% interval held the observed lag.",
    "lfo_crps": "Mean CRPS of the leave-future-out forecasts (months; lower is better).",
    "observed": "The observed lag of a scored forecast (months).",
    # test-set classes
    "class": "Test-set class: public, or private or held out (data/benchmark_classes.csv).",
    "benchmarks": "How many benchmarks the class's pooled fit used.",
    "benchmark_ids": "Those benchmarks' ids.",
    "lag_now_median": "The class's population lag now (months, median).",
    "lag_now_lo90": "5% quantile of that lag now.",
    "lag_now_hi90": "95% quantile of that lag now.",
    # multiverse
    "start": "Window start of the specification (YYYY-MM-DD).",
    "open_definition": "Which models count as open: any downloadable weights, or an open licence only.",
    "include_estimated": "True if AA's estimated index values were kept.",
    "fitted": "True if the specification could be fitted (else see note).",
    "seconds": "Time the fit took (seconds).",
    # published figures
    "key": "Short id of the published figure.",
    "published": "When it was published.",
    "citation": "Who published it, and where.",
    "address": "Where to read it.",
    "definition": "How that analysis measured the lag.",
    "their_figure": "The figure as published.",
    "project_as_of_their_data": "This project's number on the same definition, limited to the data they had.",
    "project_now": "This project's number on the same definition with today's data.",
    "reading": "One line on why the two may differ.",
}


def table_dictionary(frame: pd.DataFrame) -> pd.DataFrame:
    """The dictionary of one table's columns, in its column order (a column nobody described says so)."""
    known = {**ROBUSTNESS_DICTIONARY, **TABLE_DICTIONARY, **SUMMARY_DICTIONARY}
    return pd.DataFrame({"column": list(frame.columns),
                         "meaning": [known.get(str(c), "Not described yet (see docs/methods.md).") for c in frame.columns]})


def status_table() -> pd.DataFrame:
    """The status values of the lag tables and what each means."""
    return pd.DataFrame({"status": list(STATUS_DICTIONARY), "meaning": list(STATUS_DICTIONARY.values())})


def lag_tables_dictionary() -> pd.DataFrame:
    """Every column of the tidy data and the lag tables, and what it means (the Downloads page shows it)."""
    return pd.DataFrame({"column": list(TABLE_DICTIONARY), "meaning": list(TABLE_DICTIONARY.values())})
