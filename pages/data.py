"""Data page: pick a source or upload, see coverage and models, download the tidy table."""

import datetime as dt
import os

import pandas as pd
import streamlit as st

from model.core.errors import DataError
from model.core.text import plain
from model.data.aa_api import load_aa_api
from model.data.catalog import benchmark_classes
from model.data.coverage import coverage_table
from model.data.csv_upload import csv_template
from model.data.refresh import aa_changes
from model.data.uploads import UPLOAD_KINDS, load_upload
from model.lags.across import new_since
from model.outputs.exports import safe_csv
from ui.data import current_dataset, embedded, fetch_live_aa
from ui.routing import route_deep_links_through_entry_point
from ui.state import Key, settings
from ui.widgets import (
    data_table,
    empty_overrides,
    footer,
    kept_radio,
    live_fetch_report,
    open_definition_picker,
    people_table,
)

route_deep_links_through_entry_point()  # this page runs inside the entry point's guard

SOURCES = {"aa": "Artificial Analysis (embedded, 2026-08-22 and 2026-10-10)", "epoch": "Epoch AI (embedded, 2026-04-29)",
           **UPLOAD_KINDS}


@st.cache_data(show_spinner="Reading your file…", max_entries=16)
def _load_upload(kind: str, data: bytes, name: str):
    return load_upload(kind, data, name)


def _secret_key() -> str | None:
    try:
        return st.secrets.get("AA_API_KEY")
    except Exception:  # no secrets file is the normal case; st.secrets raises several kinds
        return None


st.title("Frontier Lag")
st.markdown(
    "**How many months do open-weights LLMs trail closed LLMs, benchmark by benchmark, and when, if ever, "
    "does the gap reach zero?** Start by choosing the data. The embedded Artificial Analysis snapshot is loaded by default."
)

s = settings()
keys = list(SOURCES)
choice = kept_radio("Source", keys, s.source, key="data_source", format_func=SOURCES.get, horizontal=True)
c1, c2, c3 = st.columns([2, 1, 1])
with c1:
    open_definition_picker()
with c2:
    include_estimated = st.checkbox("Include AA estimated index values", value=s.include_estimated,
                                    help="AA estimates many index values (434 of 603 in the current index).")
with c3:
    corrections = st.checkbox("Apply shipped open/closed corrections", value=s.corrections,
                              help="data/open_overrides.csv: e.g. Grok 2's weights came 8 months after its release.")

try:
    if choice in ("aa", "epoch"):
        ds = embedded(choice, include_estimated, corrections)
        st.session_state[Key.DATASET] = ds
        s.update(source=choice, include_estimated=include_estimated, corrections=corrections)
    else:
        upload = st.file_uploader(SOURCES[choice], type={"csv": ["csv", "txt"], "epoch_zip": ["zip"]}.get(choice, ["json"]))
        if choice == "csv":
            st.download_button("Download a CSV template (long format)", csv_template(), "frontier_lag_template.csv", "text/csv")
        if choice == "aa_api":
            key = os.environ.get("AA_API_KEY") or _secret_key()
            if not key:
                st.caption("Set AA_API_KEY in the environment or .streamlit/secrets.toml to fetch live data.")
            if st.session_state.pop(Key.LIVE_AA_CANCELLED, False):
                st.info("The fetch was cancelled; the data below are as they were.")
            if key and st.button("Fetch live from the AA API (key from the environment or st.secrets)"):
                try:
                    if (body := fetch_live_aa(key)) is not None:
                        st.session_state[Key.LIVE_AA] = load_aa_api(body, snapshot=dt.date.today().isoformat())
                        st.session_state[Key.LIVE_AA_FETCHED] = (body, aa_changes(body, st.session_state[Key.LIVE_AA],
                                                                                  embedded("aa", True, True)))
                except DataError as exc:
                    st.warning(f"{plain(exc)} Showing the embedded AA data instead.")
                    st.session_state[Key.DATASET] = embedded("aa", include_estimated, corrections)
            if Key.LIVE_AA in st.session_state and upload is None:
                st.session_state[Key.DATASET] = st.session_state[Key.LIVE_AA]
            if Key.LIVE_AA_FETCHED in st.session_state:
                live_fetch_report(*st.session_state[Key.LIVE_AA_FETCHED])
        if upload is not None:
            ds = _load_upload(choice, upload.getvalue(), upload.name)
            st.session_state[Key.DATASET] = ds
            s.update(source=choice)
        elif Key.DATASET in st.session_state:
            st.info("No file yet: the data below are the last good data set.")
except DataError as exc:
    st.error(f"Could not load this input: {plain(exc)} The previous data are kept.")

ds = current_dataset()

for notice in ds.notices:
    st.info(notice)
if ds.report.issues:
    with st.expander(f"Validation report: {len(ds.report.issues)} finding(s), {ds.report.n_excluded_rows} row(s) left out",
                     expanded=bool(ds.report.errors)):
        for line in ds.report.lines():
            st.text(line)

st.header(f"Coverage per benchmark · {plain(ds.label)}")
cov = coverage_table(ds.scores, ds.benchmarks, s.open_definition)
m1, m2, m3 = st.columns(3)
m1.metric("Models", f"{ds.scores['model_id'].nunique():,}")
m2.metric("Benchmarks with open and closed models", int(cov["usable"].sum()))
m3.metric("Score rows", f"{len(ds.scores):,}")
classes = benchmark_classes().rename(columns={"source": "test_set_source"})[["benchmark", "test_set", "test_set_source"]]
cov = cov.drop(columns=["display_name"]).merge(classes, on="benchmark", how="left")
first = ["benchmark", "category", "test_set"]
people_table(cov[first + [c for c in cov.columns if c not in first]], ds)
n_se = int(cov["n_with_se"].sum())
st.caption(f"{n_se:,} of {len(ds.scores):,} scores have a standard error (binomial from the benchmark's item count; "
           "the sources are in docs/methods.md): their lags get a 90% band from score uncertainty on Frontiers and Lag "
           "overview. The others (the indices, most sub-benchmarks) are taken as exact.")

NEWEST, PREVIOUS = "intelligence_index_2026_10_10", "intelligence_index"
if {NEWEST, PREVIOUS} <= set(ds.benchmarks["benchmark"]):
    st.header("What is new in the 2026-10-10 AA state")
    added, lag_now = new_since(ds.scores, NEWEST, PREVIOUS, benchmarks=ds.benchmarks, open_definition=s.open_definition)
    before, after = lag_now[PREVIOUS], lag_now[NEWEST]
    st.markdown(f"**{len(added)}** models have a 2026-10-10 Intelligence Index value but none on the 2026-08 version "
                f"({int(added['open_weights'].sum())} open, {int((~added['open_weights']).sum())} closed). The lag moved from "
                f"**{before['lag_months']:.1f} months** ({before['date']:%Y-%m}, 2026-08 version) to "
                f"**{after['lag_months']:.1f} months** ({after['date']:%Y-%m}, 2026-10-10 version). The two versions are "
                "on different scales (AA rescaled the index), so compare lags, not scores.")
    with st.expander("The new models, best first"):
        people_table(added)

st.header("Models")
query = st.text_input("Search models by name, creator or licence", "")
models = (ds.scores.groupby(["model_id", "model_name", "creator", "release_date", "open_weights", "openness"], dropna=False)
          .agg(benchmarks=("benchmark", "size")).reset_index().sort_values("release_date", ascending=False))
if query:
    hay = models["model_name"].astype(str) + " " + models["creator"].astype(str) + " " + models["openness"].astype(str)
    models = models[hay.str.contains(query, case=False, regex=False)]
models = models[["model_name", "creator", "release_date", "open_weights", "openness", "benchmarks", "model_id"]]
data_table(models, hide_index=True, width="stretch", height=320,
             column_config={"release_date": st.column_config.DateColumn("release date", format="YYYY-MM-DD"),
                            "open_weights": st.column_config.CheckboxColumn("open weights"),
                            "benchmarks": st.column_config.NumberColumn("scores")})

with st.expander("Your open/closed overrides"):
    st.caption("Add rows to re-label models (model_id from the table above). They apply on every page of this session.")
    edited = st.data_editor(st.session_state.get(Key.USER_OVERRIDES, empty_overrides()), num_rows="dynamic",
                            key="overrides_editor")
    st.session_state[Key.USER_OVERRIDES] = pd.DataFrame(edited).dropna(subset=["model_id"])

scores_now = ds.scores
st.download_button("Download the tidy data (CSV)", lambda: safe_csv(scores_now), "frontier_lag_scores.csv", "text/csv",
                   help="Built when you click, so the page stays light.")
footer(ds)
