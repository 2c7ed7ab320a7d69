"""A small pool of fit worker processes with a fair, bounded queue, shared by every session of a server.

Why: a fit of seconds (the pooled model, ``--engine nuts``, a stacked fit's refits) holds the interpreter; run
inside the Streamlit server it starves every other session's page. Here such fits run in separate processes (their
own interpreters, at lower priority), one queue feeds them, and each session sees its place in the queue.

* **Shared work.** Two sessions asking for the same fit (same data and settings) wait on one job.
* **A cap per session.** A session has at most :data:`PER_SESSION` jobs waiting; asking for more drops its oldest
  waiting job (a user moving a slider wants the last setting, not every one on the way).
* **A cap per client and in all.** One client (its address where the server knows it, else its session) has at most
  :data:`PER_CLIENT` jobs waiting, and the queue at most :data:`MAX_WAITING`; past either a new job is refused with a
  one-line "busy" message (40 sessions opened by one script no longer put 38 jobs ahead of another visitor).
* **Fair order.** The next job is the one whose client has the fewest jobs running and waiting ahead of it (round
  robin across clients, arrival order within one): another visitor waits for at most the jobs already running.
* **A watchdog.** A worker the system has stopped (SIGSTOP, a debugger, a suspended job) for
  :data:`~model.serving.fit_workers.STOPPED_GRACE` seconds is killed and replaced at once, its job failed with a
  one-line message (a stopped worker held every later job); any other worker that has not answered within the fit's
  own time limit plus :data:`WATCHDOG_MARGIN` is treated the same way. The worker processes themselves live in
  :mod:`model.serving.fit_workers`.
* **Leaving cancels.** :meth:`FitQueue.leave` detaches a session from a job; a waiting job nobody waits for any more is
  dropped before it starts, and a finished job nobody waits for is not kept (a stored fit is on disk already).
* **One pool per host.** With ``host_slots`` (:mod:`model.serving.host_slots`) a worker takes one of the host's fit
  slots before its job starts: however many app processes run behind the proxy, the host runs at most that many fits.
* **Warm workers.** A worker lives as long as the server (compiled models and loaded data stay warm); the embedded
  data is loaded in it by name, an upload is sent with the job.

No Streamlit here: the pages poll :meth:`FitQueue.status` and show it (``ui.fits.fit_in_worker``).
"""

from __future__ import annotations

import contextlib
import itertools
import threading
from collections import Counter, deque
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field

from model.core.errors import DataError
from model.core.limits import MAX_FIT_SECONDS
from model.serving.fit_workers import StoppedWorker, kill_workers, new_worker_pool, run_job, wait_watched
from model.serving.host_slots import HostSlots

#: Most jobs one session may have waiting at once (a newer one replaces the oldest).
PER_SESSION = 1
#: Most jobs one client (address, else session) may have waiting at once; more are refused as "busy".
PER_CLIENT = 2
#: Most jobs waiting in all; more are refused as "busy".
MAX_WAITING = 32
#: Seconds beyond a fit's own time limit before its worker is presumed stuck and replaced (the limit already covers
#: compiles, every stacked member and every refit; this covers loading the data and sending the result back).
WATCHDOG_MARGIN = 60.0
#: Finished jobs whose askers have not collected them yet, kept at most (oldest dropped first).
MAX_FINISHED = 64


def reader_address(ip: str | None, forwarded_for: str | None, trusted_proxies: str | None) -> str | None:
    """The reader's address the per-client cap counts: the connection's own, except from a trusted reverse proxy
    (``trusted_proxies``: comma-separated addresses, e.g. ``FRONTIER_LAG_TRUSTED_PROXIES=127.0.0.1`` behind
    deploy/nginx.conf), where it is the last address the proxy added to ``X-Forwarded-For``. Behind a proxy every
    reader connects from the proxy: without this, all readers shared one client's cap. A header from anyone else is
    ignored (a reader cannot choose their own address)."""
    trusted = {a.strip() for a in (trusted_proxies or "").split(",") if a.strip()}
    if ip is None or ip not in trusted:
        return ip
    hops = [h.strip() for h in (forwarded_for or "").split(",") if h.strip()]
    return hops[-1][:64] if hops else ip


class QueueBusy(DataError):
    """The queue refused a new job: too many are waiting (from this client, or in all)."""


@dataclass
class Job:
    """One fit: who asked (its client), who waits for it, where it stands, its time limit and its future result."""

    key: str
    data: object
    settings_json: str
    persist: bool
    number: int
    client: str = ""
    limit: float = MAX_FIT_SECONDS
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
    """Jobs in fair order, ``workers`` processes taking them one at a time each (each dispatcher owns its worker, so
    the watchdog replaces one stuck worker without touching the others). ``runner`` is the job function (a test
    passes its own); ``host_slots``, where given, bounds the fits running at once across every process on the host."""

    def __init__(self, workers: int = 1, *, start: bool = True, runner=None, watchdog_margin: float = WATCHDOG_MARGIN,
                 host_slots: HostSlots | None = None):
        self.workers = max(1, workers)
        self.host_slots = host_slots
        self.runner = runner or run_job
        self.watchdog_margin = watchdog_margin
        self._lock = threading.Lock()
        self._waiting: list[Job] = []
        self._jobs: dict[str, Job] = {}
        self._finished: deque[str] = deque()
        self._served: Counter = Counter()  # jobs started per client since the queue was last idle
        self._numbers = itertools.count()
        self._wake = threading.Condition(self._lock)
        self._stopping = False
        self._pools = [new_worker_pool() for _ in range(self.workers)]
        self._threads = [threading.Thread(target=self._dispatch, args=(i,), daemon=True, name=f"fit-dispatch-{i}")
                         for i in range(self.workers)]
        if start:
            self.start()

    def start(self) -> None:
        """Begin taking jobs (a queue made with ``start=False`` holds them: the tests look at a full queue)."""
        for t in self._threads:
            if not t.is_alive():
                t.start()

    def submit(self, session: str, key: str, data, settings_json: str, *, persist: bool, client: str | None = None,
               limit: float = MAX_FIT_SECONDS) -> Job:
        """The job for ``key`` (joined if another session asked first), with ``session`` waiting for it.

        ``client`` is the asker's address (None: its session); ``limit`` the fit's own time limit in seconds.
        Raises :class:`QueueBusy` when the client or the queue has too many jobs waiting."""
        client = client or f"session:{session}"
        with self._lock:
            job = self._jobs.get(key)
            if job is None or job.state in ("failed", "cancelled"):
                own = [j for j in self._waiting if j.sessions == {session}]
                leaving = {id(j) for j in own[: max(0, len(own) + 1 - PER_SESSION)]}  # this job replaces them
                from_client = sum(j.client == client and id(j) not in leaving for j in self._waiting)
                if from_client >= PER_CLIENT:
                    raise QueueBusy(f"The server is busy: {from_client} fits from your address are waiting; try again "
                                    "when one has finished.")
                if len(self._waiting) - len(leaving) >= MAX_WAITING:
                    raise QueueBusy(f"The server is busy ({len(self._waiting)} fits waiting); try again in a minute.")
                job = Job(key, data, settings_json, persist, next(self._numbers), client=client, limit=float(limit))
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
            if job.state != "waiting":
                return JobStatus(job.state, 0)
            order = self._order()
            return JobStatus(job.state, order.index(job) if job in order else 0)

    def waiting(self) -> int:
        with self._lock:
            return len(self._waiting)

    def records(self) -> int:
        """Jobs on record (waiting, running, finished and not yet collected): bounded."""
        with self._lock:
            return len(self._jobs)

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
        for pool in self._pools:
            pool.shutdown(wait=False, cancel_futures=True)

    def _replace_worker(self, slot: int) -> None:
        """Kill the slot's worker process (stopped, or too slow to trust) and give the slot a fresh one."""
        kill_workers(self._pools[slot])
        self._pools[slot] = new_worker_pool()

    def _order(self) -> list[Job]:
        """Waiting jobs in the order they will run: round robin across clients (the jobs a client has had started
        since the queue was last idle count as turns taken), arrival order within a client."""
        turn: Counter = Counter()
        ranked = []
        for job in sorted(self._waiting, key=lambda j: j.number):
            ranked.append((self._served[job.client] + turn[job.client], job.number, job))
            turn[job.client] += 1
        return [job for *_, job in sorted(ranked, key=lambda r: r[:2])]

    def _detach(self, job: Job, session: str) -> None:
        job.sessions.discard(session)
        if not job.sessions and job.state == "waiting":
            job.state = "cancelled"
            self._waiting.remove(job)
            self._jobs.pop(job.key, None)
            job.future.cancel()

    def _finish(self, job: Job, state: str) -> None:
        """Under the lock: record the outcome; a job nobody waits for is not kept, and finished records are bounded."""
        job.state = state
        if not self._waiting and not any(j.state == "running" for j in self._jobs.values()):
            self._served.clear()  # idle: every client starts afresh
        if not job.sessions:
            self._jobs.pop(job.key, None)
            return
        self._finished.append(job.key)
        while len(self._finished) > MAX_FINISHED:
            old = self._jobs.get(self._finished.popleft())
            if old is not None and old.state in ("done", "failed", "cancelled"):
                del self._jobs[old.key]

    def _dispatch(self, slot: int) -> None:
        while True:
            with self._lock:
                while not self._waiting and not self._stopping:
                    self._wake.wait()
                if self._stopping:
                    return
            with self.host_slots.held(lambda: self._stopping) if self.host_slots else contextlib.nullcontext(True) as held:
                with self._lock:  # the fair order is taken now: a job that arrived while the host was busy counts
                    if self._stopping or not held:
                        return
                    if not self._waiting:
                        continue
                    job = self._order()[0]
                    self._waiting.remove(job)
                    self._served[job.client] += 1
                    job.state = "running"
                    job.future.set_running_or_notify_cancel()
                self._run(slot, job)

    def _run(self, slot: int, job: Job) -> None:
        """Run ``job`` on the slot's worker and record its outcome (a stuck or dead worker is replaced)."""
        patience = job.limit + self.watchdog_margin
        try:
            result = wait_watched(self._pools[slot], self._pools[slot].submit(self.runner, job.data, job.settings_json,
                                                                               job.persist), patience)
        except StoppedWorker:  # stopped by the system: no point waiting out the limit
            self._replace_worker(slot)
            self._fail(job, DataError("The fit worker was stopped by the system; it was replaced. Try again."))
        except FutureTimeout:  # the worker did not answer: stopped, swapping, or stuck
            self._replace_worker(slot)
            self._fail(job, DataError(f"The fit worker did not answer within {patience:.0f} s (the fit's limit plus "
                                      f"{self.watchdog_margin:.0f} s); it was replaced. Try again."))
        except BrokenProcessPool as exc:  # a worker died (e.g. out of memory): a fresh worker for the next jobs
            self._replace_worker(slot)
            self._fail(job, RuntimeError(f"the fit worker stopped unexpectedly ({exc})"))
        except BaseException as exc:  # noqa: BLE001  (the asker re-raises it: DataError becomes a one-line message)
            self._fail(job, exc)
        else:
            with self._lock:
                self._finish(job, "done")
            job.future.set_result(result)

    def _fail(self, job: Job, exc: BaseException) -> None:
        with self._lock:
            self._finish(job, "failed")
        job.future.set_exception(exc)
