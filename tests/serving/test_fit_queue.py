"""The fit worker pool: results equal the in-process fit path; the queue shares, caps, reports and cancels.

Real worker processes (spawned, as the server does), real fits on the fast engine."""

import concurrent.futures
import os

import pytest

from model.analysis import FitSettings, run_analysis
from model.core.errors import DataError
from model.serving.fit_queue import PER_SESSION, FitQueue, JobStatus
from model.serving.fit_workers import workers_from_env

EMBEDDED = ("embedded", "aa", True, True)


@pytest.fixture(scope="module")
def queue():
    q = FitQueue(workers=1)
    yield q
    q.shutdown()


def settings(seed: int, bench: str = "gpqa") -> FitSettings:
    return FitSettings(benchmarks=[bench], draws=250, chains=2, seed=seed)


def test_a_worker_fit_equals_the_same_fit_in_process(queue, aa):
    s = settings(3)
    job = queue.submit("a", "k3", EMBEDDED, s.to_json(), persist=False)
    result = job.future.result(timeout=180)
    here = run_analysis(aa, s)
    assert result.summary.drop(columns=["engine"]).equals(here.summary.drop(columns=["engine"]))
    assert queue.status(job) == JobStatus("done", 0)
    upload = queue.submit("a", "k-upload", aa, s.to_json(), persist=False)  # an upload travels with its job
    assert upload.future.result(timeout=180).summary.equals(result.summary)


def test_the_queue_shares_jobs_reports_positions_caps_sessions_and_cancels():
    q = FitQueue(workers=1, start=False)  # holds its jobs until started, so the queue can be looked at
    try:
        first = q.submit("a", "k10", EMBEDDED, settings(10, "hle").to_json(), persist=False)
        second = q.submit("b", "k11", EMBEDDED, settings(11).to_json(), persist=False)
        third = q.submit("c", "k12", EMBEDDED, settings(12).to_json(), persist=False)
        assert q.submit("d", "k12", EMBEDDED, settings(12).to_json(), persist=False) is third  # same fit: one job
        assert [q.status(j).ahead for j in (first, second, third)] == [0, 1, 2] and q.waiting() == 3
        assert q.status(third).describe() == "In the queue: 2 fit(s) ahead of yours"
        assert PER_SESSION == 1
        replacement = q.submit("b", "k13", EMBEDDED, settings(13).to_json(), persist=False)  # b moved a slider
        assert second.state == "cancelled" and second.future.cancelled()
        assert q.status(replacement).ahead == 2  # behind first and third; b's old place is gone
        q.leave("c", third)
        assert third.state == "waiting"  # d still waits for it
        q.leave("d", third)
        assert third.state == "cancelled" and q.waiting() == 2  # nobody waits any more: dropped before it starts
        q.start()
        done, _ = concurrent.futures.wait([first.future, replacement.future], timeout=300)
        assert len(done) == 2 and replacement.future.result().summary.iloc[0]["seed"] == 13
        assert q.status(first) == JobStatus("done", 0)
    finally:
        q.shutdown()


def test_a_bad_fit_comes_back_as_its_one_line_error(queue):
    job = queue.submit("a", "bad", EMBEDDED, FitSettings(benchmarks=["no_such_benchmark"]).to_json(), persist=False)
    with pytest.raises(DataError, match="Unknown benchmark"):
        job.future.result(timeout=180)
    assert queue.status(job).state == "failed"


def test_worker_count_from_the_environment(monkeypatch):
    for text, n in (("", 1), ("0", 0), ("2", 2), ("-3", 0), ("many", 1)):
        monkeypatch.setenv("FRONTIER_LAG_FIT_WORKERS", text)
        assert workers_from_env() == n


def test_a_flood_from_one_client_is_refused_past_its_cap_and_another_visitor_waits_one_slot():
    """40 sessions from one address (one script opening websockets): two jobs wait, the rest are refused with one
    line; another visitor's fit is next after the one the flood already has in front, and runs second."""
    from model.serving.fit_queue import PER_CLIENT, QueueBusy
    from tests.serving.queue_runners import pause_then_echo

    q = FitQueue(workers=1, start=False, runner=pause_then_echo)
    try:
        flood, refused = [], []
        for i in range(40):
            try:
                flood.append(q.submit(f"flood-{i}", f"f{i}", 0.2, f"f{i}", persist=False, client="203.0.113.9"))
            except QueueBusy as exc:
                refused.append(str(exc))
        assert len(flood) == PER_CLIENT == 2 and len(refused) == 38
        assert set(refused) == {"The server is busy: 2 fits from your address are waiting; try again when one has "
                                "finished."}
        visitor = q.submit("visitor", "v", 0.2, "v", persist=False, client="198.51.100.7")
        assert q.status(visitor).ahead == 1  # behind the flood's first job only, not its 38 others
        finished = []
        for job in (*flood, visitor):
            job.future.add_done_callback(lambda f: finished.append(f.result()))
        q.start()
        concurrent.futures.wait([j.future for j in (*flood, visitor)], timeout=600)
        assert finished == ["f0", "v", "f1"]  # round robin across clients
    finally:
        q.shutdown()


def test_the_queue_refuses_past_its_global_cap():
    from model.serving.fit_queue import MAX_WAITING, QueueBusy
    from tests.serving.queue_runners import pause_then_echo

    q = FitQueue(workers=1, start=False, runner=pause_then_echo)
    try:
        for i in range(MAX_WAITING):
            q.submit(f"s{i}", f"k{i}", 0, "x", persist=False, client=f"192.0.2.{i}")
        with pytest.raises(QueueBusy, match=r"^The server is busy \(32 fits waiting\); try again in a minute\.$"):
            q.submit("late", "late", 0, "x", persist=False, client="192.0.2.250")
        assert q.waiting() == MAX_WAITING
    finally:
        q.shutdown()


def test_a_stopped_worker_fails_its_job_within_the_limit_and_is_replaced(tmp_path):
    """The worker stops itself (SIGSTOP); the watchdog sees the stopped process, fails the job without waiting out the
    fit's limit (an hour here: the message says which rule fired), kills it, and the next job runs on a fresh worker
    (before, every later job waited forever)."""
    from tests.serving.queue_runners import pause_then_echo, stop_self

    q = FitQueue(workers=1, runner=pause_then_echo)
    try:
        assert q.submit("a", "warm", 0, "warm", persist=False).future.result(timeout=600) == "warm"  # worker started
        q.runner = stop_self
        pid_file = tmp_path / "pid"
        stuck = q.submit("a", "stuck", str(pid_file), "x", persist=False, limit=3600)
        with pytest.raises(DataError, match=r"^The fit worker was stopped by the system; it was replaced\. Try again\.$"):
            stuck.future.result(timeout=600)
        _the_next_job_runs_on_a_fresh_worker(q, int(pid_file.read_text()))
    finally:
        q.shutdown()


def test_a_worker_that_never_answers_fails_its_job_after_the_limit_and_is_replaced(tmp_path):
    """A worker that runs but does not answer (here: asleep) is failed after the fit's limit plus the margin."""
    from tests.serving.queue_runners import pause_then_echo, sleep_forever

    q = FitQueue(workers=1, runner=pause_then_echo, watchdog_margin=1)
    try:
        assert q.submit("a", "warm", 0, "warm", persist=False).future.result(timeout=600) == "warm"
        q.runner = sleep_forever
        pid_file = tmp_path / "pid"
        stuck = q.submit("a", "stuck", str(pid_file), "x", persist=False, limit=2)
        with pytest.raises(DataError, match=r"^The fit worker did not answer within 3 s \(the fit's limit plus 1 s\); "
                                            r"it was replaced\. Try again\.$"):
            stuck.future.result(timeout=600)
        _the_next_job_runs_on_a_fresh_worker(q, int(pid_file.read_text()))
    finally:
        q.shutdown()


def _the_next_job_runs_on_a_fresh_worker(q: FitQueue, old_pid: int) -> None:
    from tests.serving.queue_runners import pause_then_echo

    q.runner = pause_then_echo
    after = q.submit("a", "after", 0, "fresh", persist=False)
    assert after.future.result(timeout=600) == "fresh"
    status = f"/proc/{old_pid}/status"
    state = open(status).read().split("State:")[1].split()[0] if os.path.exists(status) else "gone"
    assert state in ("gone", "Z", "X")  # killed, not left stopped or asleep


def test_finished_jobs_nobody_waits_for_are_not_kept_and_records_stay_bounded():
    from model.serving.fit_queue import MAX_FINISHED
    from tests.serving.queue_runners import pause_then_echo

    q = FitQueue(workers=1, runner=pause_then_echo)
    try:
        left = q.submit("gone", "left", 0.5, "x", persist=False)
        while left.state == "waiting":
            concurrent.futures.wait([left.future], timeout=0.05)
        q.leave("gone", left)  # the visitor closed the tab while the fit ran
        left.future.result(timeout=600)
        for batch in range(0, MAX_FINISHED + 20, 20):  # (the queue takes 32 waiting jobs at most)
            jobs = [q.submit(f"s{i}", f"k{i}", 0, "x", persist=False) for i in range(batch, batch + 20)]
            concurrent.futures.wait([j.future for j in jobs], timeout=600)
        assert q.records() <= MAX_FINISHED  # the left job's record and the oldest uncollected ones are gone
        assert "left" not in q._jobs
    finally:
        q.shutdown()


def test_behind_a_trusted_proxy_each_reader_counts_by_the_forwarded_address():
    from model.serving.fit_queue import reader_address

    # behind deploy/nginx.conf: every reader connects from 127.0.0.1; the proxy appends the reader's address
    assert reader_address("127.0.0.1", "203.0.113.7", "127.0.0.1") == "203.0.113.7"
    assert reader_address("127.0.0.1", "10.9.9.9, 203.0.113.7", "127.0.0.1") == "203.0.113.7"  # the hop nginx saw
    assert reader_address("127.0.0.1", None, "127.0.0.1") == "127.0.0.1"
    # a header from anyone not trusted is ignored: a reader cannot pick an address to escape the per-client cap
    assert reader_address("198.51.100.4", "203.0.113.7", "127.0.0.1") == "198.51.100.4"
    assert reader_address("127.0.0.1", "203.0.113.7", None) == "127.0.0.1"  # no proxy declared: the connection's own
