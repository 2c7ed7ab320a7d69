"""The data a page shows: the chosen dataset, the follower/leader labels, and the lags, cached per data set and choice.

No statistics here: every computation is a call into ``model/``; this module only caches it per session and server."""

from __future__ import annotations

import threading
import time

import pandas as pd
import streamlit as st

from model.core.errors import DataError
from model.data.aa_api import fetch_aa_api
from model.data.dataset import Dataset
from model.data.embedded import load_embedded
from model.data.openness import apply_overrides
from model.lags.across import definition_lags_by_benchmark, event_lags_by_benchmark, lags_by_benchmark
from model.lags.groups import group_labels
from ui.state import Key, settings


@st.cache_data(show_spinner=False, max_entries=1)
def arena_boards() -> pd.DataFrame:
    """The embedded Arena points gap, one row per board (the same for every session)."""
    from model.data.arena import load_arena_gap

    return load_arena_gap()


@st.cache_data(show_spinner="Scoring the forecast record…", max_entries=2)
def forecast_record(data_hash: str, _ds: Dataset) -> dict:
    """The forecast record scored against the embedded AA data (the answer's settings; the same for every session)."""
    from model.robustness.forecast_record import forecast_record_view
    from model.serving.first_view import first_view_settings

    return forecast_record_view(_ds, first_view_settings())


@st.cache_data(show_spinner="Loading the embedded data…", max_entries=8)
def embedded(source: str, include_estimated: bool, corrections: bool) -> Dataset:
    return load_embedded(source, include_estimated=include_estimated, corrections=corrections)


def fetch_live_aa(key: str) -> bytes | None:
    """The AA API's body, fetched in a thread while the page shows a Cancel button; None when the user cancels.

    A click on Cancel starts a new script run, which stops this one at its next Streamlit call; the ``finally`` then
    sets the fetch's cancel event, which closes its socket at once (no socket read outlives the user's patience)."""
    cancel, outcome = threading.Event(), {}

    def work() -> None:
        try:
            outcome["body"] = fetch_aa_api(key, cancel=cancel)
        except DataError as exc:
            outcome["error"] = exc

    def cancelled() -> None:
        cancel.set()
        st.session_state[Key.LIVE_AA_CANCELLED] = True

    thread = threading.Thread(target=work, daemon=True, name="aa-api-fetch")
    start = time.monotonic()
    thread.start()
    status, button = st.empty(), st.empty()
    button.button("Cancel the fetch", on_click=cancelled)
    try:
        while thread.is_alive():
            status.caption(f"Fetching from the AA API… {time.monotonic() - start:.0f} s (at most 20 s per try, 4 tries)")
            thread.join(0.25)
    finally:
        cancel.set()  # a no-op after a finished fetch; ends the wait when this run was stopped
        status.empty()
        button.empty()
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("body")


def current_dataset() -> Dataset:
    """The dataset chosen on the Data page, with the user's overrides; the embedded AA data by default."""
    s = settings()
    ds = st.session_state.get(Key.DATASET)
    if ds is None:
        ds = embedded(s.source if s.source in ("aa", "epoch") else "aa", s.include_estimated, s.corrections)
        st.session_state[Key.DATASET] = ds
    overrides = st.session_state.get(Key.USER_OVERRIDES)
    if overrides is not None and not overrides.empty:
        scores, _ = apply_overrides(ds.scores, overrides)
        ds = Dataset(scores=scores, benchmarks=ds.benchmarks, report=ds.report, label=ds.label + " + your overrides",
                     notices=ds.notices)
    return ds


def is_embedded(ds: Dataset) -> bool:
    """True when ``ds`` is the embedded data as shipped (no upload, no override): only such fits are kept on disk."""
    s = settings()
    source = s.source if s.source in ("aa", "epoch") else "aa"
    return ds.content_hash == embedded(source, s.include_estimated, s.corrections).content_hash


def titles(ds: Dataset) -> dict[str, str]:
    return dict(zip(ds.benchmarks["benchmark"], ds.benchmarks["display_name"], strict=False))


@st.cache_data(max_entries=16, show_spinner=False)
def group_labels_cached(data_hash: str, follower: str, leader: str, open_definition: str, _ds: Dataset):
    return group_labels(_ds.scores, follower, leader, open_definition)


def current_groups(ds: Dataset) -> pd.Series | None:
    """Engine labels of the shared follower/leader setting (None = open vs closed), cached per data set."""
    s = settings()
    return group_labels_cached(ds.content_hash, s.follower, s.leader, s.open_definition, ds)[0]


@st.cache_data(max_entries=32, show_spinner="Computing lags…")
def _monthly_lags(data_hash: str, names: tuple[str, ...] | None, open_definition: str, tolerance: float, who: tuple[str, str],
                  _ds: Dataset):
    groups = group_labels_cached(data_hash, *who, open_definition, _ds)[0]
    return lags_by_benchmark(_ds.scores, benchmarks=_ds.benchmarks, names=list(names) if names else None,
                             open_definition=open_definition, tolerance=tolerance, groups=groups)


def _who() -> tuple[str, str]:
    s = settings()
    return s.follower, s.leader


def monthly_lags(ds: Dataset, names: list[str] | None = None) -> pd.DataFrame:
    """Monthly lags of the named benchmarks (all by default) under the current settings, computed once per data set
    and choice (pages reuse each other's; a large upload pays for what is shown, once)."""
    s = settings()
    return _monthly_lags(ds.content_hash, tuple(names) if names else None, s.open_definition, float(s.tolerance),
                         _who(), ds)


@st.cache_data(max_entries=16, show_spinner="Computing event lags…")
def _event_lags(data_hash: str, open_definition: str, tolerance: float, who: tuple[str, str], _ds: Dataset):
    groups = group_labels_cached(data_hash, *who, open_definition, _ds)[0]
    return event_lags_by_benchmark(_ds.scores, benchmarks=_ds.benchmarks, open_definition=open_definition, tolerance=tolerance,
                                   groups=groups)[0]


@st.cache_data(max_entries=16, show_spinner="Computing lag observations…")
def _definition_lags(data_hash: str, lag_definition: str, open_definition: str, tolerance: float, who: tuple[str, str],
                     _ds: Dataset) -> pd.DataFrame:
    groups = group_labels_cached(data_hash, *who, open_definition, _ds)[0]
    table, _ = definition_lags_by_benchmark(  # a benchmark this definition cannot measure is left out
        _ds.scores, lag_definition, names=list(_ds.benchmarks["benchmark"]), benchmarks=_ds.benchmarks,
        open_definition=open_definition, tolerance=tolerance if lag_definition == "backward" else 0.0, groups=groups)
    return table.assign(lag_definition=lag_definition, groups=f"{who[0]} vs {who[1]}")


def definition_lags_all(ds: Dataset) -> pd.DataFrame:
    """Lag observations of every benchmark under the shared lag definition and groups (cached like the others)."""
    s = settings()
    return _definition_lags(ds.content_hash, s.lag_definition, s.open_definition, float(s.tolerance),
                            _who(), ds)


def event_lags_all(ds: Dataset) -> pd.DataFrame:
    """Event lags of every benchmark under the current settings, cached like :func:`monthly_lags`."""
    s = settings()
    return _event_lags(ds.content_hash, s.open_definition, float(s.tolerance), _who(), ds)


@st.cache_data(max_entries=64, show_spinner=False)
def _lag_intervals(data_hash: str, benchmark: str, open_definition: str, grid: str, who: tuple[str, str], _ds: Dataset):
    from model.lags.uncertainty import lag_intervals

    groups = group_labels_cached(data_hash, *who, open_definition, _ds)[0]
    return lag_intervals(_ds.scores, benchmark, benchmarks=_ds.benchmarks, open_definition=open_definition, grid=grid,
                         groups=groups)


@st.cache_data(max_entries=32, show_spinner=False)
def _mean_lag_intervals(data_hash: str, names: tuple[str, ...], open_definition: str, min_benchmarks: int,
                        who: tuple[str, str], _ds: Dataset):
    from model.lags.uncertainty import mean_lag_intervals

    groups = group_labels_cached(data_hash, *who, open_definition, _ds)[0]
    return mean_lag_intervals(_ds.scores, list(names), benchmarks=_ds.benchmarks, open_definition=open_definition,
                              min_benchmarks=min_benchmarks, groups=groups)


def mean_lag_intervals_for(ds: Dataset, names: list[str], min_benchmarks: int) -> pd.DataFrame:
    """The across-benchmark mean lag's 90% interval from score uncertainty (cached per data set and choice)."""
    return _mean_lag_intervals(ds.content_hash, tuple(names), settings().open_definition, min_benchmarks, _who(), ds)


def lag_intervals_for(ds: Dataset, benchmark: str, grid: str = "monthly") -> pd.DataFrame:
    """The lag's 90% interval from score uncertainty on the grid (cached per data set and choice)."""
    return _lag_intervals(ds.content_hash, benchmark, settings().open_definition, grid, _who(), ds)


@st.cache_resource(max_entries=32, show_spinner=False)
def _shared_figure(name: str, args: tuple, kwargs: dict, _build):
    return _build(*args, **kwargs)


def shared_figure(build, *args, **kwargs):
    """``build(*args, **kwargs)``, built once for every session that asks with equal arguments (the data frames hashed
    by content). For figures that depend on their arguments only, such as the data views: building a Plotly figure
    is most of such a page's server time, and Streamlit draws from a copy, so one figure serves all."""
    return _shared_figure(f"{build.__module__}.{build.__qualname__}", args, kwargs, build)
