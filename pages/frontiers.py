"""Frontiers page: both frontiers for one benchmark, the lag as an arrow, and the lag curve."""

import pandas as pd
import streamlit as st

from model.core.errors import DataError
from model.core.text import plain
from model.data.openness import open_groups
from model.lags.definitions import lags_by_definition
from model.lags.engine import GRIDS, event_lags, frontier_lag
from model.lags.frontier import frontier_table
from model.presentation.charts.frontiers import frontier_figure, lag_curve_figure
from ui.data import current_dataset, current_groups, lag_intervals_for
from ui.routing import route_deep_links_through_entry_point
from ui.state import settings
from ui.widgets import benchmark_picker, chart, footer, group_picker, lag_definition_picker, people_table

route_deep_links_through_entry_point()  # this page runs inside the entry point's guard

st.title("Frontiers")
ds = current_dataset()
s = settings()
c1, c2, c3 = st.columns([3, 1, 1])
with c1:
    bench = benchmark_picker(ds)
meta = ds.benchmarks.set_index("benchmark").loc[bench]
with c2:
    grid = st.selectbox("Grid", list(GRIDS), index=0)
with c3:
    s.tolerance = st.number_input("Tolerance (score units)", min_value=0.0, value=float(s.tolerance), step=0.005,
                                     format="%.3f",
                                     help="A closed score within this much of the open frontier counts as caught up.")
if meta["caveats"]:
    st.caption(f"Caveat: {plain(meta['caveats'])}")

follower, leader = group_picker(ds)
labels = current_groups(ds)
rows = ds.scores[ds.scores["benchmark"] == bench]
try:
    lags = frontier_lag(ds.scores, bench, benchmarks=ds.benchmarks, grid=grid, tolerance=s.tolerance,
                        open_definition=s.open_definition, groups=labels)
    events = event_lags(ds.scores, bench, benchmarks=ds.benchmarks, tolerance=s.tolerance, open_definition=s.open_definition,
                        groups=labels)
except DataError as exc:
    st.error(f"{plain(exc)} Pick another benchmark or other groups, or change what counts as open on the Data page.")
    st.stop()

groups = open_groups(rows, s.open_definition) if labels is None else labels.reindex(rows.index)
names = None if labels is None else {"open": f"follower ({follower})", "closed": f"leader ({leader})",
                                     "excluded": "neither group"}
hib = bool(meta["higher_is_better"])
dates = lags["date"]
pick = st.slider("Show the lag at", min_value=dates.min().date(), max_value=dates.max().date(), value=dates.max().date(),
                 format="YYYY-MM-DD")
at = lags[lags["date"] <= pd.Timestamp(pick)].iloc[-1]
arrow = {"date": at["date"], "match_date": at["closed_match_date"], "score": at["open_frontier"], "lag_months": at["lag_months"]}
fig = frontier_figure(rows, groups, frontier_table(rows[groups == "open"], hib), frontier_table(rows[groups == "closed"], hib),
                      title=f"{meta['display_name']}: {'open vs closed' if labels is None else 'follower vs leader'} frontier",
                      end=rows["release_date"].max(), arrow=arrow, score_label=f"score ({meta['scale'] or 'native units'})",
                      names=names)
chart(fig)

if at["status"] == "ok":
    st.markdown(f"On **{at['date'].date()}** the best open model, **{plain(at['open_model'])}** ({at['open_frontier']:.3g}), "
                f"matched what the closed frontier first reached on **{at['closed_match_date'].date()}** "
                f"(**{plain(at['closed_match_model'])}**): a lag of **{at['lag_months']:.1f} months**.")
elif at["status"] == "left_censored":
    st.markdown(f"On **{at['date'].date()}** the open frontier was at or below the first closed model in the data, so the lag "
                f"of **{at['lag_months']:.1f} months** is only a lower bound.")
elif at["status"] == "open_ahead":
    later = "" if pd.isna(at["lead_months"]) else f"; the closed side caught up {at['lead_months']:.1f} months later"
    st.markdown(f"On **{at['date'].date()}** the open frontier (**{plain(at['open_model'])}**) was **ahead** of every "
                f"closed model by {at['lead_score']:.3g} score units{later}. The lag counts as 0.")
elif at["status"] == "no_closed_yet":
    st.markdown(f"On **{at['date'].date()}** no closed model had been released yet in the data, so there is nothing to "
                f"compare the open frontier (**{plain(at['open_model'])}**) with: no lag is measured on this date.")
else:
    st.markdown(f"No open model yet on {at['date'].date()}.")
st.caption("The lag is that of the best open model released so far, not of a typical open model: with many open "
           "releases, the best one's lag is shorter than an average model's.")

intervals = lag_intervals_for(ds, bench, grid)
chart(lag_curve_figure(lags, events, intervals=intervals,
                       title="Lag of the open frontier (months); points = open releases that set a new open best"))
origin = intervals["score_se"].iloc[0] if len(intervals) else "none"
if origin == "none":
    st.caption("No standard error is known for this benchmark's scores, so the lag has no band from score uncertainty.")
else:
    st.caption(plain(f"Shaded: the lag's 90% band from score uncertainty (parametric bootstrap, 1,000 replicates; "
                     f"standard errors {origin})."))
st.caption("The grid lag is a sawtooth: between open releases it grows one month per month. The event points are the "
           "non-redundant observations; the Bayesian fits use them by default.")
with st.expander("Event table"):
    people_table(events)
with st.expander("Grid table"):
    people_table(lags)
st.header("The lag under other published definitions")
lag_def = lag_definition_picker()
if lag_def == "backward":
    st.caption("The chart and sentence above use the backward definition (the default). Pick another definition to see "
               "this benchmark's lag observations as catch-up times, score thresholds or a level average.")
else:
    try:
        table = lags_by_definition(ds.scores, bench, lag_def, benchmarks=ds.benchmarks,
                                   open_definition=s.open_definition, groups=labels)
        people_table(table)
        st.caption("not caught up: the open side has not reached this score yet; the lag is at least the value shown.")
    except DataError as exc:
        st.warning(plain(exc))
footer(ds)
