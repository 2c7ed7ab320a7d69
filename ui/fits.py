"""Fit orchestration: the fit path cached per server and on disk, the worker pool for the slow fits, the session's
record of every fit, the warm-up."""

from __future__ import annotations

import re
import uuid

import streamlit as st

from model.core.errors import DataError
from model.core.text import plain
from model.data.dataset import Dataset
from ui.data import is_embedded, titles
from ui.state import Key, settings


@st.cache_resource(max_entries=64, show_spinner=False)
def cached_analysis(data_hash: str, cache_key: str, _settings, _ds: Dataset):
    """The fit path, cached per data hash and the settings that matter (failures raise, so they are never cached):
    in memory for this server, and on disk for the embedded data (:mod:`model.serving.stored_results`), so a fit made once is
    reused across sessions and restarts."""
    from model.serving.stored_results import run_analysis_stored

    return run_analysis_stored(_ds, _settings, persist=is_embedded(_ds))


def fit_key(ds: Dataset, fit_settings) -> str:
    """What identifies a fit's result: the data and the settings that change it."""
    return f"{ds.content_hash}:{fit_settings.cache_key()}"


def needs_worker(fit_settings) -> bool:
    """Fits that take seconds (the pooled model: a second or two compile-free, longer where NUTS takes over; an explicit
    NUTS engine; the stacked refits) run in the worker pool, so they never hold the server; the per-benchmark fast
    engine's fits (a tenth of a second) run in place."""
    return fit_settings.pooling == "partial" or fit_settings.engine == "nuts" or fit_settings.choice.slow


@st.cache_resource(show_spinner=False)
def fit_queue():
    """The server's fit worker pool (model.serving.fit_queue), or None when FRONTIER_LAG_FIT_WORKERS=0; its workers
    share the host's fit slots with every other app process using the same cache folder."""
    from model.core.paths import cache_dir
    from model.serving.fit_queue import FitQueue
    from model.serving.fit_workers import workers_from_env
    from model.serving.host_slots import HostSlots, slots_from_env

    workers = workers_from_env()
    return FitQueue(workers, host_slots=HostSlots(cache_dir("fit-slots"), slots_from_env())) if workers else None


@st.cache_resource(show_spinner=False)
def _worker_results() -> dict:
    """Results the workers returned, by data hash and settings (the in-memory cache of the worker path)."""
    return {}


def fit_in_worker(ds: Dataset, fit_settings, status, label: str):
    """Fit through the worker pool, showing the queue position; a session that moves on leaves its place."""
    import concurrent.futures
    import os

    from model.serving.fit_queue import reader_address
    from model.serving.stored_results import load_result

    memo, key = _worker_results(), fit_key(ds, fit_settings)
    if key in memo:
        return memo[key]
    persist = is_embedded(ds)
    stored = load_result(ds.content_hash, fit_settings) if persist else None
    if stored is not None:
        memo[key] = stored
        return stored
    s = settings()
    data = ("embedded", s.source, s.include_estimated, s.corrections) if persist else ds
    session = st.session_state.setdefault(Key.SESSION_ID, uuid.uuid4().hex)
    queue = fit_queue()
    # QueueBusy (a DataError) when this visitor's address or the whole queue has too many fits waiting
    client = reader_address(st.context.ip_address, st.context.headers.get("X-Forwarded-For"),
                            os.environ.get("FRONTIER_LAG_TRUSTED_PROXIES"))
    job = queue.submit(session, key, data, fit_settings.to_json(), persist=persist, client=client,
                       limit=fit_settings.max_seconds)
    try:
        while not job.future.done():
            status.update(label=f"{queue.status(job).describe()} · {plain(label)}")
            concurrent.futures.wait([job.future], timeout=0.3)
    except BaseException:  # the page reran or the visitor left: give up this place in the queue
        queue.leave(session, job)
        raise
    try:
        if job.future.cancelled():
            raise DataError("This fit was dropped from the queue (a newer request replaced it).")
        result = job.future.result()  # a DataError from the worker becomes the usual one-line message
    finally:
        queue.forget(key)  # collected, failed or not: the queue keeps no record of it
    if len(memo) >= 64:
        memo.pop(next(iter(memo)))
    memo[key] = result
    return result


def run_fit(ds: Dataset, fit_settings, label: str):
    """Run (or fetch) a fit with visible progress; keep the last good result on failure.

    Returns the result, or the previous good one (with an error shown) when the fit fails.
    """
    key = Key.scoped("result", label)
    with st.status(f"Fitting {plain(label)}…", expanded=False) as status:
        try:
            if fit_queue() is not None and needs_worker(fit_settings):
                result = fit_in_worker(ds, fit_settings, status, label)
            else:
                result = cached_analysis(ds.content_hash, fit_settings.cache_key(), fit_settings, ds)
            status.update(label=f"Fitted {plain(label)}", state="complete")
        except DataError as exc:  # the queue's "next in the queue" label is replaced, never left standing
            status.update(label=f"Could not fit {plain(label)}", state="error")
            failure = str(exc)
        else:
            failure = None
    if failure is not None:
        previous = st.session_state.get(key)
        st.error(failure_message(failure, names=titles(ds), kept=previous is not None))
        return previous
    st.session_state[key] = result
    record_fit(ds, fit_settings, label, result)
    return result


#: The hint a failed fit gets when its own message suggests nothing.
FIT_HINT = "Try an earlier start date, another benchmark, or the monthly observations."


def failure_message(message: str, *, names: dict[str, str], kept: bool) -> str:
    """One failure display (markdown-safe): the message as plain text with display names for benchmark ids, one hint
    (the message's own, or :data:`FIT_HINT`), and "the previous result is kept" only when one is on screen."""
    for name in sorted(names, key=len, reverse=True):  # longest first: an index version's id contains the index's
        if name in message and names[name] != name:  # whole ids only ("hle" is not replaced inside "while")
            message = re.sub(rf"(?<![\w-]){re.escape(name)}(?![\w-])", lambda _, shown=names[name]: shown, message)
    has_hint = any(w in message.lower() for w in ("choose", "try ", "use ", "give ", "hint"))
    return " ".join(filter(None, [f"Could not fit: {plain(message)}", None if has_hint else FIT_HINT,
                                  "The previous result is kept." if kept else None]))


def record_fit(ds: Dataset, fit_settings, label: str, result) -> None:
    """Keep every distinct fit of the session for the downloads: one entry per data and settings (a fit that two pages
    ran is one entry, with both pages' labels), stamped when it was first made; ``results`` holds the latest fit of
    each label for the pages that quote one."""
    import datetime as dt

    fits = st.session_state.setdefault(Key.SESSION_FITS, {})
    entry = fits.setdefault(fit_key(ds, fit_settings),
                            {"labels": [], "result": result,
                             "fitted_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")})
    if label not in entry["labels"]:
        entry["labels"].append(label)
    st.session_state.setdefault(Key.RESULTS, {})[label] = result


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

    return subprocess.Popen([sys.executable, "-m", "model.serving.warmup"], cwd=DATA_DIR.parent, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, preexec_fn=lambda: os.nice(19))
