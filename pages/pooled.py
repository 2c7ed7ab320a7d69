"""Pooled page: a hierarchical trend across benchmarks, the population crossing date, and shrinkage."""

import pandas as pd
import streamlit as st

from model.analysis import MODEL_CHOICES, OBSERVATION_KINDS, STACKED, FitSettings
from model.bayes.crossing import p_cross_by_curve
from model.bayes.summaries import crossing_dates, crossing_draws, trend_band
from model.core.errors import DataError
from model.core.text import fmt_prob, plain
from model.lags.ols import ols_crossing
from model.presentation.charts.fits import crossing_figure, fit_figure, p_cross_figure, shrinkage_figure
from model.presentation.links import link_params, settings_from_link
from model.presentation.plot_data import shrinkage_table
from model.presentation.readings import readings, summary_table_for_people
from model.serving.first_view import load_pooled_for
from model.serving.warmup import default_pooled_settings
from ui.data import current_dataset, titles
from ui.fits import run_fit
from ui.links import known_benchmarks, share_link
from ui.routing import route_deep_links_through_entry_point
from ui.state import Key, settings
from ui.widgets import chart, class_comparison_section, data_table, diagnostics_panel, footer, people_table

route_deep_links_through_entry_point()  # this page runs inside the entry point's guard

st.title("Pooled across benchmarks")
st.caption("Partial pooling: each benchmark has its own intercept and slope, drawn from a population. One benchmark cannot "
           "mislead on its own, and the population answers 'what about benchmarks in general?'.")
ds = current_dataset()
s = settings()
pooled_defaults = default_pooled_settings(ds, s.source)
ps = st.session_state.setdefault(Key.POOLED_FORM, pooled_defaults.model_dump())
if (link := st.session_state.pop(Key.POOLED_LINK, None)) is not None:  # a shared Pooled link, validated value by value
    validated, notices = settings_from_link(link, FitSettings.model_validate(ps))
    ps.clear()
    ps.update(validated.model_dump())
    s.lag_definition, s.follower, s.leader = validated.lag_definition, validated.follower, validated.leader
    for notice in notices:
        st.warning(plain(notice))
    ps["benchmarks"] = known_benchmarks(ds, ps["benchmarks"])
names_all = list(ds.benchmarks["benchmark"])
cats = sorted(ds.benchmarks["category"].unique())
with st.form("pooled"):
    c1, c2 = st.columns([1, 2])
    chosen_cats = c1.multiselect("Categories (used when no benchmark is picked by hand)", cats, default=cats)
    picked = c2.multiselect("Benchmarks (by hand)", names_all, default=[b for b in ps["benchmarks"] if b in names_all],
                            format_func=lambda b: titles(ds).get(b, b))
    c3, c4, c5 = st.columns(3)
    ps["observations"] = c3.selectbox("Observations", list(OBSERVATION_KINDS), index=OBSERVATION_KINDS.index(ps["observations"]))
    starts = sorted({"2023-07-01", "2024-01-01", "2024-07-01", "2025-01-01", ps["start"] or "2024-01-01"})  # a link's too
    ps["start"] = c4.selectbox("Window starts", starts, index=starts.index(ps["start"] or "2024-01-01"))
    ps["correlated"] = c5.checkbox("Correlated intercepts and slopes (LKJ)", value=ps["correlated"])
    ps["model"] = STACKED if c5.checkbox(
        "Stack both structures", value=MODEL_CHOICES[ps.get("model", "linear")].combines,
        help="Fit the independent and the correlated structure and mix them by stacking weights (PSIS-LOO); the weights "
             "are shown with the answer. Takes two fits.") else "linear"
    pp = ps["pooling_priors"]
    h1, h2, h3, h4 = st.columns(4)
    pp["pop_slope_mean"] = h1.slider("Population slope, prior mean (months/yr)", -20.0, 20.0, float(pp["pop_slope_mean"]), 0.5)
    pp["pop_slope_sd"] = h2.slider("Population slope, prior sd", 0.5, 20.0, float(pp["pop_slope_sd"]), 0.5)
    pp["tau_intercept"] = h3.slider("Spread of lags between benchmarks (months)", 0.5, 15.0, float(pp["tau_intercept"]), 0.5)
    pp["tau_slope"] = h4.slider("Spread of slopes between benchmarks (months/yr)", 0.5, 15.0, float(pp["tau_slope"]), 0.5)
    submitted = st.form_submit_button("Fit the pooled model", type="primary")

chosen = picked or list(ds.benchmarks.loc[ds.benchmarks["category"].isin(chosen_cats), "benchmark"])
ps["benchmarks"] = chosen
if len(chosen) < 2:
    st.warning("Choose at least two benchmarks.")
    st.stop()
fit_settings = FitSettings.from_shared(s, ps)
ps.update(fit_settings.model_dump())
share_link(link_params(fit_settings, page="pooled", base=pooled_defaults), "this pooled fit")
early = st.empty()  # the shipped answer for exactly these settings, while this session's own fit runs
if (shipped := load_pooled_for(ds, fit_settings)) is not None:
    with early.container():
        st.header("Population (precomputed)")
        said = readings(shipped.to_dict())
        st.markdown(f"**Population:** {said['trend']} {said['slope']} {said['p_cross']} {said['crossing']}")
        st.caption(plain(f"Computed with these settings when this data version was built; diagnostics: "
                         f"{shipped['verdict']}. The fit below adds each benchmark, a new benchmark and the charts."))
result = run_fit(ds, fit_settings, f"pooled · {len(chosen)} benchmarks")
if result is None:
    st.stop()
early.empty()
for note in result.notes:
    st.info(note)
fit = result.fits["pooled"]
table = result.summary.set_index("benchmark")
pop, new = table.loc["population"], table.loc["new benchmark"]
horizon = pd.Timestamp("2035-12-31")

st.header("Population and a new benchmark")
st.markdown(f"**Population:** {readings(pop.to_dict())['crossing']}")
st.markdown(f"**A new, unseen benchmark:** {readings(new.to_dict())['crossing']}")
st.caption(plain(f"Diagnostics of this fit: {pop['verdict']}."))
if pop.get("stack_weights"):
    st.caption(plain(f"Stacked across the pooled structures (weights {pop['stack_weights']}, from PSIS-LOO: how well each "
                     "predicts a held-out lag)."))
d_pop, p_pop = crossing_dates(fit, "population", horizon=horizon)
d_new, p_new = crossing_dates(fit, "new", horizon=horizon)
figs = {"crossing": crossing_figure({"population": d_pop, "new benchmark": d_new}, {"population": p_pop, "new benchmark": p_new},
                                    horizon=horizon, title="Crossing date: population mean vs a new benchmark")}
chart(figs["crossing"], caption="The new-benchmark posterior adds the between-benchmark spread: it is the honest answer "
                               "for 'some other benchmark'.")
figs["p_cross"] = p_cross_figure({"population": p_cross_by_curve(crossing_draws(fit, "population"), fit.obs.reference),
                                  "new benchmark": p_cross_by_curve(crossing_draws(fit, "new"), fit.obs.reference)})
chart(figs["p_cross"],
      caption=f"P(closed by end of 2027): population {fmt_prob(pop['p_cross_by_2027_12_31'])}, new benchmark "
              f"{fmt_prob(new['p_cross_by_2027_12_31'])}.")

st.header("Shrinkage")
alone = run_fit(ds, fit_settings.model_copy(update={"pooling": "none", "model": "linear"}),
                f"no pooling · {len(chosen)} benchmarks")
shrinkage = shrinkage_table(result.summary, alone.summary if alone is not None else None)
figs["shrinkage"] = shrinkage_figure(shrinkage, float(pop["slope_median"]), titles=titles(ds))
chart(figs["shrinkage"],
      caption="Open circles: each benchmark fitted alone; dots: partially pooled. Noisy benchmarks move most towards the "
              "population mean (dashed).")
with st.expander("The slopes as a table"):
    people_table(shrinkage, ds)

st.header("The June 2026 method, beside it")
complete = run_fit(ds, fit_settings.model_copy(update={"pooling": "complete", "model": "linear", "observations": "monthly"}),
                   f"complete pooling · {len(chosen)} benchmarks")
if complete is not None:
    cfit = complete.fits["complete"]
    obs_frame = cfit.obs.frame()  # the across-benchmark mean lag, from the start of the window
    figs["complete"] = fit_figure(obs_frame, trend_band(cfit, horizon="2030-12-31"),
                                  title="Complete pooling: one line through the mean lag across benchmarks")
    chart(figs["complete"])
    crow = complete.summary.iloc[0]
    try:
        ols = ols_crossing(obs_frame, fit_settings.start)
        st.caption(ols.describe() + ". Bayesian complete pooling on the same series: " + readings(crow)["crossing"])
    except DataError:
        st.caption(readings(crow)["crossing"])
st.session_state.setdefault(Key.FIGURES, {}).update({f"pooled_{k}": v for k, v in figs.items()})

st.header("Public vs private test sets")
class_comparison_section(ds, fit_settings)

st.header("Diagnostics")
diagnostics_panel(result.summary.iloc[0])
st.header("Per benchmark")
named = result.summary.assign(benchmark=result.summary["benchmark"].map(lambda b: titles(ds).get(b, b)))
data_table(summary_table_for_people(named), hide_index=True, width="stretch")
with st.expander("The raw summary table (as downloaded)"):
    data_table(result.summary, hide_index=True, width="stretch")
footer(ds)
