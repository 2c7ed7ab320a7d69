"""Score-space page: fit the frontiers themselves; compare the horizontal lag they imply with the lag-trend answer."""

import numpy as np
import pandas as pd
import streamlit as st

from model.analysis import FitSettings
from model.core.errors import DataError
from model.core.text import plain
from model.presentation.charts.robustness import score_space_figure
from model.robustness.score_space import frontier_curves, score_space_summary
from model.serving.warmup import score_space_default, stored_score_space
from ui.data import current_dataset, is_embedded, titles
from ui.fits import cached_analysis
from ui.routing import route_deep_links_through_entry_point
from ui.state import Key, settings
from ui.widgets import chart, footer, people_table

route_deep_links_through_entry_point()  # this page runs inside the entry point's guard

st.title("The gap in score space")
st.caption("Each frontier is fitted as a logistic curve in score (bounded benchmarks saturate). The horizontal lag and the "
           "vertical gap follow from the two curves. Near saturation the horizontal lag is erratic and is flagged.")
ds = current_dataset()
s = settings()
bounded = [b for b, sc in zip(ds.benchmarks["benchmark"], ds.benchmarks["scale"], strict=True) if ".." in str(sc)]
if not bounded:
    st.warning("No benchmark in this data set has a bounded scale.")
    st.stop()
chosen = st.multiselect("Benchmarks", bounded, default=score_space_default(ds), format_func=lambda b: titles(ds).get(b, b))
if not chosen:
    st.stop()


@st.cache_resource(max_entries=64, show_spinner=False)
def _fit(data_hash: str, bench: str, open_definition: str, persist: bool, _ds):
    # the embedded data's fits come from the disk store the server's warm-up fills (its default view included)
    return stored_score_space(_ds, bench, open_definition, persist=persist)


rows, fits = [], {}
with st.status("Fitting frontiers…") as status:
    for b in chosen:
        try:
            fit = _fit(ds.content_hash, b, s.open_definition, is_embedded(ds), ds)
            fits[b] = fit
            row = score_space_summary(fit)
            trend_settings = FitSettings.from_shared(s, benchmarks=[b], draws=500, tune=500, chains=2)
            trend = cached_analysis(ds.content_hash, trend_settings.cache_key(), trend_settings, ds).summary.iloc[0]
            row.update(lag_trend_lag_now=trend["current_lag_median"], lag_trend_crossing_median=trend["crossing_median"],
                       lag_trend_p_never=trend["p_never"])
            rows.append(row)
        except DataError as exc:
            st.warning(plain(f"{titles(ds).get(b, b)}: {exc}"))
    status.update(label=f"Fitted {len(fits)} benchmark(s)", state="complete")
if not rows:
    st.stop()
table = pd.DataFrame(rows)
people_table(table[["benchmark", "saturated", "horizontal_lag_now_months", "lag_trend_lag_now", "vertical_gap_now",
                    "p_open_rising_faster", "crossing_median", "lag_trend_crossing_median", "p_never", "lag_trend_p_never",
                    "verdict", "note"]], ds)
agree = table.dropna(subset=["horizontal_lag_now_months", "lag_trend_lag_now"])
if len(agree):
    diff = np.abs(agree["horizontal_lag_now_months"] - agree["lag_trend_lag_now"])
    st.markdown(f"The two methods' lag now differs by {diff.median():.1f} months at the median benchmark "
                f"(largest: {agree.loc[diff.idxmax(), 'benchmark']}, {diff.max():.1f} months). "
                f"{int(table['saturated'].sum())} benchmark(s) are near saturation.")
pick = st.selectbox("Show", list(fits), format_func=lambda b: titles(ds).get(b, b))
fig = score_space_figure(fits[pick].records, frontier_curves(fits[pick]), title=f"{titles(ds).get(pick, pick)}: fitted frontiers")
chart(fig)
st.session_state.setdefault(Key.FIGURES, {})["score_space"] = fig
footer(ds)
