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
                     "one-step-ahead forecasts, from exact refits); empty otherwise.",
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
