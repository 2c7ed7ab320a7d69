"""Trend fit page: one benchmark, prior sliders, the posterior of the zero-gap date, diagnostics."""

import datetime as dt

import pandas as pd
import streamlit as st

from model.analysis import MODEL_CHOICES, FitSettings, observations_for
from model.bayes.crossing import p_cross_by_curve
from model.bayes.stacking import FIT_MODEL_LABELS
from model.bayes.summaries import crossing_dates, crossing_draws, prior_band, prior_trend_draws, trend_band
from model.core.errors import DataError
from model.core.limits import MAX_SEED
from model.core.text import fmt_prob, plain
from model.core.timeaxis import monthly_grid
from model.presentation.charts.fits import crossing_figure, fit_figure, p_cross_figure, prior_preview_figure, slope_figure
from model.presentation.links import HORIZONS, clamp_date, link_params
from model.presentation.readings import (
    comparison_table_for_people,
    measurement_error_note,
    readings,
    stacked_members_table,
)
from model.robustness.comparison import comparison_reading
from ui.data import current_dataset
from ui.fits import run_fit
from ui.links import share_link
from ui.routing import route_deep_links_through_entry_point
from ui.state import Key, settings
from ui.widgets import (
    benchmark_picker,
    chart,
    data_table,
    date_field,
    diagnostics_panel,
    footer,
    group_picker,
    lag_definition_picker,
)

route_deep_links_through_entry_point()  # this page runs inside the entry point's guard

st.title("Trend fit")
st.caption("A Bayesian trend through one benchmark's lags, with a posterior for the date the gap reaches zero. The lag "
           "is that of the best open model so far (the open frontier), not of a typical open model, which trails further.")
ds = current_dataset()
s = settings()
fs = st.session_state.setdefault(Key.FIT_FORM, FitSettings(source=s.source).model_dump())

bench = benchmark_picker(ds)
c1, c2, c3, c4 = st.columns([2, 1, 1, 1])
fs["model"] = c1.selectbox("Model", list(FIT_MODEL_LABELS), index=list(FIT_MODEL_LABELS).index(fs["model"]),
                           format_func=FIT_MODEL_LABELS.get,
                           help="stacked: constant, linear, AR(1) and changepoint fitted together and mixed by stacking "
                                "weights from forecasts of the next 6 lags (leave-future-out): the answer that carries the "
                                "choice of model. Slower: four fits plus refits.")
preview_model = MODEL_CHOICES[fs["model"]].preview_model  # a combination previews its members' line priors
fs["likelihood"] = c2.selectbox("Likelihood", ["normal", "student"], index=["normal", "student"].index(fs["likelihood"]),
                                help="Student-t is robust to the odd outlying release.")
fs["observations"] = c3.selectbox("Observations", ["events", "monthly"], index=["events", "monthly"].index(fs["observations"]),
                                  help="events: one lag per open release that set a new best (non-redundant; default). "
                                       "monthly: the sawtooth grid the June 2026 analysis used.")
horizons = sorted(HORIZONS)
horizon = c4.selectbox("Horizon", horizons, index=horizons.index(st.session_state.get(Key.TREND_HORIZON, HORIZONS[0])),
                       help="How far ahead the crossing chart looks; draws that reach zero later count as 'not by' it.")
st.session_state[Key.TREND_HORIZON] = horizon
first_release = ds.scores.loc[ds.scores["benchmark"] == bench, "release_date"].min().date()
last_release = ds.scores.loc[ds.scores["benchmark"] == bench, "release_date"].max().date()
fs["start"], moved = clamp_date(fs.get("start"), first_release, last_release)
if moved:
    st.info(moved)
start_default = dt.date.fromisoformat(fs["start"]) if fs.get("start") else first_release
with st.columns([1, 3])[0]:  # a date is ten characters: a narrow field
    start = date_field("Fit window starts", start_default, first_release, last_release,
                       help="The start date is a forking path: see the Compare page. Enter applies it.")
fs["start"] = start.isoformat() if start > first_release else None

pc1, pc2 = st.columns([1, 1])
p = fs["priors"]


def prior_slider(label: str, lo: float, hi: float, name: str, step: float, **kw) -> float:
    # a stable key: the widget keeps its identity (and keyboard focus) as its value changes between reruns
    return st.slider(label, lo, hi, float(p[name]), step, key=f"prior_{name}", **kw)


with pc1:
    st.markdown("**Priors** (real units)")
    p["intercept_mean"] = prior_slider("Lag now, prior mean (months)", 0.0, 24.0, "intercept_mean", 0.5)
    p["intercept_sd"] = prior_slider("Lag now, prior sd (months)", 0.5, 20.0, "intercept_sd", 0.5)
    p["slope_mean"] = prior_slider("Slope prior mean (months of lag per year)", -20.0, 20.0, "slope_mean", 0.5,
                                   help="Negative: the gap is closing.")
    p["slope_sd"] = prior_slider("Slope prior sd (months of lag per year)", 0.5, 20.0, "slope_sd", 0.5)
    p["noise_sd"] = prior_slider("Noise scale (months)", 0.5, 15.0, "noise_sd", 0.5)
    if fs["likelihood"] == "student":
        p["student_nu"] = prior_slider("Student-t degrees of freedom", 1.0, 30.0, "student_nu", 1.0)
    if fs["model"] == "linear_ar1":
        p["ar_lengthscale_median"] = prior_slider("AR correlation time, prior median (years)", 0.1, 3.0,
                                                  "ar_lengthscale_median", 0.1)
    with st.expander("Sampler"):
        # A settings file or shared link may carry any valid value: keep it among the options.
        fs["draws"] = st.select_slider("Draws per chain", sorted({250, 500, 1000, 2000, int(fs["draws"])}),
                                       value=int(fs["draws"]))
        fs["chains"] = st.select_slider("Chains", sorted({1, 2, 4, int(fs["chains"])}), value=int(fs["chains"]))
        fs["seed"] = int(st.number_input("Seed", value=int(fs["seed"]), step=1, min_value=0, max_value=MAX_SEED - 1))
        engines = {"auto": "Fast where reliable (importance sampling), else NUTS", "nuts": "Always NUTS (MCMC)"}
        fs["engine"] = st.radio("Engine", list(engines), index=list(engines).index(fs.get("engine", "auto")),
                                format_func=engines.get, horizontal=True,
                                help="The fast engine draws from the exact posterior by importance sampling around its "
                                     "mode, in well under a second; where its Pareto k exceeds 0.7 the fit runs NUTS "
                                     "instead and says so.")

fs["lag_definition"] = lag_definition_picker()
fs["measurement_error"] = st.checkbox(
    "Carry score uncertainty into the fit", value=bool(fs.get("measurement_error", True)),
    help="Each lag's error from the scores' standard errors (bootstrap) is added to the model's noise. Only the "
         "backward lag, and only where scores have an error (Epoch's own runs, binomial item counts, a score_se column).")
fs["follower"], fs["leader"] = group_picker(ds)
try:
    fit_settings = FitSettings.from_shared(s, fs, benchmarks=[bench])
    fs.update(fit_settings.model_dump())
    obs = observations_for(ds, fit_settings)
except (DataError, ValueError) as exc:
    st.error(plain(exc))
    st.stop()

with pc2:
    dates = monthly_grid(obs.window_start, horizon)
    chart(prior_preview_figure(dates, prior_trend_draws(fit_settings.priors, preview_model, obs, dates), obs.frame()),
          key="prior_preview", caption="Grey: trends the priors alone allow (before seeing the data); blue: the observed lags.")

st.caption(plain(measurement_error_note(obs)))
st.session_state[Key.SHARE_SETTINGS] = fit_settings.to_json()
# The address follows the settings, so the address bar is always a link to this fit (validated again on arrival).
share_link(link_params(fit_settings, horizon=horizon), "this fit")
result = run_fit(ds, fit_settings, f"{bench} · {fs['model']}")
if result is None:
    st.stop()
row = result.summary.iloc[0]
fit = next(iter(result.fits.values()))
read = readings(row)

st.header("Crossing date")
st.markdown(f"**{read['crossing']}**")
if fit_settings.choice.combines:
    st.caption(plain(f"Stacking weights: {fit.model.weights_text()} (from forecasts of the next 6 lags at each "
                     "of the last 12; "
                     "a weight near 1 means that model forecast them clearly best)."))
    with st.expander("Each model's own answer"):
        data_table(stacked_members_table(fit), hide_index=True, width="stretch")
band = trend_band(fit, horizon=horizon)
pb = prior_band(fit_settings.priors, preview_model, obs, start=obs.window_start, horizon=horizon)
cross_med = pd.Timestamp(row["crossing_median"]) if row["crossing_median"] else None
figs = {}
figs["trend"] = fit_figure(obs.frame(), band, title=f"{ds.benchmarks.set_index('benchmark').at[bench, 'display_name']}: "
                           f"lag and {FIT_MODEL_LABELS[fs['model']].split(':')[0]} fit", crossing_median=cross_med, prior_band=pb)
chart(figs["trend"], caption=read["trend"])
dates_cross, p_not = crossing_dates(fit, horizon=horizon)
figs["crossing"] = crossing_figure({"posterior": dates_cross}, {"posterior": p_not}, horizon=pd.Timestamp(horizon))
chart(figs["crossing"],
      caption=f"{fmt_prob(p_not)} of posterior draws do not reach zero by {horizon[:4]} (the bar on the right); "
              f"P(never on this trend) = {fmt_prob(row['p_never'])}.")
c1, c2 = st.columns(2)
with c1:
    figs["p_cross"] = p_cross_figure({"P(crossed)": p_cross_by_curve(crossing_draws(fit), obs.reference)})
    chart(figs["p_cross"], caption=read["p_cross"])
with c2:
    if fit.model.has_slope:
        figs["slope"] = slope_figure(fit.draws["beta"], fit_settings.priors.slope_mean, fit_settings.priors.slope_sd)
        chart(figs["slope"], caption=read["slope"])
    else:
        st.info("The constant model has no slope: it is the null hypothesis that the gap is flat, so it never closes.")
if fs["model"] == "linear_ar1" and row["first_passage_median"]:
    st.markdown(f"First passage (AR model): simulated observed lags first touch 0 around **{row['first_passage_median'][:7]}** "
                f"(90%: {row['first_passage_lo90'][:7]} to {row['first_passage_hi90'][:7]}); "
                f"{fmt_prob(row['p_first_passage_by_horizon'])} of paths touch 0 by 2035.")
st.session_state.setdefault(Key.FIGURES, {}).update({f"trend_fit_{k}": v for k, v in figs.items()})

st.header("Diagnostics")
diagnostics_panel(row)

st.header("Model comparison")
st.caption("PSIS-LOO (higher elpd is better; Pareto k > 0.7 flags unreliable LOO) and leave-future-out checks: refit before "
           "three cutoffs, score the next 12 months (50%/90% interval coverage, CRPS: lower is better).")
if st.button("Compare constant, linear, AR(1) and changepoint"):
    from model.robustness.comparison import compare_models

    with st.status("Comparing models (4 fits plus 12 leave-future-out refits)…") as status:
        try:
            st.session_state[Key.scoped("compare", bench)] = compare_models(
                obs, likelihood=fit_settings.likelihood, priors=fit_settings.priors, sampler=fit_settings.sampler())
            status.update(label="Models compared", state="complete")
        except DataError as exc:
            st.error(str(exc))
if Key.scoped("compare", bench) in st.session_state:
    table = st.session_state[Key.scoped("compare", bench)]
    data_table(comparison_table_for_people(table), hide_index=True, width="stretch")
    with st.expander("The raw comparison table"):
        data_table(table, hide_index=True, width="stretch")
    st.caption(comparison_reading(table))
with st.expander("Posterior summary row"):
    data_table(result.summary.T.astype(str), width="stretch")
footer(ds)
