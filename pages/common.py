"""Shared UI glue for the pages: the current dataset and settings in session state.

No statistics here: loading, lags and charts live in ``model/``.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from model.loaders import Dataset, load_embedded
from model.openness import OPEN_DEFINITIONS, apply_overrides

DEFAULT_SETTINGS = {
    "source": "aa",
    "open_definition": "any",
    "include_estimated": True,
    "corrections": True,
    "tolerance": 0.0,
    "benchmark": "intelligence_index_2026_06_15",
}
ATTRIBUTION = (
    "Data: Artificial Analysis, https://artificialanalysis.ai · Epoch AI, 'AI Benchmarking Hub', "
    "epoch.ai/benchmarks, CC BY 4.0 (and the third-party leaderboards named in its external files)."
)


@st.cache_data(show_spinner="Loading the embedded data…", max_entries=8)
def embedded(source: str, include_estimated: bool, corrections: bool) -> Dataset:
    return load_embedded(source, include_estimated=include_estimated, corrections=corrections)


def settings() -> dict:
    """Analysis settings, shared by every page (kept outside widget state so they persist)."""
    if "settings" not in st.session_state:
        st.session_state["settings"] = dict(DEFAULT_SETTINGS)
    return st.session_state["settings"]


def current_dataset() -> Dataset:
    """The dataset chosen on the Data page, with the user's overrides; the embedded AA data by default."""
    s = settings()
    ds = st.session_state.get("dataset")
    if ds is None:
        ds = embedded(s["source"] if s["source"] in ("aa", "epoch") else "aa", s["include_estimated"], s["corrections"])
        st.session_state["dataset"] = ds
    overrides = st.session_state.get("user_overrides")
    if overrides is not None and not overrides.empty:
        scores, _ = apply_overrides(ds.scores, overrides)
        ds = Dataset(scores=scores, benchmarks=ds.benchmarks, report=ds.report, label=ds.label + " + your overrides",
                     notices=ds.notices)
    return ds


def open_definition_picker() -> str:
    s = settings()
    choice = st.radio(
        "What counts as open", OPEN_DEFINITIONS, index=OPEN_DEFINITIONS.index(s["open_definition"]), horizontal=True,
        help="any: downloadable weights, whatever the licence (default). permissive: only Apache/MIT/BSD-style licences; "
             "restricted and non-commercial models are left out of both groups.",
    )
    s["open_definition"] = choice
    return choice


def benchmark_picker(ds: Dataset, label: str = "Benchmark", key: str = "benchmark") -> str:
    s = settings()
    names = list(ds.benchmarks["benchmark"])
    titles = dict(zip(ds.benchmarks["benchmark"], ds.benchmarks["display_name"], strict=False))
    current = s.get(key) if s.get(key) in names else names[0]
    choice = st.selectbox(label, names, index=names.index(current), format_func=lambda b: f"{titles.get(b, b)}  ·  {b}")
    s[key] = choice
    return choice


def footer(ds: Dataset) -> None:
    st.caption(f"{ds.label} · snapshot {ds.snapshot_date} · {ATTRIBUTION}")


def titles(ds: Dataset) -> dict[str, str]:
    return dict(zip(ds.benchmarks["benchmark"], ds.benchmarks["display_name"], strict=False))


def empty_overrides() -> pd.DataFrame:
    return pd.DataFrame({"model_id": pd.Series(dtype="string"), "open_weights": pd.Series(dtype="bool"),
                         "note": pd.Series(dtype="string")})
