"""Backtest page: forecasts made at past cutoffs, scored against what happened."""

import pandas as pd
import streamlit as st

from model.analysis import FitSettings
from model.core.errors import DataError
from model.core.text import plain
from model.presentation.charts.robustness import calibration_figure, forecast_record_figure
from model.robustness.backtest import (
    HINDSIGHT_CAVEAT,
    INDEX_VINTAGES,
    METHODS_ALL,
    backtest_benchmark,
    backtest_mean,
    backtest_vintages,
)
from model.robustness.backtest_tables import best_method_sentence, calibration_table, method_scores, vintage_table
from model.robustness.forecast_record import record_sentence
from model.serving.first_view import ANSWER_BACKTEST_METHODS, load_answer_robustness
from ui.data import current_dataset, forecast_record, is_embedded, titles
from ui.routing import route_deep_links_through_entry_point
from ui.state import DEFAULT_SETTINGS, Key, settings
from ui.widgets import chart, footer, people_table

route_deep_links_through_entry_point()  # this page runs inside the entry point's guard


def backtest_fit_settings(shared: dict) -> FitSettings:
    """Trend fit's settings (priors, likelihood, observations, lag definition, groups, score errors) with lighter
    sampling: every cutoff refits with them."""
    return FitSettings.from_shared(shared, st.session_state.get(Key.FIT_FORM, {}), draws=300, tune=300, chains=2)


st.title("Backtests: would this have worked?")
st.caption("At each quarterly cutoff from 2024-07, everything is recomputed from models released before it; the lag 3, 6 "
           "and 12 months later is forecast and compared with what happened. The least-squares line is the June 2026 "
           "method; the others are the Bayesian models.")
st.caption(HINDSIGHT_CAVEAT)
ds = current_dataset()
s = settings()
names = list(ds.benchmarks["benchmark"])
c1, c2 = st.columns([2, 1])
headline = DEFAULT_SETTINGS["benchmark"]  # the answer's own benchmark and models by default ("How sure?")
target = c1.selectbox("Series", ["mean of every benchmark", *names],
                      index=(["mean of every benchmark", *names].index(headline) if headline in names else 0),
                      format_func=lambda b: titles(ds).get(b, b))
methods = c2.multiselect("Methods", list(METHODS_ALL), default=list(ANSWER_BACKTEST_METHODS))
key = Key.scoped("backtest", target, ",".join(methods), backtest_fit_settings(s).cache_key(), ds.content_hash)
if st.button("Run the backtest", type="primary", disabled=not methods):
    with st.status("Refitting at every cutoff…") as status:
        try:
            kw = dict(methods=tuple(methods), benchmarks=ds.benchmarks, settings=backtest_fit_settings(s))
            st.session_state[key] = (backtest_mean(ds.scores, names, **kw) if target.startswith("mean")
                                     else backtest_benchmark(ds.scores, target, **kw))
            status.update(label="Backtest done", state="complete")
        except DataError as exc:
            st.error(plain(exc))
results = st.session_state.get(key)
if results is None and target == headline and (results := load_answer_robustness(ds, "backtest")) is not None:
    st.caption(plain(f"Precomputed with the answer: {titles(ds).get(headline, headline)}, the answer's window and "
                     f"settings, methods {', '.join(sorted(results['method'].unique()))} (300 draws a fit). Run the "
                     "backtest to refit with your settings and methods."))
if results is None:
    st.info("Run the backtest to see the calibration plot and the table.")
else:
    st.session_state[Key.BACKTEST_LAST] = results
    table = calibration_table(results)
    fig = calibration_figure(table)
    chart(fig)
    st.session_state.setdefault(Key.FIGURES, {})["backtest_calibration"] = fig
    st.markdown(best_method_sentence(method_scores(table)))  # method names from METHODS_ALL: no text from data
    people_table(table, ds)
    with st.expander("Every forecast"):
        people_table(results, ds)

st.header("Real time: each AA index version at its own date")
vintage_index = st.selectbox("AA index", list(INDEX_VINTAGES))
vkey = Key.scoped("vintages", vintage_index, ",".join(methods), backtest_fit_settings(s).cache_key(), ds.content_hash)
if st.button("Run the real-time check", disabled=not methods):
    with st.status("Refitting each index version…") as status:
        try:
            kw = dict(methods=tuple(methods), benchmarks=ds.benchmarks, settings=backtest_fit_settings(s))
            st.session_state[vkey] = pd.concat([backtest_vintages(ds.scores, vintage_index, hindsight=h, **kw)
                                                for h in (False, True)], ignore_index=True)
            status.update(label="Real-time check done", state="complete")
        except DataError as exc:
            st.error(plain(exc))
vint = st.session_state.get(vkey)
if vint is not None:
    people_table(vintage_table(vint), ds)
    st.caption("Real time fits what each snapshot published; hindsight fits the newest version at the same dates. Both are "
               "scored against the newest version's lag 1-3 months later.")

st.header("The forecast record")
st.caption("The answer's forecast from each embedded AA index version, kept as made and scored as newer versions arrive "
           "(python -m model record). The forecasts of the versions before this project existed were reconstructed on "
           "2026-12-07 from each version's own data (pseudo-real time: the method is today's); a new version's forecast "
           "is added when it arrives and never rewritten. The months of one forecast are not independent, so a few "
           "months inside an interval say little yet. The pooled population (a typical benchmark) is scored against "
           "the mean lag across its benchmarks; the chart shows the index's forecasts.")
if is_embedded(ds) and s.source == "aa":
    view = forecast_record(ds.content_hash, ds)
    for _, row in view["summary"].iterrows():
        st.markdown("- " + plain(record_sentence(row)))
    record_fig = forecast_record_figure(view["index_record"], view["observed"])
    chart(record_fig)
    st.session_state.setdefault(Key.FIGURES, {})["forecast_record"] = record_fig
    with st.expander("Every scored month"):
        people_table(view["scored"], ds)
else:
    st.info("The forecast record is kept for the embedded AA data; choose it on the Data page to see it.")
footer(ds)
