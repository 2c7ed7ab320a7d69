"""Lag overview page: lags across benchmarks per month, the mean line, the OLS line, small multiples."""

import pandas as pd
import streamlit as st

from model.core.errors import DataError
from model.core.text import plain, plural
from model.lags.across import lag_summary_by_date, quorum
from model.lags.ols import ols_crossing
from model.presentation.charts.frontiers import overview_figure, small_multiples_figure
from ui.data import current_dataset, mean_lag_intervals_for, monthly_lags, shared_figure, titles
from ui.routing import route_deep_links_through_entry_point
from ui.state import settings
from ui.widgets import chart, footer, people_table

route_deep_links_through_entry_point()  # this page runs inside the entry point's guard

st.title("Lag overview")
ds = current_dataset()
s = settings()
cats = sorted(ds.benchmarks["category"].unique())
c1, c2 = st.columns([1, 2])
with c1:
    chosen_cats = st.multiselect("Categories", cats, default=cats)
pool = ds.benchmarks[ds.benchmarks["category"].isin(chosen_cats)]
with c2:
    chosen = st.multiselect("Benchmarks", list(pool["benchmark"]), default=list(pool["benchmark"]),
                            format_func=lambda b: titles(ds).get(b, b))
if not chosen:
    st.warning("Choose at least one benchmark.")
    st.stop()
try:
    long = monthly_lags(ds, chosen)
except DataError as exc:
    st.error(f"{plain(exc)} Change the selection or the open definition.")
    st.stop()
n_sel = long["benchmark"].nunique()
summary = lag_summary_by_date(long, min_benchmarks=quorum(n_sel))
first, last = summary["date"].min().date(), summary["date"].max().date()
default_start = max(first, pd.Timestamp("2025-01-01").date()) if first < pd.Timestamp("2025-01-01").date() < last else first
ols_start = st.slider("Least-squares line from", min_value=first, max_value=last, value=default_start, format="YYYY-MM")
try:
    ols = ols_crossing(summary.rename(columns={"mean_lag": "lag_months"}), ols_start)
except DataError as exc:
    ols = None
    st.warning(str(exc))

mean_band = mean_lag_intervals_for(ds, chosen, quorum(n_sel))
title = f"Lag across {n_sel} {plural(n_sel, 'benchmark')}, per month"
chart(shared_figure(overview_figure, long, summary, title=title, ols=ols, mean_intervals=mean_band),
      caption="Shaded around the mean: its 90% band from score uncertainty (benchmarks with known item counts; the "
              "indices enter exactly). The trend fit's interval (Trend fit page) adds the uncertainty of the trend itself.")
recent = summary.tail(12)
st.markdown(
    f"Over the last 12 months the mean lag ranged from **{recent['mean_lag'].min():.1f}** to **{recent['mean_lag'].max():.1f}** "
    f"months (latest {recent['mean_lag'].iloc[-1]:.1f}; median {recent['median_lag'].iloc[-1]:.1f}). "
    f"Months where fewer than a quarter of the chosen benchmarks have data are not averaged."
)
if ols is not None:
    st.caption(ols.describe() + ". This is the June 2026 analysis's method, shown for comparison: it treats monthly sawtooth "
               "points as independent and gives no uncertainty.")
st.info(f"Why this line and the Trend fit answer differ: this is least squares through the monthly mean of "
        f"{n_sel} benchmarks from {ols_start:%Y-%m} (sawtooth points counted as independent, no uncertainty); Trend fit is "
        "a Bayesian trend through one benchmark's lags at each new open best, with censoring, priors and intervals. "
        "The Bayesian fit of this same mean series is on Pooled ('The June 2026 method, beside it').")
l1, l2 = st.columns(2)
l1.page_link("pages/pooled.py", label="Bayesian fit of the mean series (Pooled)", icon=":material/hub:")
l2.page_link("pages/trend_fit.py", label="One benchmark's Bayesian trend (Trend fit)", icon=":material/trending_down:")

st.header("Every benchmark")
columns = st.radio("Panels per row", [2, 3, 4], horizontal=True, help="Two read on a phone; four fit a wide screen.")
chart(shared_figure(small_multiples_figure, long, titles(ds), columns=columns))
with st.expander("Summary per month"):
    people_table(summary)
footer(ds)
