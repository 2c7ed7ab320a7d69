"""Multiverse page: the specification curve, and which analytic choice moves the answer most."""

import pandas as pd
import streamlit as st

from model.bayes.trends import MODELS
from model.core.errors import DataError
from model.core.text import fmt_prob, plain
from model.presentation.charts.robustness import specification_curve_figure
from model.robustness.multiverse import (
    CHOICES,
    choice_importance,
    enumerate_specs,
    headline,
    read_multiverse_table,
    run_specs,
)
from model.serving.first_view import load_answer_robustness
from ui.data import current_dataset, titles
from ui.routing import route_deep_links_through_entry_point
from ui.state import DEFAULT_SETTINGS, Key
from ui.widgets import chart, footer, people_table

route_deep_links_through_entry_point()  # this page runs inside the entry point's guard

st.title("Multiverse")
st.caption("Every defensible analysis at once: benchmark or pooled set, window start (each quarter 2023-07 to 2025-07), "
           "events or monthly observations, model, open definition, estimated values in or out, source. The full run is "
           "`python -m model multiverse --out specs.csv` (648 specifications: about 7 minutes on 2 cores); "
           "load its CSV here, or run a sample.")
ds = current_dataset()
names = list(ds.benchmarks["benchmark"]) if ds.benchmarks["source"].eq("aa").any() else []
c1, c2 = st.columns([2, 1])
with c1:
    # the answer's own benchmark and models by default: "How sure?" on the answer page leads here
    chosen = st.multiselect("Benchmarks", names, default=[b for b in (DEFAULT_SETTINGS["benchmark"],) if b in names],
                            format_func=lambda b: titles(ds).get(b, b))
    models = st.multiselect("Models", list(MODELS), default=list(MODELS))
with c2:
    pooled = st.checkbox("Include the pooled AA set (slow: one hierarchical fit per spec)", value=False)
    n_max = st.slider("Specifications to run here (a fixed-seed sample)", 10, 200, 40, 10)
    upload = st.file_uploader("…or load specs.csv from the CLI", type=["csv"])

if upload is not None:
    try:
        st.session_state[Key.MULTIVERSE] = read_multiverse_table(upload.getvalue())
    except DataError as exc:
        st.error(plain(f"Could not read that file: {exc} The previous table is kept."))
elif st.button("Run the sample", type="primary", disabled=not (chosen or pooled) or not models):
    specs = enumerate_specs(chosen, pooled=pooled, models=tuple(models), max_specs=n_max, seed=0)
    bar = st.progress(0.0, text=f"0 of {len(specs)} specifications")

    def report(done, total, t0):
        import time

        elapsed = time.perf_counter() - t0
        bar.progress(done / total, text=f"{done} of {total} specifications · {elapsed:.0f} s · ETA "
                                        f"{elapsed / done * (total - done):.0f} s")

    st.session_state[Key.MULTIVERSE] = run_specs(specs, workers=1, draws=300, progress=report)

table = st.session_state.get(Key.MULTIVERSE)
if table is None and (table := load_answer_robustness(ds, "multiverse")) is not None:
    st.caption(plain(f"Precomputed with the answer: {len(table)} specifications of "
                     f"{titles(ds).get(DEFAULT_SETTINGS['benchmark'], DEFAULT_SETTINGS['benchmark'])} (every window "
                     "start, observation kind, model, open definition and estimated-values choice; a fixed-seed sample). "
                     "Run your own sample above to replace it."))
if table is None:
    st.info("Run a sample or load a CLI result to see the specification curve.")
    st.stop()
table = table.assign(fitted=table["fitted"].astype(str).str.lower().isin(["true", "1"]))
h = headline(table)
m1, m2, m3, m4 = st.columns(4)
m1.metric("Specifications fitted", f"{h['fitted']} of {h['specs']}")
m2.metric("P(zero gap by end-2026) > 0.5", f"{h['share_p2026_over_half']:.0%} of specs")
m3.metric("P(zero gap by end-2027) > 0.5", f"{h['share_p2027_over_half']:.0%} of specs")
m4.metric("Median P(never)", f"{fmt_prob(h['median_p_never'])}")
fig = specification_curve_figure(table, [c for c in CHOICES if table[c].nunique() > 1], horizon=pd.Timestamp("2035-12-31"))
chart(fig)
st.session_state.setdefault(Key.FIGURES, {})["multiverse_curve"] = fig
try:
    imp = choice_importance(table)
    top = imp.iloc[0]
    st.markdown(f"**The choice that moves the answer most is the {top['choice'].replace('_', ' ')}**: on its own it explains "
                f"{top['variance_share']:.0%} of the spread in P(zero gap by end-2027) across specifications "
                f"(lowest: {top['lowest']}; highest: {top['highest']}).")
    people_table(imp.assign(choice=imp["choice"].str.replace("_", " ")))
except DataError as exc:
    st.warning(str(exc))
with st.expander("Every specification"):
    people_table(table, ds)
footer(ds)
