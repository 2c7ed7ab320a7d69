"""Compare page: 2-6 benchmarks side by side, a forest plot, and what changes the answer."""

import pandas as pd
import streamlit as st

from model.analysis import FitSettings
from model.bayes.crossing import MIN_P_CLOSES_LATER, p_closes_later
from model.bayes.summaries import share_closing_after, trend_band
from model.core.text import plain
from model.presentation.charts.fits import FOREST_HORIZON, forest_figure, small_fits_figure
from model.presentation.links import link_params
from model.presentation.readings import priors_in_words, summary_table_for_people
from model.robustness.windows import what_changes_the_answer
from ui.data import current_dataset, titles
from ui.fits import run_fit
from ui.links import known_benchmarks, share_link
from ui.routing import route_deep_links_through_entry_point
from ui.state import Key, settings
from ui.widgets import chart, class_comparison_section, data_table, footer, kept_multiselect

route_deep_links_through_entry_point()  # this page runs inside the entry point's guard

st.title("Compare benchmarks")
ds = current_dataset()
s = settings()
fs = st.session_state.setdefault(Key.FIT_FORM, FitSettings(source=s.source).model_dump())
st.caption(f"Model settings come from the Trend fit page: {fs['model']} trend, {fs['likelihood']} likelihood, "
           f"{fs['observations']} observations, window from {fs.get('start') or 'the first open release'}.")
names = list(ds.benchmarks["benchmark"])
default = [b for b in ("intelligence_index_2026_10_10", "coding_index_2026_06_15", "gpqa", "hle") if b in names] or names[:2]
picked = known_benchmarks(ds, st.session_state.get(Key.COMPARE_CHOSEN, default))[:6]  # a link may name any
chosen = kept_multiselect("Benchmarks (2 to 6)", names, picked, key="compare_benchmarks", max_selections=6,
                          format_func=lambda b: titles(ds).get(b, b))
st.session_state[Key.COMPARE_CHOSEN] = chosen
if len(chosen) < 2:
    st.warning("Pick at least two benchmarks.")
    st.stop()

fit_settings = FitSettings.from_shared(s, fs, benchmarks=chosen, pooling="none")
share_link(link_params(fit_settings, page="compare"), "this comparison")
result = run_fit(ds, fit_settings, f"compare · {', '.join(chosen)}")
if result is None:
    st.stop()
for note in result.notes:
    st.info(note)
horizon = pd.Timestamp("2030-12-31")
panels = [{"title": titles(ds).get(name, name), "obs": fit.obs.frame(), "band": trend_band(fit, horizon=horizon)}
          for name, fit in result.fits.items()]
figs = {"small_multiples": small_fits_figure(panels, horizon=horizon)}
chart(figs["small_multiples"], caption="Shared axes: observed lags (dots) and the fitted trend with its 90% band, per benchmark.")

beyond = result.summary["benchmark"].map(lambda b: share_closing_after(result.fits[b], FOREST_HORIZON))
table = result.summary.assign(benchmark=lambda t: t["benchmark"].map(lambda b: titles(ds).get(b, b)), p_beyond_axis=beyond)
figs["forest"] = forest_figure(table)
chart(figs["forest"])
closing = table[[p_closes_later(r) >= MIN_P_CLOSES_LATER for _, r in table.iterrows()]]
earliest = closing.sort_values("crossing_median", na_position="last").iloc[0] if len(closing) else None
lead = (f"Earliest median crossing: {plain(earliest['benchmark'])} ({str(earliest['crossing_median'])[:7]}). "
        if earliest is not None else "On no benchmark do most draws reach zero. ")
st.caption(lead +
           "Where intervals barely overlap, the benchmarks disagree about the trend, not just about noise.")
data_table(summary_table_for_people(table), hide_index=True, width="stretch")
st.caption(plain(f"Priors in use (from the Trend fit page): {priors_in_words(fit_settings.priors)}. Lag definition "
                 f"{fit_settings.lag_definition}; score uncertainty {'in' if fit_settings.measurement_error else 'out of'} "
                 "the fit. \"mostly never\": fewer than half the draws reach zero, so no crossing interval is shown."))

with st.expander("Public vs private test sets"):
    class_comparison_section(ds, fit_settings)

st.header("What changes the answer?")
target = st.selectbox("Benchmark", chosen, format_func=lambda b: titles(ds).get(b, b))
if st.button("Refit under each observation choice and start date (6 fits)"):
    with st.status("Refitting under 6 analytic choices…") as status:
        st.session_state[Key.scoped("wcta", target)] = what_changes_the_answer(ds, fit_settings, target)
        status.update(label="Done", state="complete")
if Key.scoped("wcta", target) in st.session_state:
    w = st.session_state[Key.scoped("wcta", target)]
    fitted = w[w["verdict"].astype(str).str.startswith("not fitted") == False]  # noqa: E712
    if not fitted.empty:
        figs["what_changes"] = forest_figure(fitted, label_col="choice", title="Crossing date under each analytic choice")
        chart(figs["what_changes"])
        spread = pd.to_datetime(fitted["crossing_median"]).dropna()
        if len(spread) > 1:
            st.caption(f"Median crossing dates range from {spread.min():%Y-%m} to {spread.max():%Y-%m} across these choices.")
    for _, r in w[w["verdict"].astype(str).str.startswith("not fitted")].iterrows():
        st.caption(plain(f"{r['choice']}: {r['verdict']}"))
st.session_state.setdefault(Key.FIGURES, {}).update({f"compare_{k}": v for k, v in figs.items()})
footer(ds)
