"""A small pool of fit worker processes with a queue, shared by every session of a server.

Why: a NUTS fit (the pooled model, ``--engine nuts``, a stacked fit's refits) holds the interpreter for seconds; run
inside the Streamlit server it starves every other session's page. Here such fits run in separate processes (their
own interpreters, at lower priority), one queue feeds them, and each session sees its place in the queue.

* **Shared work.** Two sessions asking for the same fit (same data and settings) wait on one job.
* **A cap per session.** A session has at most :data:`PER_SESSION` jobs waiting; asking for more drops its oldest
  waiting job (a user moving a slider wants the last setting, not every one on the way).
* **Leaving cancels.** :meth:`FitQueue.leave` detaches a session from a job; a waiting job nobody waits for any more is
  dropped before it starts (a running one finishes, and its result is kept for the next asker).
* **Warm workers.** A worker process lives as long as the server: its compiled models and loaded data stay warm.
  The embedded data is loaded in the worker by name; an upload is sent with the job.

No Streamlit here: the pages poll :meth:`FitQueue.status` and show it (``ui.fits.run_fit``).
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
import threading
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field

#: Most jobs one session may have waiting at once.
PER_SESSION = 1
#: Niceness added to the worker processes: the server's own page work comes first.
WORKER_NICE = 5


def workers_from_env(default: int = 1) -> int:
    """How many fit worker processes: FRONTIER_LAG_FIT_WORKERS (0 = fit inside the server, as the tests do)."""
    text = os.environ.get("FRONTIER_LAG_FIT_WORKERS", "")
    try:
        return max(0, int(text)) if text.strip() else default
    except ValueError:
        return default


def _worker_init() -> None:
    try:
        os.nice(WORKER_NICE)
    except OSError:  # not permitted: run at the same priority
        pass


_EMBEDDED: dict[tuple, object] = {}


def _run_job(data, settings_json: str, persist: bool):
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


@dataclass
class Job:
    """One fit: who waits for it, where it stands, and its future result."""

    key: str
    data: object
    settings_json: str
    persist: bool
    number: int
    sessions: set[str] = field(default_factory=set)
    future: Future = field(default_factory=Future)
    state: str = "waiting"  # waiting -> running -> done | failed | cancelled


@dataclass(frozen=True)
class JobStatus:
    """What a session sees: its job's state and, while it waits, how many jobs are ahead of it."""

    state: str
    ahead: int

    def describe(self) -> str:
        if self.state == "waiting":
            return (f"In the queue: {self.ahead} fit(s) ahead of yours" if self.ahead else "Next in the queue")
        return {"running": "Fitting in a worker process…", "done": "Fitted", "failed": "The fit failed",
                "cancelled": "Cancelled"}[self.state]


class FitQueue:
    """Jobs in arrival order, ``workers`` processes taking them one at a time each."""

    def __init__(self, workers: int = 1, *, start: bool = True):
        self.workers = max(1, workers)
        self._lock = threading.Lock()
        self._waiting: deque[Job] = deque()
        self._jobs: dict[str, Job] = {}
        self._numbers = itertools.count()
        self._wake = threading.Condition(self._lock)
        self._stopping = False
        self._pool = self._new_pool()
        self._threads = [threading.Thread(target=self._dispatch, daemon=True, name=f"fit-dispatch-{i}")
                         for i in range(self.workers)]
        if start:
            self.start()

    def start(self) -> None:
        """Begin taking jobs (a queue made with ``start=False`` holds them: the tests look at a full queue)."""
        for t in self._threads:
            if not t.is_alive():
                t.start()

    # ------------------------------------------------------------------ sessions
    def submit(self, session: str, key: str, data, settings_json: str, *, persist: bool) -> Job:
        """The job for ``key`` (joined if another session asked first), with ``session`` waiting for it."""
        with self._lock:
            job = self._jobs.get(key)
            if job is None or job.state in ("failed", "cancelled"):
                job = Job(key, data, settings_json, persist, next(self._numbers))
                self._jobs[key] = job
                self._waiting.append(job)
                self._wake.notify()
            job.sessions.add(session)
            mine = [j for j in self._waiting if session in j.sessions and j is not job]
            for old in mine[: max(0, len(mine) + 1 - PER_SESSION)]:
                self._detach(old, session)
            return job

    def leave(self, session: str, job: Job) -> None:
        """``session`` no longer waits for ``job`` (it moved on or left); a waiting job nobody wants is dropped."""
        with self._lock:
            self._detach(job, session)

    def status(self, job: Job) -> JobStatus:
        with self._lock:
            ahead = sum(1 for j in self._waiting if j.number < job.number) if job.state == "waiting" else 0
            return JobStatus(job.state, ahead)

    def waiting(self) -> int:
        with self._lock:
            return len(self._waiting)

    def forget(self, key: str) -> None:
        """Drop a finished job's record (the caller keeps its result)."""
        with self._lock:
            job = self._jobs.get(key)
            if job is not None and job.state in ("done", "failed", "cancelled"):
                del self._jobs[key]

    def shutdown(self) -> None:
        with self._lock:
            for job in list(self._waiting):
                job.state = "cancelled"
                job.future.cancel()
            self._waiting.clear()
            self._stopping = True
            self._wake.notify_all()
        self._pool.shutdown(wait=False, cancel_futures=True)

    # ------------------------------------------------------------------ internals
    def _new_pool(self) -> ProcessPoolExecutor:
        # spawn, not fork: the server has threads, and a forked copy of them can deadlock
        return ProcessPoolExecutor(max_workers=self.workers, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=_worker_init)

    def _detach(self, job: Job, session: str) -> None:
        job.sessions.discard(session)
        if not job.sessions and job.state == "waiting":
            job.state = "cancelled"
            self._waiting.remove(job)
            self._jobs.pop(job.key, None)
            job.future.cancel()

    def _dispatch(self) -> None:
        while True:
            with self._lock:
                while not self._waiting and not self._stopping:
                    self._wake.wait()
                if self._stopping:
                    return
                job = self._waiting.popleft()
                job.state = "running"
                job.future.set_running_or_notify_cancel()
            try:
                result = self._pool.submit(_run_job, job.data, job.settings_json, job.persist).result()
            except BrokenProcessPool as exc:  # a worker died (e.g. out of memory): fresh workers for the next jobs
                with self._lock:
                    self._pool = self._new_pool()
                    job.state = "failed"
                job.future.set_exception(RuntimeError(f"the fit worker stopped unexpectedly ({exc})"))
                continue
            except BaseException as exc:  # noqa: BLE001  (the asker re-raises it: DataError becomes a one-line message)
                with self._lock:
                    job.state = "failed"
                job.future.set_exception(exc)
                continue
            with self._lock:
                job.state = "done"
            job.future.set_result(result)
