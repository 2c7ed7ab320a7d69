"""The fit worker processes behind the fit queue (:mod:`model.serving.fit_queue`): how many, how each starts and runs
a job, how one is killed, and the watched wait that tells a stopped worker from a slow one.

A worker is a one-process ``ProcessPoolExecutor`` started by spawn (the server has threads, and a forked copy of them
can deadlock), at lower priority; it keeps compiled models and loaded embedded data warm between jobs.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import time
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout

#: Niceness added to the worker processes: the server's own page work comes first.
WORKER_NICE = 5
#: Seconds a worker may stay stopped (process state T) before it is replaced, and how often the watchdog looks.
STOPPED_GRACE, WATCH_EVERY = 3.0, 0.5


class StoppedWorker(Exception):
    """The worker process running a job is stopped (the watchdog replaces it)."""


def workers_from_env(default: int = 1) -> int:
    """How many fit worker processes: FRONTIER_LAG_FIT_WORKERS (0 = fit inside the server, as the tests do)."""
    text = os.environ.get("FRONTIER_LAG_FIT_WORKERS", "").strip()
    return max(0, int(text)) if text.lstrip("-").isdigit() else default


def _worker_init() -> None:
    try:
        os.nice(WORKER_NICE)
    except OSError:  # not permitted: run at the same priority
        pass


_EMBEDDED: dict[tuple, object] = {}


def run_job(data, settings_json: str, persist: bool):
    """In a worker: the one fit path (through the result store), on embedded data named by ``data`` or an uploaded
    data set sent whole."""
    from model.analysis import FitSettings
    from model.data.embedded import load_embedded
    from model.serving.stored_results import run_analysis_stored

    if isinstance(data, tuple):  # ("embedded", source, include_estimated, corrections)
        if data not in _EMBEDDED:
            _EMBEDDED[data] = load_embedded(data[1], include_estimated=data[2], corrections=data[3])
        data = _EMBEDDED[data]
    return run_analysis_stored(data, FitSettings.from_json(settings_json), persist=persist)


def new_worker_pool() -> ProcessPoolExecutor:
    """One fresh worker process (spawned, niced)."""
    return ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"), initializer=_worker_init)


def _processes(pool: ProcessPoolExecutor) -> list:
    return list(getattr(pool, "_processes", {}).values())  # the executor has no public handle on its processes


def kill_workers(pool: ProcessPoolExecutor) -> None:
    """Kill the pool's worker process (stopped, or too slow to trust) and shut the pool down."""
    for process in _processes(pool):
        with contextlib.suppress(OSError, AttributeError):
            process.kill()
    pool.shutdown(wait=False, cancel_futures=True)


def worker_stopped(pool: ProcessPoolExecutor) -> bool:
    """Is the pool's worker process stopped (Linux process state T or t)? False where /proc cannot say."""
    for process in _processes(pool):
        with contextlib.suppress(OSError, ValueError, IndexError):
            with open(f"/proc/{process.pid}/stat") as f:
                if f.read().rsplit(")", 1)[1].split()[0] in ("T", "t"):
                    return True
    return False


def wait_watched(pool: ProcessPoolExecutor, future: Future, patience: float):
    """The job's result; FutureTimeout after ``patience`` seconds, or StoppedWorker once the pool's worker has been
    stopped for :data:`STOPPED_GRACE` seconds (checked every :data:`WATCH_EVERY`)."""
    ends = time.monotonic() + patience
    stopped_since = None
    while True:
        try:
            return future.result(timeout=max(0.0, min(WATCH_EVERY, ends - time.monotonic())))
        except FutureTimeout:
            now = time.monotonic()
            if now >= ends:
                raise
            if not worker_stopped(pool):
                stopped_since = None
            elif stopped_since is None:
                stopped_since = now
            elif now - stopped_since >= STOPPED_GRACE:
                raise StoppedWorker from None
