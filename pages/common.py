"""Shared UI glue for the pages: the current dataset and settings in session state.

No statistics here: loading, lags and charts live in ``model/``.
"""

from __future__ import annotations

import contextlib
import logging
import uuid

import numpy as np
import pandas as pd
import streamlit as st

from model.bayes.crossing import MCSE_MONTHS_OK
from model.core.errors import DataError
from model.data.dataset import Dataset
from model.data.embedded import load_embedded
from model.data.openness import OPEN_DEFINITIONS, apply_overrides
from model.lags.across import event_lags_by_benchmark, lags_by_benchmark
from model.lags.definitions import DEFINITIONS, lags_by_definition
from model.lags.groups import PRESETS, group_labels
from model.presentation.text import plain


def route_deep_links_through_entry_point(*, entry_point: bool = False) -> None:
    """Serve every page through streamlit_app.py's ``st.navigation``, deep links on a fresh server included.

    The design card fixes a top-level ``pages/`` folder, so Streamlit's legacy folder routing is on until
    the entry point's ``st.navigation`` first runs: a deep link (/trend_fit) to a fresh server would run
    pages/trend_fit.py directly, with no layout and no navigation. This switches that routing off and
    reruns, so the entry point serves the page, inside its guard (:func:`guard_page`). The entry point calls it
    first, and every page calls it before anything else, because on that first deep link the entry point has not
    run. ``tests/test_browser.py`` opens a deep link on a fresh server to prove it."""
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        # Rerun only from a page run directly, before this session has been through the entry point: a rerun drops
        # a button's click, and a test harness (AppTest) turns the legacy routing back on before every run of a
        # session. The entry point itself is already where the rerun would go (a fresh server's first visit saves
        # a whole run).
        if not entry_point and not st.session_state.get(ENTRY_POINT_SEEN):
            st.rerun()


log = logging.getLogger("frontier_lag.pages")


#: Session-state flag: this session has run a page through the entry point (and its guard).
ENTRY_POINT_SEEN = "entry_point_seen"


@contextlib.contextmanager
def guard_page():
    """The one top-level guard every page runs in (streamlit_app.py): an unexpected exception becomes a short
    error with a reference id on the page, and its full traceback goes to the server log only. Session state
    is left as it was, so the user's data and settings survive. Streamlit's own stop and rerun pass through."""
    st.session_state[ENTRY_POINT_SEEN] = True
    try:
        yield
    except Exception:
        ref = uuid.uuid4().hex[:8]
        log.exception("unexpected error on a page (reference %s)", ref)
        st.error(f"Something went wrong on this page (reference {ref}). It has been logged; your data and settings "
                 "are kept. Try another choice, or open the page again.")

DEFAULT_SETTINGS = {
    "source": "aa",
    "open_definition": "any",
    "include_estimated": True,
    "corrections": True,
    "tolerance": 0.0,
    "benchmark": "intelligence_index_2026_10_10",
    "lag_definition": "backward",
    "follower": "open",
    "leader": "closed",
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
        from model.presentation.links import is_shared_link

        if is_shared_link({k: st.query_params[k] for k in st.query_params}):
            from model.analysis import FitSettings

            # A shared link may open on any page: apply it to the Trend fit settings right away.
            apply_query_params(st.session_state.setdefault("fit_form", FitSettings().model_dump()))
            show_link_notices()
    shared = st.session_state["settings"]
    for key, value in DEFAULT_SETTINGS.items():  # a session (or test) from before a setting existed gets its default
        shared.setdefault(key, value)
    return shared


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


DEFINITION_HELP = ("backward: months since the closed frontier first reached each new open best (default). catch_up: "
                   "months until an open model matched each closed record (Epoch 2024). threshold: first open minus first "
                   "closed crossing of score thresholds (Ihle). level_average: the gap averaged over score levels both "
                   "frontiers passed through since the window start (Epoch 2025). not_significantly_behind: months since the "
                   "closed frontier first became significantly better than each new open best, given the scores' standard "
                   "errors (Epoch 2026; needs scores with errors). See docs/methods.md.")


GROUP_CHOICES = [*PRESETS, "custom"]


def group_picker(ds: Dataset, container=st) -> tuple[str, str]:
    """Who trails whom: a preset or two custom filters, one setting shared by every page. A filter that selects no
    model, names an unknown country or lab, or cannot be read is one line, and the last good groups stay."""
    s = settings()
    current = next((k for k, (f, lead, _) in PRESETS.items() if (f, lead) == (s["follower"], s["leader"])), "custom")
    choice = container.selectbox("Who trails whom", GROUP_CHOICES, index=GROUP_CHOICES.index(current),
                                 format_func=lambda k: PRESETS[k][2] if k in PRESETS else "custom: two filters",
                                 help="The follower group's lag behind the leader group. Filters: open, closed, all, "
                                      "country=CN, creator=OpenAI (!= excludes), joined by &.")
    follower, leader = (PRESETS[choice][0], PRESETS[choice][1]) if choice in PRESETS else (s["follower"], s["leader"])
    if choice == "custom":
        c1, c2 = container.columns(2)
        follower = c1.text_input("Follower filter", value=follower, max_chars=200)
        leader = c2.text_input("Leader filter", value=leader, max_chars=200)
    try:
        _, notes = _group_labels(ds.content_hash, follower, leader, s["open_definition"], ds)
    except DataError as exc:
        try:  # keep the last good groups; a link's groups that never worked fall back to open vs closed
            _group_labels(ds.content_hash, s["follower"], s["leader"], s["open_definition"], ds)
        except DataError:
            s["follower"], s["leader"] = DEFAULT_SETTINGS["follower"], DEFAULT_SETTINGS["leader"]
        container.error(f"{plain(exc)} Using {plain(s['follower'])} vs {plain(s['leader'])}.")
        return s["follower"], s["leader"]
    for note in notes:
        container.info(plain(note))
    s["follower"], s["leader"] = follower, leader
    return follower, leader


def lag_definition_picker(container=st) -> str:
    """The lag definition, one setting shared by every page."""
    s = settings()
    current = s.get("lag_definition", "backward")
    choice = container.selectbox("Lag definition", DEFINITIONS, index=DEFINITIONS.index(current), help=DEFINITION_HELP)
    s["lag_definition"] = choice
    return choice


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
    if s.get(key) not in names and s.get(key) == st.session_state.pop("link_benchmark", None):
        st.warning(plain(f"Benchmark {str(s.get(key))[:40]!r} is not in this data set; showing {current} instead."))
    choice = st.selectbox(label, names, index=names.index(current), format_func=lambda b: f"{titles.get(b, b)}  ·  {b}")
    s[key] = choice
    return choice


def footer(ds: Dataset) -> None:
    st.caption(f"{plain(ds.label)} · snapshot {ds.snapshot_date} · {ATTRIBUTION}")
    start_warmup()  # after the page has rendered: compile models in the background for the first fit


def titles(ds: Dataset) -> dict[str, str]:
    return dict(zip(ds.benchmarks["benchmark"], ds.benchmarks["display_name"], strict=False))


def people_table(frame: pd.DataFrame, ds: Dataset | None = None, **kw) -> None:
    """A table with plain headers, units, display names and 2-3 significant figures; each header's help names its
    meaning and raw column (model.presentation.tables)."""
    from model.presentation.tables import table_for_people

    shown, help_text = table_for_people(frame, names=titles(ds) if ds is not None else None)
    st.dataframe(shown, hide_index=True, width="stretch",
                 column_config={h: st.column_config.Column(h, help=text) for h, text in help_text.items()}, **kw)


def class_comparison_section(ds: Dataset, fit_settings) -> None:
    """Public vs private test sets (model.robustness.classes): a pooled fit per class on a button press, then both
    lags, their ratio and each fit's verdict. ``fit_settings`` give the window, observations, groups and sampler."""
    st.caption("Ihle reports a longer lag on private (contamination-resistant) benchmarks than on public ones. Each "
               "class of the catalogue (the test set's status, with its source, on the Data page) gets its own pooled "
               "fit with these settings' window, observations and groups; the Epoch source has classified benchmarks "
               "of both kinds.")
    key = f"classes:{ds.content_hash}:{fit_settings.model_copy(update={'benchmarks': ['all']}).cache_key()}"
    if st.button("Fit each class (two pooled fits)", key=f"classes_button_{key[-12:]}"):
        from model.robustness.classes import compare_classes

        with st.status("Fitting the public and the private class…") as status:
            try:
                st.session_state[key] = compare_classes(ds, fit_settings)
                status.update(label="Both classes fitted", state="complete")
            except DataError as exc:
                status.update(label="Could not fit the classes", state="error")
                st.error(plain(exc))
    comparison = st.session_state.get(key)
    if comparison is not None:
        st.markdown(plain(comparison.sentence()))
        people_table(comparison.table.drop(columns=["benchmark_ids"]).rename(columns={"class": "test set"}))
        if comparison.notes:
            with st.expander(f"Notes on the two fits ({len(comparison.notes)}: benchmarks left out, caveats)"):
                for note in comparison.notes:
                    st.caption(plain(note))


def follow_address(params: dict[str, str]) -> str:
    """Keep the address bar equal to a link to what the page shows (only ``params``); returns the full link (the
    app's address when the browser gave it, else the query alone)."""
    from urllib.parse import urlencode

    if {k: st.query_params.get(k) for k in params} != params or set(st.query_params) - set(params):
        st.query_params.from_dict(params)
    return f"{st.context.url or ''}?{urlencode(params, safe=',')}"  # commas stay readable


def share_link(params: dict[str, str], what: str = "this fit", *, expanded: bool = False) -> None:
    """The address follows the settings; a copyable link to them (the copy icon is at the right of the box)."""
    link = follow_address(params)
    with st.expander(f"Share {what}", expanded=expanded, icon=":material/link:"):
        st.code(link, language=None, wrap_lines=True)
        st.caption("The copy button is at the right of the box (or copy the address bar). The link opens this page "
                   "with these settings, fitted; every value is checked again when it is opened.")


def empty_overrides() -> pd.DataFrame:
    return pd.DataFrame({"model_id": pd.Series(dtype="string"), "open_weights": pd.Series(dtype="bool"),
                         "note": pd.Series(dtype="string")})


# --------------------------------------------------------------------------- fits


@st.cache_data(max_entries=16, show_spinner=False)
def _group_labels(data_hash: str, follower: str, leader: str, definition: str, _ds: Dataset):
    return group_labels(_ds.scores, follower, leader, definition)


def current_groups(ds: Dataset) -> pd.Series | None:
    """Engine labels of the shared follower/leader setting (None = open vs closed), cached per data set."""
    s = settings()
    return _group_labels(ds.content_hash, s["follower"], s["leader"], s["open_definition"], ds)[0]


@st.cache_data(max_entries=32, show_spinner="Computing lags…")
def _monthly_lags(data_hash: str, names: tuple[str, ...] | None, definition: str, tolerance: float, who: tuple[str, str],
                  _ds: Dataset):
    groups = _group_labels(data_hash, *who, definition, _ds)[0]
    return lags_by_benchmark(_ds.scores, benchmarks=_ds.benchmarks, names=list(names) if names else None,
                             definition=definition, tolerance=tolerance, groups=groups)


def _who() -> tuple[str, str]:
    s = settings()
    return s["follower"], s["leader"]


def monthly_lags(ds: Dataset, names: list[str] | None = None) -> pd.DataFrame:
    """Monthly lags of the named benchmarks (all by default) under the current settings, computed once per data set
    and choice (pages reuse each other's; a large upload pays for what is shown, once)."""
    s = settings()
    return _monthly_lags(ds.content_hash, tuple(names) if names else None, s["open_definition"], float(s["tolerance"]),
                         _who(), ds)


@st.cache_data(max_entries=16, show_spinner="Computing event lags…")
def _event_lags(data_hash: str, definition: str, tolerance: float, who: tuple[str, str], _ds: Dataset):
    groups = _group_labels(data_hash, *who, definition, _ds)[0]
    return event_lags_by_benchmark(_ds.scores, benchmarks=_ds.benchmarks, definition=definition, tolerance=tolerance,
                                   groups=groups)[0]


@st.cache_data(max_entries=16, show_spinner="Computing lag observations…")
def _definition_lags(data_hash: str, lag_definition: str, definition: str, tolerance: float, who: tuple[str, str],
                     _ds: Dataset) -> pd.DataFrame:
    groups = _group_labels(data_hash, *who, definition, _ds)[0]
    parts = []
    for name in _ds.benchmarks["benchmark"]:
        try:
            parts.append(lags_by_definition(_ds.scores, name, lag_definition, benchmarks=_ds.benchmarks,
                                            open_definition=definition, tolerance=tolerance if lag_definition == "backward"
                                            else 0.0, groups=groups).assign(benchmark=name))
        except DataError:  # a benchmark this definition cannot measure (e.g. no standard errors) is left out
            continue
    table = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=["benchmark"])
    return table.assign(lag_definition=lag_definition, groups=f"{who[0]} vs {who[1]}")


def definition_lags_all(ds: Dataset) -> pd.DataFrame:
    """Lag observations of every benchmark under the shared lag definition and groups (cached like the others)."""
    s = settings()
    return _definition_lags(ds.content_hash, s.get("lag_definition", "backward"), s["open_definition"], float(s["tolerance"]),
                            _who(), ds)


def event_lags_all(ds: Dataset) -> pd.DataFrame:
    """Event lags of every benchmark under the current settings, cached like :func:`monthly_lags`."""
    s = settings()
    return _event_lags(ds.content_hash, s["open_definition"], float(s["tolerance"]), _who(), ds)


@st.cache_data(max_entries=64, show_spinner=False)
def _lag_intervals(data_hash: str, benchmark: str, definition: str, grid: str, who: tuple[str, str], _ds: Dataset):
    from model.lags.uncertainty import lag_intervals

    groups = _group_labels(data_hash, *who, definition, _ds)[0]
    return lag_intervals(_ds.scores, benchmark, benchmarks=_ds.benchmarks, definition=definition, grid=grid,
                         groups=groups)


@st.cache_data(max_entries=32, show_spinner=False)
def _mean_lag_intervals(data_hash: str, names: tuple[str, ...], definition: str, min_benchmarks: int,
                        who: tuple[str, str], _ds: Dataset):
    from model.lags.uncertainty import mean_lag_intervals

    groups = _group_labels(data_hash, *who, definition, _ds)[0]
    return mean_lag_intervals(_ds.scores, list(names), benchmarks=_ds.benchmarks, definition=definition,
                              min_benchmarks=min_benchmarks, groups=groups)


def mean_lag_intervals_for(ds: Dataset, names: list[str], min_benchmarks: int) -> pd.DataFrame:
    """The across-benchmark mean lag's 90% interval from score uncertainty (cached per data set and choice)."""
    return _mean_lag_intervals(ds.content_hash, tuple(names), settings()["open_definition"], min_benchmarks, _who(), ds)


def lag_intervals_for(ds: Dataset, benchmark: str, grid: str = "monthly") -> pd.DataFrame:
    """The lag's 90% interval from score uncertainty on the grid (cached per data set and choice)."""
    return _lag_intervals(ds.content_hash, benchmark, settings()["open_definition"], grid, _who(), ds)


@st.cache_resource(max_entries=32, show_spinner=False)
def _shared_figure(name: str, args: tuple, kwargs: dict, _build):
    return _build(*args, **kwargs)


def shared_figure(build, *args, **kwargs):
    """``build(*args, **kwargs)``, built once for every session that asks with equal arguments (the data frames hashed
    by content). For figures that depend on their arguments only, such as the data views: building a Plotly figure
    is most of such a page's server time, and Streamlit draws from a copy, so one figure serves all."""
    return _shared_figure(f"{build.__module__}.{build.__qualname__}", args, kwargs, build)


@st.cache_resource(max_entries=64, show_spinner=False)
def cached_analysis(data_hash: str, cache_key: str, _settings, _ds: Dataset):
    """The fit path, cached per data hash and the settings that matter (failures raise, so they are never cached):
    in memory for this server, and on disk for the embedded data (:mod:`model.presentation.stored_results`), so a fit made once is
    reused across sessions and restarts."""
    from model.presentation.stored_results import run_analysis_stored

    return run_analysis_stored(_ds, _settings, persist=is_embedded(_ds))


def fit_key(ds: Dataset, fit_settings) -> str:
    """What identifies a fit's result: the data and the settings that change it."""
    return f"{ds.content_hash}:{fit_settings.cache_key()}"


def needs_worker(fit_settings) -> bool:
    """Fits that sample for seconds (NUTS: the pooled model, an explicit NUTS engine; the stacked refits) run in the
    worker pool, so they never hold the server; the fast engine's fits (a tenth of a second) run in place."""
    return fit_settings.pooling == "partial" or fit_settings.engine == "nuts" or fit_settings.model == "stacked"


@st.cache_resource(show_spinner=False)
def fit_queue():
    """The server's fit worker pool (model.presentation.fit_queue), or None when FRONTIER_LAG_FIT_WORKERS=0."""
    from model.presentation.fit_queue import FitQueue, workers_from_env

    workers = workers_from_env()
    return FitQueue(workers) if workers else None


@st.cache_resource(show_spinner=False)
def _worker_results() -> dict:
    """Results the workers returned, by data hash and settings (the in-memory cache of the worker path)."""
    return {}


def fit_in_worker(ds: Dataset, fit_settings, status, label: str):
    """Fit through the worker pool, showing the queue position; a session that moves on leaves its place."""
    import concurrent.futures

    from model.presentation.stored_results import load_result

    memo, key = _worker_results(), fit_key(ds, fit_settings)
    if key in memo:
        return memo[key]
    persist = is_embedded(ds)
    stored = load_result(ds.content_hash, fit_settings) if persist else None
    if stored is not None:
        memo[key] = stored
        return stored
    s = settings()
    data = ("embedded", s["source"], s["include_estimated"], s["corrections"]) if persist else ds
    session = st.session_state.setdefault("session_id", uuid.uuid4().hex)
    queue = fit_queue()
    job = queue.submit(session, key, data, fit_settings.to_json(), persist=persist)
    try:
        while not job.future.done():
            status.update(label=f"{queue.status(job).describe()} · {plain(label)}")
            concurrent.futures.wait([job.future], timeout=0.3)
    except BaseException:  # the page reran or the visitor left: give up this place in the queue
        queue.leave(session, job)
        raise
    if job.future.cancelled():
        raise DataError("This fit was dropped from the queue (a newer request replaced it).")
    result = job.future.result()  # a DataError from the worker becomes the usual one-line message
    if len(memo) >= 64:
        memo.pop(next(iter(memo)))
    memo[key] = result
    queue.forget(key)
    return result


def is_embedded(ds: Dataset) -> bool:
    """True when ``ds`` is the embedded data as shipped (no upload, no override): only such fits are kept on disk."""
    s = settings()
    source = s["source"] if s["source"] in ("aa", "epoch") else "aa"
    return ds.content_hash == embedded(source, s["include_estimated"], s["corrections"]).content_hash


def run_fit(ds: Dataset, fit_settings, label: str):
    """Run (or fetch) a fit with visible progress; keep the last good result on failure.

    Returns the result, or the previous good one (with an error shown) when the fit fails.
    """
    key = f"result:{label}"
    try:
        with st.status(f"Fitting {plain(label)}…", expanded=False) as status:
            if fit_queue() is not None and needs_worker(fit_settings):
                result = fit_in_worker(ds, fit_settings, status, label)
            else:
                result = cached_analysis(ds.content_hash, fit_settings.cache_key(), fit_settings, ds)
            status.update(label=f"Fitted {plain(label)}", state="complete")
    except DataError as exc:
        st.error(f"Could not fit: {plain(exc)} Hint: choose an earlier start date, another benchmark, or the monthly "
                 "observations. The previous result is kept.")
        return st.session_state.get(key)
    st.session_state[key] = result
    record_fit(ds, fit_settings, label, result)
    return result


def record_fit(ds: Dataset, fit_settings, label: str, result) -> None:
    """Keep every distinct fit of the session for the downloads: one entry per data and settings (a fit that two pages
    ran is one entry, with both pages' labels), stamped when it was first made; ``results`` holds the latest fit of
    each label for the pages that quote one."""
    import datetime as dt

    fits = st.session_state.setdefault("session_fits", {})
    entry = fits.setdefault(fit_key(ds, fit_settings),
                            {"labels": [], "result": result,
                             "fitted_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")})
    if label not in entry["labels"]:
        entry["labels"].append(label)
    st.session_state.setdefault("results", {})[label] = result


def diagnostics_panel(row) -> None:
    """The engine's own diagnostics (NUTS: R-hat, ESS, divergences; importance sampling: Pareto k and the weights'
    effective sample size), with the verdict as a coloured box."""
    engine = str(row.get("engine", "nuts"))
    c1, c2, c3, c4 = st.columns(4)
    if engine == "importance":
        c1.metric("engine", "importance")
        c2.metric("Pareto k", f"{row['pareto_k']:.2f}")
        c3.metric("effective draws", f"{row['ess_bulk_min']:.0f}")
        c4.metric("divergences", "n/a", help="Importance sampling has no Markov chain, so no divergences.")
        checks = "importance sampling: Pareto k ≤ 0.5, effective draws ≥ 400"
    else:
        rhat = float(row["rhat_max"])
        c1.metric("max R-hat", f"{rhat:.3f}" if np.isfinite(rhat) else "n/a (no chains)")
        c2.metric("min bulk ESS", f"{row['ess_bulk_min']:.0f}")
        c3.metric("min tail ESS", f"{row['ess_tail_min']:.0f}")
        c4.metric("divergences", int(row["divergences"]))
        checks = "R-hat ≤ 1.01, ESS ≥ 400, no divergences"
        if engine.startswith("nuts ("):
            st.caption("Sampled by NUTS: " + plain(engine[len("nuts ("):-1]) + ".")
        elif engine != "nuts":  # a stacked mixture: each member's engine
            st.caption("Engines: " + plain(engine) + ".")
    mcse = {k: row.get(f"crossing_{k}_mcse_months", np.nan) for k in ("lo90", "median", "hi90")}
    if any(np.isfinite(v) for v in mcse.values()):
        st.caption("Monte Carlo standard error of the crossing date (months): " + ", ".join(
            f"{label} ±{v:.1f}" for label, v in (("90% start", mcse["lo90"]), ("median", mcse["median"]),
                                                  ("90% end", mcse["hi90"])) if np.isfinite(v)) + ".")
        if max((v for v in mcse.values() if np.isfinite(v)), default=0) > MCSE_MONTHS_OK:
            st.info("An end of the crossing interval is uncertain by more than a month from sampling alone (heavy tails): "
                    "more draws (Sampler) narrow it; read that end as approximate.")
    verdict = str(row["verdict"])
    if verdict == "trustworthy":
        st.success(f"Sampler diagnostics: trustworthy ({checks}).")
    elif verdict.startswith("caution"):
        st.warning(f"Sampler diagnostics: {verdict}")
    else:
        st.error(f"Sampler diagnostics: {verdict}. Do not rely on this fit.")


def start_warmup() -> None:
    """Fit the default views into the disk store, once per server process, in a separate low-priority process (its own
    interpreter, so it never holds the server's GIL; nice 19, so visitors' work comes first).

    Set FRONTIER_LAG_NO_WARMUP=1 to skip (the tests do, to keep timings clean)."""
    import os

    if not os.environ.get("FRONTIER_LAG_NO_WARMUP"):
        _warmup_process()


@st.cache_resource(show_spinner=False)
def _warmup_process():
    import os
    import subprocess
    import sys

    from model.core.paths import DATA_DIR

    return subprocess.Popen([sys.executable, "-m", "model.presentation.warmup"], cwd=DATA_DIR.parent, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, preexec_fn=lambda: os.nice(19))


def apply_query_params(fit_form: dict) -> None:
    """Load settings from a shared link once per session (?benchmark=…&model=…&p_slope_mean=…).

    Every value is validated (model.presentation.links); invalid ones are dropped with a notice shown by
    :func:`show_link_notices`, so nothing invalid stays in the session. A Compare link's benchmarks go to Compare's
    choice; a Pooled link (pooling=partial) is kept for the Pooled page, which validates it against its own defaults."""
    from model.analysis import FitSettings
    from model.presentation.links import is_shared_link, link_horizon, settings_from_link

    qp = st.query_params
    params = {k: qp[k] for k in qp}
    if st.session_state.get("query_applied") or not is_shared_link(params):
        return
    st.session_state["query_applied"] = True
    shared = st.session_state.setdefault("settings", dict(DEFAULT_SETTINGS))
    if "benchmark" in params:
        shared["benchmark"] = str(params["benchmark"])
        st.session_state["link_benchmark"] = str(params["benchmark"])
    horizon, notice = link_horizon(params)
    notices = [notice] if notice else []
    if horizon:
        st.session_state["trend_horizon"] = horizon
    if params.get("pooling") == "partial":
        st.session_state["pooled_link"] = params  # applied by the Pooled page on top of its defaults
        st.session_state["link_notices"] = notices
        return
    validated, more = settings_from_link(params, FitSettings.model_validate(fit_form))  # horizon: read above
    if "benchmarks" in params:
        st.session_state["compare_chosen"] = validated.benchmarks
    shared["lag_definition"] = validated.lag_definition
    shared["follower"], shared["leader"] = validated.follower, validated.leader  # checked against the data on use
    fit_form.clear()
    fit_form.update(validated.model_dump())
    st.session_state["link_notices"] = notices + more


def known_benchmarks(ds: Dataset, names: list[str]) -> list[str]:
    """``names`` that this data set has; the others are dropped with one warning naming them (they may come from a
    link)."""
    have = set(ds.benchmarks["benchmark"])
    unknown = [n for n in names if n not in have]
    if unknown:
        st.warning(plain(f"Not in this data set, left out: {', '.join(str(n)[:40] for n in unknown[:5])}"
                         + (" …" if len(unknown) > 5 else "") + "."))
    return [n for n in names if n in have]


def show_link_notices() -> None:
    """Say once which values of a shared link were ignored (as plain text: they come from the address)."""
    for notice in st.session_state.pop("link_notices", []):
        st.warning(plain(notice))
